#!/usr/bin/env bash
# paging.sh - the paged lists the screens use on a store of 1,000,000 items and 1,000,000 audit
# events (issue 9 "every list stays fast with 1,000,000 items"): the first, a middle and the last
# page of each, through the real server (keyset: ?after= the cursor), beside the same page read
# with LIMIT/OFFSET by SQLite itself (Python's sqlite3, the same library, in-process: no HTTP),
# p50 and p99 of each and the ratio OFFSET / server. Not part of the test suite.
# usage: bench/paging.sh [--rows N] [--reps N] [--limit N] [--bin PATH]
#   --rows N   items and audit events each (default 1000000)
#   --reps N   timed requests per page (default 21)
#   --limit N  page size (default 50, the screens' 25..50)
#   --bin PATH an alihdaya binary (default: build-bench/alihdaya, Release, no sanitizers)
# The store: the server makes it (init, two clients, their users, two engagements, a seed
# item each), stops, and sqlite3 copies the seed rows N times with one INSERT ... SELECT over
# a recursive counter each (as tests/api/test_paging_large.sh does in Python, faster); the
# audit events get varied actors, actions, clients and times, and the migration's trigger
# fills at_max as the engine's inserts do. Then the server starts again on that file.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=1000000
REPS=21
LIMIT=50
B=
while [ $# -gt 0 ]; do
  case $1 in
    --rows) ROWS=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    --bin) B=$2; shift 2 ;;
    *) echo "usage: bench/paging.sh [--rows N] [--reps N] [--limit N] [--bin PATH]" >&2; exit 2 ;;
  esac
done
for v in ROWS REPS LIMIT; do
  case ${!v} in ''|*[!0-9]*) echo "--${v,,}: a positive number" >&2; exit 2 ;; esac
done
[ "$ROWS" -ge 1000 ] && [ "$ROWS" -le 10000000 ] || { echo "--rows: 1000 to 10000000" >&2; exit 2; }
[ "$REPS" -ge 1 ] && [ "$REPS" -le 1000 ] || { echo "--reps: 1 to 1000" >&2; exit 2; }
[ "$LIMIT" -ge 1 ] && [ "$LIMIT" -le 500 ] || { echo "--limit: 1 to 500" >&2; exit 2; }
if [ -z "$B" ]; then
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DALIHDAYA_SANITIZE=OFF >/dev/null
  cmake --build build-bench -j2 --target alihdaya >/dev/null
  B=build-bench/alihdaya
fi
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }

# The black-box tests' helpers: a data directory in a temporary folder, the server on a
# loopback port, curl with a token, the world of two clients (removed at exit).
set -- "$B"
. tests/api/lib.sh
set -e
init_data
start_server
setup_world >/dev/null
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"SEED-A\",\"payload\":{\"a\":1}}"
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"external_ref\":\"SEED-L\",\"payload\":{\"q\":1}}"
stop_server || true
DB=$(ls "$DATA"/*.db | head -1)

t0=$(date +%s.%N)
python3 - "$DB" "$ROWS" > "$TMP/bulk.sql" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
q = lambda s: db.execute(s).fetchone()[0]
icols = [r[1] for r in db.execute("PRAGMA table_info(items)")]
base, seed_a, seed_l = q("SELECT max(id) FROM items"), q("SELECT id FROM items WHERE external_ref = 'SEED-A'"), q("SELECT id FROM items WHERE external_ref = 'SEED-L'")
# Item k: a copy of ACME's seed (k odd) or LexCorp's, id base + k; 1 in 1000 queued, 1 in 50
# submitted, the rest done (the engine loads open items at start: most are finished).
over = {"id": f"{base} + k", "external_ref": "'BULK-' || k", "worker_id": "NULL",
        "state": "CASE WHEN k % 1000 = 0 THEN 'queued' WHEN k % 50 = 0 THEN 'submitted' ELSE 'done' END"}
sel = ", ".join(over.get(c, f"s.{c}") for c in icols)
print("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; BEGIN;")
print(f"WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < {n}) "
      f"INSERT INTO items({', '.join(icols)}) SELECT {sel} FROM c JOIN items s "
      f"ON s.id = CASE WHEN c.k % 2 = 1 THEN {seed_a} ELSE {seed_l} END;")
acols = [r[1] for r in db.execute("PRAGMA table_info(audit)")]
aseq, at0 = q("SELECT max(seq) FROM audit"), q("SELECT max(at) FROM audit")
users = [r[0] for r in db.execute("SELECT id FROM users ORDER BY id")]
acme, lex = q("SELECT id FROM clients WHERE code = 'acme'"), q("SELECT id FROM clients WHERE code = 'lex'")
actions = ["item.create", "item.read", "item.submit", "item.review_accept", "session.create",
           "token.create", "client.update", "worker.status"]
# Event k: 20 ms after the one before (a 1,000,000-event trail is 5.6 hours), an actor of the
# users in turn, three events each (1 in 13 the system's), an action in turn, ACME's, LexCorp's or no client.
users_case = " ".join(f"WHEN {i} THEN {u}" for i, u in enumerate(users))
act_case = " ".join(f"WHEN {i} THEN '{a}'" for i, a in enumerate(actions))
over = {"seq": f"{aseq} + k", "at": f"{at0} + 20 * k",
        "actor_user_id": f"CASE WHEN k % 13 = 0 THEN NULL ELSE CASE (k / 3) % {len(users)} {users_case} END END",
        "action": f"CASE (k * 3 + k / 7) % {len(actions)} {act_case} END",
        "record_type": "'item'", "record_id": "k",
        "client_id": f"CASE k % 4 WHEN 0 THEN NULL WHEN 2 THEN {lex} ELSE {acme} END",
        "detail": "NULL", "at_max": "NULL"}
sel = ", ".join(over.get(c, f"s.{c}") for c in acols)
print(f"WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < {n}) "
      f"INSERT INTO audit({', '.join(acols)}) SELECT {sel} FROM c, (SELECT * FROM audit WHERE seq = {aseq}) s;")
print("COMMIT;")
EOF
sqlite3 "$DB" < "$TMP/bulk.sql"
t1=$(date +%s.%N)
printf '# %s items and %s audit events written in %.1f s (sqlite3, one INSERT ... SELECT each)\n' \
  "$ROWS" "$ROWS" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')"

start_server
MGRID=$(sqlite3 "$DB" "SELECT id FROM users WHERE name = 'mgr'")
ACMEUID=$(sqlite3 "$DB" "SELECT id FROM users WHERE name = 'acme-user'")
read -r AT0 AT1 < <(sqlite3 -separator ' ' "$DB" "SELECT min(at), max(at) FROM audit")
# A window of the trail's middle tenth, as RFC 3339 (and its ms for the peer's SQL).
WF=$(( AT0 + (AT1 - AT0) * 45 / 100 )); WT=$(( AT0 + (AT1 - AT0) * 55 / 100 ))
rfc() { date -u -d "@$(( $1 / 1000 ))" +%Y-%m-%dT%H:%M:%SZ; }
WFS=$(rfc "$WF"); WTS=$(rfc "$WT"); WF=$(( WF / 1000 * 1000 )); WT=$(( WT / 1000 * 1000 ))

# NAME|TOKEN|PATH|TABLE|KEY|WHERE: a list the screens use, and the same rows in SQL.
LISTS=(
  "portal: a client's items|$ACMEU|/v1/items|items|id|gold_id = 0 AND client_id = $ACME"
  "portal: a client's done items|$ACMEU|/v1/items?state=done|items|id|gold_id = 0 AND client_id = $ACME AND state = 'done'"
  "manager: every item|$MGR|/v1/items|items|id|gold_id = 0"
  "audit: the trail|$AUD|/v1/audit|audit|seq|1"
  "audit: client_id|$AUD|/v1/audit?client_id=$ACME|audit|seq|client_id = $ACME"
  "audit: actor|$AUD|/v1/audit?actor=$ACMEUID|audit|seq|actor_user_id = $ACMEUID"
  "audit: action|$AUD|/v1/audit?action=item.create|audit|seq|action = 'item.create'"
  "audit: action family|$AUD|/v1/audit?action=item.|audit|seq|action LIKE 'item.%'"
  "audit: from-to (a tenth)|$AUD|/v1/audit?from=$WFS&to=$WTS|audit|seq|at >= $WF AND at < $WT"
  "audit: client+actor+family+window|$AUD|/v1/audit?client_id=$ACME&actor=$ACMEUID&action=item.&from=$WFS&to=$WTS|audit|seq|client_id = $ACME AND actor_user_id = $ACMEUID AND action LIKE 'item.%' AND at >= $WF AND at < $WT"
  "admin: clients|$ADMIN|/v1/clients|clients|id|1"
  "admin: services|$ADMIN|/v1/services|services|id|1"
  "admin: engagements|$ADMIN|/v1/engagements|engagements|id|1"
  "admin: users|$ADMIN|/v1/users|users|id|1"
  "admin: workers|$ADMIN|/v1/workers|workers|id|1"
)

# p50 and p99 (nearest rank) of the numbers on stdin, in ms with one decimal.
pct() { sort -g | awk '{v[NR]=$1} END{i50=int((NR*50+99)/100); i99=int((NR*99+99)/100); printf "%.1f %.1f", v[i50]*1000, v[i99]*1000}'; }

printf '\n%-36s %-6s %9s %8s %8s %10s %10s %8s\n' "list" "page" "rows" "p50 ms" "p99 ms" "OFFSET p50" "OFFSET p99" "ratio"
for spec in "${LISTS[@]}"; do
  IFS='|' read -r name tok path table key where <<<"$spec"
  sep='?'; case $path in *\?*) sep='&';; esac
  # The positions: the count, and the cursors of the middle and the last page (the key of the
  # row before each), found by SQLite with OFFSET once (not timed).
  read -r cnt mid last offm offl < <(python3 - "$DB" "$table" "$key" "$where" "$LIMIT" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
t, k, w, lim = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
n = db.execute(f"SELECT count(*) FROM {t} WHERE {w}").fetchone()[0]
at = lambda off: db.execute(f"SELECT {k} FROM {t} WHERE {w} ORDER BY {k} LIMIT 1 OFFSET ?", (off,)).fetchone()[0] if off > 0 else 0
om, ol = (n // 2 // lim) * lim, max(0, n - lim)
print(n, at(om - 1), at(ol - 1), om, ol)
EOF
)
  for pos in first middle last; do
    case $pos in first) after=0 off=0 ;; middle) after=$mid off=$offm ;; last) after=$last off=$offl ;; esac
    if [ "$pos" != first ] && [ "$cnt" -le "$LIMIT" ]; then continue; fi # one page: first is all
    url="$BASE$path${sep}limit=$LIMIT"
    if [ "$after" != 0 ]; then url+="&after=$after"; fi
    # The page must be OFFSET's page: the same keys in the same order.
    got=$(curl -s -H "Authorization: Bearer $tok" "$url" | jq -r "[.data[].$key]|join(\" \")")
    want=$(sqlite3 "$DB" "SELECT group_concat($key, ' ') FROM (SELECT $key FROM $table WHERE $where ORDER BY $key LIMIT $LIMIT OFFSET $off)")
    [ "$got" = "$want" ] || { echo "MISMATCH $name $pos: server '${got:0:80}' OFFSET '${want:0:80}'" >&2; exit 1; }
    srv=$(for _ in $(seq "$REPS"); do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $tok" "$url"; done | pct)
    # The peer: the same rows, SELECT * as the store reads them, LIMIT/OFFSET, timed in-process.
    peer=$(python3 - "$DB" "$table" "$key" "$where" "$LIMIT" "$off" "$REPS" <<'EOF' | pct
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
t, k, w, lim, off, reps = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
for _ in range(reps):
    t0 = time.perf_counter()
    db.execute(f"SELECT * FROM {t} WHERE {w} ORDER BY {k} LIMIT ? OFFSET ?", (lim, off)).fetchall()
    print(time.perf_counter() - t0)
EOF
)
    read -r s50 s99 <<<"$srv"; read -r o50 o99 <<<"$peer"
    printf '%-36s %-6s %9s %8s %8s %10s %10s %7.1fx\n' "$name" "$pos" "$cnt" "$s50" "$s99" "$o50" "$o99" \
      "$(awk -v a="$o50" -v b="$s50" 'BEGIN{print (b > 0 ? a / b : 0)}')"
  done
done
echo "# ratio: OFFSET's p50 / the server's p50 (above 1: the server's keyset page is faster);"
echo "# the server's times are whole HTTP requests (curl time_total), OFFSET's the query alone."
