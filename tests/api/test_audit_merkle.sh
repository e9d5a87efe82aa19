#!/usr/bin/env bash
# test_audit_merkle.sh - the audit Merkle tree and its signed heads, checked outside our code.
#
# A 10,000-event trail is made over the API (most of it in parallel, the last events one
# batch each). Python recomputes every leaf and the roots from the sqlite3 rows with
# hashlib, from the entry layout of docs/audit.md, checks the head file, its copy, every
# stored head and the API's head (Ed25519 with the cryptography package), and verifies
# inclusion and consistency proofs fetched over HTTP with its own RFC 9162 verifiers.
# Then the trail is tampered with on copies of the data directory (byte flips,
# deletions of the first, a middle and the last event, swaps, truncation, truncation
# then rows re-added with a valid chain) and `audit verify` must fail each time, naming
# the first bad event.
. "$(dirname "$0")/lib.sh"

PY=$(command -v python3 || true)
SQL=$(command -v sqlite3 || true)
if [ -z "$PY" ] || [ -z "$SQL" ] || ! "$PY" -c 'import cryptography' 2>/dev/null; then
  bad "python3 with cryptography and sqlite3 are required (scripts/install.sh)"
  finish
fi
N=10000     # events in the trail
TAIL=120    # of which the last ones are written one request (one batch, one head) at a time

# The Python side: leaves and roots as docs/audit.md says, RFC 9162 verifiers, Ed25519.
cat > "$TMP/merkle.py" <<'EOF'
import hashlib, json, sqlite3, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

def H(b): return hashlib.sha256(b).digest()
def node(l, r): return H(b"\x01" + l + r)

def entry(row):
    seq, at, actor, action, rtype, rid, client, detail = row
    i64 = lambda v: int(v or 0).to_bytes(8, "big", signed=True)
    txt = lambda s: len(s.encode()).to_bytes(2, "big") + s.encode()
    d = (detail or "").encode()
    return (i64(seq) + i64(at) + i64(actor) + txt(action) + txt(rtype) + i64(rid)
            + i64(client) + len(d).to_bytes(4, "big") + d)

def leaves(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    rows = con.execute("SELECT seq, at, actor_user_id, action, record_type, record_id, "
                       "client_id, detail FROM audit ORDER BY seq").fetchall()
    heads = con.execute("SELECT tree_size, at, root_hash, public_key, signature "
                        "FROM audit_heads ORDER BY tree_size").fetchall()
    return [row[0] for row in rows], [H(b"\x00" + entry(r)) for r in rows], heads

def mth(d):                      # RFC 6962 2.1, recursive, split at the power of 2
    if len(d) == 0: return H(b"")
    if len(d) == 1: return d[0]
    k = 1
    while k * 2 < len(d): k *= 2
    return node(mth(d[:k]), mth(d[k:]))

def prefix_roots(lv):                     # every root 1..n with a stack of perfect subtrees
    stack, out = [], [H(b"")]
    for i, l in enumerate(lv, 1):
        stack.append((1, l))
        while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
            (s, r), (_, a) = stack.pop(), stack.pop()
            stack.append((2 * s, node(a, r)))
        acc = stack[-1][1]
        for _, h in reversed(stack[:-1]): acc = node(h, acc)
        out.append(acc)
    return out

def verify_inclusion(index, size, leaf, path, root):   # RFC 9162 2.1.3.2
    if index >= size: return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0: fn >>= 1; sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1; sn >>= 1
    return sn == 0 and r == root

def verify_consistency(m, n, r1, r2, path):           # RFC 9162 2.1.4.2
    if m == n: return not path and r1 == r2
    if m == 0 or m > n or not path: return False
    path = list(path)
    if m & (m - 1) == 0: path.insert(0, r1)
    fn, sn = m - 1, n - 1
    while fn & 1: fn >>= 1; sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0: fn >>= 1; sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1; sn >>= 1
    return sn == 0 and fr == r1 and sr == r2

def head_msg(size, ts, root):
    return b"alihdaya-audit-head-v1\x00" + size.to_bytes(8, "big") + ts.to_bytes(8, "big") + root

def signed(pk, sig, msg):
    try:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg); return True
    except Exception:
        return False

def head_file(path):
    f = dict(l.split(" ", 1) for l in open(path).read().splitlines()[1:])
    return (int(f["tree_size"]), int(f["timestamp"]), bytes.fromhex(f["root_hash"]),
            bytes.fromhex(f["public_key"]), bytes.fromhex(f["signature"]))

cmd = sys.argv[1]
if cmd == "check":        # check DB HEADFILE PUBKEYHEX: the trail, every head, the head file
    db, hf, pk = sys.argv[2], sys.argv[3], bytes.fromhex(sys.argv[4])
    seqs, lv, heads = leaves(db)
    print("events", len(lv))
    print("seqs", "ok" if seqs == list(range(1, len(lv) + 1)) else "gap")
    roots = prefix_roots(lv)
    print("root", "ok" if mth(lv) == roots[-1] else "two ways differ")
    size, ts, root, hpk, sig = head_file(hf)
    print("file", size, "ok" if root == roots[size] and hpk == pk
          and signed(pk, sig, head_msg(size, ts, root)) else "bad")
    bad = [s for s, t, r, p, g in heads
           if s > len(lv) or r != roots[s] or p != pk or not signed(p, g, head_msg(s, t, r))]
    print("heads", len(heads), "bad", bad[:5])
    print("one-event heads", sum(1 for a, b in zip(heads, heads[1:]) if b[0] == a[0] + 1))
elif cmd == "api":        # api DB HEAD.json PUBKEYHEX: the API's head
    db, h, pk = sys.argv[2], json.load(open(sys.argv[3])), sys.argv[4]
    seqs, lv, heads = leaves(db)
    root = mth(lv[:h["tree_size"]])
    msg = head_msg(h["tree_size"], h["timestamp"], bytes.fromhex(h["root_hash"]))
    print("api-head", "ok" if h["root_hash"] == root.hex() and h["public_key"] == pk and
          signed(bytes.fromhex(pk), bytes.fromhex(h["signature"]), msg) else "bad")
    bad_sig = bytearray(bytes.fromhex(h["signature"])); bad_sig[10] ^= 1
    print("forged-sig", "refused" if not signed(bytes.fromhex(pk), bytes(bad_sig), msg) else "accepted")
elif cmd == "inclusion":  # inclusion DB PROOF.json
    db, p = sys.argv[2], json.load(open(sys.argv[3]))
    seqs, lv, heads = leaves(db)
    n, i = p["tree_size"], p["leaf_index"]
    path = [bytes.fromhex(x) for x in p["audit_path"]]
    root = mth(lv[:n])
    ok = (p["leaf_hash"] == lv[i].hex() and p["root_hash"] == root.hex()
          and verify_inclusion(i, n, lv[i], path, root))
    wrong = verify_inclusion(i, n, lv[(i + 1) % n], path, root) if n > 1 else False
    print("inclusion", "ok" if ok and not wrong else "bad", len(path))
elif cmd == "consistency":  # consistency DB PROOF.json
    db, p = sys.argv[2], json.load(open(sys.argv[3]))
    seqs, lv, heads = leaves(db)
    m, n = p["first"], p["second"]
    path = [bytes.fromhex(x) for x in p["consistency_path"]]
    r1, r2 = mth(lv[:m]), mth(lv[:n])
    ok = (p["first_root"] == r1.hex() and p["second_root"] == r2.hex()
          and verify_consistency(m, n, r1, r2, path))
    other = bytearray(r1); other[0] ^= 1
    wrong = verify_consistency(m, n, bytes(other), r2, path)
    print("consistency", "ok" if ok and not wrong else "bad", len(path))
elif cmd == "flip":       # flip DB SEQ FIELD: one byte of one field of one event changed
    db, seq, field = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    con = sqlite3.connect(db)
    v = con.execute("SELECT %s FROM audit WHERE seq = ?" % field, (seq,)).fetchone()[0]
    if v is None:
        v = 8
    elif isinstance(v, int):
        v ^= 1 << 3
    elif isinstance(v, bytes):
        b = bytearray(v); b[seq % len(b)] ^= 0x10; v = bytes(b)
    else:
        b = bytearray(v.encode()); b[seq % len(b)] ^= 0x01; v = b.decode()
    con.execute("UPDATE audit SET %s = ? WHERE seq = ?" % field, (v, seq)); con.commit()
elif cmd == "forge":      # forge DB FROM COUNT: events FROM.. re-added with a valid chain
    db, first, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    con = sqlite3.connect(db)
    prev, at = con.execute("SELECT hash, at FROM audit WHERE seq = ?", (first - 1,)).fetchone()
    for seq in range(first, first + count):
        at += 5
        row = (seq, at, 1, "item.read", "item", 1, 1, None)
        i64 = lambda v: int(v).to_bytes(8, "big", signed=True)
        txt = lambda s: len(s).to_bytes(2, "big") + s.encode()
        # the chain's layout (tests/api/test_audit_chain.sh): BLAKE2b, no detail
        h = hashlib.blake2b(prev + i64(seq) + i64(at) + i64(1) + txt("item.read") + txt("item")
                            + i64(1) + i64(1), digest_size=32).digest()
        con.execute("INSERT INTO audit(seq, at, actor_user_id, action, record_type, record_id, "
                    "client_id, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
                    row[:7] + (prev, h))
        prev = h
    con.commit()
EOF
mp() { "$PY" "$TMP/merkle.py" "$@"; }

init_data
mkdir -p "$TMP/elsewhere"
start_server --audit-head-copy "$TMP/elsewhere/head"
setup_world
api GET /v1/audit/head "$AUD"
expect "head after setup" 200
check "head has a tree size" true "$(jqr '.tree_size > 10')"
PK=$("$BIN" audit key --data "$DATA")
check "audit key prints the head's public key" "$(jqr .public_key)" "$PK"

# A few edits (events with a detail), then the bulk in parallel over keep-alive connections.
api PATCH "/v1/clients/$ACME" "$ADMIN" '{"name":"Acme \"Mutual\" Insurance"}'
api PATCH "/v1/workers/$W1ID" "$MGR" '{"capacity":3}'
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":0}}"
ITEM=$(jqr .id)
HAVE=$("$SQL" -readonly "$DATA/alihdaya.db" "SELECT count(*) FROM audit")
BULK=$((N - TAIL - HAVE))
{
  for i in $(seq 1 "$BULK"); do
    if [ $((i % 50)) -eq 0 ]; then     # a payload read (item.read) now and then
      printf 'url = "%s/v1/items/%s"\nheader = "Authorization: Bearer %s"\noutput = "/dev/null"\nnext\n' \
        "$BASE" "$ITEM" "$ACMEU"
    else
      printf 'url = "%s/v1/items"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata-binary = "{\\"engagement_id\\":%s,\\"payload\\":{\\"n\\":%d}}"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{errormsg}\\n"\nnext\n' \
        "$BASE" "$MGR" "$BPO" "$i"
    fi
  done
} | sed '$d' > "$TMP/bulk.cfg"   # no "next" after the last: curl would abort the transfers
curl -s --no-progress-meter --parallel --parallel-max 24 -K "$TMP/bulk.cfg" > "$TMP/bulk.out"
check "bulk creates all answer 201" "" "$(grep -v '^201 $' "$TMP/bulk.out" | sort | uniq -c | head -3)"
# The tail, up to N: one request at a time, so each event has a signed head of its own.
REST=$((N - $("$SQL" -readonly "$DATA/alihdaya.db" "SELECT count(*) FROM audit")))
for i in $(seq 1 "$REST"); do
  api POST /v1/items "$MGR" "{\"engagement_id\":$BPO,\"payload\":{\"tail\":$i}}"
  [ "$STATUS" = 201 ] || bad "tail create $i: $STATUS"
  [ "$i" = $((REST / 2)) ] && cp "$DATA/audit-head" "$TMP/old-head"   # a head kept from earlier
done
check "the trail has $N events" "$N" "$("$SQL" -readonly "$DATA/alihdaya.db" "SELECT count(*) FROM audit")"

api GET /v1/audit/head "$AUD"
expect "GET /v1/audit/head" 200
printf '%s' "$BODY" > "$TMP/head.json"
check "API head covers the trail" "$N" "$(jqr .tree_size)"
OUT=$(mp api "$DATA/alihdaya.db" "$TMP/head.json" "$PK")
check "python: API head root and Ed25519 signature" "api-head ok" "$(printf '%s\n' "$OUT" | grep api-head)"
check "python: a forged signature is refused" "forged-sig refused" "$(printf '%s\n' "$OUT" | grep forged)"

# Proofs over HTTP, verified by Python's own verifiers against its own roots.
for q in "seq=1" "seq=2" "seq=777" "seq=5000" "seq=$((N - 1))" "seq=$N" "seq=3&tree_size=3" \
         "seq=4096&tree_size=5000" "seq=$N&tree_size=$N"; do
  api GET "/v1/audit/proof/inclusion?$q" "$AUD"
  expect "inclusion proof $q" 200
  printf '%s' "$BODY" > "$TMP/proof.json"
  check "python verifies inclusion $q" "inclusion ok" "$(mp inclusion "$DATA/alihdaya.db" "$TMP/proof.json" | cut -d' ' -f1-2)"
done
for q in "first=1" "first=4096" "first=5000" "first=$((N - 1))" "first=$N" "first=7&second=8" \
         "first=1000&second=6000"; do
  api GET "/v1/audit/proof/consistency?$q" "$AUD"
  expect "consistency proof $q" 200
  printf '%s' "$BODY" > "$TMP/proof.json"
  check "python verifies consistency $q" "consistency ok" "$(mp consistency "$DATA/alihdaya.db" "$TMP/proof.json" | cut -d' ' -f1-2)"
done
api GET "/v1/audit/proof/inclusion" "$AUD";                          expect "inclusion without seq" 400
api GET "/v1/audit/proof/inclusion?seq=$((N + 1))" "$AUD";           expect "inclusion past the head" 400
api GET "/v1/audit/proof/inclusion?seq=1&tree_size=$((N + 9))" "$AUD"; expect "tree past the head" 400
api GET "/v1/audit/proof/inclusion?seq=1&x=1" "$AUD";                expect "unknown parameter" 400
api GET "/v1/audit/proof/consistency?first=9&second=8" "$AUD";       expect "first past second" 400
api GET "/v1/audit/proof/consistency?first=abc" "$AUD";              expect "first not a number" 400
api GET /v1/audit/verify "$AUD"
check "API verify: intact" true "$(jqr .intact)"
check "API verify: signed size" "$N" "$(jqr .signed_size)"
stop_server TERM && ok "graceful stop" || bad "graceful stop"

OUT=$(mp check "$DATA/alihdaya.db" "$DATA/audit-head" "$PK")
check "python: $N events" "events $N" "$(printf '%s\n' "$OUT" | grep '^events')"
check "python: seqs 1..N" "seqs ok" "$(printf '%s\n' "$OUT" | grep '^seqs')"
check "python: two root computations agree" "root ok" "$(printf '%s\n' "$OUT" | grep '^root')"
check "python: head file root, key, signature" "file $N ok" "$(printf '%s\n' "$OUT" | grep '^file')"
check "python: every stored head true" "bad []" "$(printf '%s\n' "$OUT" | grep '^heads' | cut -d' ' -f3-)"
ONE=$(printf '%s\n' "$OUT" | sed -n 's/^one-event heads //p')
[ "${ONE:-0}" -ge "$((TAIL - 1))" ] && ok "a head per tail event ($ONE)" || bad "one-event heads: $ONE"
cmp -s "$DATA/audit-head" "$TMP/elsewhere/head" && ok "the copy elsewhere is the head" ||
  bad "the head copy differs"
[ "$(stat -c %a "$DATA/audit-signing.key")" = 600 ] && ok "key file 0600" || bad "key file mode"

OUT=$("$BIN" audit verify --data "$DATA" 2>&1); rc=$?
check "CLI verify: intact" 0 "$rc"
printf '%s' "$OUT" | grepq "signed tree head: $N events" && ok "CLI verify names the head" ||
  bad "CLI verify: $OUT"
"$BIN" audit verify --data "$DATA" --head "$TMP/elsewhere/head" --key "$PK" >/dev/null 2>&1
check "CLI verify against the copy and the key" 0 "$?"
OUT=$("$BIN" audit verify --data "$DATA" --key "$(printf '%064d' 7)" 2>&1); rc=$?
[ "$rc" -ne 0 ] && printf '%s' "$OUT" | grepq "another key" && ok "another key is refused" ||
  bad "wrong key: rc $rc: $OUT"

# tamper NAME WANT SETUP...: on a fresh copy, SETUP (shell) runs, verify must fail naming WANT.
tamper() {
  local name=$1 want=$2 out rc; shift 2
  rm -rf "$TMP/t"; cp -a "$DATA" "$TMP/t"
  T=$TMP/t/alihdaya.db
  eval "$@" || { bad "$name: tampering failed"; return; }
  out=$("$BIN" audit verify --data "$TMP/t" ${VERIFY_ARGS:-} 2>&1); rc=$?
  if [ "$rc" -ne 0 ] && printf '%s' "$out" | grepq "first bad event: $want\$"; then
    ok "$name: detected, first bad event $want"
  else
    bad "$name: rc $rc, wanted first bad event $want: $out"
  fi
}
for k in 1 2 3 4 5 6 7; do
  SEQ=$(( (RANDOM * 32768 + RANDOM) % N + 1 ))
  FIELD=$(printf '%s\n' at actor_user_id action record_type record_id prev_hash hash | shuf -n 1)
  tamper "byte flip $k ($FIELD of $SEQ)" "$SEQ" 'mp flip "$T" "$SEQ" "$FIELD"'
done
DSEQ=$("$SQL" -readonly "$DATA/alihdaya.db" "SELECT min(seq) FROM audit WHERE detail IS NOT NULL")
tamper "detail flip ($DSEQ)" "$DSEQ" 'mp flip "$T" "$DSEQ" detail'
tamper "delete the first" 1 '"$SQL" "$T" "DELETE FROM audit WHERE seq = 1"'
tamper "delete a middle one" 5000 '"$SQL" "$T" "DELETE FROM audit WHERE seq = 5000"'
tamper "delete the last" "$N" '"$SQL" "$T" "DELETE FROM audit WHERE seq = $N"'
tamper "delete the last, its heads too" "$N" \
  '"$SQL" "$T" "DELETE FROM audit WHERE seq = $N; DELETE FROM audit_heads WHERE tree_size >= $N"'
tamper "swap two events' seq" 3000 \
  '"$SQL" "$T" "UPDATE audit SET seq = -1 WHERE seq = 3000; UPDATE audit SET seq = 3000 WHERE seq = 7000;
              UPDATE audit SET seq = 7000 WHERE seq = -1"'
tamper "swap two neighbours" 8000 \
  '"$SQL" "$T" "UPDATE audit SET seq = -1 WHERE seq = 8000; UPDATE audit SET seq = 8000 WHERE seq = 8001;
              UPDATE audit SET seq = 8001 WHERE seq = -1"'
tamper "truncate 100" "$((N - 99))" '"$SQL" "$T" "DELETE FROM audit WHERE seq > $((N - 100))"'
tamper "truncate 2000 and their heads" "$((N - 1999))" \
  '"$SQL" "$T" "DELETE FROM audit WHERE seq > $((N - 2000)); DELETE FROM audit_heads WHERE tree_size > $((N - 2000))"'
CUT=$((N - 50))
tamper "truncate 50, re-add 50 with a valid chain" "$((CUT + 1))" \
  '"$SQL" "$T" "DELETE FROM audit WHERE seq > $CUT" && mp forge "$T" $((CUT + 1)) 50'
tamper "truncate 50, re-add 80, drop the heads after the cut" "$((CUT + 1))" \
  '"$SQL" "$T" "DELETE FROM audit WHERE seq > $CUT; DELETE FROM audit_heads WHERE tree_size > $CUT" &&
   mp forge "$T" $((CUT + 1)) 80'
tamper "rows appended after the head (server stopped)" "$((N + 1))" 'mp forge "$T" $((N + 1)) 3'
# Everything in the data directory rolled back to an older head: only a head kept elsewhere tells.
OLD=$(sed -n 's/^tree_size //p' "$TMP/old-head")
ROLLBACK='"$SQL" "$T" "DELETE FROM audit WHERE seq > $OLD; DELETE FROM audit_heads WHERE tree_size > $OLD" &&
   cp "$TMP/old-head" "$TMP/t/audit-head"'
rm -rf "$TMP/t"; cp -a "$DATA" "$TMP/t"; T=$TMP/t/alihdaya.db; eval "$ROLLBACK"
"$BIN" audit verify --data "$TMP/t" >/dev/null 2>&1
check "a consistent rollback passes against the data dir's own head (docs/audit.md)" 0 "$?"
VERIFY_ARGS="--head $TMP/elsewhere/head" tamper "rollback, seen from the copy elsewhere" "$((OLD + 1))" "$ROLLBACK"
CUT30='"$SQL" "$T" "DELETE FROM audit WHERE seq > $((N - 30)); DELETE FROM audit_heads WHERE tree_size > $((N - 30))" &&
   rm "$TMP/t/audit-head" "$TMP/t/audit-signing.key"'
VERIFY_ARGS="--head $TMP/elsewhere/head --key $PK" \
  tamper "truncated, key and head file removed: the copy and the pinned key" "$((N - 29))" "$CUT30"
# The same, then a write: the installation signs its truncated trail with a new key.
VERIFY_ARGS="--head $TMP/elsewhere/head --key $PK" \
  tamper "re-signed with a new key: the copy and the pinned key" "$((N - 28))" \
  "$CUT30"' && "$BIN" token create --data "$TMP/t" --user admin >/dev/null'
OUT=$("$BIN" audit verify --data "$TMP/t" --head "$TMP/elsewhere/head" --key "$PK" 2>&1); printf "%s" "$OUT" |
  grepq "events $((N - 29))..$((N - 29)) are under no matching signed head" &&
  ok "re-signed: the event written since is under no matching head" || bad "re-signed: not said"
"$BIN" audit verify --data "$TMP/t" >/dev/null 2>&1
check "re-signed with a new key: passes without the pinned key (docs/audit.md)" 0 "$?"
rm -rf "$TMP/t"; cp -a "$DATA" "$TMP/t"
HS=$("$SQL" -readonly "$DATA/alihdaya.db" "SELECT min(tree_size) FROM audit_heads WHERE tree_size >= 5000")
"$SQL" "$TMP/t/alihdaya.db" "UPDATE audit_heads SET signature = zeroblob(64) WHERE tree_size = $HS"
OUT=$("$BIN" audit verify --data "$TMP/t" 2>&1); rc=$?
[ "$rc" -ne 0 ] && printf '%s' "$OUT" | grepq "stored head of $HS events is not signed" &&
  ok "a forged stored head is named" || bad "forged stored head: rc $rc: $OUT"

# A server started on a truncated trail keeps the head file as evidence: it signs nothing.
rm -rf "$TMP/t"; cp -a "$DATA" "$TMP/t"
"$SQL" "$TMP/t/alihdaya.db" "DELETE FROM audit WHERE seq > $((N - 10))"
cp "$TMP/t/audit-head" "$TMP/before"
REAL=$DATA; DATA=$TMP/t
start_server
api POST /v1/items "$MGR" "{\"engagement_id\":$BPO,\"payload\":{}}"
expect "the server still serves" 201
stop_server TERM
DATA=$REAL
cmp -s "$TMP/t/audit-head" "$TMP/before" && ok "the head file is kept untouched" || bad "head file overwritten"
grep -q "audit tree heads are not signed" "$TMP/server.err" && ok "the server says why it signs nothing" ||
  bad "no log line about the unsigned heads"
OUT=$("$BIN" audit verify --data "$TMP/t" 2>&1)
printf '%s' "$OUT" | grepq "truncated: a signed head covers $N events" && ok "verify still sees the truncation" ||
  bad "after restart: $OUT"
finish
