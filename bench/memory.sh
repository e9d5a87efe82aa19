#!/usr/bin/env bash
# memory.sh - the server's memory per open item and its recovery time (issue 13 "Memory and recovery").
# usage: bench/memory.sh [--items "N1 N2 ..."] [--engagements N] [--refs] [--stores DIR] [--bin PATH]
#   --items        open item counts, one store each (default "1000000 10000000")
#   --engagements  engagements the items are spread over (default 100)
#   --refs         give every item an external_ref (12 characters), as imports do
#   --stores DIR   keep the stores in DIR (DIR/e<ENG>-r<REFS>-n<N>) and reuse one made before
#                  with the same settings (making 10,000,000 items takes minutes); a server
#                  run leaves its items open, so a kept store measures the same each time
#   --bin PATH     an alihdaya binary (default: build-bench/alihdaya, Release, no sanitizers);
#                  given twice or more, each binary is measured on the same stores in turn
#                  (ROUNDS=N times each, default 1; the first one makes the stores)
# For each N: a store initialised by the binary itself (init, a client, the engagements),
# then N queued items written into it directly with sqlite3 (one INSERT ... SELECT over a
# recursive counter, the items' indexes dropped first and built again after, as the
# schema text in the store says), then the real server started on it. Printed: the time
# from exec until GET /v1/health answers 200 (recovery: the engine reads every open item
# back), the server's RSS, once it holds still (the routing index is built by then), split
# into anonymous memory (the heap: engine, index) and file
# pages (the store mapped by SQLite, the readers map up to 256 MiB each, the writer none: cache, bounded, not per item),
# each per open item above the same store with no items (measured in the same run). The
# peer: sqlite3 reading the same open-item columns of the same file (the SELECT the
# recovery runs), timed in the same run, so the ratio says what the engine adds per row.
# Payloads are a placeholder, not sealed: recovery never reads them (SQ_ITEM_COLS leaves
# payload and result out) and nothing here opens one. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS="1000000 10000000"
ENG=100
REFS=0
STORES=
BINS=()
usage() { echo "usage: bench/memory.sh [--items \"N ...\"] [--engagements N] [--refs] [--stores DIR] [--bin PATH]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --items) ITEMS=${2:-}; shift 2 ;;
    --engagements) ENG=${2:-}; shift 2 ;;
    --refs) REFS=1; shift ;;
    --stores) STORES=${2:-}; shift 2 ;;
    --bin) BINS+=("$(readlink -f "${2:-}")"); shift 2 ;;
    *) usage ;;
  esac
done
for n in $ITEMS $ENG; do case $n in ''|*[!0-9]*) usage ;; esac; done
[ "$ENG" -ge 1 ] && [ "$ENG" -le 10000 ] || usage
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }
if [ ${#BINS[@]} = 0 ]; then
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DALIHDAYA_SANITIZE=OFF -DALIHDAYA_WERROR=OFF >/dev/null
  cmake --build build-bench -j2 --target alihdaya >/dev/null
  BINS=("$(readlink -f build-bench/alihdaya)")
fi
BIN=${BINS[0]}
ROUNDS=${ROUNDS:-1}
TMP=$(mktemp -d /tmp/alihdaya-bench-mem.XXXXXX)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
now() { date +%s.%N; }
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

make_store() { # DIR N
  local d=$1 n=$2 t0 idx drops refcol
  "$BIN" init --data "$d" >/dev/null
  "$BIN" client create --data "$d" --code bench --name Bench >/dev/null
  for e in $(seq 1 "$ENG"); do
    "$BIN" engagement create --data "$d" --client 1 --service data_entry --name "E$e" --sla 24h \
         --lease 10m --skill data_entry:1 >/dev/null
  done
  [ "$n" -gt 0 ] || return 0
  t0=$(($(date +%s) * 1000))
  idx=$(sqlite3 "$d/alihdaya.db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND sql IS NOT NULL")
  drops=$(sqlite3 "$d/alihdaya.db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND sql IS NOT NULL")
  refcol=NULL
  [ $REFS = 1 ] && refcol="printf('ref-%08d', i)"
  # Engagement e's items are ids e, e+ENG, ...: every queue interleaved through the file, as
  # arrivals on a floor are. Priority 1-9, due a day after creation, all queued.
  sqlite3 "$d/alihdaya.db" >/dev/null <<SQL
PRAGMA synchronous = OFF;
BEGIN;
$drops
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n)
INSERT INTO items(id, engagement_id, client_id, external_ref, priority, created_at, due_at, state,
                  worker_id, epoch, lease_expires, payload, result, lease_started, gold_id)
SELECT i, 1 + (i - 1) % $ENG, 1, $refcol, 1 + i % 9, $t0 - $n + i, $t0 + 86400000 - $n + i, 'queued',
       NULL, 0, 0, '{"bench":1}', NULL, 0, 0 FROM c;
$idx
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}

measure() { # DIR N -> "recovery_s rss_kb anon_kb file_kb hwm_kb cpu_s"
  local d=$1 t0 t1 port=
  rm -f "$d/out"
  t0=$(now)
  "$SBIN" serve --data "$d" --port 0 > "$d/out" 2> "$d/err" &
  SERVER=$!
  for _ in $(seq 1 60000); do
    [ -z "$port" ] && port=$(sed -n 's/.*:\([0-9]*\) (data.*/\1/p' "$d/out" 2>/dev/null)
    if [ -n "$port" ] && curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$port/v1/health" 2>/dev/null | grep -q 200; then
      break
    fi
    kill -0 "$SERVER" 2>/dev/null || { cat "$d/err" >&2; echo "FAIL: the server stopped" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(now)
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$SERVER/stat")
  # Let what starts after the health check settle (the engine thread builds the routing
  # index): until RssAnon holds still for half a second, at most 60 s.
  local a0=-1 a1
  for _ in $(seq 1 120); do
    sleep 0.5
    a1=$(kb RssAnon $SERVER)
    [ "$a1" = "$a0" ] && break
    a0=$a1
  done
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') $(kb VmRSS $SERVER) $(kb RssAnon $SERVER) $(kb RssFile $SERVER) $(kb VmHWM $SERVER) $cpu"
  kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=
}

peer_scan() { # DIR -> seconds sqlite3 takes for the recovery's SELECT
  local t0 t1
  t0=$(now)
  sqlite3 "$1/alihdaya.db" "SELECT count(*), sum(length(id || engagement_id || client_id || coalesce(external_ref, '') || priority || created_at || due_at || state || coalesce(worker_id, 0) || epoch || lease_expires || lease_started)) FROM items WHERE state IN ('queued', 'assigned', 'submitted', 'in_review') ORDER BY id" >/dev/null
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}'
}

echo "bench/memory: $ENG engagements, refs $([ $REFS = 1 ] && echo yes || echo no); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
make_store "$TMP/n0" 0
SBIN=$BIN
read -r _ R0 A0 F0 _ _ <<< "$(measure "$TMP/n0" 0)"
echo "empty store: rss ${R0} kB (anon ${A0} kB, file ${F0} kB); binaries: ${BINS[*]}"
printf '%-6s %-10s %7s %10s %8s %8s %6s %9s %9s %7s %10s %s\n' binary items make_s recovery_s cpu_s peer_s ratio rss_MB anon_MB B/item anonB/item file_MB
if [ -n "$STORES" ]; then mkdir -p "$STORES"; STORES=$(readlink -f "$STORES"); fi
for n in $ITEMS; do
  d=$TMP/n$n
  [ -n "$STORES" ] && d=$STORES/e$ENG-r$REFS-n$n
  if [ -n "$STORES" ] && [ -f "$d/made" ]; then
    mk="kept"
  else
    rm -rf "$d"
    t0=$(now); make_store "$d" "$n"; t1=$(now)
    mk=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
    [ -n "$STORES" ] && date -u > "$d/made"
  fi
  ps=$(peer_scan "$d")
  for r in $(seq 1 "$ROUNDS"); do for b in "${!BINS[@]}"; do
  SBIN=${BINS[$b]}
  read -r rs R A F H C <<< "$(measure "$d" "$n")"
  awk -v b="#$((b + 1))" -v n="$n" -v mk="$mk" -v rs="$rs" -v C="$C" -v ps="$ps" -v R="$R" -v A="$A" -v F="$F" -v R0="$R0" -v A0="$A0" -v H="$H" 'BEGIN{
    printf "%-6s %-10d %7s %10s %8s %8s %6.1f %9.1f %9.1f %7.1f %10.1f %s (peak rss %.1f MB)\n", b, n, mk, rs, C, ps, (ps > 0) ? rs / ps : 0,
      R / 1024, A / 1024, 1024 * (R - R0) / n, 1024 * (A - A0) / n, sprintf("%.1f", F / 1024), H / 1024 }'
  done; done
  [ -n "$STORES" ] || rm -rf "$d"
done
echo "targets: <= 160 B per open item (the server's whole memory above an empty store); 10,000,000 open items recovered in <= 10 s"
