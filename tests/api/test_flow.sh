#!/usr/bin/env bash
# test_flow.sh - the whole flow: set up, take in work, route it, finish it, see every step.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

api GET /v1/health ""
expect "health" 200
check "health status" ok "$(jqr .status)"

api GET "/v1/engagements/$BPO" "$MGR"
check "engagement name kept" "Claim forms" "$(jqr .name)"
check "engagement skills kept" "data_entry:2" "$(jqr '.required_skills[0]|"\(.code):\(.level)"')"
api GET "/v1/workers/$W2ID" "$MGR"
check "worker credentials kept" "bar:IN" "$(jqr '.credentials[0]')"
check "worker cost kept" "2600 USD" "$(jqr '"\(.cost_per_hour.amount_minor) \(.cost_per_hour.currency)"')"
api GET "/v1/clients/$ACME" "$MGR"
check "client name kept" "Acme Insurance" "$(jqr .name)"
api GET /v1/services "$MGR" '' 
expect "catalogue listed" 200
api GET "/v1/services?limit=100" "$MGR"
check "catalogue has bpo data_entry" bpo "$(jqr '.data[]|select(.code=="data_entry")|.kind')"
check "catalogue has kpo legal" kpo "$(jqr '.data[]|select(.code=="legal")|.kind')"
check "catalogue has kpo patent_search" kpo "$(jqr '.data[]|select(.code=="patent_search")|.kind')"

# A client submits three forms; priorities order them.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-1\",\"payload\":{\"fields\":{\"policy\":\"P-1\"}}}"
expect "client creates item" 201
I1=$(jqr .id)
check "new item is queued" queued "$(jqr .state)"
check "item belongs to the client" "$ACME" "$(jqr .client_id)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"priority\":9,\"payload\":{\"fields\":{\"policy\":\"P-2\"}}}"
I2=$(jqr .id)
api POST /v1/items "$MGR" "{\"engagement_id\":$BPO,\"payload\":{\"fields\":{\"policy\":\"P-3\"}}}"
expect "manager creates item" 201
I3=$(jqr .id)

# The under-qualified worker gets nothing; the qualified one gets the urgent item first.
api POST /v1/work/next "$W3"
expect "under-qualified worker gets no work" 200
check "no item" null "$(jqr .id)"
check "and says why" below_level "$(jqr .reason)"
api POST /v1/work/next "$W1"
expect "qualified worker gets work" 200
check "priority 9 first" "$I2" "$(jqr .id)"
check "payload delivered with the lease" P-2 "$(jqr .payload.fields.policy)"
check "state assigned" assigned "$(jqr .state)"
EP2=$(jqr .lease.epoch)
[ -n "$EP2" ] && [ "$EP2" != null ] && ok "lease carries an epoch" || bad "lease carries an epoch: $BODY"
check "lease holder" "$W1ID" "$(jqr .lease.worker_id)"

api POST /v1/work/next "$W1"
check "then arrival order" "$I1" "$(jqr .id)"
EP1=$(jqr .lease.epoch)
api POST /v1/work/next "$W1"
expect "capacity 2 reached" 200
check "capacity: no item" null "$(jqr .id)"
check "capacity: says why" at_capacity "$(jqr .reason)"

# The worker sees its leases only.
api GET /v1/items "$W1"
check "worker lists only its leases" 2 "$(jqr '.data|length')"
api GET "/v1/items/$I3" "$W1"
expect "worker cannot see an item it does not hold" 404

api POST "/v1/items/$I2/submit" "$W1" "{\"epoch\":$EP2,\"result\":{\"policy\":\"P-2\",\"ok\":true}}"
expect "submit" 200
check "submitted" submitted "$(jqr .state)"
api POST "/v1/items/$I2/submit" "$W1" "{\"epoch\":$EP2,\"result\":{}}"
expect "submit twice refused" 409

# BPO review is the manager's; the client may not approve BPO work.
api POST "/v1/items/$I2/accept" "$ACMEU" '{}'
expect "client cannot accept BPO work" 403
api POST "/v1/items/$I2/accept" "$MGR" '{}'
expect "manager accepts" 200
check "done" done "$(jqr .state)"
api POST "/v1/items/$I2/accept" "$MGR" '{}'
expect "accepting a done item is refused" 409
check "409 says the current state" done "$(jqr .error.state)"

# Rework sends it back to the queue; the next lease has a new epoch.
api POST "/v1/items/$I1/submit" "$W1" "{\"epoch\":$EP1,\"result\":{\"policy\":\"wrong\"}}"
api POST "/v1/items/$I1/rework" "$MGR" '{"reason":"policy number mistyped"}'
expect "rework" 200
check "back in queue" queued "$(jqr .state)"
api POST "/v1/items/$I1/rework" "$MGR" '{}'
expect "rework needs a reason" 400
api POST /v1/work/next "$W1"
check "reworked item comes back" "$I1" "$(jqr .id)"
NEP=$(jqr .lease.epoch)
[ "$NEP" -gt "$EP1" ] 2>/dev/null && ok "new epoch is higher" || bad "new epoch $NEP after $EP1"
api POST "/v1/items/$I1/submit" "$W1" "{\"epoch\":$NEP,\"result\":{\"policy\":\"P-1\"}}"
api POST "/v1/items/$I1/accept" "$MGR" '{}'
check "reworked item done" done "$(jqr .state)"

# Cancel by the client.
api POST "/v1/items/$I3/cancel" "$ACMEU" '{"reason":"duplicate"}'
expect "client cancels its item" 200
check "cancelled" cancelled "$(jqr .state)"
api POST "/v1/items/$I3/cancel" "$ACMEU" '{}'
expect "cancel twice refused" 409

# History: every step is an event.
api GET "/v1/items/$I1/history" "$MGR"
expect "history" 200
check "history of reworked item" "create assign submit rework assign submit accept" "$(jqr '[.[]|.action]|join(" ")')"
check "history from/to" "queued" "$(jqr '.[0].to')"

# KPO: a senior reviewer approves first, then the client's own reviewer (docs/api.md).
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"question\":\"non-compete\"}}"
K1=$(jqr .id)
api POST /v1/work/next "$W1"
expect "BPO worker gets no KPO work" 200
check "BPO worker: no item" null "$(jqr .id)"
api POST /v1/work/next "$W2"
check "KPO expert gets the matter" "$K1" "$(jqr .id)"
KEP=$(jqr .lease.epoch)
api POST "/v1/items/$K1/submit" "$W2" "{\"epoch\":$KEP,\"result\":{\"memo\":\"...\"}}"
api POST "/v1/items/$K1/accept" "$ACMEU" '{}'
expect "another client's reviewer gets 404" 404
api POST "/v1/items/$K1/accept" "$LEXU" '{}'
expect "KPO: the client waits for the senior review" 409
api POST "/v1/items/$K1/review" "$MGR" '{}'
expect "KPO senior reviewer approves" 200
api POST "/v1/items/$K1/accept" "$LEXU" '{}'
expect "KPO client reviewer accepts" 200
check "KPO done" done "$(jqr .state)"

# Reading a payload is audited; the chain verifies.
api GET "/v1/items/$K1" "$LEXU"
expect "client reads its item" 200
check "client sees payload" non-compete "$(jqr .payload.question)"
api GET "/v1/audit?limit=500" "$AUD"
expect "auditor reads the trail" 200
check "payload read is audited" true "$(jqr "[.data[]|select(.action==\"item.read\" and .record_id==$K1)]|length>0")"
check "item creation is audited" true "$(jqr "[.data[]|select(.action==\"item.create\" and .record_id==$I1)]|length>0")"
api GET /v1/audit/verify "$AUD"
check "audit chain intact" true "$(jqr .intact)"
api GET "/v1/items/$K1" "$AUD"
check "auditor sees no payload" null "$(jqr .payload)"

# Lists page with a cursor.
for i in 1 2 3 4 5; do api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":$i}}"; done
api GET "/v1/items?limit=3" "$ACMEU"
check "page 1 has 3" 3 "$(jqr '.data|length')"
CUR=$(jqr .next_cursor)
api GET "/v1/items?limit=3&after=$CUR" "$ACMEU"
check "page 2 has 3" 3 "$(jqr '.data|length')"
api GET "/v1/items?limit=100" "$ACMEU"
check "client sees only its 8 items" 8 "$(jqr '.data|length')"
check "lists carry no payload" 0 "$(jqr '[.data[]|select(has("payload"))]|length')"

# Metrics in Prometheus text format, without a token.
M=$(curl -s "$BASE/metrics")
n=$(printf '%s\n' "$M" | sed -n 's/^alihdaya_engine_commands_total \([0-9]*\)$/\1/p')
[ "${n:-0}" -gt 20 ] && ok "metrics count engine commands ($n)" || bad "metrics: $(printf '%s' "$M" | head -5)"
printf '%s\n' "$M" | grepq '^alihdaya_http_requests_total{class="2xx"} [1-9]' && ok "metrics count 2xx answers" || bad "no 2xx counter"

stop_server TERM && ok "graceful stop exits 0" || bad "graceful stop exit code"
"$BIN" audit verify --data "$DATA" >/dev/null && ok "CLI audit verify" || bad "CLI audit verify"
finish
