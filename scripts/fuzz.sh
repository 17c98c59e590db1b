#!/usr/bin/env bash
# fuzz.sh — run every Go fuzz target (func FuzzX in *_test.go) for a while.
#   FUZZTIME=2s scripts/fuzz.sh     the short pass of make test
#   make fuzz                       60 s a target (FUZZTIME=10m for a long soak)
# New crashers land in the package's testdata/fuzz/FuzzX/ and fail the run;
# commit them with the fix so 'go test' replays them forever after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/deps.sh
ensure_apt_packages $GO_BUILD_PACKAGES
FUZZTIME=${FUZZTIME:-60s}

# Each line: a package directory and a fuzz target in it.
targets=$(grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . \
	--exclude-dir=node_modules --exclude-dir=.devdb |
	while read -r f; do
		grep -oE '^func Fuzz[A-Za-z0-9_]*' "$f" | sed "s#^func #$(dirname "$f") #"
	done | sort -u)

echo "$targets" | while read -r dir target; do
	[ -n "$dir" ] || continue
	echo "== fuzz $dir $target ($FUZZTIME)"
	go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" "$dir" >/tmp/vikalp-fuzz.log 2>&1 || {
		cat /tmp/vikalp-fuzz.log; exit 1
	}
	tail -n 1 /tmp/vikalp-fuzz.log
done
