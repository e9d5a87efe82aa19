#!/usr/bin/env bash
# test_encryption.sh - encryption at rest through the real server: canaries planted in two
# clients' payloads, results and reasons are nowhere in plain (database, WAL, backup, logs);
# a sealed value opens with PyNaCl from the key file and keyring alone (libsodium's format,
# computed outside our code); a copied ciphertext fails; keys rotate while serving; a
# removed client's data is unreadable, in a backup taken before too; a wrong master key
# stops the start with a clear error. python3 with PyNaCl (python3-nacl) and sqlite3 are
# required: without them the test fails.
. "$(dirname "$0")/lib.sh"

PY=
for p in /usr/bin/python3 "$(command -v python3 || true)"; do
  [ -n "$p" ] && "$p" -c 'import nacl.bindings' 2>/dev/null && { PY=$p; break; }
done
SQL=$(command -v sqlite3 || true)
if [ -z "$PY" ] || [ -z "$SQL" ]; then
  bad "python3 with PyNaCl ('${PY}') and sqlite3 ('${SQL}') are both required (scripts/install.sh)"
  finish
fi

init_data
start_server
setup_world

TAG=$RANDOM$RANDOM
CA_P="CANARY-ACME-PAYLOAD-$TAG"; CA_R="CANARY-ACME-RESULT-$TAG"; CA_W="CANARY-ACME-REASON-$TAG"
CL_P="CANARY-LEX-PAYLOAD-$TAG";  CL_R="CANARY-LEX-RESULT-$TAG"
CANARIES="$CA_P $CA_R $CA_W $CL_P $CL_R"

# scan LABEL FILE...: none of the canaries in the raw bytes of the files that exist.
scan() {
  local label=$1; shift
  local hits
  hits=$("$PY" - "$CANARIES" "$@" <<'EOF'
import os, sys
canaries = [c.encode() for c in sys.argv[1].split()]
for path in sys.argv[2:]:
    if not os.path.exists(path):
        continue
    data = open(path, 'rb').read()
    for c in canaries:
        if c in data:
            print(os.path.basename(path) + ':' + c.decode())
EOF
)
  check "$label: no canary in plain" "" "$hits"
}

# Plant: acme payload, its result and a rework reason; lex payload and result.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"note\":\"$CA_P\"}}" -H "Idempotency-Key: enc-$TAG"
expect "acme item" 201
IA=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"note\":\"second $CA_P\"}}"
IA2=$(jqr .id)
api POST /v1/work/next "$W1"
check "worker gets the payload in plain" "$CA_P" "$(jqr .payload.note)"
api POST "/v1/items/$IA/submit" "$W1" "{\"epoch\":$(jqr .lease.epoch),\"result\":{\"r\":\"$CA_R\"}}"
expect "acme result" 200
api POST "/v1/items/$IA/rework" "$MGR" "{\"reason\":\"$CA_W\"}"
expect "acme rework with a reason" 200
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"q\":\"$CL_P\"}}"
IL=$(jqr .id)
api POST /v1/work/next "$W2" '{}' -H "Idempotency-Key: next-$TAG"
EPL=$(jqr .lease.epoch)
api POST /v1/work/next "$W2" '{}' -H "Idempotency-Key: next-$TAG"
check "get-next replayed with its payload" "$CL_P" "$(jqr .payload.q)"
api POST "/v1/items/$IL/submit" "$W2" "{\"epoch\":$EPL,\"result\":{\"a\":\"$CL_R\"}}" -H "Idempotency-Key: sub-$TAG"
expect "lex result" 200

# Every read path answers in plain to those allowed.
api GET "/v1/items/$IA" "$MGR"
check "payload read back" "$CA_P" "$(jqr .payload.note)"
check "result read back" "$CA_R" "$(jqr .result.r)"
api GET "/v1/items/$IA/history" "$MGR"
check "reason read back in the history" "$CA_W" "$(jqr '.[]|select(.action=="rework")|.reason // .detail.reason')"
api GET "/v1/items/$IL" "$LEXU"
check "lex reads its own payload" "$CL_P" "$(jqr .payload.q)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"note\":\"$CA_P\"}}" -H "Idempotency-Key: enc-$TAG"
check "idempotent replay" "$IA" "$(jqr .id)"
check "replay marked" true "$(header Idempotent-Replayed)"
OUT=$("$BIN" item next --worker "$W1ID" --data "$DATA" --json 2>&1)
case "$OUT" in *"$CA_P"*) ok "CLI item next --json (over the socket) carries the payload" ;; *) bad "CLI item next: $OUT" ;; esac

# The raw bytes: database and WAL while serving, a backup, the logs.
"$BIN" backup "$TMP/before.db" --data "$DATA" >/dev/null || bad "backup"
scan "while serving" "$DATA/alihdaya.db" "$DATA/alihdaya.db-wal" "$TMP/before.db"
check "payload column holds a blob" blob "$("$SQL" "$TMP/before.db" "SELECT typeof(payload) FROM items WHERE id=$IA")"
check "the keyring is not in the database" 0 "$("$SQL" "$TMP/before.db" "SELECT count(*) FROM sqlite_master WHERE name LIKE '%key%'")"

# decrypt ITEM FIELD [DB]: the value opened with PyNaCl from master.key and keyring alone.
decrypt() {
  "$PY" - "$DATA" "$1" "$2" "${3:-$DATA/alihdaya.db}" <<'EOF'
import sqlite3, sys
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt as dec
data, item, field, db = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
masters = dict(l.split() for l in open(data + '/master.key') if l.strip())
ring = [l.split() for l in open(data + '/keyring')][1:]
mver, mkey = ring[0][1], bytes.fromhex(masters[ring[0][1]])
keys = {}
for l in ring[1:]:
    if l[0] == 'key':
        w = bytes.fromhex(l[3])
        ad = ('alihdaya.wrap.1 client=%s key=%s master=%s' % (l[1], l[2], mver)).encode()
        keys[(int(l[1]), int(l[2]))] = dec(w[24:], ad, w[:24], mkey)
c = sqlite3.connect(db)
client, blob = c.execute('SELECT client_id, %s FROM items WHERE id=?' % field, (item,)).fetchone()
assert blob[0] == 1, 'format byte'
ver = int.from_bytes(blob[1:5], 'big')
ad = ('alihdaya.seal.1 client=%d record=item:%d field=%s key=%d' % (client, item, field, ver)).encode()
print(ver, dec(blob[29:], ad, blob[5:29], keys[(client, ver)]).decode())
EOF
}
OUT=$(decrypt "$IA" payload 2>&1)
case "$OUT" in "1 "*"$CA_P"*) ok "PyNaCl opens the payload (key version 1)" ;; *) bad "PyNaCl decrypt: $OUT" ;; esac
OUT=$(decrypt "$IL" result 2>&1)
case "$OUT" in *"$CL_R"*) ok "PyNaCl opens the lex result" ;; *) bad "PyNaCl decrypt result: $OUT" ;; esac

# A ciphertext copied to another row, field or client does not open: a clear error.
"$SQL" "$DATA/alihdaya.db" ".timeout 5000" "UPDATE items SET payload = (SELECT payload FROM items WHERE id=$IA) WHERE id=$IA2" >/dev/null
api GET "/v1/items/$IA2" "$MGR"
expect "payload of another row" 500
check "says it does not open" sealed "$(jqr .error.code)"
case "$BODY" in *"$CA_P"*) bad "garbage or plain in the error: $BODY" ;; *) ok "no payload in the error" ;; esac
"$SQL" "$DATA/alihdaya.db" ".timeout 5000" "UPDATE items SET result = (SELECT payload FROM items WHERE id=$IL) WHERE id=$IL" >/dev/null
api GET "/v1/items/$IL" "$MGR"
expect "payload copied into the result field" 500
"$SQL" "$DATA/alihdaya.db" ".timeout 5000" "UPDATE items SET payload = (SELECT payload FROM items WHERE id=$IA) WHERE id=$IL" >/dev/null
api GET "/v1/items/$IL" "$MGR"
expect "acme payload copied to a lex item" 500
"$SQL" "$DATA/alihdaya.db" ".timeout 5000" "UPDATE items SET payload = '{\"note\":\"plain\"}' WHERE id=$IA2" >/dev/null
api GET "/v1/items/$IA2" "$MGR"
expect "a plain value slipped into a sealed column" 500
# Put the lex item back from the backup (its own sealed values).
"$SQL" "$DATA/alihdaya.db" ".timeout 5000" "ATTACH '$TMP/before.db' AS b" \
  "UPDATE items SET payload = (SELECT payload FROM b.items WHERE id=$IL), result = (SELECT result FROM b.items WHERE id=$IL) WHERE id=$IL" >/dev/null
api GET "/v1/items/$IL" "$LEXU"
check "restored value opens again" "$CL_P" "$(jqr .payload.q)"

# Rotation while serving (the CLI asks the server on its socket).
OUT=$("$BIN" keys rotate --data "$DATA" 2>&1)
case "$OUT" in *"master key version 2"*) ok "keys rotate while serving" ;; *) bad "keys rotate: $OUT" ;; esac
check "key file holds the new master only" 1 "$(grep -c . "$DATA/master.key")"
check "key file 0600" 600 "$(stat -c %a "$DATA/master.key")"
check "keyring 0600" 600 "$(stat -c %a "$DATA/keyring")"
api GET /v1/keys "$ADMIN"
check "status: master version" 2 "$(jqr .master_version)"
check "status: acme on data key 2" 2 "$(jqr ".clients[]|select(.client_id==$ACME)|.version")"
case "$BODY" in *'"key"'*|*'wrapped'*) bad "status shows key material: $BODY" ;; *) ok "status shows versions only" ;; esac
api GET /v1/keys "$MGR"
expect "keys status is the admin's" 403
api POST /v1/keys/rotate "$MGR" '{}'
expect "rotation is the admin's" 403
api GET "/v1/items/$IA" "$MGR"
check "old payload after rotation" "$CA_P" "$(jqr .payload.note)"
api GET "/v1/items/$IL" "$LEXU"
check "lex payload after rotation" "$CL_P" "$(jqr .payload.q)"
api GET "/v1/items/$IA/history" "$MGR"
expect "history after rotation" 200
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"note\":\"$CA_P third\"}}"
IA3=$(jqr .id)
OUT=$(decrypt "$IA3" payload 2>&1)
case "$OUT" in "2 "*"$CA_P third"*) ok "new writes use data key version 2 (PyNaCl)" ;; *) bad "after rotation: $OUT" ;; esac
OUT=$(decrypt "$IA" payload 2>&1)
case "$OUT" in "1 "*"$CA_P"*) ok "old value still version 1, rewrapped key opens it (PyNaCl)" ;; *) bad "old after rotation: $OUT" ;; esac

# Crypto-shredding: acme removed over the socket; lex untouched.
OUT=$("$BIN" client remove "$ACME" --data "$DATA" 2>&1)
[ $? -eq 2 ] && ok "client remove needs --yes" || bad "remove without --yes: $OUT"
OUT=$("$BIN" client remove "$ACME" --yes --data "$DATA" 2>&1)
case "$OUT" in *"removed"*) ok "client remove" ;; *) bad "client remove: $OUT" ;; esac
api GET "/v1/items/$IA" "$MGR"
expect "a removed client's item" 410
case "$BODY" in *CANARY*) bad "410 carries the payload: $BODY" ;; *) ok "410 carries nothing of it" ;; esac
api GET "/v1/items/$IA/history" "$MGR"
expect "a removed client's history" 410
api GET "/v1/items/$IL" "$LEXU"
check "the other client still reads" "$CL_P" "$(jqr .payload.q)"
api GET "/v1/clients/$ACME" "$ADMIN"
check "removed client inactive" false "$(jqr .active)"
api DELETE "/v1/clients/$LEX" "$MGR"
expect "remove is the admin's" 403
api DELETE "/v1/clients/99999" "$ADMIN"
expect "remove of no client" 404
api GET /v1/keys "$ADMIN"
check "status: acme destroyed" true "$(jqr ".clients[]|select(.client_id==$ACME)|.destroyed")"
OUT=$(decrypt "$IA" payload 2>&1)
case "$OUT" in *KeyError*) ok "PyNaCl finds no acme key in the keyring" ;; *) bad "acme after remove: $OUT" ;; esac
scan "logs" "$TMP/server.out" "$TMP/server.err"
stop_server || bad "clean stop"
scan "after stop" "$DATA/alihdaya.db" "$DATA/alihdaya.db-wal" "$TMP/before.db"

# The backup taken before the removal, restored beside the keyring of now: acme is gone there too.
LIVE=$DATA
DATA=$TMP/restored
mkdir -m 700 "$DATA"
cp "$TMP/before.db" "$DATA/alihdaya.db"
OUT=$("$BIN" serve --data "$DATA" --port 0 2>&1)
case "$OUT" in *"keyring is missing"*) ok "a sealed backup without its keyring is refused" ;; *) bad "no keyring: $OUT" ;; esac
[ -e "$DATA/keyring" ] && bad "a new keyring was made beside a sealed database" || ok "no new keyring made"
cp -p "$LIVE/keyring" "$LIVE/master.key" "$DATA/"
start_server
api GET "/v1/items/$IA" "$MGR"
expect "backup from before: removed client unreadable" 410
api GET "/v1/items/$IL" "$LEXU"
check "backup from before: other client reads" "$CL_P" "$(jqr .payload.q)"
stop_server
DATA=$LIVE

# A wrong master key, or a key file others may read: the start fails with a clear error.
OUT=$(ALIHDAYA_MASTER_KEY=$(printf '%064d' 7) "$BIN" serve --data "$DATA" --port 0 2>&1)
RC=$?
[ $RC -ne 0 ] && ok "wrong master key: exit $RC" || bad "wrong master key started"
case "$OUT" in *"master key does not open the keyring: wrong ALIHDAYA_MASTER_KEY or key file?"*) ok "wrong master key: clear message" ;; *) bad "wrong master key said: $OUT" ;; esac
OUT=$(ALIHDAYA_MASTER_KEY=abc "$BIN" serve --data "$DATA" --port 0 2>&1)
case "$OUT" in *"64 hex digits"*) ok "malformed master key refused" ;; *) bad "malformed key: $OUT" ;; esac
chmod 644 "$DATA/master.key"
OUT=$("$BIN" serve --data "$DATA" --port 0 2>&1)
case "$OUT" in *"readable by group or others"*) ok "key file 0644 refused" ;; *) bad "0644 key file: $OUT" ;; esac
chmod 600 "$DATA/master.key"

# A database written before encryption: sealed by the first start after the upgrade.
DATA=$TMP/old
init_data
start_server --bench-no-encrypt
setup_world
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"note\":\"$CA_P\"}}"
IO=$(jqr .id)
api POST /v1/work/next "$W1"
api POST "/v1/items/$IO/submit" "$W1" "{\"epoch\":$(jqr .lease.epoch),\"result\":{\"r\":\"$CA_R\"}}"
api POST "/v1/items/$IO/rework" "$MGR" "{\"reason\":\"$CA_W\"}"
stop_server
HITS=$(grep -a -c "$CA_P" "$DATA/alihdaya.db")
[ "$HITS" -gt 0 ] && ok "the old database holds plain text (the scan sees it)" || bad "no plain text to seal"
# As a database from before encryption is after its migration: the pass not run yet
# (later migrations are appended after the seal one, so its number is not rolled back).
"$SQL" "$DATA/alihdaya.db" "UPDATE seal_pass SET done = 0;"
start_server
grep -q "sealed 3 values stored in plain" "$TMP/server.err" && ok "first start seals the plain values" || bad "seal pass: $(tail -3 "$TMP/server.err")"
api GET "/v1/items/$IO" "$MGR"
check "sealed payload reads" "$CA_P" "$(jqr .payload.note)"
check "sealed result reads" "$CA_R" "$(jqr .result.r)"
api GET "/v1/items/$IO/history" "$MGR"
check "sealed reason reads" "$CA_W" "$(jqr '.[]|select(.action=="rework")|.reason // .detail.reason')"
stop_server
scan "upgraded database" "$DATA/alihdaya.db" "$DATA/alihdaya.db-wal"
check "pass marked done" 1 "$("$SQL" "$DATA/alihdaya.db" 'SELECT done FROM seal_pass')"

finish
