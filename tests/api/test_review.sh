#!/usr/bin/env bash
# test_review.sh - review sampling end to end: defect codes enforced on every rejection, share
# sampling's review queue (leases, epochs, never one's own work), and lots of acceptance
# sampling: a rejected lot returns whole, an accepted lot accepts all its items.
. "$(dirname "$0")/lib.sh"

clock_start
init_data
start_server --clock-file "$CLOCK"
setup_world

# W4: a QA reviewer cleared for Acme; W1 also holds the QA skill (but never reviews its own work).
api POST /v1/workers "$MGR" "{\"login\":\"w4\",\"name\":\"Rina\",\"skills\":[{\"code\":\"data_entry\",\"level\":3},{\"code\":\"qa\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"PH\",\"time_zone\":\"Asia/Manila\",\"capacity\":2,\"cost_per_hour\":{\"amount_minor\":900,\"currency\":\"USD\"},\"clearances\":[$ACME]}"
W4ID=$(jqr .id); W4=$(new_token w4)
api PATCH "/v1/workers/$W1ID" "$MGR" '{"skills":[{"code":"data_entry","level":3},{"code":"qa","level":3}]}'
expect "W1 gets the QA skill" 200

# key_one ENG TOKEN: the worker takes the next item and submits it; sets ITEM.
key_one() {
  api POST /v1/work/next "$2"
  ITEM=$(jqr .id)
  local ep; ep=$(jqr .lease.epoch)
  api POST "/v1/items/$ITEM/submit" "$2" "{\"epoch\":$ep,\"result\":{\"v\":$ITEM}}"
}
new_item() { api POST /v1/items "$ACMEU" "{\"engagement_id\":$1,\"payload\":{\"n\":1}}"; }

# ---- defect codes ----
api PUT "/v1/engagements/$BPO/defects" "$MGR" '{"defects":[{"code":"Bad-Code","label":"x","severity":"minor"}]}'
expect "a code outside [a-z0-9_] is refused" 400
api PUT "/v1/engagements/$BPO/defects" "$MGR" '{"defects":[{"code":"x","label":"x","severity":"grave"}]}'
expect "an unknown severity is refused" 400
MANY=$(python3 -c 'import json;print(json.dumps({"defects":[{"code":"c%d"%i,"label":"l","severity":"minor"} for i in range(101)]}))')
api PUT "/v1/engagements/$BPO/defects" "$MGR" "$MANY"
expect "101 codes are refused" 400
api PUT "/v1/engagements/$BPO/defects" "$W1" '{"defects":[]}'
expect "a worker may not set defect codes" 403
api PUT "/v1/engagements/$BPO/defects" "$MGR" '{"defects":[{"code":"wrong_value","label":"Wrong value","severity":"major"},{"code":"missing_field","label":"Missing field","severity":"minor"}]}'
expect "defect codes set" 200
check "the answer lists them" "wrong_value missing_field" "$(jqr '[.defects[].code]|join(" ")')"
api GET "/v1/engagements/$BPO/defects" "$W1"
check "a cleared worker reads them" "major" "$(jqr '.defects[0].severity')"
api GET "/v1/engagements/$BPO/defects" "$LEXU"
expect "another client's user does not see them" 404

# Sampling none: today's flow. A rework must name a code now.
new_item "$BPO"; key_one "$BPO" "$W1"; A=$ITEM
api POST "/v1/items/$A/rework" "$MGR" '{"reason":"typo"}'
expect "rework without a defect code is refused" 400
check "the refusal names the allowed codes" "true" "$(jqr '.error.message|contains("wrong_value, missing_field")')"
api POST "/v1/items/$A/rework" "$MGR" '{"reason":"typo","defect":"nope"}'
expect "an unknown defect code is refused" 400
api POST "/v1/items/$A/rework" "$MGR" '{"reason":"typo","defect":"wrong_value","field":"amount"}'
expect "rework with a defect code" 200
api GET "/v1/items/$A/history" "$MGR"
check "the rework event names code and field" "wrong_value amount typo" "$(jqr '.[-1].detail|"\(.defect) \(.field) \(.reason)"')"

# ---- share sampling: the review queue ----
api PUT "/v1/engagements/$BPO/sampling" "$MGR" '{"mode":"share","share_pct":101}'
expect "a share over 100 is refused" 400
api PUT "/v1/engagements/$BPO/sampling" "$MGR" '{"mode":"share","share_pct":100,"qa_skill":{"code":"qa","level":2}}'
expect "share sampling set" 200
check "settings read back" "share 100 qa" "$(jqr '"\(.mode) \(.share_pct) \(.qa_skill.code)"')"
check "the key is never shown" "null" "$(jqr '.key')"
key_one "$BPO" "$W1"; check "W1 keys A again" "$A" "$ITEM"
check "a chosen item stays submitted" submitted "$(jqr .state)"
api GET "/v1/review?engagement_id=$BPO&state=waiting" "$MGR"
check "the review queue lists it" "$A" "$(jqr '.data[0].item_id')"
api POST /v1/review/next "$W1"
check "W1 is never given its own work" null "$(jqr .id)"
api POST /v1/review/next "$W3"
check "a worker without the QA skill gets nothing" null "$(jqr .id)"
api POST /v1/review/next "$W4"
expect "the reviewer takes it" 200
check "the review is of A" "$A" "$(jqr .id)"
check "with its result" "$A" "$(jqr .result.v)"
check "in review" in_review "$(jqr .state)"
E1=$(jqr .review.epoch)
check "the review lease has an epoch" 1 "$E1"
advance 1800000   # the lease (30 min) runs out
api POST /v1/review/next "$W4"
E2=$(jqr .review.epoch)
check "a lapsed review lease is given again with a new epoch" 2 "$E2"
api POST "/v1/items/$A/decision" "$W4" "{\"epoch\":$E1,\"decision\":\"accept\"}"
expect "a stale review epoch is refused" 409
check "as stale_lease" stale_lease "$(jqr .error.code)"
api POST "/v1/items/$A/decision" "$W1" "{\"epoch\":$E2,\"decision\":\"accept\"}"
expect "another worker may not decide" 409
api POST "/v1/items/$A/decision" "$W4" "{\"epoch\":$E2,\"decision\":\"reject\"}"
expect "a rejection without a code is refused" 400
api POST "/v1/items/$A/decision" "$W4" "{\"epoch\":$E2,\"decision\":\"reject\",\"defect\":\"missing_field\",\"field\":\"name\",\"comment\":\"name is empty CANARY-REVIEW-5e1d\"}"
expect "rejected with a code" 200
check "back to the queue" queued "$(jqr .state)"
check "the decision names the code" missing_field "$(jqr .review.defect)"
api GET "/v1/items/$A/history" "$MGR"
check "the rework event carries the defect" "missing_field name" "$(jqr '.[-1].detail|"\(.defect) \(.field)"')"
check "and the reviewer's comment as its reason" "name is empty CANARY-REVIEW-5e1d" "$(jqr '.[-1].detail.reason')"
"$BIN" backup "$TMP/copy.db" --data "$DATA" >/dev/null || bad "backup"
check "the comment is sealed at rest (no copy in the raw files)" 0 \
  "$(cat "$DATA/alihdaya.db" "$DATA/alihdaya.db-wal" "$TMP/copy.db" 2>/dev/null | grep -a -c CANARY-REVIEW-5e1d)"
key_one "$BPO" "$W1"
api POST /v1/review/next "$W4"; E=$(jqr .review.epoch)
api POST "/v1/items/$A/decision" "$W4" "{\"epoch\":$E,\"decision\":\"accept\",\"comment\":\"fine\"}"
expect "accepted" 200
check "done" done "$(jqr .state)"
api GET "/v1/review?engagement_id=$BPO" "$MGR"
check "the review list shows both decisions and the rework count" "rejected accepted 2" "$(jqr '"\(.data[0].state) \(.data[1].state) \(.data[1].rework_count)"')"
api GET "/v1/review" "$W1"
expect "workers do not list the review queue" 403

# ---- lots (aql) ----
api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Lots\",\"required_skills\":[{\"code\":\"data_entry\",\"level\":2}],\"sla_seconds\":86400,\"lease_seconds\":1800}"
LOTS=$(jqr .id)
api PUT "/v1/engagements/$LOTS/defects" "$MGR" '{"defects":[{"code":"illegible","label":"Illegible","severity":"critical"}]}'
api PUT "/v1/engagements/$LOTS/sampling" "$MGR" '{"mode":"aql","lot_size":1,"aql":2.5}'
expect "a lot of 1 is refused" 400
api PUT "/v1/engagements/$LOTS/sampling" "$MGR" '{"mode":"aql","lot_size":5,"level":"II","aql":2.5,"qa_skill":"qa"}'
expect "aql sampling set" 200
check "aql read back" "aql 5 II 2.5" "$(jqr '"\(.mode) \(.lot_size) \(.level) \(.aql)"')"

# lot_round: five items keyed by W1; sets ITEMS and LOT (the engagement's newest lot).
lot_round() {
  ITEMS=""
  for _ in 1 2 3 4 5; do new_item "$LOTS"; key_one "$LOTS" "$W1"; ITEMS="$ITEMS $ITEM"; done
  api GET "/v1/engagements/$LOTS/lots" "$MGR"
  LOT=$(jqr '.data[-1].id')
}
lot_round
check "the lot is full and sampling" "sampling 5" "$(jqr '.data[-1]|"\(.state) \(.size)"')"
N=$(jqr '.data[-1].sample_size'); AC=$(jqr '.data[-1].ac'); RE=$(jqr '.data[-1].re')
[ "$N" -ge 1 ] && [ "$N" -le 5 ] && ok "the sample size is 1..5 ($N, Ac $AC, Re $RE)" || bad "sample size $N"
api GET "/v1/review?engagement_id=$LOTS&state=held" "$MGR"
check "the rest wait in the lot" "$((5 - N))" "$(jqr '.data|length')"
# Reject samples until the lot is decided (Re rejections).
for _ in $(seq 1 "$RE"); do
  api POST /v1/review/next "$W4"; R=$(jqr .id); E=$(jqr .review.epoch)
  api POST "/v1/items/$R/decision" "$W4" "{\"epoch\":$E,\"decision\":\"reject\",\"defect\":\"illegible\"}"
done
expect "the last rejection decides the lot" 200
api GET "/v1/engagements/$LOTS/lots" "$MGR"
check "the lot is rejected with the code" "rejected illegible" "$(jqr ".data[]|select(.id==$LOT)|\"\(.state) \(.defect)\"")"
back=0; events=0
for i in $ITEMS; do
  api GET "/v1/items/$i" "$MGR"; [ "$(jqr .state)" = queued ] && back=$((back+1))
  api GET "/v1/items/$i/history" "$MGR"
  [ "$(jqr "[.[]|select(.action==\"rework\" and .detail.lot_id==$LOT and .detail.defect==\"illegible\")]|length")" = 1 ] && events=$((events+1))
done
check "every item of the rejected lot is back in the queue" 5 "$back"
check "each with one rework event naming the lot and the code" 5 "$events"
api POST /v1/review/next "$W4"
check "no review work is left of the rejected lot" null "$(jqr .id)"

# The same five items keyed again fill a second lot; every sample accepted accepts the lot.
ITEMS=""
for _ in 1 2 3 4 5; do key_one "$LOTS" "$W1"; ITEMS="$ITEMS $ITEM"; done
api GET "/v1/engagements/$LOTS/lots" "$MGR"
LOT2=$(jqr '.data[-1].id'); N=$(jqr '.data[-1].sample_size')
[ "$LOT2" != "$LOT" ] && ok "a new lot" || bad "lot $LOT2"
for _ in $(seq 1 "$N"); do
  api POST /v1/review/next "$W4"; R=$(jqr .id); E=$(jqr .review.epoch)
  api POST "/v1/items/$R/decision" "$W4" "{\"epoch\":$E,\"decision\":\"accept\"}"
done
api GET "/v1/engagements/$LOTS/lots" "$MGR"
check "the second lot is accepted" accepted "$(jqr ".data[]|select(.id==$LOT2)|.state")"
done_n=0
for i in $ITEMS; do api GET "/v1/items/$i" "$MGR"; [ "$(jqr .state)" = done ] && done_n=$((done_n+1)); done
check "every item of the accepted lot is done" 5 "$done_n"

# Restart: the settings and codes come back from the store.
stop_server
start_server --clock-file "$CLOCK"
new_item "$BPO"; key_one "$BPO" "$W1"
api POST /v1/review/next "$W4"; R=$(jqr .id); E=$(jqr .review.epoch)
check "after a restart the share is still sampled" "$ITEM" "$R"
api POST "/v1/items/$R/decision" "$W4" "{\"epoch\":$E,\"decision\":\"reject\"}"
expect "and the codes still enforced" 400

# The CLI reads the same records beside the server.
out=$("$BIN" review lots --data "$DATA" --engagement "$LOTS" --json)
check "review lots lists both lots" "rejected accepted" "$(printf '%s' "$out" | jq -r '[.data[].state]|join(" ")')"
out=$("$BIN" review defects --data "$DATA" --engagement "$BPO")
printf '%s' "$out" | grepq missing_field && ok "review defects prints the codes" || bad "review defects: $out"
out=$("$BIN" review sampling --data "$DATA" --engagement "$LOTS" --json)
check "review sampling prints the settings" "aql 5" "$(printf '%s' "$out" | jq -r '"\(.mode) \(.lot_size)"')"
"$BIN" review list --data "$DATA" --state bogus >/dev/null 2>&1
check "a bad state is a usage error" 2 "$?"
finish
