#!/usr/bin/env bash
# test_audit_chain.sh - the audit chain recomputed outside the project's code (Python hashlib).
#
# The hash of every stored event is recomputed here from the layout written
# below, with Python's own BLAKE2b, never with the project's code: a change in
# how src/sec/audit.c hashes an event breaks this test, as does a change in
# what is stored. Then one field of a middle event is changed in the SQLite
# file, and the project's verifiers (CLI and API) and this one must all name
# that event. python3 and sqlite3 are required: without them the test fails.
#
# The layout (the spec this test holds the project to):
#   hash(event) = BLAKE2b, 32-byte digest, no key, over the concatenation of
#     prev_hash      32 bytes: the previous event's hash; 32 zero bytes for the first
#     seq            8 bytes, big-endian two's complement
#     at             8 bytes, big-endian (milliseconds since the epoch, as stored)
#     actor_user_id  8 bytes, big-endian; 0 when stored as NULL
#     action         2-byte big-endian length, then its UTF-8 bytes (at most 63)
#     record_type    2-byte big-endian length, then its UTF-8 bytes (at most 63)
#     record_id      8 bytes, big-endian
#     client_id      8 bytes, big-endian; 0 when stored as NULL
#     detail         only when stored and not empty (an edit's before and after, a JSON
#                    text): 4-byte big-endian length, then its UTF-8 bytes; events without
#                    one hash exactly as they did before details existed
#   and each event's stored prev_hash equals the stored hash of the event before.
. "$(dirname "$0")/lib.sh"

PY=$(command -v python3 || true)
SQL=$(command -v sqlite3 || true)
if [ -z "$PY" ] || [ -z "$SQL" ]; then
  bad "python3 ('${PY}') and sqlite3 ('${SQL}') are both required (scripts/install.sh)"
  finish
fi
DB=$DATA/alihdaya.db

# dump_rows FILE: every audit row, one per line, fields exact (text as hex of its bytes).
dump_rows() {
  "$SQL" -readonly -batch -noheader -separator ' ' "$DB" \
    "SELECT seq, at, quote(actor_user_id), hex(CAST(action AS BLOB)),
            hex(CAST(record_type AS BLOB)), record_id, quote(client_id),
            lower(hex(prev_hash)), lower(hex(hash)), typeof(prev_hash), typeof(hash),
            'd' || ifnull(hex(CAST(detail AS BLOB)), '')
       FROM audit ORDER BY seq" > "$1"
}

# py_check FILE: recomputes the chain; prints "checked N" then one "bad SEQ why" per broken event.
py_check() {
  "$PY" - "$1" <<'EOF'
import hashlib, sys

def i64(v):
    return int(v).to_bytes(8, "big", signed=True)

def opt_id(q):          # quote(): NULL or a decimal integer
    return 0 if q == "NULL" else int(q)

def text(hexstr):
    b = bytes.fromhex(hexstr)
    if len(b) > 63:
        raise ValueError("string over 63 bytes")
    return len(b).to_bytes(2, "big") + b

prev = bytes(32)
last_seq = 0
n = 0
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) != 12:    # hex() of an empty string prints nothing: a field is missing
        raise SystemExit("unexpected empty text field: " + line)
    seq, at, actor, action, rtype, rid, client, sprev, shash, tprev, thash, detail = f
    detail = bytes.fromhex(detail[1:])
    seq = int(seq)
    n += 1
    why = []
    if tprev != "blob" or thash != "blob" or len(sprev) != 64 or len(shash) != 64:
        why.append("hashes not 32-byte blobs")
    if seq != last_seq + 1:
        why.append("seq %d follows %d" % (seq, last_seq))
    if bytes.fromhex(sprev) != prev:
        why.append("prev_hash is not the previous hash")
    msg = (prev + i64(seq) + i64(at) + i64(opt_id(actor)) + text(action) + text(rtype)
           + i64(rid) + i64(opt_id(client)))
    if detail:
        msg += len(detail).to_bytes(4, "big") + detail
    want = hashlib.blake2b(msg, digest_size=32).hexdigest()
    if want != shash:
        why.append("hash %s, recomputed %s" % (shash[:16], want[:16]))
    if why:
        print("bad %d %s" % (seq, "; ".join(why)))
    prev = bytes.fromhex(shash)
    last_seq = seq
print("checked %d" % n)
EOF
}

init_data
start_server
setup_world

# A flow with varied events: items created by a client and a manager, leases,
# a submit, an accept, a rework, a cancel, a payload read.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-1\",\"payload\":{\"policy\":\"P-1\"}}"
expect "client creates item" 201
I1=$(jqr .id)
api POST /v1/items "$MGR" "{\"engagement_id\":$BPO,\"payload\":{\"policy\":\"P-2\"}}"
I2=$(jqr .id)
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"question\":\"non-compete\"}}"
K1=$(jqr .id)
api POST /v1/work/next "$W1"
expect "worker gets work" 200
ID=$(jqr .id); EP=$(jqr .lease.epoch)
api POST "/v1/items/$ID/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"ok\":true}}"
expect "submit" 200
api POST "/v1/items/$ID/rework" "$MGR" '{"reason":"check the policy number"}'
expect "rework" 200
api POST /v1/work/next "$W1"
ID=$(jqr .id); EP=$(jqr .lease.epoch)
api POST "/v1/items/$ID/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"ok\":true}}"
api POST "/v1/items/$ID/accept" "$MGR" '{}'
expect "accept" 200
api POST /v1/work/next "$W2"
EP=$(jqr .lease.epoch)
api POST "/v1/items/$K1/submit" "$W2" "{\"epoch\":$EP,\"result\":{\"memo\":\"ok\"}}"
api POST "/v1/items/$K1/review" "$MGR" '{}'
expect "senior reviewer approves KPO work" 200
api POST "/v1/items/$K1/accept" "$LEXU" '{}'
expect "client accepts KPO work" 200
api GET "/v1/items/$K1" "$LEXU"
expect "payload read" 200
api GET "/v1/items/$I1" "$ACMEU"
api POST "/v1/items/$I2/cancel" "$MGR" '{"reason":"duplicate"}'
[ "$STATUS" = 200 ] || api POST "/v1/items/$I1/cancel" "$MGR" '{"reason":"duplicate"}'
expect "cancel" 200
# Edits and switches: events with a detail (before and after), a quote in a name too.
api PATCH "/v1/clients/$ACME" "$ADMIN" '{"name":"Acme \"Mutual\" Insurance"}'
expect "edit a client" 200
api PATCH "/v1/workers/$W1ID" "$MGR" '{"capacity":3,"skills":[{"code":"data_entry","level":4}]}'
expect "edit a worker" 200
api POST "/v1/engagements/$BPO/deactivate" "$MGR" ''
expect "pause an engagement" 200

# The trail as the API shows it, every page.
: > "$TMP/api_rows"
AFTER=0
for _ in $(seq 1 20); do
  api GET "/v1/audit?limit=7&after=$AFTER" "$AUD"
  [ "$STATUS" = 200 ] || { expect "audit page" 200; break; }
  jqr '.data[]|"\(.seq) \(.actor_user_id // 0) \(.action) \(.record_type) \(.record_id) \(.client_id // 0) \(.prev_hash) \(.hash)"' >> "$TMP/api_rows"
  AFTER=$(jqr '.next_cursor // empty')
  [ -n "$AFTER" ] || break
done
api GET /v1/audit/verify "$AUD"
check "API verify: intact before tampering" true "$(jqr .intact)"
stop_server TERM && ok "graceful stop" || bad "graceful stop"

# The file, read with the sqlite3 CLI, checked with Python.
dump_rows "$TMP/rows"
N=$(wc -l < "$TMP/rows")
[ "$N" -ge 30 ] && ok "trail has $N events" || bad "trail has only $N events"
ACTIONS=$("$SQL" -readonly "$DB" "SELECT group_concat(a, ' ') FROM (SELECT DISTINCT action a FROM audit ORDER BY a)")
for a in client.create user.create engagement.create worker.create token.create item.create \
         item.assign item.submit item.rework item.accept item.cancel item.read client.update \
         worker.update engagement.deactivate; do
  case " $ACTIONS " in *" $a "*) ok "trail has $a";; *) bad "trail lacks $a (has: $ACTIONS)";; esac
done
"$SQL" -readonly "$DB" "SELECT count(*) FROM audit WHERE actor_user_id IS NULL OR client_id IS NULL" |
  grepq -v '^0$' && ok "trail has NULL actor or client ids" || bad "no NULL ids: the 0 rule is untested"
"$SQL" -readonly "$DB" "SELECT count(*) FROM audit WHERE client_id IS NOT NULL" |
  grepq -v '^0$' && ok "trail has client ids" || bad "no client ids in the trail"
check "trail has details (edits) and events without" "3 yes" \
  "$("$SQL" -readonly "$DB" "SELECT count(detail), CASE WHEN count(*) > count(detail) THEN 'yes' END FROM audit" | tr '|' ' ')"

OUT=$(py_check "$TMP/rows"); prc=$?
check "python: script ran" 0 "$prc"
check "python: every event checked" "checked $N" "$(printf '%s\n' "$OUT" | grep '^checked')"
check "python: no broken event" "" "$(printf '%s\n' "$OUT" | grep '^bad')"

# The API shows the stored values and hashes, event for event.
"$SQL" -readonly -batch -noheader -separator ' ' "$DB" \
  "SELECT seq, ifnull(actor_user_id, 0), action, record_type, record_id, ifnull(client_id, 0),
          lower(hex(prev_hash)), lower(hex(hash)) FROM audit ORDER BY seq" > "$TMP/db_rows"
check "API lists every event" "$N" "$(wc -l < "$TMP/api_rows")"
if cmp -s "$TMP/db_rows" "$TMP/api_rows"; then ok "API shows the stored fields and hashes"
else bad "API and file differ:"; diff "$TMP/db_rows" "$TMP/api_rows" | head -5; fi

# Tamper: one field of a middle event, the server stopped.
MID=$((N / 2))
"$SQL" "$DB" "UPDATE audit SET record_id = record_id + 1 WHERE seq = $MID" ||
  bad "tampering failed"
OUT=$("$BIN" audit verify --data "$DATA" 2>&1); crc=$?
[ "$crc" -ne 0 ] && ok "CLI verify fails after tampering" || bad "CLI verify passed: $OUT"
printf '%s' "$OUT" | grepq "broken at event $MID " && ok "CLI names event $MID" ||
  bad "CLI does not name event $MID: $OUT"
dump_rows "$TMP/rows"
OUT=$(py_check "$TMP/rows")
check "python flags exactly event $MID" "bad $MID" "$(printf '%s\n' "$OUT" | grep '^bad' | cut -d' ' -f1-2 | tr '\n' ' ' | sed 's/ $//')"
start_server
api GET /v1/audit/verify "$AUD"
expect "API verify after restart" 200
check "API verify: not intact" false "$(jqr .intact)"
check "API verify: first bad seq" "$MID" "$(jqr .first_bad_seq)"
stop_server TERM

# A text field changed instead (the first change undone): the length-prefixed
# string part of the layout is checked too.
"$SQL" "$DB" "UPDATE audit SET record_id = record_id - 1 WHERE seq = $MID;
              UPDATE audit SET action = action || 'x' WHERE seq = $((MID + 3))" || bad "tampering failed"
dump_rows "$TMP/rows"
OUT=$(py_check "$TMP/rows")
check "python flags the changed action of event $((MID + 3))" "bad $((MID + 3))" \
  "$(printf '%s\n' "$OUT" | grep '^bad' | cut -d' ' -f1-2 | tr '\n' ' ' | sed 's/ $//')"
OUT=$("$BIN" audit verify --data "$DATA" 2>&1)
printf '%s' "$OUT" | grepq "broken at event $((MID + 3)) " && ok "CLI names event $((MID + 3))" ||
  bad "CLI does not name event $((MID + 3)): $OUT"

# An edit's detail changed: the hash covers it.
WSEQ=$("$SQL" -readonly "$DB" "SELECT seq FROM audit WHERE action = 'worker.update'")
"$SQL" "$DB" "UPDATE audit SET detail = replace(detail, '\"after\":3', '\"after\":9') WHERE seq = $WSEQ" ||
  bad "tampering failed"
dump_rows "$TMP/rows"
OUT=$(py_check "$TMP/rows")
printf '%s\n' "$OUT" | grepq "^bad $WSEQ " && ok "python flags the changed detail of event $WSEQ" ||
  bad "python misses the changed detail of event $WSEQ: $OUT"
finish
