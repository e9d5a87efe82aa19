#!/usr/bin/env bash
# import.sh - a million CSV rows durably imported (issue 11 "Benchmark"), beside SQLite's own
# .import into a plain table and PostgreSQL 15's COPY of the same file, in the same run; and
# other users' latency of a simple authenticated GET, and of a write (POST /v1/items into
# another engagement), while the import runs; the server's CPU seconds (user + sys) spent on it.
# usage: bench/import.sh [--rows N] [--probes N] [--writes N] [--no-pg] [--bin PATH]
#   --rows N     data rows of the CSV (default 1000000; 10000 for a quick run)
#   --probes N   threads of the other users' GET (default 2, each paced at 50 requests/s)
#   --writes N   threads of the other users' POST /v1/items (default 1, paced at 50 requests/s)
#   --no-pg      leave PostgreSQL out (it is installed from Debian with apt-get if missing)
#   --bin PATH   an alihdaya binary (default: build-bench/alihdaya, built RelWithDebInfo without sanitizers here)
# Every run: a fresh data directory, the upload through POST /v1/engagements/1/imports
# (spooled to the data directory, 202 at once; the import runner creates the rows in batches
# through the engine's group commit), timed until GET /v1/imports/:id says done (written in
# the last batch's commit, so the time is a durable import), counted back from the store
# file with sqlite3 after the server stopped. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=1000000
PROBES=2
WRITES=1
PG=1
BIN=
while [ $# -gt 0 ]; do
  case $1 in
    --rows) ROWS=$2; shift 2 ;;
    --probes) PROBES=$2; shift 2 ;;
    --writes) WRITES=$2; shift 2 ;;
    --no-pg) PG=0; shift ;;
    --bin) BIN=$2; shift 2 ;;
    *) echo "usage: bench/import.sh [--rows N] [--probes N] [--writes N] [--no-pg] [--bin PATH]" >&2; exit 2 ;;
  esac
done
case $ROWS in ''|*[!0-9]*) echo "--rows: a positive number" >&2; exit 2 ;; esac
[ "$ROWS" -ge 1 ] && [ "$ROWS" -le 5000000 ] || { echo "--rows: 1 to 5000000" >&2; exit 2; }

if [ -z "$BIN" ]; then
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALIHDAYA_SANITIZE=OFF >/dev/null
  cmake --build build-bench -j2 --target alihdaya >/dev/null
  BIN=build-bench/alihdaya
fi
BIN=$(readlink -f "$BIN")
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }
. bench/lib_pg.sh
if [ $PG = 1 ] && [ ! -x $PGBIN/postgres ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi

TMP=$(mktemp -d /tmp/alihdaya-bench-import.XXXXXX)
chmod 755 "$TMP"
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  pg_stop
  rm -rf "$TMP"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }

# The file: a reference (idempotent rows), a name, an amount and a city; about 50 bytes a row.
CSV=$TMP/rows.csv
awk -v n="$ROWS" 'BEGIN{print "external_ref,name,amount,city";
  split("Jakarta,Surabaya,Bandung,Medan,Makassar,Kuala Lumpur,Manila,Cebu", c, ",");
  for (i = 1; i <= n; i++) printf "R%08d,Claimant %d,%d.%02d,%s\n", i, i, i % 9973, i % 100, c[i % 8 + 1]}' > "$CSV"
chmod 644 "$CSV"
BYTES=$(stat -c %s "$CSV")
echo "file: $ROWS rows, $BYTES bytes; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- alihdaya: a fresh data directory, a client, an engagement, the client's user (it
# imports) and a manager (the other user whose GETs are timed).
D=$TMP/data
$BIN init --data "$D" >/dev/null
$BIN client create --data "$D" --code bench --name Bench >/dev/null
$BIN engagement create --data "$D" --client 1 --service data_entry --name Bench --sla 24h \
     --lease 10m --skill data_entry:1 >/dev/null
# the other users' writes go to an engagement of their own (the import's count stays exact)
$BIN engagement create --data "$D" --client 1 --service data_entry --name Other --sla 24h \
     --lease 10m --skill data_entry:1 >/dev/null
$BIN user create --data "$D" --name client1 --role client --client 1 >/dev/null
$BIN user create --data "$D" --name mgr --role manager >/dev/null
CT=$($BIN token create --data "$D" --user client1)
MT=$($BIN token create --data "$D" --user mgr)
$BIN serve --data "$D" --port 0 > "$TMP/serve.out" 2> "$TMP/serve.err" &
SERVER=$!
for _ in $(seq 1 200); do grep -q listening "$TMP/serve.out" && break; sleep 0.05; done
PORT=$(sed -n 's/.*:\([0-9]*\) (data.*/\1/p' "$TMP/serve.out")
[ -n "$PORT" ] || { cat "$TMP/serve.err"; exit 1; }
A=http://127.0.0.1:$PORT

# The other users: N threads, each a keep-alive connection sending, as the manager, every
# 20 ms until the stop file appears (at most 30 minutes), GET /v1/engagements/1 (get) or a
# POST /v1/items of a new item into engagement 2 (post: a durable write, answered after its
# group commit); latencies of the 2xx answers in microseconds, one per line.
# probe get|post N IDLE_SECONDS|- OUT
probe() {
  python3 - "$PORT" "$MT" "$2" "$3" "$4" "$TMP/stop" "$1" <<'PY'
import http.client, os, sys, threading, time
port, tok, n, idle, out, stop, mode = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
lat, bad, lock = [], [0], threading.Lock()
end = time.monotonic() + (float(idle) if idle != "-" else 1800)
def run():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    nxt = time.monotonic()
    while time.monotonic() < end and not (idle == "-" and os.path.exists(stop)):
        t = time.perf_counter()
        try:
            if mode == "get":
                c.request("GET", "/v1/engagements/1", headers={"Authorization": "Bearer " + tok})
            else:
                c.request("POST", "/v1/items", body='{"engagement_id":2,"payload":{"name":"probe"}}',
                          headers={"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
            r = c.getresponse(); r.read()
            ok = r.status in (200, 201)
        except Exception:
            ok = False; c.close(); c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        us = int((time.perf_counter() - t) * 1e6)
        with lock:
            lat.append(us) if ok else None
            bad[0] += 0 if ok else 1
        nxt += 0.02
        time.sleep(max(0, nxt - time.monotonic()))
ts = [threading.Thread(target=run) for _ in range(n)]
[t.start() for t in ts]; [t.join() for t in ts]
with open(out, "w") as f:
    f.write("\n".join(map(str, lat)) + "\n")
    f.write(f"# failed {bad[0]}\n")
PY
}
pct() { # FILE: n p50 p99 max (ms) and failed requests
  grep -v '^#' "$1" | sort -n | awk -v f="$(sed -n 's/^# failed //p' "$1")" '{v[NR]=$1}
    END{if (!NR) {print "n 0"; exit}; i=int(NR*0.99+0.999); if (i>NR) i=NR;
        printf "n %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms, failed %d", NR, v[int(NR*0.5+0.999)]/1000, v[i]/1000, v[NR]/1000, f}'
}

probe get "$PROBES" 5 "$TMP/idle.lat" &
PROBE=$!
[ "$WRITES" -gt 0 ] && probe post "$WRITES" 5 "$TMP/idle.wlat"
wait $PROBE
IDLE=$(pct "$TMP/idle.lat")
WIDLE=-; [ "$WRITES" -gt 0 ] && WIDLE=$(pct "$TMP/idle.wlat")

# the server's CPU: user + sys clock ticks of /proc/PID/stat (fields 14 and 15)
cpu() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$SERVER/stat"; }
probe get "$PROBES" - "$TMP/busy.lat" &
PROBE=$!
WPROBE=
if [ "$WRITES" -gt 0 ]; then probe post "$WRITES" - "$TMP/busy.wlat" & WPROBE=$!; fi
sleep 0.5
C0=$(cpu)
L0=$(cut -d' ' -f1 /proc/loadavg)
T0=$(now)
curl -s -S -o "$TMP/import.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $CT" \
     -H 'Content-Type: text/csv' -H 'Expect:' -T "$CSV" "$A/v1/engagements/1/imports" > "$TMP/import.status"
T202=$(now)
# The 202 comes once the file is in (spooled); the import runner creates the rows: the job is
# followed until done (its final state is written in the last batch's commit: durable).
JOB=$(jq -r .id "$TMP/import.json")
while [ "$(cat "$TMP/import.status")" = 202 ]; do
  case "$(jq -r .state "$TMP/import.json")" in done|failed) break ;; esac
  sleep 0.05
  curl -s -S -o "$TMP/import.json" -H "Authorization: Bearer $CT" "$A/v1/imports/$JOB"
done
T1=$(now)
C1=$(cpu)
L1=$(cut -d' ' -f1 /proc/loadavg)
# The engine's own split of its time: applying commands, committing them (fsync).
ENGINE=$(curl -s "$A/metrics" | awk '$1 == "alihdaya_engine_apply_seconds_total" {a=$2}
  $1 == "alihdaya_engine_commit_seconds_total" {c=$2} $1 == "alihdaya_engine_batches_total" {b=$2}
  END {printf "apply %.2f s, commit %.2f s, %d batches", a, c, b}')
touch "$TMP/stop"
wait $PROBE
BUSY=$(pct "$TMP/busy.lat")
WBUSY=-
[ -n "$WPROBE" ] && { wait $WPROBE; WBUSY=$(pct "$TMP/busy.wlat"); }
ST=$(cat "$TMP/import.status")
CREATED=$(jq -r .created "$TMP/import.json")
[ "$ST" = 202 ] && [ "$(jq -r .state "$TMP/import.json")" = done ] || { echo "import: $ST $(cat "$TMP/import.json")"; exit 1; }
kill -TERM $SERVER; wait $SERVER || true; SERVER=
STORED=$(sqlite3 "$D/alihdaya.db" "SELECT count(*) FROM items WHERE engagement_id = 1")
[ "$CREATED" = "$ROWS" ] && [ "$STORED" = "$ROWS" ] || { echo "created $CREATED, stored $STORED, not $ROWS"; exit 1; }
T_AHD=$(secs "$T0" "$T1")
T_ACK=$(secs "$T0" "$T202")

# ---- SQLite's own .import into a plain table, the store's durability (WAL, synchronous=FULL).
T0=$(now)
sqlite3 "$TMP/plain.db" <<EOF >/dev/null
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE rows(external_ref TEXT, name TEXT, amount TEXT, city TEXT);
.import --csv --skip 1 $CSV rows
EOF
T1=$(now)
T_SQ=$(secs "$T0" "$T1")
[ "$(sqlite3 "$TMP/plain.db" 'SELECT count(*) FROM rows')" = "$ROWS" ] || { echo "sqlite3 .import lost rows"; exit 1; }

# ---- PostgreSQL 15: a cluster of its own in TMP, loopback only, COPY from the client (\copy,
# like the upload), fsync and synchronous_commit on (the defaults).
T_PG=-
if [ $PG = 1 ]; then
  pg_start
  "${PSQL[@]}" -c "CREATE TABLE rows(external_ref text, name text, amount text, city text)"
  T0=$(now)
  "${PSQL[@]}" -c "\\copy rows FROM '$CSV' WITH (FORMAT csv, HEADER true)"
  T1=$(now)
  T_PG=$(secs "$T0" "$T1")
  [ "$("${PSQL[@]}" -tA -c 'SELECT count(*) FROM rows')" = "$ROWS" ] || { echo "COPY lost rows"; exit 1; }
  pg_stop
fi

ratio() { [ "$2" = - ] && echo - || awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", a/b}'; }
rate() { [ "$1" = - ] && echo - || awk -v r="$ROWS" -v t="$1" 'BEGIN{printf "%d", r/t}'; }
echo
echo "| $ROWS rows | seconds | rows/s | alihdaya ÷ it |"
echo "|---|---:|---:|---:|"
echo "| alihdaya POST /v1/engagements/1/imports | $T_AHD | $(rate "$T_AHD") | 1.0 |"
echo "| sqlite3 .import, plain table | $T_SQ | $(rate "$T_SQ") | $(ratio "$T_AHD" "$T_SQ") |"
echo "| PostgreSQL 15 \\copy | $T_PG | $(rate "$T_PG") | $(ratio "$T_AHD" "$T_PG") |"
echo
echo "the 202 (file received and spooled) after $T_ACK s; every row durable after $T_AHD s"
echo "engine during the run: $ENGINE"
echo "server CPU (user + sys) during the import: $(awk -v a="$C0" -v b="$C1" -v r="$ROWS" 'BEGIN{printf "%.2f s, %.2f s per million rows, %.1f us a row", b-a, (b-a)*1e6/r, (b-a)*1e6/r}') (the other users' requests included); load average $L0 at the start, $L1 at the end"
echo "other users' GET /v1/engagements/1 ($PROBES x 50/s), idle: $IDLE"
echo "other users' GET /v1/engagements/1 ($PROBES x 50/s), during the import: $BUSY"
echo "other users' POST /v1/items ($WRITES x 50/s), idle: $WIDLE"
echo "other users' POST /v1/items ($WRITES x 50/s), during the import: $WBUSY"
