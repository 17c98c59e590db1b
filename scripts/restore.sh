#!/usr/bin/env bash
# restore.sh — restore a backup made by backup.sh into a fresh database and media directory.
#
#   scripts/restore.sh BACKUP_DIR      (make restore BACKUP=backups/vikalp-…)
#
# Restores into DATABASE_URL and the directory of VIKALP_MEDIA_URL (file://).
# The database is created when it does not exist; an existing one must be
# empty (no tables in public), and the media directory must be empty or
# missing: restore never overwrites live data. Steps:
#   1. check both files against the SHA-256 in manifest.json
#   2. create the database, pg_restore --exit-on-error --single-transaction
#   3. unpack the media into the media directory
#   4. vikalp migrate (VIKALP_BIN, else bin/vikalp, else go run): an older
#      backup is brought up to this code's schema; a current one is "up to date"
# DATABASE_URL defaults to the project-local cluster (scripts/devdb.sh url).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${1:-}"
[ -n "$src" ] || { echo "usage: $0 BACKUP_DIR" >&2; exit 2; }
db_url="${DATABASE_URL:-$("$root/scripts/devdb.sh" url)}"
media_url="${VIKALP_MEDIA_URL:-file://./var/media}"

log() { printf 'restore: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

case "$media_url" in
file://*) media_dir="${media_url#file://}"; media_dir="${media_dir%%\?*}" ;;
*) die "VIKALP_MEDIA_URL=$media_url is not a local directory" ;;
esac
for f in db.dump media.tar manifest.json; do
	[ -f "$src/$f" ] || die "$src/$f is missing"
done

log "checking checksums"
for f in db.dump media.tar; do
	want="$(sed -n "s/.*\"$f\": *{[^}]*\"sha256\": *\"\([0-9a-f]*\)\".*/\1/p" "$src/manifest.json")"
	got="$(sha256sum "$src/$f" | cut -d' ' -f1)"
	[ -n "$want" ] && [ "$want" = "$got" ] || die "$f does not match its SHA-256 in manifest.json"
done

dbname="$(printf '%s' "$db_url" | sed -E 's#^[a-z]+://[^/]*/([^?]*).*#\1#')"
admin_url="$(printf '%s' "$db_url" | sed -E 's#^([a-z]+://[^/]*/)[^?]*#\1postgres#')"
[[ "$dbname" =~ ^[A-Za-z0-9_]+$ ]] || die "database name '$dbname' must be letters, digits and _"
if [ "$(psql "$admin_url" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")" != 1 ]; then
	log "creating database $dbname"
	psql "$admin_url" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$dbname\""
elif [ "$(psql "$db_url" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" != 0 ]; then
	die "database $dbname already has tables; restore only into a new or empty database"
fi
if [ -d "$media_dir" ] && [ -n "$(ls -A "$media_dir")" ]; then
	die "media directory $media_dir is not empty"
fi

log "restoring the database into $dbname"
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges -d "$db_url" "$src/db.dump"

log "unpacking media into $media_dir"
mkdir -p "$media_dir"
tar -C "$media_dir" -xf "$src/media.tar"

log "checking migrations"
if [ -n "${VIKALP_BIN:-}" ]; then
	vikalp=("$VIKALP_BIN")
elif [ -x "$root/bin/vikalp" ]; then
	vikalp=("$root/bin/vikalp")
else
	. "$root/scripts/lib/deps.sh"
	ensure_apt_packages $GO_BUILD_PACKAGES
	vikalp=(go run "$root/cmd/vikalp")
fi
DATABASE_URL="$db_url" VIKALP_DATABASE_URL="" "${vikalp[@]}" migrate
log "restored $src into $dbname and $media_dir"
