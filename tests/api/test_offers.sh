#!/usr/bin/env bash
# test_offers.sh - offers of a push engagement's work to experts: the best-matched first, one
# offer at a time per item, a decline or a timeout to the next, accept gives a lease, offers
# recovered after a restart, no-answer sets the worker away. The clock is moved, never slept.
. "$(dirname "$0")/lib.sh"

clock_start
init_data
start_server --clock-file "$CLOCK"
setup_world 600

# Two more experts for LexCorp: W4 at level 4 (the minimum), W5 at level 5 like W2.
api POST /v1/workers "$MGR" "{\"login\":\"w4\",\"name\":\"Budi\",\"skills\":[{\"code\":\"legal_research\",\"level\":4}],\"languages\":[{\"code\":\"en\",\"level\":4}],\"country\":\"ID\",\"time_zone\":\"Asia/Jakarta\",\"capacity\":1,\"cost_per_hour\":{\"amount_minor\":2000,\"currency\":\"USD\"},\"clearances\":[$LEX]}"
W4ID=$(jqr .id)
api POST /v1/workers "$MGR" "{\"login\":\"w5\",\"name\":\"Siti\",\"skills\":[{\"code\":\"legal_research\",\"level\":5}],\"languages\":[{\"code\":\"en\",\"level\":5}],\"country\":\"MY\",\"time_zone\":\"Asia/Kuala_Lumpur\",\"capacity\":1,\"cost_per_hour\":{\"amount_minor\":2400,\"currency\":\"USD\"},\"clearances\":[$LEX]}"
W5ID=$(jqr .id)
W4=$(new_token w4); W5=$(new_token w5)

api PUT "/v1/engagements/$KPO/offers" "$MGR" '{"mode":"push","timeout_s":2}'
expect "a timeout under 5 s is refused" 400
api PUT "/v1/engagements/$KPO/offers" "$MGR" '{"mode":"shove"}'
expect "an unknown mode is refused" 400
api PUT "/v1/engagements/$KPO/offers" "$MGR" '{"mode":"push","timeout_s":30,"max_no_answer":2}'
expect "the KPO engagement is push" 200
check "mode" push "$(jqr .mode)"
check "timeout_s" 30 "$(jqr .timeout_s)"
api GET "/v1/engagements/$KPO/offers" "$W2"
expect "a worker does not read the settings" 403

# open_offers: the open offers as staff see them, "worker:item" each.
open_offers() { api GET "/v1/offers?open=true" "$MGR"; jqr '[.offers[] | "\(.worker_id):\(.item_id)"] | join(" ")'; }

api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"matter\":\"m1\"}}"
K1=$(jqr .id)
# W2 and W5 hold level 5; both idle since ever and holding nothing: the smaller id, W2.
check "K1 is offered to the best-matched expert only" "$W2ID:$K1" "$(open_offers)"
api GET /v1/offers "$W2"
O1=$(jqr '.offers[0].id')
check "W2 sees its offer" "open" "$(jqr '.offers[0].state')"
api GET /v1/offers "$W5"
check "W5 has none" 0 "$(jqr '.offers | length')"
api GET "/v1/offers?worker_id=$W2ID" "$W5"
expect "W5 may not read W2's offers" 404
api GET /v1/offers "$LEXU"
expect "a client user reads no offers" 403
api POST /v1/work/next "$W5"
check "push work is never taken with work.next" null "$(jqr .id)"
api POST "/v1/offers/$O1/accept" "$W5"
expect "W5 cannot accept W2's offer" 404
api POST "/v1/offers/$O1/accept" "$W3"
expect "nor can W3" 404

api POST "/v1/offers/$O1/decline" "$W2"
expect "W2 declines" 200
check "the next best, W5, is offered K1, and only W5" "$W5ID:$K1" "$(open_offers)"
api POST "/v1/offers/$O1/accept" "$W2"
expect "a declined offer cannot be accepted" 404

# W5 lets it run out: the next not yet asked is W4 (level 4).
advance 29999; sleep 0.4
check "1 ms before its timeout the offer holds" "$W5ID:$K1" "$(open_offers)"
advance 1; sleep 0.5
check "at its timeout K1 goes to W4" "$W4ID:$K1" "$(open_offers)"
api GET /v1/offers "$W4"
O3=$(jqr '.offers[0].id')
api POST "/v1/offers/$O3/accept" "$W4"
expect "W4 accepts" 200
check "the answer is the item, leased to W4" "$K1:assigned:$W4ID" "$(jqr '"\(.id):\(.state):\(.lease.worker_id)"')"
check "with its payload" m1 "$(jqr .payload.matter)"
E1=$(jqr .epoch)
check "no open offer is left" "" "$(open_offers)"
api POST "/v1/items/$K1/submit" "$W4" "{\"epoch\":$E1,\"result\":{\"memo\":\"done\"}}"
expect "W4 submits K1" 200
api GET "/v1/offers?worker_id=$W5ID" "$MGR"
check "W5's offer ended expired" expired "$(jqr '.offers[0].state')"

# No answer twice in a row: W5 is set away with the reason no_answer.
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"matter\":\"m2\"}}"
K2=$(jqr .id)
check "K2 goes to W2 first" "$W2ID:$K2" "$(open_offers)"
api GET /v1/offers "$W2"
api POST "/v1/offers/$(jqr '.offers[0].id')/decline" "$W2"
check "then to W5" "$W5ID:$K2" "$(open_offers)"
advance 30000; sleep 0.5
api GET "/v1/workers/$W5ID" "$MGR"
check "W5 let two offers expire in a row: away" away "$(jqr .status)"
api GET /v1/dashboard "$MGR"
check "the dashboard counts both offers that ran out" 2 \
  "$(jqr ".engagements[] | select(.id == $KPO) | .offers_expired_total")"
api POST /v1/work/next "$W5"
case "$(jqr .message)" in *no_answer*) ok "W5's work.next names no_answer";; *) bad "said: $BODY";; esac
api GET "/v1/audit?limit=500" "$AUD"
check "the engine's status change is audited" 1 "$(jqr '[.data[] | select(.action=="worker.status" and .record_id=='"$W5ID"')] | length')"
check "offers are audited" true "$(jqr '[.data[] | select(.action=="offer.create")] | length >= 5')"
# W4 finished K1 and holds nothing: K2 is its now.
check "K2 goes to W4" "$W4ID:$K2" "$(open_offers)"

# Offers are in the store: a restart finds the open one, and its timeout still runs.
stop_server
start_server --clock-file "$CLOCK"
check "after a restart the open offer is still W4's" "$W4ID:$K2" "$(open_offers)"
advance 30000; sleep 0.5
# W4 let it run out; W2 declined more than a timeout ago: it is asked again.
check "after the timeout K2 comes round to W2 again" "$W2ID:$K2" "$(open_offers)"

# Staff switch the engagement back to pull: the open offer is withdrawn, work.next takes it.
api PUT "/v1/engagements/$KPO/offers" "$MGR" '{"mode":"pull"}'
expect "back to pull" 200
check "no open offer" "" "$(open_offers)"
api GET "/v1/offers?worker_id=$W2ID" "$MGR"
check "W2's offer was withdrawn" withdrawn "$(jqr '.offers[0].state')"
api POST /v1/work/next "$W2"
check "W2 takes K2 with work.next" "$K2" "$(jqr .id)"

finish
