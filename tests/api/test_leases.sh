#!/usr/bin/env bash
# test_leases.sh - an expired lease puts the item back in its place; stale epochs are refused.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world 3   # leases of three seconds

api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":1}}"
A=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":2}}"
B=$(jqr .id)

api POST /v1/work/next "$W1"
check "W1 takes A" "$A" "$(jqr .id)"
EA=$(jqr .lease.epoch)
sleep 4
api GET "/v1/items/$A" "$MGR"
check "expired lease returns A to the queue" queued "$(jqr .state)"
api POST "/v1/items/$A/submit" "$W1" "{\"epoch\":$EA,\"result\":{}}"
expect "submit after expiry refused" 409
check "refusal is stale_lease" stale_lease "$(jqr .error.code)"

# A is back in its original place: ahead of B.
api POST /v1/work/next "$W3"
expect "under-qualified worker still gets nothing" 204
api POST /v1/work/next "$W1"
check "A comes back before B" "$A" "$(jqr .id)"
EA2=$(jqr .lease.epoch)
[ "$EA2" -gt "$EA" ] 2>/dev/null && ok "epoch increased" || bad "epoch $EA2 after $EA"
api POST "/v1/items/$A/submit" "$W1" "{\"epoch\":$EA,\"result\":{}}"
expect "stale epoch refused" 409
check "stale epoch code" stale_lease "$(jqr .error.code)"
api POST "/v1/items/$A/submit" "$W1" "{\"epoch\":$EA2,\"result\":{\"n\":1}}"
expect "current epoch accepted" 200

api GET "/v1/items/$A/history" "$MGR"
check "history shows the expiry" "create assign expire assign submit" "$(jqr '[.[]|.action]|join(" ")')"

# A lease held through a restart still expires.
api POST /v1/work/next "$W1"
check "W1 takes B" "$B" "$(jqr .id)"
stop_server KILL
start_server
sleep 4
api GET "/v1/items/$B" "$MGR"
check "lease recovered and expired after restart" queued "$(jqr .state)"
finish
