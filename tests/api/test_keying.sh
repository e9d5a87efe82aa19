#!/usr/bin/env bash
# test_keying.sh - double keying end to end: two workers key an item without seeing each
# other's answer, disagree, a third worker adjudicates with both answers in view and the item
# ends with the right value; answers are sealed on disk; overlap asks for more answers.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

# Two more data-entry workers cleared for Acme (W1 is the first).
for n in 4 5 6; do
  api POST /v1/workers "$MGR" "{\"login\":\"w$n\",\"name\":\"Worker $n\",\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"PH\",\"time_zone\":\"Asia/Manila\",\"capacity\":1,\"cost_per_hour\":{\"amount_minor\":900,\"currency\":\"USD\"},\"clearances\":[$ACME]}"
  expect "worker w$n" 201
done
W4=$(new_token w4); W5=$(new_token w5); W6=$(new_token w6)

# Settings: staff set them, others may not; bad settings are 400s naming the field.
api GET "/v1/engagements/$BPO/keying" "$MGR"
expect "keying read" 200
check "single by default" single "$(jqr .mode)"
api PUT "/v1/engagements/$BPO/keying" "$W1" '{"mode":"double"}'
expect "a worker may not set keying" 403
api PUT "/v1/engagements/$BPO/keying" "$ACMEU" '{"mode":"double"}'
expect "a client may not set keying" 403
api PUT "/v1/engagements/$BPO/keying" "$MGR" '{"mode":"double","k":3}'
expect "double keying with k 3" 400
check "names k" true "$(jqr '.error.message | startswith("k:")')"
api PUT "/v1/engagements/$BPO/keying" "$MGR" '{"mode":"triple"}'
expect "unknown mode" 400
api PUT "/v1/engagements/$BPO/keying" "$MGR" '{"mode":"overlap","k":16}'
expect "k past 15" 400
api PUT "/v1/engagements/$BPO/keying" "$MGR" '{"mode":"overlap","k":3,"max_k":2}'
expect "max_k under k" 400
api PUT "/v1/engagements/999999/keying" "$MGR" '{"mode":"double"}'
expect "no such engagement" 404
api PUT "/v1/engagements/$BPO/keying" "$MGR" '{"mode":"double"}'
expect "double keying set" 200
check "mode" double "$(jqr .mode)"
check "k" 2 "$(jqr .k)"
api GET "/v1/engagements/$BPO/keying" "$AUD"
check "auditors read the settings" double "$(jqr .mode)"

CANARY=CANARY-ANSWER-7731
api POST /v1/items "$MGR" "{\"engagement_id\":$BPO,\"payload\":{\"form\":\"F-1\"}}"
expect "item" 201
ID=$(jqr .id)

# First keying (W1): recorded, the item goes back to the queue, its result still empty.
api POST /v1/work/next "$W1"
check "w1 takes it" "$ID" "$(jqr .id)"
EP=$(jqr .lease.epoch)
api POST "/v1/items/$ID/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"name\":\"$CANARY\",\"amount\":\"10.00\"}}"
expect "first keying" 200
check "back in the queue" queued "$(jqr .state)"
api GET "/v1/items/$ID" "$MGR"
check "no result until decided" null "$(jqr .result)"
api POST /v1/work/next "$W1"
check "w1 never gets it again" null "$(jqr .id)"

# Second keying (W4): it never sees W1's answer.
api POST /v1/work/next "$W4"
check "w4 takes it" "$ID" "$(jqr .id)"
check "w4's lease carries no result" null "$(jqr .result)"
check "nor the canary" 0 "$(printf '%s' "$BODY" | grep -c "$CANARY")"
EP=$(jqr .lease.epoch)
api GET "/v1/items/$ID" "$W4"
expect "w4 reads its item" 200
check "w4 sees no earlier answer" 0 "$(printf '%s' "$BODY" | grep -c "$CANARY")"
api GET "/v1/items/$ID/answers" "$W4"
expect "a keyer's answers read" 200
check "shows no answer" "none 0" "$(jqr '"\(.phase) \(.answers | length)"')"
check "nor the canary in it" 0 "$(printf '%s' "$BODY" | grep -c "$CANARY")"
api POST "/v1/items/$ID/submit" "$W4" "{\"epoch\":$EP,\"result\":{\"name\":\"$CANARY\",\"amount\":\"12.00\"}}"
expect "second keying" 200
check "disagreement: back to the queue" queued "$(jqr .state)"

# Adjudication: neither keyer gets it; a third worker sees both answers and the differing field.
api POST /v1/work/next "$W1"
check "not w1" null "$(jqr .id)"
api POST /v1/work/next "$W4"
check "not w4" null "$(jqr .id)"
api POST /v1/work/next "$W5"
check "w5 adjudicates" "$ID" "$(jqr .id)"
EP=$(jqr .lease.epoch)
api GET "/v1/items/$ID/answers" "$W5"
expect "the adjudicator reads the answers" 200
check "phase" adjudicating "$(jqr .phase)"
check "two answers" 2 "$(jqr '.answers | length')"
check "differing fields" '["amount"]' "$(jqr '.differing | tojson')"
check "answers as keyed" '10.00 12.00' "$(jqr '[.answers[].result.amount] | join(" ")')"
check "no worker named to a worker" 0 "$(jqr '[.answers[] | select(has("worker_id"))] | length')"
api GET "/v1/items/$ID/answers" "$W6"
expect "a worker without the lease may not" 404
api GET "/v1/items/$ID/answers" "$AUD"
expect "auditors may not read answers" 403
api GET "/v1/items/$ID/answers" "$MGR"
expect "staff read the answers" 200
check "staff see who answered" "$W1ID" "$(jqr '.answers[0].worker_id')"
# Only the differing field: merged over the agreed ones.
api POST "/v1/items/$ID/submit" "$W5" "{\"epoch\":$EP,\"result\":{\"amount\":\"12.00\"}}"
expect "adjudication" 200
check "submitted" submitted "$(jqr .state)"
api GET "/v1/items/$ID" "$MGR"
check "the right value" '{"amount":"12.00","name":"CANARY-ANSWER-7731"}' "$(jqr '.result | tojson' | jq -cS .)"
api GET "/v1/engagements/$BPO/consensus" "$MGR"
expect "consensus list" 200
check "the item decided" "$ID adjudicated decided" "$(jqr '.data[0] | "\(.item_id) \(.consensus.method) \(.phase)"')"
api GET "/v1/engagements/$BPO/consensus" "$ACMEU"
expect "clients may not list decisions" 403
api GET "/v1/engagements/$BPO/consensus?bogus=1" "$MGR"
expect "unknown query parameter" 400
api POST "/v1/items/$ID/accept" "$MGR"
expect "accepted as any submitted item" 200

# Field-level agreement per worker was recorded (name agreed, amount did not).
check "agreement rows" "4 2" "$(sqlite3 "$DATA/alihdaya.db" "SELECT count(*) || ' ' || sum(ok) FROM quality_obs WHERE kind = 'agree' AND item_id = $ID")"
check "three answers, one per worker" "3 3" "$(sqlite3 "$DATA/alihdaya.db" "SELECT count(*) || ' ' || count(DISTINCT worker_id) FROM item_answers WHERE item_id = $ID")"
check "answers sealed" blob "$(sqlite3 "$DATA/alihdaya.db" "SELECT DISTINCT typeof(result) FROM item_answers")"
# The canary never reaches the disk in clear (database and its WAL).
check "canary not on disk" 0 "$(cat "$DATA"/alihdaya.db* | grep -c -a "$CANARY")"

# Overlap: three answers, majority; a low confidence asks one more (max 4).
api PUT "/v1/engagements/$BPO/keying" "$MGR" '{"mode":"overlap","k":3,"max_k":4,"min_confidence":0.7,"field":"label"}'
expect "overlap set" 200
api POST /v1/items "$MGR" "{\"engagement_id\":$BPO,\"payload\":{\"img\":2}}"
ID2=$(jqr .id)
n=0
for t in "$W1:cat" "$W4:dog" "$W5:cat" "$W6:cat"; do
  tok=${t%%:*}; label=${t#*:}; n=$((n+1))
  api POST /v1/work/next "$tok"
  check "answer $n taken" "$ID2" "$(jqr .id)"
  EP=$(jqr .lease.epoch)
  api POST "/v1/items/$ID2/submit" "$tok" "{\"epoch\":$EP,\"result\":{\"label\":\"$label\"}}"
  STATE[$n]=$(jqr .state)
done
check "after 3 answers (2/3 < 0.7): one more" queued "${STATE[3]}"
check "after 4 (3/4): decided" submitted "${STATE[4]}"
api GET "/v1/engagements/$BPO/consensus" "$MGR"
check "label, answers, method" 'cat 4 majority' "$(jqr ".data[] | select(.item_id == $ID2) | \"\(.consensus.label) \(.consensus.answers) \(.consensus.method)\"")"
check "confidence" 0.75 "$(jqr ".data[] | select(.item_id == $ID2) | .consensus.confidence")"
api GET "/v1/items/$ID2" "$MGR"
check "the result is the winning answer" cat "$(jqr .result.label)"

# The CLI: reads the settings, and sets them through the running server's socket.
check "cli reads" overlap "$("$BIN" engagement keying "$BPO" --data "$DATA" --json | jq -r .mode)"
"$BIN" engagement keying "$BPO" --data "$DATA" --mode overlap --k 20 2>/dev/null
check "cli refuses k 20 (exit 2)" 2 "$?"
out=$("$BIN" engagement keying "$BPO" --data "$DATA" --mode double 2>&1)
check "cli sets through the server" "engagement $BPO keying double" "$out"
api GET "/v1/engagements/$BPO/keying" "$MGR"
check "the server has it" double "$(jqr .mode)"
check "the change is audited" 1 "$(sqlite3 "$DATA/alihdaya.db" "SELECT count(*) FROM audit WHERE action = 'engagement.keying' AND detail LIKE '%\"mode\":\"double\"%' AND seq = (SELECT max(seq) FROM audit WHERE action = 'engagement.keying')")"

finish
