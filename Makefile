# Vikalp — the two commands that matter:
#   make run    install PostGIS if missing, start .devdb/, build, migrate, seed the demo, serve on :8080
#   make test   start the same database, then vet, format check and every test
SHELL := /bin/bash
BIN   := bin/vikalp
GO    ?= go

.PHONY: run test stop build web lint fmt fuzz bench clean

run: build
	@scripts/run.sh

test:
	@scripts/test.sh

stop:
	@scripts/devdb.sh stop

build: web
	$(GO) build -o $(BIN) ./cmd/vikalp

# The web app is built by npm and embedded; see web/README.md.
web:
	@if [ -f web/package.json ]; then scripts/web.sh; fi

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Every platform benchmark on 1 M synthetic reports → bench/RESULTS.md (minutes;
# run it on a quiet machine).
bench:
	@scripts/bench.sh

# Every fuzz target for FUZZTIME (default 60s) each; make test runs 2 s each.
fuzz:
	@scripts/fuzz.sh

clean:
	rm -rf bin web/dist
