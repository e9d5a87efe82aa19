#!/usr/bin/env bash
# test_limits.sh - bad input gets a clear JSON error and changes nothing.
. "$(dirname "$0")/lib.sh"

init_data
start_server --max-body 65536
setup_world

api POST /v1/items "$ACMEU" '{"engagement_id":'
expect "bad JSON" 400
check "bad JSON has error code" invalid "$(jqr .error.code)"
[ -n "$(jqr .error.message)" ] && ok "bad JSON has a message" || bad "no message"
head -c 200000 /dev/zero | tr '\0' 'a' > "$TMP/big"
printf '{"engagement_id":%s,"payload":{"x":"%s"}}' "$BPO" "$(cat "$TMP/big")" > "$TMP/bigbody"
STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ACMEU" \
  -H 'Content-Type: application/json' --data-binary @"$TMP/bigbody" "$BASE/v1/items"); BODY=$(cat "$TMP/body")
expect "oversized body" 413
check "413 JSON" too_large "$(jqr .error.code)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{},\"colour\":\"red\"}"
expect "unknown field" 400
api POST /v1/items "$ACMEU" "{\"engagement_id\":\"$BPO\",\"payload\":{}}"
expect "wrong type" 400
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO}"
expect "missing payload" 400
DEEP=$(printf '[%.0s' $(seq 1 100))$(printf ']%.0s' $(seq 1 100))
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":$DEEP}"
expect "too deep JSON" 400
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{},\"priority\":42}"
expect "priority out of range" 400
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{},\"due_at\":\"tomorrow\"}"
expect "bad due_at" 400
api POST /v1/clients "$ADMIN" "{\"code\":\"$(head -c 300 /dev/zero | tr '\0' c)\",\"name\":\"x\"}"
expect "too long code" 400
api POST /v1/clients "$ADMIN" '{"code":"tz","name":"x","time_zone":"Mars/Olympus"}'
expect "bad time zone" 400
api POST /v1/clients "$ADMIN" '{"code":"acme","name":"dup"}'
expect "duplicate client code" 409
api GET "/v1/items?limit=0" "$MGR"
expect "limit 0" 400
api GET "/v1/items?limit=100000" "$MGR"
expect "limit too large" 400
api GET "/v1/items?after=abc" "$MGR"
expect "bad cursor" 400
api GET "/v1/items?limit=100" "$MGR"
check "nothing was created by bad requests" 0 "$(jqr '.data|length')"
api POST /v1/work/next "$W1" '{"worker_id":"x"}'
[ "$STATUS" = 400 ] || [ "$STATUS" = 204 ] || [ "$STATUS" = 200 ] && ok "get-next with junk body handled" || bad "get-next junk: $STATUS"
finish
