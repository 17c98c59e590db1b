# pg.sh — the PostgreSQL plumbing devdb.sh and cluster.sh share. Sourced,
# not run: the caller defines root (the checkout) and log, and sets pgbin
# (from pg_bindir) before using the pg_* cluster helpers.

# pg_bindir prints the bin directory of the newest installed PostgreSQL.
pg_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
	done
	return 1
}

# as_owner runs a command as the cluster's owner: postgres refuses to run as root.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# var_lib_dir NAME prints this checkout's directory below /var/lib/NAME, the
# home of data directories when the postgres user cannot reach the checkout
# (e.g. below /root).
var_lib_dir() {
	printf '/var/lib/%s/%s\n' "$1" "$(printf '%s' "$root" | sha256sum | cut -c1-12)"
}

# pg_running DATA: a cluster exists in DATA and runs.
pg_running() { [ -f "$1/PG_VERSION" ] && as_owner "$pgbin/pg_ctl" -D "$1" status >/dev/null 2>&1; }

# pg_initdb DATA LOG: a new cluster in DATA whose superuser is vikalp
# (password vikalp), initdb's output in LOG, and standard input appended
# to its postgresql.conf.
pg_initdb() {
	local data="$1" pw
	pw="$(dirname "$data")/pwfile"
	echo vikalp >"$pw"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pw"
	as_owner "$pgbin/initdb" -D "$data" -U vikalp --pwfile="$pw" -E UTF8 --locale=C.UTF-8 \
		--auth-local=trust --auth-host=scram-sha-256 >"$2"
	rm -f "$pw"
	as_owner tee -a "$data/postgresql.conf" >/dev/null
}

# pg_start DATA LOG WHAT: start the cluster in DATA, logging to LOG, unless
# it runs; WHAT names it in the messages. When it does not start, the end of
# LOG says why (a port in use, for one).
pg_start() {
	if pg_running "$1"; then return 0; fi
	log "starting $3"
	if ! as_owner "$pgbin/pg_ctl" -D "$1" -l "$2" -w -t 60 start >/dev/null; then
		log "$3 did not start; the end of $2:"
		tail -n 5 "$2" >&2
		return 1
	fi
}

# pg_createdb SOCKET_DIR PORT: create the database vikalp unless it exists.
pg_createdb() {
	if ! as_owner "$pgbin/psql" -h "$1" -p "$2" -U vikalp -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname='vikalp'" | grep -q 1; then
		as_owner "$pgbin/createdb" -h "$1" -p "$2" -U vikalp vikalp
	fi
}

# pg_stop DATA: stop the running cluster in DATA.
pg_stop() { as_owner "$pgbin/pg_ctl" -D "$1" -m fast -w stop >/dev/null; }
