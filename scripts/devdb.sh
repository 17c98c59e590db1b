#!/usr/bin/env bash
# devdb.sh — a project-local PostgreSQL + PostGIS cluster under .devdb/.
#
#   scripts/devdb.sh up     install PostGIS if missing, init and start the cluster,
#                           create the database; prints `export DATABASE_URL=...`
#   scripts/devdb.sh stop   stop the cluster (data stays in .devdb/)
#   scripts/devdb.sh url    print the DATABASE_URL of the local cluster
#   scripts/devdb.sh socket-url   the same over the cluster's Unix socket
#
# When DATABASE_URL is already set, `up` uses that server and starts nothing.
# The cluster listens on 127.0.0.1:${VIKALP_DEVDB_PORT:-54329} and on a unix
# socket in .devdb/run; it is for development and tests only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.devdb"
data="$dir/data"
port="${VIKALP_DEVDB_PORT:-54329}"
# A relocated cluster (see relocate_if_unreachable) is reached through the link.
if [ -L "$dir" ]; then
	dir="$(readlink -f "$dir")"
	data="$dir/data"
fi
local_url="postgres://vikalp:vikalp@127.0.0.1:${port}/vikalp?sslmode=disable"

log() { printf 'devdb: %s\n' "$*" >&2; }
. "$root/scripts/lib/pg.sh"

have_postgis() {
	ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1
}

install_postgres() {
	if pg_bindir >/dev/null && have_postgis; then return 0; fi
	if [ ! -r /etc/os-release ] || ! grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release || ! command -v apt-get >/dev/null; then
		log "PostgreSQL 15+ with PostGIS 3 is required and this is not a Debian-like system."
		log "Install PostgreSQL and PostGIS yourself, or set DATABASE_URL to a PostGIS server, then retry."
		exit 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		log "PostgreSQL/PostGIS are missing and installing them needs root. Run as root, or:"
		log "  sudo apt-get install -y postgresql postgresql-contrib postgresql-\$(ver)-postgis-3"
		log "or set DATABASE_URL to an existing PostGIS server."
		exit 1
	fi
	log "installing PostgreSQL and PostGIS from apt (one time)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq postgresql postgresql-contrib >/dev/null
	local ver
	ver="$(basename "$(dirname "$(pg_bindir)")")"
	apt-get install -y -qq "postgresql-${ver}-postgis-3" >/dev/null
}

# relocate_if_unreachable: when the checkout sits below a directory the
# postgres user cannot enter (e.g. /root), keep the cluster in /var/lib and
# leave .devdb as a symlink to it.
relocate_if_unreachable() {
	if runuser -u postgres -- test -w "$dir/run"; then return 0; fi
	local real
	real="$(var_lib_dir vikalp-devdb)"
	log "postgres cannot reach $dir; keeping the cluster in $real"
	mkdir -p "$real/run"
	if [ ! -L "$dir" ]; then rm -rf "$dir"; ln -s "$real" "$dir"; fi
	chown -R postgres:postgres "$real"
	dir="$real"
	data="$dir/data"
}

up() {
	if [ -n "${DATABASE_URL:-}" ]; then
		log "using DATABASE_URL from the environment; not starting a local cluster"
		echo "export DATABASE_URL='$DATABASE_URL'"
		return 0
	fi
	install_postgres
	pgbin="$(pg_bindir)"
	mkdir -p "$dir/run"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres:postgres "$dir"
		chmod o+x "$root" 2>/dev/null || true
		relocate_if_unreachable
	fi
	if [ ! -f "$data/PG_VERSION" ]; then
		log "initialising a new cluster in .devdb/data"
		pg_initdb "$data" "$dir/initdb.log" <<CONF
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${dir}/run'
max_connections = 200
shared_buffers = 256MB
# A development cluster: trade crash durability for speed of tests.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
	fi
	pg_start "$data" "$dir/postgres.log" "PostgreSQL on 127.0.0.1:${port}"
	pg_createdb "$dir/run" "$port"
	echo "export DATABASE_URL='$local_url'"
}

stop() {
	pgbin="$(pg_bindir)" || { log "no PostgreSQL installed"; return 0; }
	if pg_running "$data"; then
		pg_stop "$data"
		log "stopped"
	else
		log "not running"
	fi
}

case "${1:-}" in
up) up ;;
stop) stop ;;
url) echo "$local_url" ;;
# The same database over the cluster's Unix socket: what a process on this
# host should use (no TCP stack; make bench measures with it).
socket-url) echo "postgres://vikalp:vikalp@/vikalp?host=${dir}/run&port=${port}&sslmode=disable" ;;
*)
	echo "usage: $0 up|stop|url|socket-url" >&2
	exit 2
	;;
esac
