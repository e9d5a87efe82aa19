# lib_pg.sh - a PostgreSQL 15 cluster of a benchmark's own (sourced by bench/claim.sh,
# bench/http_peak.sh and bench/import.sh): initdb in $TMP/pg as the postgres user, trust
# authentication for the user `bench`, loopback only on a free port, the socket in the data
# directory, fsync and synchronous_commit on (PostgreSQL's defaults: the peer commits as
# durably as alihdaya does).
#   pg_start [MAX_CONNECTIONS]   sets PGDATA, PGPORT and PSQL (psql as `bench`, stop on error)
#   pg_stop                      stops it and clears PGDATA (the caller's cleanup trap calls it too)
PGBIN=/usr/lib/postgresql/15/bin
PGDATA=
PGPORT=

pg_start() {
  local conn=${1:-} opts
  PGDATA=$TMP/pg
  mkdir -p "$PGDATA" && chown postgres "$PGDATA"
  runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -A trust -U bench >/dev/null
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  opts="-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA"
  [ -n "$conn" ] && opts="$opts -c max_connections=$conn"
  runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -w -l "$PGDATA/log" -o "$opts" start >/dev/null
  PSQL=(runuser -u postgres -- $PGBIN/psql -X -q -h 127.0.0.1 -p "$PGPORT" -U bench -d postgres -v ON_ERROR_STOP=1)
}

pg_stop() {
  [ -n "$PGDATA" ] && runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  PGDATA=
}
