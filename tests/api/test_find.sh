#!/usr/bin/env bash
# test_find.sh - find and explain: list filters, unknown parameters, the queue summary,
# why work/next found nothing, one external_ref per engagement, durations that name their field.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

count() { jqr '.data|length'; }
ids() { jqr '[.data[].id]|join(" ")'; }
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
T0=$(iso '-1 minute')

# ---- work/next explains itself -------------------------------------------------------
api POST /v1/work/next "$W1"
expect "nothing queued: 200" 200
check "nothing queued: no item" null "$(jqr .id)"
check "nothing queued: no_work" no_work "$(jqr .reason)"
[ -n "$(jqr .message)" ] && ok "the reason has a message" || bad "no message: $BODY"

# Four items of the BPO engagement: late, due within the hour, due tomorrow, a ref with wildcards.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-100\",\"due_at\":\"2020-01-01T00:00:00Z\",\"payload\":{}}"
expect "late item created" 201
I1=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-101\",\"due_at\":\"$(iso '+30 minutes')\",\"payload\":{}}"
I2=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"X-7\",\"payload\":{}}"
I3=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"50%_off\",\"payload\":{}}"
I4=$(jqr .id)

api POST /v1/work/next "$W3"
check "below the level: 200" 200 "$STATUS"
check "below the level: below_level" below_level "$(jqr .reason)"
case "$(jqr .message)" in *data_entry*) ok "the skill is named";; *) bad "skill not named: $BODY";; esac
api POST /v1/work/next "$W2"
check "not cleared for the client with work" not_cleared "$(jqr .reason)"
api POST "/v1/workers/$W1ID/status" "$MGR" '{"status":"away"}'
api POST /v1/work/next "$W1"
check "away: not_available" not_available "$(jqr .reason)"
api POST "/v1/workers/$W1ID/status" "$MGR" '{"status":"available"}'
api POST /v1/work/next "$W1"
check "the late item first" "$I1" "$(jqr .id)"
api POST /v1/work/next "$W1"
check "then the one due within the hour" "$I2" "$(jqr .id)"
api POST /v1/work/next "$W1"
check "capacity 2 reached: at_capacity" at_capacity "$(jqr .reason)"
api POST /v1/work/next "$MGR" "{\"worker_id\":$W1ID}"
check "staff asking for a worker hear the same" at_capacity "$(jqr .reason)"

# A replay answers as the first time.
api POST /v1/work/next "$W3" '{}' -H 'Idempotency-Key: next-w3-1'
FIRST=$BODY
api POST /v1/work/next "$W3" '{}' -H 'Idempotency-Key: next-w3-1'
check "replay: same status" 200 "$STATUS"
check "replay: same body" "$FIRST" "$BODY"
check "replay: marked" true "$(header Idempotent-Replayed)"

# ---- item list filters ------------------------------------------------------------------
api GET "/v1/items?late=true" "$MGR"
check "late=true" "$I1" "$(ids)"
api GET "/v1/items?late=false&engagement_id=$BPO" "$MGR"
check "late=false is no filter" 4 "$(count)"
api GET "/v1/items?due_before=$(iso '+1 hour')" "$MGR"
check "due_before" "$I1 $I2" "$(ids)"
api GET "/v1/items?due_after=$(iso '+2 hours')" "$MGR"
check "due_after" "$I3 $I4" "$(ids)"
api GET "/v1/items?due_after=$(iso '-1 hour')&due_before=$(iso '+1 hour')" "$MGR"
check "due window" "$I2" "$(ids)"
api GET "/v1/items?worker_id=$W1ID" "$MGR"
check "worker_id" "$I1 $I2" "$(ids)"
api GET "/v1/items?worker_id=$W3ID" "$MGR"
check "worker_id of a worker holding nothing" 0 "$(count)"
api GET "/v1/items?worker_id=$W1ID" "$W1"
check "a worker naming itself" 2 "$(count)"
api GET "/v1/items?worker_id=$W1ID" "$W3"
check "a worker naming another sees nothing" 0 "$(count)"
api GET "/v1/items?external_ref=CLM-100" "$MGR"
check "external_ref exact" "$I1" "$(ids)"
api GET "/v1/items?external_ref=CLM" "$MGR"
check "external_ref is exact, not a prefix" 0 "$(count)"
api GET "/v1/items?ref_contains=CLM" "$MGR"
check "ref_contains" "$I1 $I2" "$(ids)"
api GET "/v1/items?ref_contains=clm-10" "$MGR"
check "ref_contains ignores ASCII case" 2 "$(count)"
api GET "/v1/items?ref_contains=%25" "$MGR"
check "ref_contains: % is literal" "$I4" "$(ids)"
api GET "/v1/items?ref_contains=_" "$MGR"
check "ref_contains: _ is literal" "$I4" "$(ids)"
api GET "/v1/items?created_after=$T0" "$MGR"
check "created_after" 4 "$(count)"
api GET "/v1/items?created_before=$T0" "$MGR"
check "created_before" 0 "$(count)"
api GET "/v1/items?created_after=$T0&created_before=$(iso '+1 minute')&engagement_id=$BPO&state=assigned&late=true" "$MGR"
check "filters combine" "$I1" "$(ids)"
api GET "/v1/items?state=queued&ref_contains=CLM" "$MGR"
check "state and text" 0 "$(count)"
api GET "/v1/items?ref_contains=CLM" "$ACMEU"
check "a client sees its own" 2 "$(count)"
api GET "/v1/items?ref_contains=CLM" "$LEXU"
check "another client sees none" 0 "$(count)"
api GET "/v1/items?ref_contains=-&limit=2" "$MGR"
check "paged: first page" "$I1 $I2" "$(ids)"
CUR=$(jqr .next_cursor)
api GET "/v1/items?ref_contains=-&limit=2&after=$CUR" "$MGR"
check "paged: second page" "$I3" "$(ids)"
check "paged: last page" null "$(jqr .next_cursor)"
api GET "/v1/items?late=yes" "$MGR"
expect "late=yes refused" 400
api GET "/v1/items?due_before=tomorrow" "$MGR"
expect "due_before not RFC 3339" 400
case "$(jqr .error.message)" in *due_before*) ok "the field is named";; *) bad "due_before not named: $BODY";; esac
api GET "/v1/items?worker_id=abc" "$MGR"
expect "worker_id not an id" 400

# ---- unknown query parameters -----------------------------------------------------------
for path in /v1/items /v1/clients /v1/services /v1/engagements /v1/users /v1/workers /v1/audit \
            "/v1/engagements/$BPO/queue"; do
  api GET "$path?worker=2" "$ADMIN"
  expect "unknown parameter on $path" 400
  case "$(jqr .error.message)" in *worker*) ok "$path names it";; *) bad "$path: $BODY";; esac
done
api GET "/v1/items?limit=10&engagement_id=$BPO" "$ADMIN"
expect "known parameters still work" 200

# ---- one external_ref per engagement ----------------------------------------------------
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-100\",\"payload\":{}}"
expect "a used external_ref" 409
check "its code" exists "$(jqr .error.code)"
check "names the existing item" "$I1" "$(jqr .error.item_id)"
# a used ref answers first, before the create's checks (the store finds it only at the INSERT)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-100\",\"type\":\"no_such_type\",\"payload\":{}}"
expect "a used external_ref with an undeclared type" 409
check "names the existing item, not the type" "$I1" "$(jqr .error.item_id)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-NEW\",\"type\":\"no_such_type\",\"payload\":{}}"
expect "a new ref with an undeclared type" 400
api POST "/v1/items/$I3/cancel" "$MGR" '{"reason":"test"}'
expect "X-7 cancelled" 200
api POST /v1/items "$MGR" "{\"engagement_id\":$BPO,\"external_ref\":\"X-7\",\"payload\":{}}"
expect "the ref of a closed item" 409
check "names the closed item" "$I3" "$(jqr .error.item_id)"
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"external_ref\":\"CLM-100\",\"payload\":{}}"
expect "the same ref in another engagement" 201
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"R-1\",\"payload\":{}}" -H 'Idempotency-Key: create-r1'
expect "R-1 created" 201
I5=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"R-1\",\"payload\":{}}" -H 'Idempotency-Key: create-r1'
expect "its replay answers the first create" 201
check "the same item" "$I5" "$(jqr .id)"
api GET "/v1/items?external_ref=R-1&engagement_id=$BPO" "$MGR"
check "no duplicate made" 1 "$(count)"

# ---- queue summary ----------------------------------------------------------------------
# BPO now: I1, I2 assigned to Ana; I3 cancelled; I4, I5 queued; I1 late, I2 due within the hour.
api GET "/v1/engagements/$BPO/queue" "$MGR"
expect "queue summary" 200
check "depth queued" 2 "$(jqr .depth.queued)"
check "depth assigned" 2 "$(jqr .depth.assigned)"
check "depth cancelled" 1 "$(jqr .depth.cancelled)"
check "depth open" 4 "$(jqr .depth.open)"
check "oldest waiting" "$I4" "$(jqr .oldest_waiting.item_id)"
[ "$(jqr '.oldest_waiting.age_seconds >= 0')" = true ] && ok "its age" || bad "age: $BODY"
check "due in the next hour" 1 "$(jqr .due_next_hour)"
check "late" 1 "$(jqr .late)"
check "who holds what" "$I1:Ana $I2:Ana" "$(jqr '[.held[]|"\(.item_id):\(.worker)"]|join(" ")')"
[ "$(jqr '.held[0].lease_expires|type')" = string ] && ok "lease expiry shown" || bad "lease: $BODY"
check "eligible workers: Ana only (Eko is below the level)" "Ana" "$(jqr '[.workers[].name]|join(" ")')"
check "Ana's load and capacity" "2/2 available false" "$(jqr '.workers[0]|"\(.load)/\(.capacity) \(.status) \(.has_room)"')"
api GET "/v1/engagements/$KPO/queue" "$AUD"
expect "auditors read it" 200
check "KPO: the one item queued" 1 "$(jqr .depth.queued)"
check "KPO: Priya eligible, holding nothing" "Priya 0" "$(jqr '[.workers[]|"\(.name) \(.load)"]|join(" ")')"
api GET "/v1/engagements/$BPO/queue" "$ACMEU"
expect "clients may not" 403
api GET "/v1/engagements/$BPO/queue" "$W1"
expect "workers may not" 403
api GET "/v1/engagements/999/queue" "$MGR"
expect "no such engagement" 404

# The CLI answers the same object.
OUT=$("$BIN" engagement queue "$BPO" --data "$DATA" --json)
check "CLI queue --json" "2 2 1" "$(printf '%s' "$OUT" | jq -r '"\(.depth.assigned) \(.depth.queued) \(.late)"')"
"$BIN" engagement queue "$BPO" --data "$DATA" | grepq "Ana" && ok "CLI queue text names the holder" || bad "CLI queue text"
"$BIN" engagement queue --data "$DATA" >/dev/null 2>&1; check "CLI queue without id exits 2" 2 $?
OUT=$("$BIN" item list --data "$DATA" --ref-contains CLM --json)
check "CLI item list --ref-contains" 3 "$(printf '%s' "$OUT" | jq '.data|length')"
OUT=$("$BIN" item list --data "$DATA" --late --engagement "$BPO" --json)
check "CLI item list --late" "$I1" "$(printf '%s' "$OUT" | jq -r '[.data[].id]|join(" ")')"
OUT=$("$BIN" item list --data "$DATA" --worker "$W1ID" --json)
check "CLI item list --worker" 2 "$(printf '%s' "$OUT" | jq '.data|length')"

# ---- durations --------------------------------------------------------------------------
api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Bad\",\"sla_seconds\":\"8h\"}"
expect "a duration as text" 400
case "$(jqr .error.message)" in *sla_seconds*) ok "names sla_seconds";; *) bad "sla_seconds not named: $BODY";; esac
api POST /v1/items "$MGR" "{\"engagement_id\":\"$BPO\",\"payload\":{}}"
case "$(jqr .error.message)" in *engagement_id*) ok "a wrong type names its field";; *) bad "not named: $BODY";; esac
ERR=$("$BIN" engagement create --data "$DATA" --client "$ACME" --service data_entry --name Eight --sla 8 2>&1 >/dev/null)
check "CLI --sla 8 exits 2" 2 $?
case "$ERR" in *unit*8h*) ok "asks for a unit";; *) bad "no unit asked: $ERR";; esac
"$BIN" engagement --help | grepq "5d (days)" && ok "--help documents d for days" || bad "d not documented"

finish
