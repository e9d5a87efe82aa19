#!/usr/bin/env bash
# test_release.sh - a worker hands an item back with a reason: it returns to its old place,
# a stale epoch is refused, some reasons exclude the worker for good (also after a restart),
# a worker set offline releases its leases, away keeps them, wrap-up holds work back.
. "$(dirname "$0")/lib.sh"

clock_start
init_data
start_server --clock-file "$CLOCK"
setup_world 600

# Three items: A first (priority 7), then B and C (priority 5, arrival order).
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"priority\":7,\"payload\":{\"n\":1}}"
A=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":2}}"
B=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":3}}"
C=$(jqr .id)

api POST /v1/work/next "$W1"
check "W1 takes A (highest priority)" "$A" "$(jqr .id)"
EA=$(jqr .epoch)

api POST "/v1/items/$A/release" "$W1" "{\"epoch\":$((EA + 1)),\"reason\":\"break\"}"
expect "release with a stale epoch" 409
check "its code" stale_lease "$(jqr .error.code)"
api POST "/v1/items/$A/release" "$W1" "{\"epoch\":$EA,\"reason\":\"sleepy\"}"
expect "an unknown reason" 400
api POST "/v1/items/$A/release" "$W1" "{\"epoch\":$EA,\"reason\":\"other\"}"
expect "other without a note" 400
api POST "/v1/items/$A/release" "$W2" "{\"epoch\":$EA,\"reason\":\"break\"}"
expect "a worker not cleared for the client: no such item" 404
api POST "/v1/items/$A/release" "$W3" "{\"epoch\":$EA,\"reason\":\"break\"}"
expect "a cleared worker not holding the lease" 409
api POST "/v1/items/$A/release" "$ACMEU" "{\"epoch\":$EA,\"reason\":\"break\"}"
expect "a client user may not release" 403
api POST "/v1/items/$A/release" "$MGR" "{\"epoch\":$EA,\"reason\":\"break\"}"
expect "a manager may not release a worker's lease" 403

api POST "/v1/items/$A/release" "$W1" "{\"epoch\":$EA,\"reason\":\"break\"}"
expect "the holder releases A" 200
check "A is queued again" queued "$(jqr .state)"
api GET "/v1/items/$A" "$MGR"
check "A has no lease" null "$(jqr .lease)"
api GET "/v1/items/$A/history" "$MGR"
check "the history has the release with its reason" break \
  "$(jqr '[.[] | select(.action=="release")][0].detail.reason // empty')"
api GET "/v1/engagements/$BPO/time?worker_id=$W1ID" "$MGR"
check "the released lease is a work entry of A (time.c via engine__step)" "$A" \
  "$(jqr '[.data[] | select(.kind=="work")][0].item_id // empty')"
api POST /v1/work/next "$W1"
check "A is back at its old place: the next take is A again" "$A" "$(jqr .id)"
EA=$(jqr .epoch)

api POST "/v1/items/$A/release" "$W1" "{\"epoch\":$EA,\"reason\":\"conflict_of_interest\"}"
expect "W1 releases A for a conflict of interest" 200
api POST /v1/work/next "$W1"
check "W1 never gets A again: B" "$B" "$(jqr .id)"
EB=$(jqr .epoch)
api POST "/v1/items/$B/release" "$W1" "{\"epoch\":$EB,\"reason\":\"other\",\"note\":\"phone call\"}"
expect "release with other and a note" 200

# The exclusion is kept by the store: after a restart W1 still never gets A.
stop_server
start_server --clock-file "$CLOCK"
api POST /v1/work/next "$W1"
check "after a restart W1 gets B, not A" "$B" "$(jqr .id)"
api POST /v1/work/next "$W1"
check "and then C, still not A" "$C" "$(jqr .id)"
api GET "/v1/audit?limit=500" "$AUD"
check "every release is audited" 3 "$(jqr '[.data[] | select(.action=="item.release")] | length')"

# Offline: the worker's leases end at once, its items back in the queue.
api POST "/v1/workers/$W1ID/status" "$W1" '{"status":"offline"}'
expect "W1 goes offline" 200
api GET "/v1/items/$B" "$MGR"
check "B was released" queued "$(jqr .state)"
api GET "/v1/items/$C" "$MGR"
check "C was released" queued "$(jqr .state)"
api GET "/v1/items/$C/history" "$MGR"
check "C's release names offline" offline \
  "$(jqr '[.[] | select(.action=="release")][-1].detail.reason // empty')"
api POST /v1/work/next "$W1"
check "offline: nothing, not_available" not_available "$(jqr .reason)"

# Away with a reason keeps leases and gets no new work.
api POST "/v1/workers/$W1ID/status" "$W1" '{"status":"available"}'
api POST /v1/work/next "$W1"
check "available again: B" "$B" "$(jqr .id)"
api POST "/v1/workers/$W1ID/status" "$W1" '{"status":"away","reason":"lunch"}'
expect "W1 away for lunch" 200
api POST "/v1/workers/$W1ID/status" "$W1" '{"status":"available","reason":"lunch"}'
expect "a reason only goes with away" 400
api GET "/v1/items/$B" "$MGR"
check "away keeps the lease" assigned "$(jqr .state)"
api POST /v1/work/next "$W1"
check "away: nothing" not_available "$(jqr .reason)"
case "$(jqr .message)" in *lunch*) ok "the answer names the away reason";; *) bad "no reason in: $(jqr .message)";; esac

# Wrap-up: after a submit the worker gets nothing for wrap_up_s.
api PUT "/v1/engagements/$BPO/offers" "$MGR" '{"wrap_up_s":30}'
expect "the engagement's wrap-up set" 200
check "wrap_up_s" 30 "$(jqr .wrap_up_s)"
check "mode stays pull" pull "$(jqr .mode)"
api PUT "/v1/engagements/$BPO/offers" "$MGR" '{"wrap_up_s":-1}'
expect "a negative wrap-up" 400
api PUT "/v1/engagements/$BPO/offers" "$W1" '{"wrap_up_s":5}'
expect "a worker may not set it" 403
api POST "/v1/workers/$W1ID/status" "$W1" '{"status":"available"}'
api GET "/v1/items/$B" "$W1"
EB=$(jqr .epoch)
api POST "/v1/items/$B/submit" "$W1" "{\"epoch\":$EB,\"result\":{\"ok\":true}}"
expect "W1 submits B" 200
api POST /v1/work/next "$W1"
check "in wrap-up: reason wrap_up" wrap_up "$(jqr .reason)"
check "with the seconds left" 30 "$(jqr .retry_after_s)"
advance 20000
sleep 0.3
api POST /v1/work/next "$W1"
check "10 s left" 10 "$(jqr .retry_after_s)"
advance 10000
sleep 0.3
api POST /v1/work/next "$W1"
check "after wrap-up W1 gets C" "$C" "$(jqr .id)"

# The CLI: work release through the server's socket, as the worker.
EC=$(jqr .epoch)
out=$(ALIHDAYA_TOKEN=$W1 "$BIN" work release "$C" --reason illegible --data "$DATA" 2>&1)
check "work release by the CLI" 0 "$?"
case "$out" in *released*) ok "the CLI says so";; *) bad "CLI said: $out";; esac
api GET "/v1/items/$C" "$MGR"
check "C is queued after the CLI's release" queued "$(jqr .state)"
out=$(ALIHDAYA_TOKEN=$W1 "$BIN" work release "$C" --reason nope --data "$DATA" 2>&1)
check "a bad reason is exit code 2" 2 "$?"
"$BIN" worker status "$W1ID" away meeting --data "$DATA" >/dev/null 2>&1
check "worker status away with a reason by the CLI" 0 "$?"
api POST /v1/work/next "$W1"
case "$(jqr .message)" in *meeting*) ok "the CLI's away reason is the worker's";; *) bad "said: $BODY";; esac

finish
