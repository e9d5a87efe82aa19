#!/usr/bin/env bash
# test_next_lease.sh - a get-next's answer carries the item of the lease it granted, even when
# the lease ran out before the payload was read; a lease given to another since is a 409.
# A replay (Idempotency-Key) of the answer runs the same payload read as the first answer,
# so moving the engine's clock (serve --clock-file) between the two opens the window a
# loaded server opens between the engine's commit and the read, deterministically.
. "$(dirname "$0")/lib.sh"

clock_start

init_data
start_server --clock-file "$CLOCK"
setup_world 3   # leases of three seconds
api POST /v1/workers "$MGR" "{\"login\":\"w4\",\"name\":\"Lia\",\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"PH\",\"time_zone\":\"Asia/Manila\",\"capacity\":2,\"cost_per_hour\":{\"amount_minor\":900,\"currency\":\"USD\"},\"clearances\":[$ACME]}"
expect "a second worker for acme" 201
W4=$(new_token w4)

api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":1}}"
A=$(jqr .id)

api POST /v1/work/next "$W1" '{}' -H 'Idempotency-Key: next-w1'
expect "W1 takes A" 200
check "the item is A" "$A" "$(jqr .id)"
check "with its payload" 1 "$(jqr .payload.n)"
EA=$(jqr .lease.epoch)

# The lease runs out before the answer is read again.
advance 3000
wait_state "$A" queued || bad "A did not return to the queue"
api POST /v1/work/next "$W1" '{}' -H 'Idempotency-Key: next-w1'
expect "the answer of an expired lease still carries the item" 200
check "replayed" true "$(header idempotent-replayed)"
check "the item is A" "$A" "$(jqr .id)"
check "as leased" assigned "$(jqr .state)"
check "to W1" "$W1ID" "$(jqr .lease.worker_id)"
check "with the lease's epoch" "$EA" "$(jqr .lease.epoch)"
check "and its payload" 1 "$(jqr .payload.n)"

# Leased again to W4: W1's answer is stale, a 409 to ask again on, not a 404.
api POST /v1/work/next "$W4" '{}' -H 'Idempotency-Key: next-w4'
check "W4 takes A" "$A" "$(jqr .id)"
EA4=$(jqr .lease.epoch)
check "with the next epoch" "$((EA + 1))" "$EA4"
api POST /v1/work/next "$W1" '{}' -H 'Idempotency-Key: next-w1'
expect "W1's answer of a lease given to another" 409
check "is stale_lease" stale_lease "$(jqr .error.code)"
check "and says to ask again" true "$(jqr '.error.message | test("ask for work again")')"
api POST /v1/work/next "$W4" '{}' -H 'Idempotency-Key: next-w4'
expect "W4's own answer" 200
check "carries the payload" 1 "$(jqr .payload.n)"
api POST "/v1/items/$A/submit" "$W1" "{\"epoch\":$EA,\"result\":{}}"
expect "W1's late submit" 409
api POST "/v1/items/$A/submit" "$W4" "{\"epoch\":$EA4,\"result\":{\"n\":1}}"
expect "W4's submit" 200
finish
