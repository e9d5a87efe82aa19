#!/usr/bin/env bash
# test_kpo.sh - KPO deliverables through the real server: milestones (sealed on disk, another
# client's user answered 404), and one deliverable through the whole review chain: submit ->
# senior return with comments -> resubmit -> senior approval -> client return -> resubmit ->
# senior approval -> client approval, each step in the history and the chain with its actor
# and comments; the client may not accept before the senior review; BPO work keeps its rules.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

TAG=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
C_TITLE="CANARY-KPO-TITLE-$TAG"; C_DELIV="CANARY-KPO-DELIV-$TAG"; C_WHY="CANARY-KPO-WHY-$TAG"
LEXU_ID=$(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/v1/users?limit=500" | jq -r '.data[]|select(.name=="lex-user")|.id')
MGR_ID=$(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/v1/users?limit=500" | jq -r '.data[]|select(.name=="mgr")|.id')
W2UID=$(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/v1/workers/$W2ID" | jq -r .user_id)

# --- milestones
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"external_ref\":\"MEMO-1\",\"payload\":{\"question\":\"non-compete in Jakarta\"}}"
expect "client creates the KPO matter" 201
K=$(jqr .id)
api POST "/v1/items/$K/milestones" "$LEXU" "{\"title\":\"$C_TITLE\",\"due_at\":\"2030-01-10T00:00:00Z\"}"
expect "client sets a milestone" 201
M1=$(jqr .id)
check "milestone title" "$C_TITLE" "$(jqr .title)"
check "milestone due" "2030-01-10T00:00:00.000Z" "$(jqr .due_at)"
check "milestone not submitted" "false null" "$(jqr '"\(.submitted) \(.deliverable)"')"
api POST "/v1/items/$K/milestones" "$MGR" '{"title":"Final memo","due_at":"2030-01-20T00:00:00Z","deliverable":"outline"}'
expect "staff set a milestone" 201
M2=$(jqr .id)
api POST "/v1/items/$K/milestones" "$LEXU" '{"title":"","due_at":"2030-01-20T00:00:00Z"}'
expect "empty title" 400
api POST "/v1/items/$K/milestones" "$LEXU" '{"title":"x","due_at":"tomorrow"}'
expect "bad due_at" 400
check "bad due_at says why" "invalid" "$(jqr .error.code)"
LONG=$(head -c 8001 /dev/zero | tr '\0' 'a')
api POST "/v1/items/$K/milestones" "$LEXU" "{\"title\":\"x\",\"due_at\":\"2030-01-20T00:00:00Z\",\"deliverable\":\"$LONG\"}"
expect "deliverable over 8000 bytes" 400
api POST "/v1/items/$K/milestones" "$LEXU" '{"title":"x","due_at":"2030-01-20T00:00:00Z","state":"done"}'
expect "unknown field" 400
api POST "/v1/items/$K/milestones" "$W2" '{"title":"x","due_at":"2030-01-20T00:00:00Z"}'
expect "a worker sets no milestone" 403
api POST "/v1/items/$K/milestones" "$ACMEU" '{"title":"x","due_at":"2030-01-20T00:00:00Z"}'
expect "another client's user: 404" 404
MISSING=$(curl -s -X POST -H "Authorization: Bearer $ACMEU" -H 'Content-Type: application/json' \
  --data '{"title":"x","due_at":"2030-01-20T00:00:00Z"}' "$BASE/v1/items/999999/milestones" | jq -c '.error|.message|=gsub("[0-9]+";"N")')
check "... exactly as a missing item" "$MISSING" "$(printf '%s' "$BODY" | jq -c '.error|.message|=gsub("[0-9]+";"N")')"
api GET "/v1/items/$K/milestones" "$ACMEU"
expect "another client's user reads no milestones" 404
api GET "/v1/items/$K/milestones" "$AUD"
expect "auditors read no client text" 403
api GET "/v1/items/$K/milestones" "$LEXU"
expect "client lists milestones" 200
check "two, by due time" "$M1 $M2" "$(jqr '[.data[].id]|join(" ")')"
api GET "/v1/items/$K/milestones" "$W2"
expect "a worker not holding the item: 404" 404

# BPO items carry none.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"policy\":\"P-9\"}}"
IB=$(jqr .id)
api POST "/v1/items/$IB/milestones" "$ACMEU" '{"title":"x","due_at":"2030-01-20T00:00:00Z"}'
expect "a client on its BPO item: 403" 403
api POST "/v1/items/$IB/milestones" "$MGR" '{"title":"x","due_at":"2030-01-20T00:00:00Z"}'
expect "staff on a BPO item: 409" 409
api GET "/v1/items/$IB/milestones" "$ACMEU"
check "BPO milestones: none" "200 0" "$STATUS $(jqr '.data|length')"

# --- the analyst takes the matter and writes its deliverable
api POST /v1/work/next "$W2"
check "the analyst gets the matter" "$K" "$(jqr .id)"
EP=$(jqr .lease.epoch)
api GET "/v1/items/$K/milestones" "$W2"
expect "the analyst reads the milestones while it holds the item" 200
api PATCH "/v1/items/$K/milestones/$M1" "$W2" "{\"deliverable\":\"$C_DELIV https://dms.example/memo-1\",\"submitted\":true}"
expect "the analyst submits a deliverable" 200
check "deliverable stored" "$C_DELIV https://dms.example/memo-1" "$(jqr .deliverable)"
check "submitted by the analyst" "true $W2UID" "$(jqr '"\(.submitted) \(.submitted_by)"')"
api PATCH "/v1/items/$K/milestones/$M2" "$W2" '{"submitted":true}'
expect "the analyst marks the second handed in" 200
check "... its deliverable kept" "outline true" "$(jqr '"\(.deliverable) \(.submitted)"')"
api PATCH "/v1/items/$K/milestones/$M2" "$MGR" '{"submitted":false}'
check "staff reopen it" "false null null" "$(jqr '"\(.submitted) \(.submitted_at) \(.submitted_by)"')"
api PATCH "/v1/items/$K/milestones/$M1" "$LEXU" '{"deliverable":"mine"}'
expect "the client writes no deliverable" 403
api PATCH "/v1/items/$K/milestones/$M1" "$W2" '{}'
expect "an empty PATCH" 400
api PATCH "/v1/items/$K/milestones/99999" "$W2" '{"submitted":true}'
expect "no such milestone of the item" 404
api PATCH "/v1/items/$IB/milestones/$M1" "$MGR" '{"submitted":true}'
expect "a milestone through another item" 409

# --- the chain
api POST "/v1/items/$K/submit" "$W2" "{\"epoch\":$EP,\"result\":{\"memo\":\"draft 1\"}}"
expect "analyst submits" 200
api PATCH "/v1/items/$K/milestones/$M2" "$W2" '{"submitted":true}'
expect "after the submit the analyst holds nothing: 404" 404
api POST "/v1/items/$K/accept" "$LEXU" '{}'
expect "client accepts straight from submitted" 409
case "$(jqr .error.message)" in *"senior review comes first"*) ok "the refusal says the senior review comes first";;
  *) bad "refusal message: $(jqr .error.message)";; esac
check "the refusal names the state" submitted "$(jqr .error.state)"
api POST "/v1/items/$K/rework" "$LEXU" '{"reason":"too early"}'
expect "client returns before the senior review" 409
api POST "/v1/items/$K/accept" "$MGR" '{}'
expect "staff accept KPO work at once" 409
api POST "/v1/items/$K/rework" "$MGR" '{}'
expect "a senior return needs comments" 400
api POST "/v1/items/$K/rework" "$MGR" "{\"reason\":\"$C_WHY cite the 2023 regulation\"}"
expect "senior returns with comments" 200
check "back in the queue" queued "$(jqr .state)"

api POST /v1/work/next "$W2"; EP=$(jqr .lease.epoch)
api POST "/v1/items/$K/submit" "$W2" "{\"epoch\":$EP,\"result\":{\"memo\":\"draft 2\"}}"
expect "analyst resubmits" 200
api POST "/v1/items/$K/review" "$MGR" '{"reason":"sound; regulation cited"}'
expect "senior approves" 200
check "in review for the client" in_review "$(jqr .state)"
api POST "/v1/items/$K/accept" "$MGR" '{}'
expect "staff give no client approval" 403
api POST "/v1/items/$K/accept" "$ACMEU" '{}'
expect "another client's user: 404" 404
api POST "/v1/items/$K/rework" "$LEXU" '{"reason":"add the Surabaya branch"}'
expect "client returns with comments" 200
check "back to the analyst's queue" queued "$(jqr .state)"

api POST /v1/work/next "$W2"; EP=$(jqr .lease.epoch)
api POST "/v1/items/$K/submit" "$W2" "{\"epoch\":$EP,\"result\":{\"memo\":\"draft 3\"}}"
api POST "/v1/items/$K/review" "$MGR" '{}'
expect "senior approves again" 200
api GET "/v1/items/$K/chain" "$LEXU"
check "not approved yet" "null null" "$(jqr '"\(.approved_at) \(.approved_by)"')"
api POST "/v1/items/$K/accept" "$LEXU" '{"reason":"approved for filing"}'
expect "client approves" 200
check "done" done "$(jqr .state)"

# --- every step in the history and the chain, with who and why
api GET "/v1/items/$K/history" "$LEXU"
expect "history" 200
check "history actions" "create assign submit rework assign submit review rework assign submit review accept" \
  "$(jqr '[.[]|.action]|join(" ")')"
check "history actors of the chain" "$W2UID $MGR_ID $W2UID $MGR_ID $LEXU_ID $W2UID $MGR_ID $LEXU_ID" \
  "$(jqr '[.[]|select(.action|test("submit|review|rework|accept"))|.actor_user_id]|map(tostring)|join(" ")')"
check "history comments" "$C_WHY cite the 2023 regulation|sound; regulation cited|add the Surabaya branch|approved for filing" \
  "$(jqr '[.[]|.detail.reason // empty]|join("|")')"
api GET "/v1/items/$K/chain" "$LEXU"
expect "chain" 200
check "chain is KPO" "true done" "$(jqr '"\(.kpo) \(.state)"')"
check "chain steps" "submitted senior_returned submitted senior_approved client_returned submitted senior_approved client_approved" \
  "$(jqr '[.steps[].step]|join(" ")')"
check "chain roles" "worker manager worker manager client worker manager client" "$(jqr '[.steps[].by.role]|join(" ")')"
check "chain comments" "$C_WHY cite the 2023 regulation|sound; regulation cited|add the Surabaya branch|approved for filing" \
  "$(jqr '[.steps[].comments // empty]|join("|")')"
ACC_AT=$(jqr '.steps[-1].at')
check "approved_by: the client's user" "$LEXU_ID" "$(jqr .approved_by)"
check "approved_at: the last approval" "$ACC_AT" "$(jqr .approved_at)"
api GET "/v1/items/$K/chain" "$MGR"
check "staff read the same approval" "$LEXU_ID" "$(jqr .approved_by)"
api GET "/v1/items/$K/chain" "$ACMEU"
expect "another client's user reads no chain" 404
api POST "/v1/items/$K/milestones" "$LEXU" '{"title":"late","due_at":"2030-01-20T00:00:00Z"}'
expect "a closed item takes no milestone" 409

# BPO keeps its rules: staff accept straight from submitted.
api POST /v1/work/next "$W1"; EP=$(jqr .lease.epoch); IB2=$(jqr .id)
api POST "/v1/items/$IB2/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"ok\":true}}"
api POST "/v1/items/$IB2/accept" "$MGR" '{}'
expect "BPO: staff accept at once" 200

# --- sealed at rest: the canaries are in no database file, only in answers
sync
for f in "$DATA"/alihdaya.db "$DATA"/alihdaya.db-wal; do
  [ -f "$f" ] || continue
  for c in "$C_TITLE" "$C_DELIV" "$C_WHY"; do
    check "$(basename "$f"): no ${c%%-$TAG} in plain" 0 "$(grep -a -c "$c" "$f")"
  done
done
api GET "/v1/items/$K/milestones" "$LEXU"
check "the client still reads them" "$C_TITLE" "$(jqr '.data[0].title')"
check "audit: milestone events without their text" "milestone.create milestone.create milestone.update milestone.update milestone.update" \
  "$(curl -s -H "Authorization: Bearer $AUD" "$BASE/v1/audit?limit=500" | jq -r '[.data[]|select(.record_type=="milestone")|.action]|join(" ")')"

finish
