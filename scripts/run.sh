#!/usr/bin/env bash
# run.sh — start Vikalp with demo data on a project-local PostGIS (make run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/deps.sh
ensure_apt_packages $GO_BUILD_PACKAGES # make run builds first; this keeps run.sh alone working

# An assignment, not eval "$(…)": set -e ignores a failing command
# substitution inside eval; this way a database that cannot start stops here.
devdb_env="$(scripts/devdb.sh up)"
eval "$devdb_env"
export DATABASE_URL
export VIKALP_ADDR="${VIKALP_ADDR:-:8080}"

bin/vikalp migrate
# Seed only an empty database, so running `make run` twice keeps your changes.
districts=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM districts" 2>/dev/null || echo 0)
if [ "${districts:-0}" = "0" ]; then
	bin/vikalp seed --demo
	# A year of synthetic hotspot reports and one analysis run, so the maps,
	# hotspots and dashboards have something to show from the first minute.
	bin/vikalp seed --synthetic "${VIKALP_DEMO_REPORTS:-20000}"
	bin/vikalp analyze
fi

port="${VIKALP_ADDR##*:}"
cat <<MSG

  Vikalp is starting on http://localhost:${port}/
  Staff accounts (demo password for every demo account: vikalp-demo-2026):
$(bin/vikalp user list 2>/dev/null | sed 's/^/    /' || true)
  admin, msp.legal, ahtu.lko and ahtu.up also need a TOTP code (DEV ONLY demo secret):
    bin/vikalp totp code --demo
  Stop the server with Ctrl-C; stop the database with: make stop

MSG
exec bin/vikalp serve
