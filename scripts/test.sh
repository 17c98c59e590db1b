#!/usr/bin/env bash
# test.sh — everything CI checks (make test): database up, lint, every Go test
# (unit, PostGIS, HTTP and browser tests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. scripts/lib/deps.sh
ensure_apt_packages $GO_BUILD_PACKAGES
# The browser tests (web/browser_test.go) drive Debian's Chromium.
if [ ! -x /usr/bin/chromium ] && [ -z "${VIKALP_CHROMIUM:-}" ]; then
	ensure_apt_packages chromium chromium-driver fonts-noto-core ||
		echo "test.sh: the browser tests need Chromium at /usr/bin/chromium (or VIKALP_CHROMIUM set to a Chrome binary) and will fail without it." >&2
fi

eval "$(scripts/devdb.sh up)"
export DATABASE_URL

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
go test -count=1 -timeout 15m ./...

echo "== short fuzz pass (make fuzz runs longer)"
FUZZTIME=${VIKALP_TEST_FUZZTIME:-2s} scripts/fuzz.sh
