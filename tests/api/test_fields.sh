#!/usr/bin/env bash
# test_fields.sh - declared payload and result fields: declared, read, enforced at create and
# submit (one 400 naming every bad field, nothing stored, the lease kept), impossible and huge
# declarations refused, a body over the limit 413, the declaration kept across a restart.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

# Any JSON before a declaration.
api GET "/v1/engagements/$BPO/fields" "$MGR"
expect "no declaration yet" 200
check "payload not declared" null "$(jqr .payload)"
check "result not declared" null "$(jqr .result)"
check "never declared" null "$(jqr .updated_at)"

PAYLOAD='[{"name":"claim_no","type":"text","required":true,"pattern":"CLM-[0-9]{4}","max_length":8},
 {"name":"claimant","type":"text","min_length":2,"max_length":40,"normalize":["trim","space","case"]}]'
RESULT='[{"name":"amount","type":"decimal","scale":2,"required":true,"min":"0.01","max":"99999.99"},
 {"name":"count","type":"integer","min":1,"max":10},
 {"name":"loss_date","type":"date","required":true,"normalize":["date:DD/MM/YYYY"]},
 {"name":"kind","type":"enum","values":["auto","home","life"]},
 {"name":"urgent","type":"boolean"},
 {"name":"codes","type":"list","of":"text","pattern":"[A-Z]{2}","max_items":3}]'
api PUT "/v1/engagements/$BPO/fields" "$MGR" "{\"payload\":$PAYLOAD,\"result\":$RESULT}"
expect "manager declares the fields" 200
check "payload fields kept" "claim_no claimant" "$(jqr '[.payload[].name]|join(" ")')"
check "result fields kept" 6 "$(jqr '.result|length')"
[ "$(jqr .updated_at)" != null ] && ok "updated_at set" || bad "updated_at: $BODY"

api GET "/v1/engagements/$BPO/fields" "$ACMEU"
expect "the engagement's client reads them" 200
check "client sees the declaration" claim_no "$(jqr '.payload[0].name')"
api GET "/v1/engagements/$BPO/fields" "$LEXU"
expect "another client: no such engagement" 404
api GET "/v1/engagements/$BPO/fields" "$W1"
expect "a cleared worker reads them (its form)" 200
api GET "/v1/engagements/$BPO/fields" "$W2"
expect "a worker not cleared: no such engagement" 404
api PUT "/v1/engagements/$BPO/fields" "$ACMEU" '{"payload":[]}'
expect "a client may not declare" 403
api PUT "/v1/engagements/$BPO/fields" "$W1" '{"payload":[]}'
expect "a worker may not declare" 403
api PUT "/v1/engagements/999999/fields" "$MGR" '{"payload":[]}'
expect "no such engagement" 404

# Create: a good payload, and one violating every rule at once.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"F-1\",\"payload\":{\"claim_no\":\"CLM-0001\",\"claimant\":\" Ada  Lovelace \"}}"
expect "a payload that fits is taken" 201
I1=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"F-2\",\"payload\":{\"claim_no\":\"X-1234567890\",\"claimant\":\"A\",\"extra\":1}}"
expect "a bad payload is refused" 400
check "error code" invalid "$(jqr .error.code)"
check "every bad field listed" "claim_no claimant extra" "$(jqr '[.error.fields[].field]|join(" ")')"
MSG=$(jqr .error.message)
case "$MSG" in
  payload:*claim_no:*longer\ than\ 8*does\ not\ match*claimant:*shorter*extra:*not\ a\ declared\ field*)
    ok "one message names every bad field and why";;
  *) bad "message: $MSG";;
esac
api GET "/v1/items?engagement_id=$BPO&limit=100" "$MGR"
check "nothing stored for the bad payload" 1 "$(jqr '.data|length')"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{}}"
expect "a required payload field missing" 400
check "names it" "claim_no" "$(jqr '.error.fields[0].field')"
check "says required" "required" "$(jqr '.error.fields[0].reason')"

# Submit: a result violating every rule at once gets one 400; nothing stored, lease kept.
api POST /v1/work/next "$W1"
check "the worker takes the item" "$I1" "$(jqr .id)"
EP=$(jqr .lease.epoch)
BAD='{"amount":"12.345","count":0,"loss_date":"31/02/2024","kind":"boat","urgent":"yes","codes":["AB","x","CD","EF"],"zz":true}'
api POST "/v1/items/$I1/submit" "$W1" "{\"epoch\":$EP,\"result\":$BAD}"
expect "a result breaking every rule is refused" 400
check "all seven named" "amount count loss_date kind urgent codes zz" "$(jqr '[.error.fields[].field]|join(" ")')"
check "amount's reason" "too many digits after the point (scale 2)" "$(jqr '.error.fields[0].reason')"
check "count's reason" "less than the minimum 1" "$(jqr '.error.fields[1].reason')"
check "codes' reasons" "more than 3 elements, element 1: does not match the pattern" "$(jqr '.error.fields[5].reason')"
case "$(jqr .error.message)" in
  result:\ amount:*\;\ count:*\;\ loss_date:*\;\ kind:*\;\ urgent:*\;\ codes:*\;\ zz:\ not\ a\ declared\ field) ok "the message names all seven";;
  *) bad "message: $(jqr .error.message)";;
esac
api GET "/v1/items/$I1" "$MGR"
check "still assigned" assigned "$(jqr .state)"
check "lease untouched" "$EP $W1ID" "$(jqr '"\(.epoch) \(.lease.worker_id)"')"
check "no result stored" null "$(jqr .result)"
api GET "/v1/items/$I1/history" "$MGR"
check "no submit event" "create assign" "$(jqr '[.[]|.action]|join(" ")')"
api POST "/v1/items/$I1/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"amount\":\"1.50\"}}"
expect "a required result field missing" 400
check "names the missing one" loss_date "$(jqr '.error.fields[0].field')"
GOOD='{"amount":"1250.5","count":2,"loss_date":"29/02/2024","kind":"auto","urgent":false,"codes":["AB"]}'
api POST "/v1/items/$I1/submit" "$W1" "{\"epoch\":$EP,\"result\":$GOOD}"
expect "a result that fits is taken, on the same lease" 200
check "submitted" submitted "$(jqr .state)"
api GET "/v1/items/$I1" "$MGR"
check "the result stored as sent" "1250.5" "$(jqr .result.amount)"
api POST "/v1/items/$I1/submit" "$W1" "{\"epoch\":$EP,\"result\":$BAD}"
expect "a bad result on a lease no longer held: the lease is stale first" 409
check "stale, not invalid" stale_lease "$(jqr .error.code)"

# Impossible, unknown and huge declarations: 400 naming each problem.
api PUT "/v1/engagements/$BPO/fields" "$MGR" '{"payload":[{"name":"a","type":"integer","min":5,"max":1},{"name":"b","type":"colour"},{"name":"c","type":"text","scale":2},{"name":"d","type":"enum"},{"name":"a","type":"text"}],"result":[{"name":"Bad Name","type":"text"}]}'
expect "impossible declarations refused" 400
MSG=$(jqr .error.message)
for want in 'payload: fields[0] (a): min 5 is greater than max 1' 'fields[1] (b): type must be' \
    'fields[2] (c): scale does not apply to a text field' 'fields[3] (d): an enum needs values' \
    "fields[4] (a): the name is also fields[0]'s" 'result: fields[0]: name must be'; do
  case "$MSG" in *"$want"*) ok "names: $want";; *) bad "missing '$want' in: $MSG";; esac
done
api GET "/v1/engagements/$BPO/fields" "$MGR"
check "the refused declaration changed nothing" 6 "$(jqr '.result|length')"

python3 -c 'import json; print(json.dumps({"payload":[{"name":"f%d"%i,"type":"text"} for i in range(10000)]}))' > "$TMP/many.json"
api PUT "/v1/engagements/$BPO/fields" "$MGR" "@$TMP/many.json"
expect "10,000 fields refused" 400
case "$(jqr .error.message)" in *"10000 fields declared: at most 256"*) ok "says how many";; *) bad "10000: $BODY";; esac
python3 -c 'import json; print(json.dumps({"payload":[{"name":"e","type":"enum","values":[str(i) for i in range(100000)]}]}))' > "$TMP/enum.json"
api PUT "/v1/engagements/$BPO/fields" "$MGR" "@$TMP/enum.json"
expect "an enum of 100,000 values refused" 400
case "$(jqr .error.message)" in *"values must be a list of 1 to 1000 strings (100000 given)"*) ok "says the enum's bound";; *) bad "enum: ${BODY:0:300}";; esac
python3 -c 'import json; print(json.dumps({"payload":[{"name":"e","type":"enum","values":["v%07d"%i for i in range(200000)]}]}))' > "$TMP/big.json"
api PUT "/v1/engagements/$BPO/fields" "$MGR" "@$TMP/big.json"
expect "a body over the limit" 413
api PUT "/v1/engagements/$BPO/fields" "$MGR" '{"payload":{"name":"x"}}'
expect "a declaration that is not an array" 400
api PUT "/v1/engagements/$BPO/fields" "$MGR" '{"payload":[],"other":1}'
expect "an unknown member of the body" 400

# The declaration survives a restart (recovery compiles it); a side set to null accepts any JSON.
stop_server
start_server
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"nope\":1}}"
expect "after a restart the declaration still holds" 400
api PUT "/v1/engagements/$BPO/fields" "$MGR" "{\"payload\":null,\"result\":$RESULT}"
expect "payload declaration removed" 200
check "payload null again" null "$(jqr .payload)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"nope\":1}}"
expect "any payload again" 201

# The audit trail has the declaration with its counts.
api GET "/v1/audit?limit=500" "$ADMIN"
check "audited" '{"payload_fields":null,"result_fields":6}' "$(jqr '[.data[]|select(.action=="engagement.fields")][-1].detail|tojson')"

# The CLI reads and sets them (through the running server's socket).
OUT=$("$BIN" engagement fields "$BPO" --data "$DATA")
check "cli reads the declaration" 6 "$(printf '%s' "$OUT" | jq '.result|length')"
echo '{"payload":[{"name":"n","type":"integer"}]}' > "$TMP/decl.json"
"$BIN" engagement fields "$BPO" --set "$TMP/decl.json" --data "$DATA" >/dev/null
check "cli sets a declaration" 0 $?
api GET "/v1/engagements/$BPO/fields" "$MGR"
check "set by the cli" n "$(jqr '.payload[0].name')"
check "result removed by the cli's whole replacement" null "$(jqr .result)"
ERR=$(echo '{"payload":[{"name":"n","type":"nope"}]}' | "$BIN" engagement fields "$BPO" --set - --data "$DATA" 2>&1 >/dev/null)
case "$ERR" in *"type must be"*) ok "cli shows the refusal";; *) bad "cli refusal: $ERR";; esac

# Without a server the CLI's own engine checks: every problem on its own line.
stop_server
ERR=$("$BIN" item create --engagement "$BPO" --payload '{"n":"x","q":1}' --data "$DATA" 2>&1 >/dev/null)
case "$ERR" in *"payload:"*"n: not a whole number"*"q: not a declared field"*) ok "local cli names every bad field";;
  *) bad "local cli: $ERR";; esac

finish
