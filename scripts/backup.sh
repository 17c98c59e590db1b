#!/usr/bin/env bash
# backup.sh — a consistent backup of Vikalp: the database and the media bucket.
#
#   scripts/backup.sh [OUT_DIR]        (make backup [BACKUP_DIR=…])
#
# Writes OUT_DIR (default backups/vikalp-<UTC time>/) holding
#   db.dump        pg_dump custom format (-Fc) of DATABASE_URL: schema, data, River jobs
#   media.tar      tar of the media bucket directory (VIKALP_MEDIA_URL, file:// only)
#   manifest.json  time, commit, database name, sizes, blob count and SHA-256 of both files
#
# The database is dumped first and the media directory is archived after it:
# blobs are written before the row that points to them commits, so every
# media row in the dump has its blobs in the tar (the tar may also hold a few
# newer blobs without rows, which are harmless). Restore with restore.sh.
# DATABASE_URL defaults to the project-local cluster (scripts/devdb.sh url).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db_url="${DATABASE_URL:-$("$root/scripts/devdb.sh" url)}"
media_url="${VIKALP_MEDIA_URL:-file://./var/media}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="${1:-backups/vikalp-$stamp}"

log() { printf 'backup: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

case "$media_url" in
file://*) media_dir="${media_url#file://}"; media_dir="${media_dir%%\?*}" ;;
*) die "VIKALP_MEDIA_URL=$media_url is not a local directory; back up an object store with its own versioning/replication (docs/OPERATIONS.md)" ;;
esac
command -v pg_dump >/dev/null || die "pg_dump not found (install the PostgreSQL client)"

[ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ] && die "$out exists and is not empty"
mkdir -p "$out"
tmp="$out/.partial"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

log "dumping the database"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$tmp/db.dump" "$db_url"

log "archiving media from $media_dir"
blobs=0
if [ -d "$media_dir" ]; then
	blobs="$(find "$media_dir" -type f ! -name '*.attrs' ! -name '*.tmp' | wc -l)"
	tar -C "$media_dir" -cf "$tmp/media.tar" .
else
	log "no media directory yet; archiving an empty one"
	empty="$tmp/empty"; mkdir -p "$empty"
	tar -C "$empty" -cf "$tmp/media.tar" .
	rmdir "$empty"
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
commit="${VIKALP_COMMIT:-$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)}"
dbname="$(printf '%s' "$db_url" | sed -E 's#^[a-z]+://[^/]*/([^?]*).*#\1#')"
cat >"$tmp/manifest.json" <<JSON
{
  "format": 1,
  "created_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$commit",
  "database": "$dbname",
  "pg_dump": "$(pg_dump --version | sed 's/"//g')",
  "blobs": $blobs,
  "files": {
    "db.dump": {"bytes": $(size "$tmp/db.dump"), "sha256": "$(sha "$tmp/db.dump")"},
    "media.tar": {"bytes": $(size "$tmp/media.tar"), "sha256": "$(sha "$tmp/media.tar")"}
  }
}
JSON
mv "$tmp/db.dump" "$tmp/media.tar" "$tmp/manifest.json" "$out/"
log "wrote $out (db.dump $(size "$out/db.dump") bytes, media.tar with $blobs blobs)"
echo "$out"
