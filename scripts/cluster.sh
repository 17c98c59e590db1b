#!/usr/bin/env bash
# cluster.sh — Vikalp's scale-out shape on one machine (make cluster).
#
#   scripts/cluster.sh up      start (or keep) everything below; prints what runs where
#   scripts/cluster.sh stop    stop the processes and both PostgreSQL servers
#   scripts/cluster.sh status  print what runs where
#
# What runs (ports overridable by environment):
#   PostgreSQL primary   127.0.0.1:${VIKALP_CLUSTER_PRIMARY_PORT:-54331}  its own cluster, not the devdb
#   PostgreSQL replica   127.0.0.1:${VIKALP_CLUSTER_REPLICA_PORT:-54332}  pg_basebackup -R, streaming
#   vikalp serve --workers=false  :${VIKALP_CLUSTER_HTTP1:-8081} and :${VIKALP_CLUSTER_HTTP2:-8082}
#                                 (tiles and analytics reads on the replica: VIKALP_READ_DATABASE_URL)
#   vikalp work          two processes (River hands each job to exactly one)
# There is no load balancer: point clients at either URL, or put any
# round-robin proxy in front. Nothing but PostgreSQL connects the processes.
# Both replicas share the media directory var/media (in production, an
# S3-compatible bucket via VIKALP_MEDIA_URL).
#
# State lives in .devdb/cluster/ (logs, pids; the data directories too
# unless postgres cannot reach the checkout, as for devdb.sh, in which case
# they go to /var/lib/vikalp-cluster/). `up` is idempotent; the shared
# development database (.devdb/data) is never touched.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.devdb/cluster"
primary_port="${VIKALP_CLUSTER_PRIMARY_PORT:-54331}"
replica_port="${VIKALP_CLUSTER_REPLICA_PORT:-54332}"
http_ports=("${VIKALP_CLUSTER_HTTP1:-8081}" "${VIKALP_CLUSTER_HTTP2:-8082}")
bin="$root/bin/vikalp"
primary_url="postgres://vikalp:vikalp@127.0.0.1:${primary_port}/vikalp?sslmode=disable"
replica_url="postgres://vikalp:vikalp@127.0.0.1:${replica_port}/vikalp?sslmode=disable"

log() { printf 'cluster: %s\n' "$*" >&2; }
. "$root/scripts/lib/pg.sh"

# pgdir is where the data directories live: in .devdb/cluster, or below
# /var/lib when the postgres user cannot reach the checkout.
pgdir() {
	mkdir -p "$state/pg"
	if [ "$(id -u)" -ne 0 ]; then echo "$state/pg"; return; fi
	chown postgres:postgres "$state/pg"
	if runuser -u postgres -- test -w "$state/pg"; then echo "$state/pg"; return; fi
	local real
	real="$(var_lib_dir vikalp-cluster)"
	mkdir -p "$real"
	chown postgres:postgres "$real"
	echo "$real"
}

start_primary() {
	local data="$pg/primary"
	if [ ! -f "$data/PG_VERSION" ]; then
		log "initialising the primary in $data"
		# initdb's pg_hba.conf already lets host connections from 127.0.0.1
		# replicate (scram); wal_level=replica and max_wal_senders are defaults.
		pg_initdb "$data" "$state/initdb.log" <<CONF
listen_addresses = '127.0.0.1'
port = ${primary_port}
unix_socket_directories = '${pg}'
max_connections = 200
shared_buffers = 128MB
# A one-machine demonstration: trade crash durability for speed.
fsync = off
synchronous_commit = off
CONF
	fi
	pg_start "$data" "$pg/primary.log" "the primary on 127.0.0.1:${primary_port}"
	pg_createdb "$pg" "$primary_port"
	DATABASE_URL="$primary_url" "$bin" migrate >/dev/null
	local districts
	districts=$(as_owner "$pgbin/psql" -h "$pg" -p "$primary_port" -U vikalp -d vikalp -tAc "SELECT count(*) FROM districts")
	if [ "${districts:-0}" = "0" ]; then
		log "seeding the demo data"
		(cd "$root" && DATABASE_URL="$primary_url" "$bin" seed --demo >/dev/null)
	fi
}

start_replica() {
	local data="$pg/replica"
	if [ ! -f "$data/PG_VERSION" ]; then
		log "cloning the primary into $data (pg_basebackup -R)"
		rm -rf "$data"
		as_owner env PGPASSWORD=vikalp "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U vikalp \
			-D "$data" -R -X stream --checkpoint=fast
		as_owner tee -a "$data/postgresql.conf" >/dev/null <<CONF
port = ${replica_port}
hot_standby = on
CONF
	fi
	pg_start "$data" "$pg/replica.log" "the streaming replica on 127.0.0.1:${replica_port}"
}

# alive NAME: the process recorded in NAME.pid runs.
alive() {
	local f="$state/$1.pid"
	[ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

# launch NAME ENV... -- ARGS...: start bin/vikalp ARGS with ENV in the
# background unless NAME already runs.
launch() {
	local name="$1"
	shift
	if alive "$name"; then return 0; fi
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	(cd "$root" && exec env "${envs[@]}" nohup "$bin" "$@" >>"$state/$name.log" 2>&1 </dev/null) &
	echo $! >"$state/$name.pid"
	log "started $name (pid $!)"
}

wait_ready() {
	local port="$1" i
	for i in $(seq 1 150); do
		if curl -fsS -o /dev/null "http://127.0.0.1:${port}/readyz" 2>/dev/null; then return 0; fi
		sleep 0.2
	done
	log "serve on :${port} is not ready; see $state/serve-*.log"
	return 1
}

status() {
	local p
	echo
	echo "  Vikalp cluster (state in $state)"
	printf '    %-30s %s\n' "PostgreSQL primary" "$primary_url$(pg_running "$pg/primary" || echo '  [stopped]')"
	printf '    %-30s %s\n' "PostgreSQL streaming replica" "$replica_url$(pg_running "$pg/replica" || echo '  [stopped]')"
	for i in 1 2; do
		p="${http_ports[$((i - 1))]}"
		printf '    %-30s %s\n' "serve-$i (--workers=false)" "http://localhost:${p}/  pid $(cat "$state/serve-$i.pid" 2>/dev/null || echo -)$(alive "serve-$i" || echo '  [stopped]')"
	done
	for i in 1 2; do
		printf '    %-30s %s\n' "work-$i" "pid $(cat "$state/work-$i.pid" 2>/dev/null || echo -)$(alive "work-$i" || echo '  [stopped]')"
	done
	echo "    logs: $state/*.log   stop: make cluster-stop"
	echo "  No load balancer: use either URL, or put any round-robin proxy in front of both."
	echo
}

up() {
	[ -x "$bin" ] || { log "build first: make build"; exit 1; }
	pgbin="$(pg_bindir)" || { log "PostgreSQL is not installed: run scripts/devdb.sh up once (it installs PostGIS)"; exit 1; }
	mkdir -p "$state"
	pg="$(pgdir)"
	start_primary
	start_replica
	local i common=(DATABASE_URL="$primary_url" VIKALP_DATABASE_URL= VIKALP_DB_MAX_CONNS=10)
	for i in 1 2; do
		launch "serve-$i" "${common[@]}" VIKALP_READ_DATABASE_URL="$replica_url" \
			VIKALP_ADDR="127.0.0.1:${http_ports[$((i - 1))]}" -- serve --workers=false
	done
	for i in 1 2; do
		launch "work-$i" "${common[@]}" -- work
	done
	for i in 1 2; do wait_ready "${http_ports[$((i - 1))]}"; done
	status
}

# stop_pid NAME: SIGTERM, then up to 20 s for running requests and jobs.
stop_pid() {
	local f="$state/$1.pid" pid i
	[ -f "$f" ] || return 0
	pid="$(cat "$f")"
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
		log "stopped $1"
	fi
	rm -f "$f"
}

stop() {
	local n
	for n in serve-1 serve-2 work-1 work-2; do stop_pid "$n"; done
	pgbin="$(pg_bindir)" || return 0
	[ -d "$state" ] || return 0
	pg="$(pgdir)"
	for n in replica primary; do
		if pg_running "$pg/$n"; then
			pg_stop "$pg/$n"
			log "stopped the PostgreSQL $n"
		fi
	done
}

case "${1:-}" in
up) up ;;
stop) stop ;;
status)
	pgbin="$(pg_bindir)"
	mkdir -p "$state"
	pg="$(pgdir)"
	status
	;;
*)
	echo "usage: $0 up|stop|status" >&2
	exit 2
	;;
esac
