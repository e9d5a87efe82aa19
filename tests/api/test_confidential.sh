#!/usr/bin/env bash
# test_confidential.sh - masking, clearance rules and retention against the real binary:
# a worker sees an engagement's sensitive fields masked (values worked out by hand below),
# the unmasked read reveals them and is audited, a client sees its data in clear, an
# auditor sees no payload; a clearance with an expiry stops routing and reads the moment
# the engine's clock (serve --clock-file) passes it; finished items past an engagement's
# retention are purged by the server's job and by `alihdaya purge`.
. "$(dirname "$0")/lib.sh"

CLOCK=$TMP/clock
echo 1767225600000 > "$CLOCK"        # 2026-01-01T00:00:00Z
set_clock() { echo "$1" > "$CLOCK.new" && mv "$CLOCK.new" "$CLOCK"; }
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

finish
