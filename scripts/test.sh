#!/usr/bin/env bash
# test.sh — everything CI checks (make test): database up, lint, every Go test
# (unit, PostGIS, HTTP and browser tests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

eval "$(scripts/devdb.sh up)"
export DATABASE_URL

if [ -f web/package.json ]; then scripts/web.sh; fi

echo "== lint"
unformatted=$(gofmt -l $(find . -name '*.go' -not -path './web/*' -not -path './.devdb/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi
go vet ./...

echo "== go test"
go test -count=1 -timeout 15m ./...
