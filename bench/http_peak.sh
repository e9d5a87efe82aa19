#!/usr/bin/env bash
# http_peak.sh - durable changes per second over HTTP beside what HTTP alone allows on these
# cores and beside PostgreSQL doing the same four steps (issue 13 "Close to the limit over HTTP").
# usage: bench/http_peak.sh [--seconds N] [--clients N] [--rounds N] [--no-pg] [--bin PATH]...
#   --seconds N  each run's time (default 10)
#   --clients N  concurrent clients (default 64)
#   --rounds N   durable-flow runs per binary, alternating between binaries (default 3)
#   --bin PATH   an alihdaya binary; give two or more to compare them in the same conditions
#                (default: build-bench/alihdaya, Release, no sanitizers)
#   --no-pg      leave PostgreSQL out
# Three measurements in one run, on this machine, now:
#  1. the durable flow (bench/http_flow.c: create -> get-next -> submit -> accept, one
#     keep-alive connection per client, each step one durable change), each binary on a
#     fresh copy of a data directory set up by its own CLI, rounds alternating so a change
#     of load falls on every binary; besides changes/s and p50/p99, the server's CPU time
#     per change (utime + stime from /proc, robust where the wall rate is not: the machine
#     is shared);
#  2. GET /v1/health on the first binary with Debian's wrk (-t2 -cCLIENTS), and the same
#     wrk against libmicrohttpd alone (bench/http_hello.c): what HTTP alone does on these
#     cores, the ceiling of any HTTP flow here;
#  3. PostgreSQL 15 (a cluster of its own in a temporary directory, loopback, fsync and
#     synchronous_commit on) running the same four steps as plain SQL with pgbench, CLIENTS
#     clients, each step its own commit: INSERT an item, claim the oldest best one with
#     FOR UPDATE SKIP LOCKED, submit it, accept it (a claim that finds every queued item
#     locked by others claims nothing and its flow's submit and accept change nothing: the
#     peer's rate, 4 x its flows, is an upper bound; the run counts how many came empty).
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=10
N=64
ROUNDS=3
PG=1
BINS=()
usage() { echo "usage: bench/http_peak.sh [--seconds N] [--clients N] [--rounds N] [--no-pg] [--bin PATH]..." >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECS=${2:-}; shift 2 ;;
    --clients) N=${2:-}; shift 2 ;;
    --rounds) ROUNDS=${2:-}; shift 2 ;;
    --no-pg) PG=0; shift ;;
    --bin) BINS+=("$(readlink -f "${2:-}")"); shift 2 ;;
    *) usage ;;
  esac
done
for v in "$SECS" "$N" "$ROUNDS"; do case $v in ''|*[!0-9]*|0) usage ;; esac; done
[ "$N" -le 1000 ] || usage

need=()
for p in libcurl4-openssl-dev wrk; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
. bench/lib_pg.sh
[ $PG = 1 ] && { [ -x $PGBIN/postgres ] && [ -x $PGBIN/pgbench ] || need+=(postgresql-15 postgresql-client-15); }
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DALIHDAYA_SANITIZE=OFF -DALIHDAYA_WERROR=OFF >/dev/null
cmake --build build-bench -j2 --target http_flow http_hello $([ ${#BINS[@]} = 0 ] && echo alihdaya) >/dev/null
[ ${#BINS[@]} -gt 0 ] || BINS=("$(readlink -f build-bench/alihdaya)")
FLOW=$(readlink -f build-bench/http_flow)
HELLO=$(readlink -f build-bench/http_hello)
TMP=$(mktemp -d /tmp/alihdaya-bench-peak.XXXXXX)
chmod 755 "$TMP"
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  pg_stop
  rm -rf "$TMP"
}
trap cleanup EXIT
cpu() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -1; }
median() { sort -n | awk '{v[NR]=$1} END{print (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }

setup() { # BIN DIR: a client, an engagement, N workers of capacity 1 and their tokens
  local b=$1 d=$2 i ct mt
  "$b" init --data "$d" >/dev/null
  "$b" client create --data "$d" --code bench --name Bench >/dev/null
  "$b" engagement create --data "$d" --client 1 --service data_entry --name Bench --sla 24h \
       --lease 10m --skill data_entry:1 >/dev/null
  "$b" user create --data "$d" --name client1 --role client --client 1 >/dev/null
  "$b" user create --data "$d" --name mgr --role manager >/dev/null
  ct=$("$b" token create --data "$d" --user client1)
  mt=$("$b" token create --data "$d" --user mgr)
  : > "$d/tokens"
  for i in $(seq 1 "$N"); do
    "$b" worker create --data "$d" --login "w$i" --name "W$i" --country PH --skill data_entry:3 \
         --clear 1 --capacity 1 >/dev/null
    echo "$ct $("$b" token create --data "$d" --user "w$i") $mt 1" >> "$d/tokens"
  done
}

start() { # BIN DIR [ARG...]: the server on a free port; sets SERVER and PORT
  local _ b=$1 d=$2
  shift 2
  rm -f "$d/out"
  "$b" serve --data "$d" --port 0 "$@" > "$d/out" 2> "$d/err" &
  SERVER=$!
  PORT=
  for _ in $(seq 1 200); do
    PORT=$(sed -n 's/.*:\([0-9]*\) (data.*/\1/p' "$d/out" 2>/dev/null)
    [ -n "$PORT" ] && break
    sleep 0.05
  done
  [ -n "$PORT" ] || { cat "$d/err" >&2; echo "FAIL: the server did not start" >&2; exit 1; }
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=; }

echo "bench/http_peak: $N clients, $SECS s per run, $ROUNDS rounds; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "${!BINS[@]}"; do echo "binary #$((b + 1)): ${BINS[$b]}"; setup "${BINS[$b]}" "$TMP/base$b"; done

# ---- 1. the durable flow, binaries alternating
declare -A RATE CPU P99
for r in $(seq 1 "$ROUNDS"); do
  for b in "${!BINS[@]}"; do
    d=$TMP/run$b
    rm -rf "$d"; cp -a "$TMP/base$b" "$d"
    start "${BINS[$b]}" "$d"
    c0=$(cpu "$SERVER")
    out=$("$FLOW" "http://127.0.0.1:$PORT" "$SECS" "$d/tokens")
    c1=$(cpu "$SERVER")
    stop
    ch=$(echo "$out" | field changes)
    us=$(awk -v a="$c0" -v b="$c1" -v n="$ch" 'BEGIN{printf "%.1f", (n > 0) ? 1e6 * (b - a) / n : 0}')
    echo "round $r binary #$((b + 1)): $out server_cpu_us_per_change=$us load $(cut -d' ' -f1 /proc/loadavg)"
    RATE[$b]+="$(echo "$out" | field changes_per_s) "; CPU[$b]+="$us "; P99[$b]+="$(echo "$out" | field p99_ms) "
  done
done

# ---- 2. GET /v1/health with wrk on the first binary. A request without a token counts
# against its address's limit (--fail-rate, 20/s by default, docs/api.md), and past it the
# server answers 429 and closes the connection: wrk would measure refusals and reconnects
# (until 2026-12-02 it did: 19,000-46,000 "requests/s", nearly all of them 429). The limit
# is off for this run, and any answer that is not 2xx fails the measurement.
d=$TMP/run0
rm -rf "$d"; cp -a "$TMP/base0" "$d"
start "${BINS[0]}" "$d" --fail-rate 0
wout=$(wrk -t2 -c"$N" -d"${SECS}s" "http://127.0.0.1:$PORT/v1/health")
stop
if echo "$wout" | grep -q "Non-2xx"; then
  echo "$wout" >&2; echo "FAIL: the health endpoint answered other than 2xx under wrk" >&2; exit 1
fi
H=$(echo "$wout" | awk '/Requests\/sec/ {printf "%.0f", $2}')
echo "health: GET /v1/health requests_per_s=$H (wrk -t2 -c$N -d${SECS}s, --fail-rate 0, every answer 200)"

# ---- 2b. the same wrk against libmicrohttpd alone (bench/http_hello.c: the server's flags,
# a static answer): the ceiling of HTTP with this library on these cores, so the health
# figure's gap to it is the server's own cost per request.
"$HELLO" 0 > "$TMP/hello.out" &
SERVER=$!
HPORT=
for _ in $(seq 1 100); do
  HPORT=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$TMP/hello.out"); [ -n "$HPORT" ] && break; sleep 0.05
done
[ -n "$HPORT" ] || { echo "FAIL: http_hello did not start" >&2; exit 1; }
wout=$(wrk -t2 -c"$N" -d"${SECS}s" "http://127.0.0.1:$HPORT/")
stop
if echo "$wout" | grep -q "Non-2xx"; then
  echo "$wout" >&2; echo "FAIL: http_hello answered other than 2xx under wrk" >&2; exit 1
fi
HH=$(echo "$wout" | awk '/Requests\/sec/ {printf "%.0f", $2}')
echo "hello: libmicrohttpd alone requests_per_s=$HH (wrk -t2 -c$N -d${SECS}s) | health/hello $(awk -v a="$H" -v b="$HH" 'BEGIN{printf "%.2f", (b > 0) ? a / b : 0}')"

# ---- 3. PostgreSQL 15, the same four steps with pgbench, one commit each
PGR=
if [ $PG = 1 ]; then
  pg_start $((N + 20))
  "${PSQL[@]}" <<'SQL'
CREATE TABLE items (id bigserial PRIMARY KEY, engagement_id int NOT NULL, priority int NOT NULL,
  state text NOT NULL, worker_id int, epoch int NOT NULL DEFAULT 0, payload jsonb NOT NULL,
  result jsonb, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX items_queue ON items (engagement_id, priority DESC, id) WHERE state = 'queued';
SQL
  cat > "$TMP/flow.sql" <<'SQL'
INSERT INTO items (engagement_id, priority, state, payload) VALUES (1, 5, 'queued', '{"n": 1}');
WITH u AS (UPDATE items SET state = 'assigned', worker_id = :client_id, epoch = epoch + 1
 WHERE id = (SELECT id FROM items WHERE engagement_id = 1 AND state = 'queued'
             ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, epoch)
SELECT coalesce(max(id), 0) AS item, coalesce(max(epoch), 0) AS epoch FROM u \gset
UPDATE items SET state = 'submitted', result = '{"a": 1}' WHERE id = :item AND epoch = :epoch AND state = 'assigned';
UPDATE items SET state = 'done' WHERE id = :item AND state = 'submitted';
SQL
  chmod 644 "$TMP/flow.sql"
  out=$(runuser -u postgres -- $PGBIN/pgbench -n -h 127.0.0.1 -p "$PGPORT" -U bench -c "$N" -j 2 \
        -T "$SECS" -P 5 -f "$TMP/flow.sql" postgres 2>&1) || { echo "$out" >&2; exit 1; }
  echo "$out" | { grep -E '^progress' || true; } | sed 's/^/pg: /'
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p')
  PGR=$(awk -v t="$tps" 'BEGIN{printf "%.0f", 4 * t}')
  left=$(runuser -u postgres -- $PGBIN/psql -X -A -t -h 127.0.0.1 -p "$PGPORT" -U bench -d postgres \
         -c "SELECT count(*) FILTER (WHERE state = 'done') || ' done, ' || count(*) FILTER (WHERE state <> 'done') || ' not done' FROM items")
  echo "pg: items after the run: $left"
  echo "pg: four-step flows_per_s=$tps changes_per_s=$PGR (latency average of a flow $lat ms)"
  pg_stop
fi

echo "---- medians over $ROUNDS rounds"
for b in "${!BINS[@]}"; do
  rm_=$(echo "${RATE[$b]}" | tr ' ' '\n' | grep . | median)
  cm=$(echo "${CPU[$b]}" | tr ' ' '\n' | grep . | median)
  pm=$(echo "${P99[$b]}" | tr ' ' '\n' | grep . | median)
  echo "binary #$((b + 1)): changes_per_s=$rm_ (runs: ${RATE[$b]% }) p99_ms=$pm server_cpu_us_per_change=$cm" \
       "| health ratio $(awk -v a="$rm_" -v h="$H" 'BEGIN{printf "%.3f", (h > 0) ? a / h : 0}')" \
       "| hello ratio $(awk -v a="$rm_" -v h="$HH" 'BEGIN{printf "%.3f", (h > 0) ? a / h : 0}')" \
       "| vs PostgreSQL $( [ -n "$PGR" ] && awk -v a="$rm_" -v p="$PGR" 'BEGIN{printf "%.2f", (p > 0) ? a / p : 0}' || echo -)"
done
echo "target: >= 50000 durable changes/s with p99 <= 10 ms (64 clients, load generator on the same cores)"
