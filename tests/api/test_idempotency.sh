#!/usr/bin/env bash
# test_idempotency.sh - a retried write with the same Idempotency-Key creates or changes nothing twice.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

BODYX="{\"engagement_id\":$BPO,\"payload\":{\"form\":\"x\"}}"
api POST /v1/items "$ACMEU" "$BODYX" -H 'Idempotency-Key: order-42'
expect "first create" 201
ID1=$(jqr .id)
api POST /v1/items "$ACMEU" "$BODYX" -H 'Idempotency-Key: order-42'
check "retry answers with the same item" "$ID1" "$(jqr .id)"
check "retry is marked as replayed" true "$(header Idempotent-Replayed)"
api GET "/v1/items?limit=100" "$ACMEU"
check "only one item exists" 1 "$(jqr '.data|length')"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"form\":\"y\"}}" -H 'Idempotency-Key: order-42'
expect "same key, different request" 422
api POST /v1/items "$ACMEU" "$BODYX" -H 'Idempotency-Key: bad key with spaces'
expect "malformed key" 400

# Keys are per user: another user's same key is a different request.
api POST /v1/items "$MGR" "$BODYX" -H 'Idempotency-Key: order-42'
expect "same key from another user creates" 201

# Transitions too.
api POST /v1/work/next "$W1" '' -H 'Idempotency-Key: next-1'
L1=$(jqr .id); E1=$(jqr .lease.epoch)
api POST /v1/work/next "$W1" '' -H 'Idempotency-Key: next-1'
check "retried get-next returns the same lease" "$L1/$E1" "$(jqr .id)/$(jqr .lease.epoch)"
api GET "/v1/items?limit=100" "$W1"
check "worker holds one lease, not two" 1 "$(jqr '.data|length')"
api POST "/v1/items/$L1/submit" "$W1" "{\"epoch\":$E1,\"result\":{}}" -H 'Idempotency-Key: sub-1'
expect "submit" 200
api POST "/v1/items/$L1/submit" "$W1" "{\"epoch\":$E1,\"result\":{}}" -H 'Idempotency-Key: sub-1'
expect "retried submit answers as the first" 200
api GET "/v1/items/$L1/history" "$MGR"
check "one submit event" 1 "$(jqr '[.[]|select(.action=="submit")]|length')"

# Replays survive a restart.
stop_server KILL
start_server
api POST /v1/items "$ACMEU" "$BODYX" -H 'Idempotency-Key: order-42'
check "retry after restart answers with the same item" "$ID1" "$(jqr .id)"
finish
