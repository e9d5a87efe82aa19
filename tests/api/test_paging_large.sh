#!/usr/bin/env bash
# test_paging_large.sh - the lists stay paged on a large store: 200,000 items and 200,000 audit
# events written straight into the database (the server stopped: the API would take minutes),
# then every list the screens use answers a bounded page (limit respected, the cursor continues
# exactly where the page ended, as Python's own SELECT on the same file says), each page fast,
# and EXPLAIN QUERY PLAN of the store's real list statements (read out of the binary) searches
# an index: no full scan of a table and no sort of the whole result.
. "$(dirname "$0")/lib.sh"

N=200000
init_data
start_server
setup_world
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"SEED-A\",\"payload\":{\"a\":1}}"
expect "a seed item of ACME" 201
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"external_ref\":\"SEED-L\",\"payload\":{\"q\":1}}"
expect "a seed item of LexCorp" 201
stop_server

DB=$(ls "$DATA"/*.db 2>/dev/null | head -1)
[ -f "$DB" ] || { bad "no database file in $DATA: $(ls "$DATA")"; finish; }

# The bulk: copies of the seed rows (every column as the server wrote it), ids after the last,
# ACME and LexCorp alternating, states mostly finished (the engine loads open items at start),
# 1 in 1000 queued, 1 in 50 submitted; audit events after the last seq, half of them ACME's.
python3 - "$DB" "$N" <<'EOF' || { bad "bulk insert"; finish; }
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2]); t0 = time.time()
# A test's scratch store: no fsync per page, a large cache (the rows are what matters).
db.execute("PRAGMA synchronous = OFF"); db.execute("PRAGMA cache_size = -262144")
cols = [r[1] for r in db.execute("PRAGMA table_info(items)")]
seeds = db.execute("SELECT * FROM items ORDER BY id").fetchall()
base = db.execute("SELECT max(id) FROM items").fetchone()[0]
ci = {c: i for i, c in enumerate(cols)}
def items():
    for k in range(1, n + 1):
        row = list(seeds[k % len(seeds)])
        row[ci["id"]] = base + k
        row[ci["external_ref"]] = f"BULK-{k}"
        row[ci["state"]] = "queued" if k % 1000 == 0 else "submitted" if k % 50 == 0 else "done"
        if "worker_id" in ci: row[ci["worker_id"]] = None
        yield row
db.executemany(f"INSERT INTO items({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", items())
acols = [r[1] for r in db.execute("PRAGMA table_info(audit)")]
aseed = list(db.execute("SELECT * FROM audit ORDER BY seq DESC LIMIT 1").fetchone())
aseq = aseed[acols.index("seq")]
client = db.execute("SELECT client_id FROM items WHERE external_ref = 'SEED-A'").fetchone()[0]
def events():
    for k in range(1, n + 1):
        row = list(aseed)
        row[acols.index("seq")] = aseq + k
        row[acols.index("client_id")] = client if k % 2 else None
        row[acols.index("action")] = "bulk.test"
        yield row
db.executemany(f"INSERT INTO audit({','.join(acols)}) VALUES ({','.join('?' * len(acols))})", events())
db.commit()
print(f"# {n} items and {n} audit events in {time.time() - t0:.1f} s")
EOF
ok "$N items and $N audit events written into the store"

start_server
ok "the server starts on the large store"

# Python's answer for a list: the first `limit` ids after `after` matching `where`, from the file.
ref() { python3 - "$DB" "$@" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
table, key, where, after, limit = sys.argv[2:7]
q = f"SELECT {key} FROM {table} WHERE {key} > ? {('AND ' + where) if where else ''} ORDER BY {key} LIMIT ?"
print(" ".join(str(r[0]) for r in db.execute(q, (int(after), int(limit)))))
EOF
}

# page NAME PATH TOKEN TABLE KEY WHERE: two pages of 50 (the second after the first's cursor)
# and one of 500 deep in the list, each the ids Python finds, each answered in under 2 s.
page() {
  local name=$1 path=$2 tok=$3 table=$4 key=$5 where=$6 sep='?' after=0 want got t0 ms cursor
  case $path in *\?*) sep='&';; esac
  for lim in 50 50 500; do
    [ "$lim" = 500 ] && after=$(( after + N / 2 ))
    t0=$(date +%s%N)
    api GET "$path${sep}limit=$lim$( [ "$after" != 0 ] && echo "&after=$after")" "$tok"
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$STATUS" = 200 ] || { bad "$name: HTTP $STATUS ${BODY:0:200}"; return; }
    got=$(jqr "[.data[].$key]|join(\" \")")
    want=$(ref "$table" "$key" "$where" "$after" "$lim")
    cursor=$(jqr .next_cursor)
    if [ "$got" = "$want" ] && [ "$(jqr '.data|length')" = "$lim" ] && [ "$cursor" = "${got##* }" ]; then
      ok "$name: limit=$lim after=$after gives the $lim ids the store holds next, next_cursor the last ($ms ms)"
    else
      bad "$name: limit=$lim after=$after: got '${got:0:120}' cursor $cursor, want '${want:0:120}'"
    fi
    [ "$ms" -lt 2000 ] && ok "$name: a page in under 2 s ($ms ms)" || bad "$name: a page took $ms ms"
    after=$cursor
  done
}

page "items" "/v1/items" "$MGR" items id "gold_id = 0"
page "items of a client" "/v1/items?client_id=$ACME" "$MGR" items id "gold_id = 0 AND client_id = $ACME"
page "a client user's items" "/v1/items" "$LEXU" items id "gold_id = 0 AND client_id = $LEX"
page "items by state" "/v1/items?state=submitted" "$MGR" items id "gold_id = 0 AND state = 'submitted'"
page "items of an engagement" "/v1/items?engagement_id=$BPO&state=done" "$MGR" items id "gold_id = 0 AND engagement_id = $BPO AND state = 'done'"
page "audit trail" "/v1/audit" "$AUD" audit seq ""
page "audit of a client" "/v1/audit?client_id=$ACME" "$AUD" audit seq "client_id = $ACME"

# The limit is bounded: above 500 is refused, not served whole.
api GET "/v1/items?limit=100000" "$MGR"
expect "limit above 500 is refused" 400
api GET "/v1/audit?limit=100000" "$AUD"
expect "audit: limit above 500 is refused" 400
# A rare state (1 in 1000 queued) still answers a bounded page quickly: an index, not a scan.
t0=$(date +%s%N)
api GET "/v1/items?state=queued&limit=50" "$MGR"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "queued items: a page of 50" 50 "$(jqr '.data|length')"
[ "$ms" -lt 2000 ] && ok "a rare state's page in under 2 s ($ms ms)" || bad "a rare state's page took $ms ms"

# The store's list statements, as compiled into the binary, each planned on this file.
python3 - "$DB" "$BIN" <<'EOF'
import itertools, re, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
# The binary's string constants (as strings(1) would print them).
lines = [b.decode() for b in re.findall(rb"[\x20-\x7e]{10,}", open(sys.argv[2], "rb").read())]
pages = [l for l in lines if re.match(r"^SELECT .* FROM (items|audit|clients|services|engagements|users|workers w|tokens t) .*WHERE .*> \?1.* ORDER BY \S+ LIMIT \?2$", l)]
# The items list is one format with its filters' pieces (sqlite_store.c): every combination.
fmt = [l for l in pages if "%s" in l and l.count("%s") == 5]
pieces = [" AND gold_id = 0", " AND client_id = ?3", " AND engagement_id = ?4", " AND worker_id = ?5", " AND state = ?6"]
missing = [p for p in pieces if p not in lines]
stmts = [l for l in pages if "%s" not in l]
for f in fmt:
    for mask in itertools.product([0, 1], repeat=4):
        stmts.append(f % tuple([pieces[0]] + [p if m else "" for p, m in zip(pieces[1:], mask)]))
fails = []
for s in stmts:
    plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + s, [1] * max(int(x) for x in re.findall(r"\?(\d+)", s)))]
    bad = [p for p in plan if re.match(r"^SCAN ", p) or "TEMP B-TREE" in p]
    tag = "FAIL" if bad else "ok"
    if bad: fails.append(s)
    head, where = s.rsplit(" WHERE ", 1)
    table, where = head.rsplit(" FROM ", 1)[1].split(" ")[0], where.split(" ORDER BY")[0]
    print(f"{tag} - plan of the {table} list WHERE {where}: {' | '.join(plan)}")
found = len(stmts) >= 25 and len(fmt) == 1 and not missing
print(("ok" if found else "FAIL") +
      f" - {len(stmts)} list statements found in the binary (items' format {len(fmt)}, pieces missing {missing})")
sys.exit(1 if fails or not found else 0)
EOF
[ $? = 0 ] && ok "every list statement searches an index: no full scan, no sort" || bad "a list statement scans or sorts"

# The writes of an item's create, as compiled into the binary: no ephemeral table built per row
# (a partial index's WHERE with an IN list of constants builds one for every row inserted).
python3 - "$DB" "$BIN" <<'EOF'
import re, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
lines = [b.decode() for b in re.findall(rb"[\x20-\x7e]{10,}", open(sys.argv[2], "rb").read())]
stmts = [l for l in lines if re.match(r"^INSERT INTO (items|item_events)\(", l)]
fails = 0
for s in stmts:
    n = max(int(x) for x in re.findall(r"\?(\d+)", s))
    ops = [r[1] for r in db.execute("EXPLAIN " + s, [1] * n)]
    eph = ops.count("OpenEphemeral")
    print(f"{'FAIL' if eph else 'ok'} - {s.split('(')[0]}: {ops.count('IdxInsert')} index inserts, {eph} ephemeral tables")
    fails += eph > 0
print(("ok" if len(stmts) == 2 else "FAIL") + f" - {len(stmts)} create statements found in the binary")
sys.exit(1 if fails or len(stmts) != 2 else 0)
EOF
[ $? = 0 ] && ok "an item's create builds no ephemeral table" || bad "an item's create builds an ephemeral table per row"
finish
