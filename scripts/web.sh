#!/usr/bin/env bash
# web.sh — build the web app (web/src → web/dist), which the Go binary embeds
# (web/web.go). Run by `make build`, `make run` and `make test`; run it by hand
# after changing web/ and before `go build`. Nothing is done when web/dist is
# newer than every input. VIKALP_WEB_FORCE=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../web"

inputs=()
for f in src public index.html package.json package-lock.json vite.config.ts tsconfig.json; do
	[ -e "$f" ] && inputs+=("$f")
done
if [ "${VIKALP_WEB_FORCE:-}" != 1 ] && [ -f dist/index.html ] &&
	[ -z "$(find "${inputs[@]}" -newer dist/index.html -print -quit)" ]; then
	echo "== web: web/dist is up to date"
	exit 0
fi

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	{
		echo "web.sh: npm and Node.js are needed to build the web app (web/dist), and they are not installed."
		echo "  Debian/Ubuntu:  apt-get install nodejs npm     (Node 20.19 or newer)"
		echo "Without the build, the binary serves a \"web app not built\" page; the JSON API still works."
	} >&2
	exit 1
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1)'; then
	echo "web.sh: Node $(node --version) is too old for Vite; install Node 20.19+ or 22.12+." >&2
	exit 1
fi

if [ -f package-lock.json ]; then
	# npm ci wipes node_modules: do it only when the lockfile changed since.
	if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		echo "== web: npm ci"
		npm ci --no-audit --no-fund
	fi
else
	echo "== web: npm install (no package-lock.json yet)"
	npm install --no-audit --no-fund
fi
echo "== web: build"
npm run build
touch dist/index.html # the freshness mark checked above
