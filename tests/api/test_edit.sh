#!/usr/bin/env bash
# test_edit.sh - edits (PATCH, `update`), deactivation and reactivation, lease renewal.
# Every edit through the API and the CLI with its audit event's before and after; routing
# follows an edit at once while a lease held keeps working; a suspended worker cannot make
# itself available; a deactivated user's token answers 401 on the very next request; a
# paused engagement hands out nothing; renewals within and past the engagement's maximum,
# with the engine's time moved by writing its clock file (serve --clock-file), never slept.
. "$(dirname "$0")/lib.sh"

clock_start

# audit_detail ACTION RECORD_ID: the detail of the last audit event of ACTION on RECORD_ID.
audit_detail() {
  local after=0 d=""
  for _ in $(seq 1 20); do
    api GET "/v1/audit?limit=500&after=$after" "$AUD"
    d=$(printf '%s' "$BODY" | jq -c --arg a "$1" --argjson id "$2" \
        '[.data[]|select(.action==$a and .record_id==$id)]|last|.detail // empty' 2>/dev/null)
    [ -n "$d" ] && LAST_DETAIL=$d
    after=$(jqr '.next_cursor // empty')
    [ -n "$after" ] || break
  done
  printf '%s' "${LAST_DETAIL:-}"
  LAST_DETAIL=
}
# none: the last work/next handed out no item (204, or an answer without an item id).
none() { [ "$STATUS" = 204 ] || [ -z "$(jqr '.id // empty')" ]; }
# cli ARGS...: the CLI on this data directory; sets OUT and CRC.
cli() { OUT=$("$BIN" "$@" --data "$DATA" 2>&1); CRC=$?; }

init_data
start_server --clock-file "$CLOCK"
setup_world 100   # leases of 100 s: BPO's maximum is 400 s by default

# ---------------------------------------------------------------- clients
api PATCH "/v1/clients/$ACME" "$ADMIN" '{"name":"Acme Insurance Ltd","time_zone":"Europe/London"}'
expect "PATCH client" 200
check "client renamed" "Acme Insurance Ltd" "$(jqr .name)"
check "client zone changed" "Europe/London" "$(jqr .time_zone)"
check "client is active" true "$(jqr .active)"
check "client.update audited with before and after" \
  '{"name":{"before":"Acme Insurance","after":"Acme Insurance Ltd"},"time_zone":{"before":"America/New_York","after":"Europe/London"}}' \
  "$(audit_detail client.update "$ACME")"
api PATCH "/v1/clients/$ACME" "$ADMIN" '{"code":"acme2"}'
expect "client code cannot change" 400
api PATCH "/v1/clients/$ACME" "$ADMIN" '{"colour":"red"}'
expect "unknown field refused" 400
api PATCH "/v1/clients/$ACME" "$ADMIN" '{"time_zone":"Mars/Olympus"}'
expect "bad zone refused" 400
api PATCH "/v1/clients/$ACME" "$MGR" '{"name":"x"}'
expect "a manager does not edit clients" 403
api PATCH /v1/clients/999 "$ADMIN" '{"name":"x"}'
expect "PATCH of a missing client" 404

# ---------------------------------------------------------------- services
api GET /v1/services "$ADMIN"
SVC=$(jqr '.data[]|select(.code=="data_entry")|.id')
api PATCH "/v1/services/$SVC" "$ADMIN" '{"name":"Data entry and keying"}'
expect "PATCH service" 200
check "service.update audited" '{"name":{"before":"Data entry","after":"Data entry and keying"}}' \
  "$(audit_detail service.update "$SVC")"
api PATCH "/v1/services/$SVC" "$ADMIN" '{"kind":"kpo"}'
expect "a service's kind cannot change" 400

# ---------------------------------------------------------------- users
api POST /v1/users "$ADMIN" '{"name":"ops","role":"manager"}'
OPS=$(jqr .id)
OPST=$(new_token ops)
api PATCH "/v1/users/$OPS" "$ADMIN" '{"name":"ops-lead"}'
expect "PATCH user" 200
check "user renamed" ops-lead "$(jqr .name)"
check "user.update audited" '{"name":{"before":"ops","after":"ops-lead"}}' "$(audit_detail user.update "$OPS")"
api PATCH "/v1/users/$OPS" "$ADMIN" '{"role":"client"}'
expect "role client needs client_id" 400
api PATCH "/v1/users/$OPS" "$ADMIN" "{\"role\":\"client\",\"client_id\":$LEX}"
expect "manager becomes a client user" 200
check "client_id set" "$LEX" "$(jqr .client_id)"
check "role change audited" \
  "{\"role\":{\"before\":\"manager\",\"after\":\"client\"},\"client_id\":{\"before\":null,\"after\":$LEX}}" \
  "$(audit_detail user.update "$OPS")"
api GET "/v1/clients/$ACME" "$OPST"
expect "the token speaks for the new role at once (another client's record)" 404
api PATCH "/v1/users/$OPS" "$ADMIN" '{"role":"manager","client_id":1}'
expect "client_id only with role client" 400
api GET /v1/users "$ADMIN"
W1U=$(jqr '.data[]|select(.name=="w1")|.id')
api PATCH "/v1/users/$W1U" "$ADMIN" '{"role":"manager"}'
expect "a worker's login keeps role worker" 409

# A deactivated user's token answers 401 on the very next request, cache or not.
api GET "/v1/clients/$LEX" "$OPST"
expect "token works (and is cached)" 200
api POST "/v1/users/$OPS/deactivate" "$ADMIN" ''
expect "deactivate user" 200
check "user shows active false" false "$(jqr .active)"
api GET "/v1/clients/$LEX" "$OPST"
expect "deactivated user's token: 401 on the next request" 401
api POST "/v1/users/$OPS/deactivate" "$MGR" ''
expect "a manager does not deactivate users" 403
api POST "/v1/users/$OPS/activate" "$ADMIN" ''
expect "activate user" 200
api GET "/v1/clients/$LEX" "$OPST"
expect "reactivated user's token works again" 200
check "user.deactivate audited" '{"active":{"before":true,"after":false}}' "$(audit_detail user.deactivate "$OPS")"
api GET /v1/users "$ADMIN"
ADMIN_ID=$(jqr '.data[]|select(.name=="admin")|.id')
api POST "/v1/users/$ADMIN_ID/deactivate" "$ADMIN" ''
expect "nobody deactivates themselves" 409

# ---------------------------------------------------------------- engagements
api PATCH "/v1/engagements/$BPO" "$MGR" '{"lease_seconds":50,"lease_max_seconds":40}'
expect "lease maximum below the lease refused" 400
api PATCH "/v1/engagements/$BPO" "$MGR" '{"lease_max_seconds":60}'
expect "lease maximum below the current lease refused" 400
api PATCH "/v1/engagements/$BPO" "$MGR" '{"name":"Claim forms 2026","default_priority":7,"lease_max_seconds":250}'
expect "PATCH engagement" 200
check "engagement lease maximum" 250 "$(jqr .lease_max_seconds)"
check "engagement.update audited" \
  '{"name":{"before":"Claim forms","after":"Claim forms 2026"},"default_priority":{"before":5,"after":7},"lease_max_seconds":{"before":400,"after":250}}' \
  "$(audit_detail engagement.update "$BPO")"
api PATCH "/v1/engagements/$BPO" "$MGR" "{\"client_id\":$LEX}"
expect "an engagement's client cannot change" 400
api PATCH "/v1/engagements/$BPO" "$W1" '{"name":"x"}'
expect "a worker does not edit engagements" 403
api POST /v1/engagements "$MGR" "{\"client_id\":$LEX,\"service_code\":\"legal\",\"name\":\"Memos\",\"sla_seconds\":86400}"
check "KPO default lease is 8 h" 28800 "$(jqr .lease_seconds)"
check "default maximum is 4 leases" 115200 "$(jqr .lease_max_seconds)"
api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Forms\",\"sla_seconds\":86400}"
check "BPO default lease stays 30 min" 1800 "$(jqr .lease_seconds)"

# ---------------------------------------------------------------- workers and routing
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":1}}"
I1=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":2}}"
I2=$(jqr .id)
api POST /v1/work/next "$W1"
check "W1 takes I1" "$I1" "$(jqr .id)"
E1=$(jqr .lease.epoch)
# W1's data_entry skill drops below the engagement's level: no more BPO work, but the
# lease it holds keeps its epoch and can be submitted.
api PATCH "/v1/workers/$W1ID" "$MGR" '{"skills":[{"code":"data_entry","level":1}],"capacity":3}'
expect "PATCH worker" 200
check "worker skills changed" 1 "$(jqr '.skills[0].level')"
check "worker.update audited" \
  '{"skills":{"before":[{"code":"data_entry","level":3}],"after":[{"code":"data_entry","level":1}]},"capacity":{"before":2,"after":3}}' \
  "$(audit_detail worker.update "$W1ID")"
api POST /v1/work/next "$W1"
none && ok "a worker whose skill dropped gets no BPO work" || bad "W1 still got work: $BODY"
api GET "/v1/items/$I1" "$MGR"
check "the held lease keeps its epoch" "$E1" "$(jqr .epoch)"
# Clearance removed too: the lease still submits.
api PATCH "/v1/workers/$W1ID" "$MGR" '{"clearances":[]}'
expect "clearances removed" 200
api POST "/v1/items/$I1/submit" "$W1" "{\"epoch\":$E1,\"result\":{\"ok\":true}}"
expect "a lease held survives the edit: submit" 200
api PATCH "/v1/workers/$W1ID" "$MGR" "{\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"clearances\":[$ACME,999]}"
expect "a clearance for no client refused" 400
api PATCH "/v1/workers/$W1ID" "$MGR" "{\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"clearances\":[$ACME],\"cost_per_hour\":{\"currency\":\"EUR\"}}"
expect "skill and clearance back" 200
check "currency alone changed" "EUR 900" "$(jqr '"\(.cost_per_hour.currency) \(.cost_per_hour.amount_minor)"')"
api PATCH "/v1/workers/$W1ID" "$MGR" '{"login":"w1b"}'
expect "a worker's login cannot change" 400
api PATCH "/v1/workers/$W1ID" "$MGR" '{"status":"away"}'
expect "status has its own route" 400

# A suspended worker gets no work and cannot make itself available.
api POST "/v1/workers/$W1ID/deactivate" "$MGR" ''
expect "suspend worker" 200
check "worker shows active false" false "$(jqr .active)"
api POST /v1/work/next "$W1"
none && ok "a suspended worker gets no work" || bad "suspended W1 got work: $BODY"
api POST "/v1/workers/$W1ID/status" "$W1" '{"status":"available"}'
expect "a suspended worker cannot make itself available" 409
printf '%s' "$(jqr .error.message)" | grepq suspended && ok "the refusal says why" || bad "message: $BODY"
api POST "/v1/workers/$W1ID/activate" "$W1" ''
expect "a worker cannot reactivate itself" 403
api POST "/v1/workers/$W1ID/activate" "$MGR" ''
expect "staff reactivate the worker" 200
api POST /v1/work/next "$W1"
check "reactivated worker takes I2" "$I2" "$(jqr .id)"
E2=$(jqr .lease.epoch)

# ---------------------------------------------------------------- renew (clock file)
# BPO: lease 100 s, maximum 250 s from the lease's start (now: 2026-01-01T00:00:00Z).
api POST "/v1/items/$I2/renew" "$W1" "{\"epoch\":$((E2 + 5))}"
expect "renew with a stale epoch" 409
check "stale renew code" stale_lease "$(jqr .error.code)"
api POST "/v1/items/$I2/renew" "$W2" "{\"epoch\":$E2}"
check "renew by another worker refused" 404 "$STATUS"
advance 50000; sleep 0.5
api POST "/v1/items/$I2/renew" "$W1" "{\"epoch\":$E2}"
expect "renew within the maximum" 200
check "lease runs a lease length from now" "2026-01-01T00:02:30.000Z" "$(jqr .lease.expires_at)"
check "renew keeps the epoch" "$E2" "$(jqr .epoch)"
advance 90000; sleep 0.5            # t = 140 s: past the first deadline, inside the renewed one
api GET "/v1/items/$I2" "$MGR"
check "the renewed lease holds past its first deadline" assigned "$(jqr .state)"
api POST "/v1/items/$I2/renew" "$W1" "{\"epoch\":$E2}"
expect "second renew" 200
check "second renew: 240 s" "2026-01-01T00:04:00.000Z" "$(jqr .lease.expires_at)"
advance 90000; sleep 0.5            # t = 230 s
api POST "/v1/items/$I2/renew" "$W1" "{\"epoch\":$E2}"
expect "renew up to the maximum" 200
check "capped at the maximum, 250 s" "2026-01-01T00:04:10.000Z" "$(jqr .lease.expires_at)"
api POST "/v1/items/$I2/renew" "$W1" "{\"epoch\":$E2}"
expect "renew past the maximum" 409
printf '%s' "$(jqr .error.message)" | grepq maximum && ok "the refusal names the maximum" || bad "message: $BODY"
api POST "/v1/items/$I2/submit" "$W1" "{\"epoch\":$E2,\"result\":{\"ok\":true}}"
expect "submit after renewals" 200
api GET "/v1/items/$I2/history" "$MGR"
check "history shows the renewals" "create assign renew renew renew submit" "$(jqr '[.[]|.action]|join(" ")')"

# ---------------------------------------------------------------- paused engagement, client off
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":3}}"
I3=$(jqr .id)
api POST "/v1/engagements/$BPO/deactivate" "$MGR" ''
expect "pause engagement" 200
check "engagement shows active false" false "$(jqr .active)"
api POST /v1/work/next "$W1"
none && ok "a paused engagement hands out nothing" || bad "paused engagement gave: $BODY"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{}}"
expect "a paused engagement takes no items" 409
printf '%s' "$(jqr .error.message)" | grepq paused && ok "the refusal says paused" || bad "message: $BODY"
api POST "/v1/engagements/$BPO/activate" "$MGR" ''
expect "resume engagement" 200
api POST "/v1/clients/$ACME/deactivate" "$MGR" ''
expect "deactivate client" 200
api POST /v1/work/next "$W1"
none && ok "a deactivated client's engagement hands out nothing" || bad "got: $BODY"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{}}"
expect "a deactivated client's engagement takes no items" 409
api POST "/v1/clients/$ACME/activate" "$ADMIN" ''
expect "reactivate client" 200
api POST /v1/work/next "$W1"
check "work flows again" "$I3" "$(jqr .id)"
check "client.deactivate audited" '{"active":{"before":true,"after":false}}' "$(audit_detail client.deactivate "$ACME")"
check "engagement.activate audited" '{"active":{"before":false,"after":true}}' "$(audit_detail engagement.activate "$BPO")"

# ---------------------------------------------------------------- the CLI, beside the server
cli client update "$LEX" --name "LexCorp Legal"
check "CLI client update (served)" "client $LEX updated" "$OUT"
check "CLI edit audited" '{"name":{"before":"LexCorp","after":"LexCorp Legal"}}' "$(audit_detail client.update "$LEX")"
cli worker update "$W3ID" --skill data_entry:4 --capacity 2
check "CLI worker update (served)" "worker $W3ID updated" "$OUT"
api GET "/v1/workers/$W3ID" "$MGR"
check "CLI worker edit applied" "4 2" "$(jqr '"\(.skills[0].level) \(.capacity)"')"
cli engagement update "$KPO" --lease 2h --lease-max 6h
check "CLI engagement update (served)" "engagement $KPO updated" "$OUT"
check "CLI engagement edit audited" \
  '{"lease_seconds":{"before":100,"after":7200},"lease_max_seconds":{"before":400,"after":21600}}' \
  "$(audit_detail engagement.update "$KPO")"
cli engagement update "$KPO" --client 1
check "CLI refuses a create-only option (exit 2)" 2 "$CRC"
cli worker deactivate "$W2ID"
check "CLI worker deactivate (served)" "worker $W2ID deactivated" "$OUT"
cli user deactivate "$OPS"
check "CLI user deactivate (served)" "user $OPS deactivated" "$OUT"
api GET "/v1/clients/$LEX" "$OPST"
expect "CLI deactivation: token refused on the next request" 401
cli user update "$OPS" --name ops-2
check "CLI user update (served)" "user $OPS updated" "$OUT"
cli service update "$SVC" --category data_entry
check "CLI service update (served)" "service $SVC updated" "$OUT"
cli worker update
check "CLI update without an id (exit 2)" 2 "$CRC"
stop_server TERM

# ---------------------------------------------------------------- the CLI on its own engine
cli worker activate "$W2ID"
check "CLI worker activate (local)" "worker $W2ID activated" "$OUT"
cli client update "$LEX" --tz Asia/Jakarta
check "CLI client update (local)" "client $LEX updated" "$OUT"
cli client list --json
check "CLI shows the edit and active" "Asia/Jakarta true" \
  "$(printf '%s' "$OUT" | jq -r --argjson id "$LEX" '.data[]|select(.id==$id)|"\(.time_zone) \(.active)"')"
OUT=$("$BIN" audit verify --data "$DATA" 2>&1); crc=$?
check "the audit chain with details verifies" 0 "$crc"

# Restart: the edits and switches are durable and reloaded into routing.
start_server --clock-file "$CLOCK"
api GET "/v1/engagements/$BPO" "$MGR"
check "edited lease maximum after restart" 250 "$(jqr .lease_max_seconds)"
api GET "/v1/workers/$W2ID" "$MGR"
check "worker active after restart" true "$(jqr .active)"
finish
