#!/usr/bin/env bash
# deb.sh — make deb: build bin/vikalp (make build: the web app, cgo with
# libturbojpeg) and package it as dist/vikalp_<version>_<arch>.deb with
# nfpm (deploy/debian/nfpm.yaml, deploy/cmd/mkdeb).
#
# VERSION sets the package version; default: the newest v* tag (without
# the v) when HEAD is tagged, else 0.0.0~git<commit time>.<short hash>,
# which sorts after earlier snapshots. Install it with
# `apt-get install ./dist/vikalp_…deb` (docs/OPERATIONS.md, "Production install").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

make --no-print-directory build

version="${VERSION:-}"
if [ -z "$version" ]; then
	if tag=$(git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null); then
		version="${tag#v}"
	else
		version="0.0.0~git$(TZ=UTC git log -1 --date=format-local:%Y%m%d%H%M%S --format=%cd).$(git rev-parse --short HEAD)"
	fi
fi
arch="$(go env GOARCH)"

echo "== packaging vikalp $version ($arch)"
go run ./deploy/cmd/mkdeb -root . -binary bin/vikalp -version "$version" -arch "$arch" -out dist
