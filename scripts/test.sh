#!/usr/bin/env bash
# test.sh — everything CI checks (make test): database up, lint, every Go test
# (unit, PostGIS, HTTP and browser tests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The database first: when it cannot start (VIKALP_DEVDB_PORT held by
# another checkout's cluster, say), stop before minutes of installing,
# building and linting. An assignment, not eval "$(…)": set -e ignores a
# failing command substitution inside eval.
devdb_env="$(scripts/devdb.sh up)"
eval "$devdb_env"
export DATABASE_URL

. scripts/lib/deps.sh
ensure_apt_packages $GO_BUILD_PACKAGES
# The browser tests (web/browser_test.go) drive Debian's Chromium. They
# render the Hindi pages too: without a Devanagari font every glyph is a
# box, so the 360 px layout checks and the screenshots would not show what
# a reader sees.
if [ ! -x /usr/bin/chromium ] && [ -z "${VIKALP_CHROMIUM:-}" ]; then
	ensure_apt_packages chromium chromium-driver ||
		echo "test.sh: the browser tests need Chromium at /usr/bin/chromium (or VIKALP_CHROMIUM set to a Chrome binary) and will fail without it." >&2
fi
ensure_apt_packages fonts-noto-core ||
	echo "test.sh: without fonts-noto-core, Hindi renders as empty boxes in the browser tests." >&2

if [ -f web/package.json ]; then scripts/web.sh; fi

echo "== lint"
unformatted=$(gofmt -l $(find . -name '*.go' -not -path './web/node_modules/*' -not -path './.devdb/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi
go vet ./...
# staticcheck at a pinned version (the module proxy serves it like any dependency).
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

echo "== go test"
# A killed test run leaves its per-test databases (pgtestdb instances)
# behind, and autovacuum's launcher then cycles through every one of them.
# Drop those nobody is connected to (DROP DATABASE refuses the others, so a
# test run going on beside this one keeps its own).
psql -X -qAt "$DATABASE_URL" -c "SELECT datname FROM pg_database WHERE datname LIKE 'testdb\_tpl\_%\_inst\_%'
	AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)" |
	while read -r db; do psql -X -q "$DATABASE_URL" -c "DROP DATABASE \"$db\"" 2>/dev/null || true; done
# The timeout is a hang guard, not a speed target: package api took 605 s
# of its 900 on a VM whose neighbours had slowed it 2.5× (2026-12-08).
go test -count=1 -timeout 30m ./...

# A count of executions, not a duration (see scripts/fuzz.sh): the same
# work on a busy machine, and no deadline for Go's fuzz coordinator to trip
# over. 5000 a target: 70-90 s for all ten on a busy two-core machine.
echo "== short fuzz pass (make fuzz runs longer)"
FUZZTIME=${VIKALP_TEST_FUZZTIME:-5000x} scripts/fuzz.sh
