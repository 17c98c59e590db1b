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
# The cluster listens on a unix socket in .devdb/run and on 127.0.0.1 at
# VIKALP_DEVDB_PORT when set, else at the port this checkout recorded in
# .devdb/port, else 54329. When another process (another checkout's cluster)
# holds that port, `up` moves this checkout's cluster to a port of its own,
# derived from the checkout's path, records it and says so; with
# VIKALP_DEVDB_PORT set it fails instead. `up` prints nothing on stdout and
# exits non-zero whenever it has no database to offer.
# The cluster is for development and tests only.
#
# VIKALP_DEVDB_PROFILE=bench selects a second cluster, the one make bench
# measures on (scripts/bench.sh): in .devdb/bench, first port 54339, with
# production durability (fsync, synchronous_commit and full_page_writes on),
# so every figure pays the WAL flush a deployment pays.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile="${VIKALP_DEVDB_PROFILE:-dev}"
case "$profile" in
dev) dir="$root/.devdb" first_port=54329 durable=off ;;
bench) dir="$root/.devdb/bench" first_port=54339 durable=on ;;
*)
	printf 'devdb: VIKALP_DEVDB_PROFILE must be dev or bench, not %s\n' "$profile" >&2
	exit 1
	;;
esac
data="$dir/data"
# A relocated cluster (see relocate_if_unreachable) is reached through the link.
if [ -L "$dir" ]; then
	dir="$(readlink -f "$dir")"
	data="$dir/data"
fi
port="${VIKALP_DEVDB_PORT:-$(cat "$dir/port" 2>/dev/null || true)}"
case "$port" in
'') port=$first_port ;;
*[!0-9]*)
	printf 'devdb: port %s (VIKALP_DEVDB_PORT or .devdb/port) is not a number\n' "$port" >&2
	exit 1
	;;
esac

local_url() { echo "postgres://vikalp:vikalp@127.0.0.1:${port}/vikalp?sslmode=disable"; }
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
	real="$(var_lib_dir "vikalp-devdb${profile#dev}")"
	log "postgres cannot reach $dir; keeping the cluster in $real"
	mkdir -p "$real/run"
	if [ ! -L "$dir" ]; then rm -rf "$dir"; ln -s "$real" "$dir"; fi
	chown -R postgres:postgres "$real"
	dir="$real"
	data="$dir/data"
}

# choose_port settles the port of this checkout's cluster. A running cluster
# keeps the port it runs on. A port another process holds is refused when
# it was asked for (VIKALP_DEVDB_PORT), and otherwise gives way to this
# checkout's own port.
choose_port() {
	if pg_running "$data"; then
		local running
		running="$(sed -n 4p "$data/postmaster.pid")"
		if [ -n "${VIKALP_DEVDB_PORT:-}" ] && [ "$running" != "$VIKALP_DEVDB_PORT" ]; then
			log "this checkout's cluster runs on port $running, not VIKALP_DEVDB_PORT=$VIKALP_DEVDB_PORT; stop it first (make stop)"
			exit 1
		fi
		port="$running"
		return 0
	fi
	if ! port_taken "$port"; then return 0; fi
	local taken="$port"
	if [ -n "${VIKALP_DEVDB_PORT:-}" ]; then
		log "port $taken (VIKALP_DEVDB_PORT) on 127.0.0.1 is held by $(holder "$taken")."
		log "Set VIKALP_DEVDB_PORT to a free port, or unset it to let this checkout pick its own."
		exit 1
	fi
	port="$(own_port)" || {
		log "port $taken on 127.0.0.1 is held by $(holder "$taken"), and so are this checkout's own ports."
		log "Set VIKALP_DEVDB_PORT to a free port."
		exit 1
	}
	log "port $taken on 127.0.0.1 is held by $(holder "$taken"); this checkout's cluster uses port $port"
	log "(recorded in $dir/port, reused from now on; VIKALP_DEVDB_PORT chooses another)"
}

# port_taken PORT: something accepts connections on 127.0.0.1:PORT.
port_taken() { timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# holder PORT names what holds PORT, as far as a probe can tell.
holder() {
	local rc=0
	"$pgbin/pg_isready" -q -h 127.0.0.1 -p "$1" -t 5 || rc=$?
	if [ "$rc" -le 1 ]; then
		echo "another PostgreSQL (another checkout's development cluster?)"
	else
		echo "another process"
	fi
}

# own_port prints this checkout's own port: one of 54400-54899 derived from
# the checkout's path, so the same checkout always gets the same one, or
# the first free one after it.
own_port() {
	local hash p i
	hash="$(printf '%s' "$root${profile#dev}" | sha256sum | cut -c1-8)"
	for i in $(seq 0 19); do
		p=$((54400 + (0x$hash + i) % 500))
		if ! port_taken "$p"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# conf_port makes an existing cluster listen on $port from its next start:
# a later line of postgresql.conf overrides an earlier one.
conf_port() {
	if pg_running "$data"; then return 0; fi
	if [ "$(as_owner "$pgbin/postgres" -D "$data" -C port)" != "$port" ]; then
		echo "port = ${port}" | as_owner tee -a "$data/postgresql.conf" >/dev/null
	fi
}

# conf_durability sets the profile's durability from the cluster's next
# start: off for development (trading crash durability for the speed of
# tests), on (production's settings) for the bench cluster.
conf_durability() {
	if pg_running "$data"; then return 0; fi
	local s
	for s in fsync synchronous_commit full_page_writes; do
		if [ "$(as_owner "$pgbin/postgres" -D "$data" -C "$s")" != "$durable" ]; then
			echo "$s = $durable" | as_owner tee -a "$data/postgresql.conf" >/dev/null
		fi
	done
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
	choose_port
	if [ ! -f "$data/PG_VERSION" ]; then
		log "initialising a new cluster in ${data#"$root"/}"
		pg_initdb "$data" "$dir/initdb.log" <<CONF
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${dir}/run'
max_connections = 200
shared_buffers = 256MB
CONF
	fi
	conf_durability
	conf_port
	pg_start "$data" "$dir/postgres.log" "PostgreSQL on 127.0.0.1:${port}"
	pg_createdb "$dir/run" "$port"
	echo "$port" >"$dir/port"
	echo "export DATABASE_URL='$(local_url)'"
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
url) local_url ;;
# The same database over the cluster's Unix socket: what a process on this
# host should use (no TCP stack; make bench measures with it).
socket-url) echo "postgres://vikalp:vikalp@/vikalp?host=${dir}/run&port=${port}&sslmode=disable" ;;
*)
	echo "usage: $0 up|stop|url|socket-url" >&2
	exit 2
	;;
esac
