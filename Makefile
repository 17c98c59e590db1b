# Vikalp — the two commands that matter:
#   make run    install PostGIS if missing, start .devdb/, build, migrate, seed the demo, serve on :8080
#   make test   start the same database, then vet, format check and every test
SHELL := /bin/bash
BIN   := bin/vikalp
GO    ?= go

.PHONY: run test stop build web lint fmt fuzz bench clean cluster cluster-stop backup restore deb

run: build
	@scripts/run.sh

test:
	@scripts/test.sh

stop:
	@scripts/devdb.sh stop

# cgo needs gcc and libjpeg-turbo's TurboJPEG (scripts/lib/deps.sh installs
# them from apt when missing).
build: web
	@. scripts/lib/deps.sh && ensure_apt_packages $$GO_BUILD_PACKAGES
	$(GO) build -o $(BIN) ./cmd/vikalp

# The web app is built by npm and embedded; see web/README.md.
web:
	@if [ -f web/package.json ]; then scripts/web.sh; fi

lint:
	@. scripts/lib/deps.sh && ensure_apt_packages $$GO_BUILD_PACKAGES
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Every platform benchmark on 1 M synthetic reports, each hot path beside its
# database ceiling measured in the same run, on a cluster of its own with
# production durability → bench/RESULTS.md (minutes; run it on a quiet
# machine). BENCH_REPORTS=100000 BENCH_DURATION=5s make bench: a quick pass.
bench:
	@scripts/bench.sh

# Every fuzz target for FUZZTIME each (default 200000x: 200,000 executions;
# make test runs 5000x). A count, not a duration: see scripts/fuzz.sh.
fuzz:
	@scripts/fuzz.sh

clean:
	rm -rf bin web/dist

# Backups (docs/OPERATIONS.md): the database (pg_dump -Fc) and the media
# directory, with a manifest. DATABASE_URL and VIKALP_MEDIA_URL pick the
# source or target; both default to the local development setup.
backup:
	@scripts/backup.sh $(BACKUP_DIR)

# Restores BACKUP into a new or empty database and media directory.
restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/vikalp-<time>"; exit 2; }
	@scripts/restore.sh $(BACKUP)

# Scale-out on one machine: a primary and a streaming replica, two
# `serve --workers=false` replicas and two `work` processes; see scripts/cluster.sh.
cluster: build
	@scripts/cluster.sh up

cluster-stop:
	@scripts/cluster.sh stop

# The Debian package dist/vikalp_<version>_<arch>.deb: binary, vikalp user,
# hardened systemd units, /etc/vikalp/vikalp.env (docs/OPERATIONS.md,
# "Production install"). VERSION=… overrides the version.
deb:
	@scripts/deb.sh
