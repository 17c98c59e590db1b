#!/usr/bin/env bash
# fuzz.sh — run every Go fuzz target (func FuzzX in *_test.go) for a fixed
# number of executions each.
#   make fuzz                        200000 executions a target (FUZZTIME=200000x)
#   FUZZTIME=5000x scripts/fuzz.sh   the short pass of make test
#   FUZZTIME=5000000x make fuzz      a long soak
# FUZZTIME is passed to go test -fuzztime. Give it as a count (Nx): a
# duration (60s) is a wall-clock deadline, and Go 1.26's fuzz coordinator
# can report "context deadline exceeded" at that deadline with no failing
# input (golang/go#75804, fixed in Go 1.27), more often on a busy machine,
# where a duration also buys only a few executions. A count has no deadline:
# a busy machine takes longer, and only a real crasher fails the run.
# New crashers land in the package's testdata/fuzz/FuzzX/ and fail the run;
# commit them with the fix so 'go test' replays them forever after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/deps.sh
ensure_apt_packages $GO_BUILD_PACKAGES
FUZZTIME=${FUZZTIME:-200000x}
case "$FUZZTIME" in
*[0-9]x) ;;
*) echo "fuzz.sh: FUZZTIME=$FUZZTIME is a duration; Go 1.26 may fail it with 'context deadline exceeded' and no crasher (golang/go#75804). Use a count such as 200000x." >&2 ;;
esac

# One log for the target being fuzzed, private to this run.
log=$(mktemp "${TMPDIR:-/tmp}/vikalp-fuzz.XXXXXX")
trap 'rm -f "$log"' EXIT

# Each line: a package directory and a fuzz target in it.
targets=$(grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . \
	--exclude-dir=node_modules --exclude-dir=.devdb |
	while read -r f; do
		grep -oE '^func Fuzz[A-Za-z0-9_]*' "$f" | sed "s#^func #$(dirname "$f") #"
	done | sort -u)

echo "$targets" | while read -r dir target; do
	[ -n "$dir" ] || continue
	echo "== fuzz $dir $target ($FUZZTIME)"
	go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" "$dir" >"$log" 2>&1 || {
		cat "$log"; exit 1
	}
	tail -n 1 "$log"
done
