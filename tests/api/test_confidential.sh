#!/usr/bin/env bash
# test_confidential.sh - masking, clearance rules and retention against the real binary:
# a worker sees an engagement's sensitive fields masked (values worked out by hand below),
# the unmasked read reveals them and is audited, a client sees its data in clear, an
# auditor sees no payload; a clearance with an expiry stops routing and reads the moment
# the engine's clock (serve --clock-file) passes it; finished items past an engagement's
# retention are purged by the server's job and by `alihdaya purge`.
. "$(dirname "$0")/lib.sh"

clock_start
DAY=86400000

init_data
start_server --clock-file "$CLOCK"
setup_world

# ---------------------------------------------------------------- masking
api PATCH "/v1/engagements/$BPO" "$MGR" '{"sensitive":[{"field":"card_number","mask":"last4"},{"field":"holder","mask":"initials"},{"field":"ssn","mask":"hidden"},{"field":"city","mask":"last4"}]}'
expect "sensitive fields set by PATCH" 200
api GET "/v1/engagements/$BPO" "$MGR"
check "the engagement names its sensitive fields" "card_number:last4 holder:initials ssn:hidden city:last4" \
  "$(jqr '[.sensitive[] | "\(.field):\(.mask)"] | join(" ")')"

for body in '{"sensitive":[{"field":"","mask":"last4"}]}' \
            '{"sensitive":[{"field":"a","mask":"rot13"}]}' \
            '{"sensitive":[{"field":"a","mask":"last4"},{"field":"a","mask":"hidden"}]}' \
            '{"sensitive":[{"field":"a","mask":"last4","extra":1}]}' \
            '{"sensitive":"card_number"}' '{"retention_days":-1}' '{"retention_days":1.5}'; do
  api PATCH "/v1/engagements/$BPO" "$MGR" "$body"
  expect "refused: $body" 400
done

# 16 digits, a name with an accented capital, 9-byte "São Paulo" is 9 characters (10 bytes).
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"card_number\":\"4111111111111111\",\"holder\":\"Émile  de la Tour\",\"ssn\":\"123-45-6789\",\"city\":\"São Paulo\",\"amount\":12}}"
expect "client creates an item" 201
ITEM=$(jqr .id)
api POST /v1/work/next "$W1"
check "W1 leases the item" "$ITEM" "$(jqr .id)"
check "work/next masks last4" "************1111" "$(jqr .payload.card_number)"
check "work/next masks initials (UTF-8)" "É.d.l.T." "$(jqr .payload.holder)"
check "work/next hides" "***" "$(jqr .payload.ssn)"
check "last4 counts characters, not bytes" "*****aulo" "$(jqr .payload.city)"
check "other fields are in clear" "12" "$(jqr .payload.amount)"
api GET "/v1/items/$ITEM" "$W1"
check "item read masks for the worker" "************1111 ***" "$(jqr '"\(.payload.card_number) \(.payload.ssn)"')"
check "no digits of the card leak" "0" "$(printf '%s' "$BODY" | grep -c 4111111111111111)"
api GET "/v1/items/$ITEM/unmasked" "$W1"
expect "a worker may not take item.unmask" 403

api GET "/v1/items/$ITEM" "$ACMEU"
check "the client sees its data in clear" "4111111111111111 Émile  de la Tour" "$(jqr '"\(.payload.card_number) \(.payload.holder)"')"
api GET "/v1/items/$ITEM" "$AUD"
check "the auditor sees no payload" "null" "$(jqr .payload)"
api GET "/v1/items/$ITEM/unmasked" "$AUD"
expect "an auditor may not unmask" 403
api GET "/v1/items/$ITEM" "$MGR"
check "staff read masked too" "************1111" "$(jqr .payload.card_number)"
api GET "/v1/items/$ITEM/unmasked" "$MGR"
expect "the unmasked read" 200
check "the unmasked read reveals" "4111111111111111 123-45-6789" "$(jqr '"\(.payload.card_number) \(.payload.ssn)"')"
api GET "/v1/audit?limit=500" "$ADMIN"
check "the unmasked read is audited with the fields revealed" \
  "[\"card_number\",\"holder\",\"ssn\",\"city\"]" \
  "$(jqr "[.data[] | select(.action == \"item.unmask\" and .record_id == $ITEM)] | last | .detail.fields | tojson")"
api GET "/v1/items/$ITEM/unmasked" "$LEXU"
expect "another client's unmasked read is hidden" 404

# A clearance that unmasks one field: W1 then sees the holder in clear, the rest masked.
api PATCH "/v1/workers/$W1ID" "$MGR" "{\"clearances\":[{\"client_id\":$ACME,\"nda_ref\":\"NDA-7\",\"unmasked\":[\"holder\"]}]}"
expect "clearance with terms" 200
api GET "/v1/workers/$W1ID" "$MGR"
check "the clearance reads back in object form" "{\"client_id\":$ACME,\"nda_ref\":\"NDA-7\",\"unmasked\":[\"holder\"]}" "$(jqr '.clearances[0] | tojson')"
api GET "/v1/items/$ITEM" "$W1"
check "the unmasked field in clear, the others masked" "Émile  de la Tour ************1111" "$(jqr '"\(.payload.holder) \(.payload.card_number)"')"
for body in "{\"clearances\":[{\"client_id\":$ACME,\"expires_at\":\"tomorrow\"}]}" \
            "{\"clearances\":[{\"client_id\":$ACME,\"unmasked\":[\"a\",\"a\"]}]}" \
            "{\"clearances\":[{\"client_id\":$ACME,\"nda\":\"x\"}]}" \
            "{\"clearances\":[{\"client_id\":$ACME,\"nda_ref\":\"\"}]}" '{"clearances":["x"]}'; do
  api PATCH "/v1/workers/$W1ID" "$MGR" "$body"
  expect "refused: $body" 400
done
api POST "/v1/items/$ITEM/submit" "$W1" "{\"epoch\":1,\"result\":{\"ok\":true}}"
expect "W1 submits" 200
# The CLI as the worker (ALIHDAYA_TOKEN): the same use case, the same masks.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"card_number\":\"5500000000000004\",\"holder\":\"Ada Lovelace\"}}"
out=$(ALIHDAYA_TOKEN=$W1 "$BIN" item next --data "$DATA" --json 2>&1)
check "the CLI with a worker's token answers masked" "************0004 Ada Lovelace" \
  "$(printf '%s' "$out" | jq -r '"\(.payload.card_number) \(.payload.holder)"' 2>/dev/null)"
CLI_ITEM=$(printf '%s' "$out" | jq -r .id 2>/dev/null)
ALIHDAYA_TOKEN=$W1 "$BIN" item submit "$CLI_ITEM" --epoch 1 --result '{}' --data "$DATA" >/dev/null 2>&1
api GET "/v1/items/$CLI_ITEM" "$MGR"
check "and submits through the server" "submitted" "$(jqr .state)"

# ---------------------------------------------------------------- clearance expiry
# W3 (cleared for both clients) gets an ACME clearance that ends at 2026-01-02T00:00:00Z.
api PATCH "/v1/workers/$W3ID" "$MGR" "{\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"clearances\":[{\"client_id\":$ACME,\"expires_at\":\"2026-01-02T00:00:00Z\"},$LEX]}"
expect "a clearance with an expiry" 200
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":1}}"
I1=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":2}}"
I2=$(jqr .id)
api GET "/v1/engagements/$BPO" "$W3"
expect "before the expiry W3 reads the engagement" 200
api POST /v1/work/next "$W3"
check "before the expiry W3 gets ACME work" "$I1" "$(jqr .id)"
api POST "/v1/items/$I1/submit" "$W3" "{\"epoch\":1,\"result\":{}}"
set_clock $((1767225600000 + DAY))   # the expiry itself: lapsed
sleep 0.5                            # the engine reads its clock at least every 200 ms
api POST /v1/work/next "$W3"
check "past the expiry: no work of that client" "not_cleared" "$(jqr .reason)"
api GET "/v1/engagements/$BPO" "$W3"
expect "past the expiry: the engagement is hidden" 404
api GET "/v1/items/$I2" "$W3"
expect "past the expiry: its items are hidden" 404
api GET "/v1/engagements/$KPO" "$W3"
expect "the other clearance still holds" 200
api POST /v1/work/next "$W1"
check "W1 (no expiry) still gets the item" "$I2" "$(jqr .id)"

# A clearance already lapsed when it is given: never routed.
api POST /v1/workers "$MGR" "{\"login\":\"w4\",\"name\":\"Lapsed\",\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"PH\",\"time_zone\":\"UTC\",\"cost_per_hour\":{\"amount_minor\":1,\"currency\":\"USD\"},\"clearances\":[{\"client_id\":$ACME,\"expires_at\":\"2025-06-01T00:00:00Z\"}]}"
expect "a worker with a past clearance" 201
W4=$(new_token w4)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":3}}"
I3=$(jqr .id)
api POST /v1/work/next "$W4"
check "a past clearance routes nothing" "not_cleared" "$(jqr .reason)"
api GET "/v1/engagements/$BPO" "$W4"
expect "a past clearance reads no engagement" 404

# ---------------------------------------------------------------- retention
T1=$((1767225600000 + DAY))          # the engine's time now
api PATCH "/v1/engagements/$BPO" "$MGR" '{"retention_days":30}'
expect "retention_days set" 200
check "retention_days reads back" "30" "$(jqr .retention_days)"
api POST "/v1/items/$ITEM/accept" "$MGR" '{}'
check "ITEM is done" "done" "$(jqr .state)"
api POST "/v1/items/$I3/cancel" "$ACMEU" '{"reason":"duplicate"}'
check "I3 is cancelled" "cancelled" "$(jqr .state)"
api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Kept\",\"sla_seconds\":86400}"
KEEP=$(jqr .id)
check "retention_days defaults to 0 (kept forever)" "0" "$(jqr .retention_days)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$KEEP,\"payload\":{\"n\":4}}"
K=$(jqr .id)
api POST "/v1/items/$K/cancel" "$ACMEU" '{}'
api GET "/v1/items/$ITEM/history" "$MGR"
ITEM_EVENTS=$(jqr length)
check "the CLI's dry run beside the server counts nothing yet" "would purge 0 finished items (0 item events)" \
  "$("$BIN" purge --data "$DATA" --dry-run 2>&1)"

set_clock $((T1 + 29 * DAY))
sleep 0.5
api GET "/v1/items/$ITEM" "$MGR"
expect "29 days after it closed, the item is kept" 200

set_clock $((T1 + 30 * DAY + 1000))
gone=no
for _ in $(seq 1 100); do
  api GET "/v1/items/$ITEM" "$MGR"
  [ "$STATUS" = 404 ] && { gone=yes; break; }
  sleep 0.05
done
check "30 days after it closed, the server's job purged the done item" yes "$gone"
api GET "/v1/items/$I3" "$MGR"
expect "the cancelled item is purged too" 404
api GET "/v1/items/$ITEM/history" "$MGR"
expect "its history is gone with it" 404
api GET "/v1/items/$I1" "$MGR"
expect "an open item is kept" 200
api GET "/v1/items/$K" "$MGR"
expect "an engagement without retention keeps its finished items" 200
api GET "/v1/audit?limit=500" "$ADMIN"
check "one item.purge audit event with the counts" "$BPO 2 $((ITEM_EVENTS + 2))" \
  "$(jqr '[.data[] | select(.action == "item.purge")] | last | "\(.record_id) \(.detail.items) \(.detail.events)"')"
check "the trail still has the purged items' events" "yes" \
  "$(jqr "[.data[] | select(.record_type == \"item\" and .record_id == $ITEM)] | if length > 0 then \"yes\" else \"no\" end")"
if command -v sqlite3 >/dev/null; then
  check "no row of the purged items is left (sqlite3)" "0 0" \
    "$(sqlite3 "$DATA/alihdaya.db" "SELECT (SELECT count(*) FROM items WHERE id IN ($ITEM, $I3)) || ' ' || (SELECT count(*) FROM item_events WHERE item_id IN ($ITEM, $I3))")"
fi
check "the audit chain verifies after a purge" "0" "$("$BIN" audit verify --data "$DATA" >/dev/null 2>&1; echo $?)"

# The CLI with no server: its own engine, its own clock file.
api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Short\",\"sla_seconds\":86400,\"retention_days\":1}"
SHORT=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$SHORT,\"payload\":{\"n\":5}}"
X=$(jqr .id)
api POST "/v1/items/$X/cancel" "$ACMEU" '{}'
stop_server
echo $((T1 + 30 * DAY + 1000 + 2 * DAY)) > "$TMP/clock2"
check "purge --dry-run counts" "would purge 1 finished items (2 item events)" \
  "$("$BIN" purge --data "$DATA" --clock-file "$TMP/clock2" --dry-run 2>&1)"
check "purge deletes" "purged 1 finished items (2 item events)" \
  "$("$BIN" purge --data "$DATA" --clock-file "$TMP/clock2" 2>&1)"
check "a second purge finds nothing" "purged 0 finished items (0 item events)" \
  "$("$BIN" purge --data "$DATA" --clock-file "$TMP/clock2" 2>&1)"
check "purge refuses an unknown option" "2" "$("$BIN" purge --data "$DATA" --force >/dev/null 2>&1; echo $?)"
start_server --clock-file "$CLOCK"
api GET "/v1/items/$X" "$MGR"
expect "the CLI's purge is durable" 404
api GET "/v1/items/$K" "$MGR"
expect "and kept what it must" 200
api POST /v1/purge "$MGR" '{}'
expect "a manager may not purge" 403
api POST /v1/purge "$ADMIN" '{"dry_run":true}'
check "POST /v1/purge answers its counts" '{"dry_run":true,"items":0,"events":0,"more":false}' "$(jqr -c . 2>/dev/null || printf '%s' "$BODY")"
api POST /v1/purge "$ADMIN" '{"force":true}'
expect "unknown keys are refused" 400

# ---------------------------------------------------------------- ethical wall
api POST /v1/clients "$ADMIN" '{"code":"zeta","name":"Zeta (a competitor)"}'
ZETA=$(jqr .id)
api POST /v1/clients "$ADMIN" '{"code":"omega","name":"Omega"}'
OMEGA=$(jqr .id)
api POST /v1/engagements "$MGR" "{\"client_id\":$ZETA,\"service_code\":\"data_entry\",\"name\":\"Zeta forms\",\"required_skills\":[{\"code\":\"wallskill\",\"level\":1}],\"sla_seconds\":86400}"
ZENG=$(jqr .id)
for body in '{"clients":[1,1],"days":90}' '{"clients":[1]}' '{"clients":[1],"days":0}' '{"clients":"1","days":9}' '{"clients":[1],"days":9,"x":1}'; do
  api POST /v1/engagements "$MGR" "{\"client_id\":$OMEGA,\"service_code\":\"data_entry\",\"name\":\"bad\",\"sla_seconds\":86400,\"wall\":$body}"
  expect "wall refused: $body" 400
done
api POST /v1/engagements "$MGR" "{\"client_id\":$OMEGA,\"service_code\":\"data_entry\",\"name\":\"Omega forms\",\"required_skills\":[{\"code\":\"wallskill\",\"level\":1}],\"sla_seconds\":86400,\"wall\":{\"clients\":[$ZETA],\"days\":90}}"
expect "an engagement with a wall" 201
OENG=$(jqr .id)
check "the wall reads back" "{\"clients\":[$ZETA],\"days\":90}" "$(jqr '.wall | tojson')"
for who in w5 w6; do
  clear="[$OMEGA]"; [ $who = w5 ] && clear="[$ZETA,$OMEGA]"
  api POST /v1/workers "$MGR" "{\"login\":\"$who\",\"name\":\"$who\",\"skills\":[{\"code\":\"wallskill\",\"level\":2}],\"country\":\"PH\",\"time_zone\":\"UTC\",\"cost_per_hour\":{\"amount_minor\":1,\"currency\":\"USD\"},\"clearances\":$clear}"
  expect "worker $who" 201
done
W5=$(new_token w5); W6=$(new_token w6)
api GET "/v1/engagements/$OENG" "$W5"
expect "before working for Zeta, W5 reads Omega's engagement" 200
api POST /v1/items "$ADMIN" "{\"engagement_id\":$ZENG,\"payload\":{\"z\":1}}"
Z1=$(jqr .id)
api POST /v1/work/next "$W5"
check "W5 works for Zeta" "$Z1" "$(jqr .id)"
api POST "/v1/items/$Z1/submit" "$W5" '{"epoch":1,"result":{}}'
expect "W5 submits Zeta's item" 200
api POST /v1/items "$ADMIN" "{\"engagement_id\":$OENG,\"payload\":{\"o\":1}}"
O1=$(jqr .id)
api POST /v1/work/next "$W5"
check "behind the wall: W5 gets none of Omega's work" "null not_cleared" "$(jqr '"\(.id) \(.reason)"')"
api GET "/v1/engagements/$OENG" "$W5"
expect "behind the wall: W5 cannot read Omega's engagement" 404
stop_server
start_server --clock-file "$CLOCK"
api POST /v1/work/next "$W5"
check "after a restart the wall still holds (loaded from the store)" "null" "$(jqr .id)"
api POST /v1/work/next "$W6"
check "W6 never worked for Zeta: it gets Omega's item" "$O1" "$(jqr .id)"
api POST "/v1/items/$O1/submit" "$W6" '{"epoch":1,"result":{}}'
set_clock $(( $(cat "$CLOCK") + 91 * DAY ))
sleep 0.5
api POST /v1/items "$ADMIN" "{\"engagement_id\":$OENG,\"payload\":{\"o\":2}}"
O2=$(jqr .id)
api POST /v1/work/next "$W5"
check "91 days later the wall is behind W5" "$O2" "$(jqr .id)"
api GET "/v1/engagements/$OENG" "$W5"
expect "and it reads the engagement again" 200

finish
