#!/usr/bin/env bash
# test_security.sh - authentication, each role's denials, client scope (404, never 403 with details).
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

api GET /v1/clients ""
expect "no token" 401
check "error body code" unauthorized "$(jqr .error.code)"
api GET /v1/clients "ahd_0000000000000000000000000000000000000000000000000000000000000000"
expect "unknown token" 401
api GET /v1/clients "garbage"
expect "malformed token" 401

# Role denials on writes.
api POST /v1/clients "$MGR" '{"code":"x","name":"X"}'
expect "manager cannot create clients" 403
check "403 has JSON error" forbidden "$(jqr .error.code)"
api POST /v1/clients "$W1" '{"code":"x","name":"X"}'
expect "worker cannot create clients" 403
api POST /v1/engagements "$ACMEU" "{\"client_id\":$ACME,\"service_code\":\"forms\",\"name\":\"x\",\"sla_seconds\":60}"
expect "client cannot create engagements" 403
api POST /v1/workers "$W1" '{}'
expect "worker cannot create workers" 403
api POST /v1/items "$W1" "{\"engagement_id\":$BPO,\"payload\":{}}"
expect "worker cannot create items" 403
api POST /v1/items "$AUD" "{\"engagement_id\":$BPO,\"payload\":{}}"
expect "auditor cannot create items" 403
api POST /v1/work/next "$ACMEU"
expect "client cannot take work" 403
api GET /v1/audit "$MGR"
expect "manager cannot read the audit trail" 403
api GET /v1/audit "$ACMEU"
expect "client cannot read the audit trail" 403
api GET /v1/users "$MGR"
expect "manager cannot list users" 403
api POST "/v1/users/1/tokens" "$MGR" '{}'
expect "manager cannot mint tokens" 403

# Client scope: another client's records answer 404.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"secret\":\"acme-only\"}}"
IA=$(jqr .id)
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"secret\":\"lex-only\"}}"
IL=$(jqr .id)
api GET "/v1/items/$IL" "$ACMEU"
expect "other client's item is 404" 404
check "no leak in the 404" false "$(printf '%s' "$BODY" | grepq lex-only && echo true || echo false)"
api GET "/v1/items/$IL/history" "$ACMEU"
expect "other client's history is 404" 404
api POST "/v1/items/$IL/cancel" "$ACMEU" '{}'
expect "cancelling other client's item is 404" 404
api POST /v1/items "$ACMEU" "{\"engagement_id\":$KPO,\"payload\":{}}"
expect "creating in other client's engagement is 404" 404
api GET "/v1/engagements/$KPO" "$ACMEU"
expect "other client's engagement is 404" 404
api GET "/v1/clients/$LEX" "$ACMEU"
expect "other client record is 404" 404
api GET "/v1/clients/$ACME" "$ACMEU"
expect "own client record" 200
api GET "/v1/items?client_id=$LEX" "$ACMEU"
check "client filter cannot widen scope" 0 "$(jqr "[.data[]|select(.client_id==$LEX)]|length")"
api GET "/v1/items/999999" "$MGR"
expect "missing item is 404" 404

# Workers: only clients they are cleared for; only their leases.
api POST /v1/work/next "$W1"
check "W1 gets acme item" "$IA" "$(jqr .id)"
api POST /v1/work/next "$W2"
check "W2 gets lex item" "$IL" "$(jqr .id)"
api GET "/v1/items/$IL" "$W1"
expect "worker cannot read another worker's item" 404
api POST "/v1/workers/$W2ID/status" "$W1" '{"status":"away"}'
expect "worker cannot change another worker's status" 404
api POST "/v1/workers/$W1ID/status" "$W1" '{"status":"away"}'
expect "worker sets own status" 200

# Auditor reads items but never payloads.
api GET "/v1/items/$IA" "$AUD"
expect "auditor reads item metadata" 200
check "auditor gets no payload" null "$(jqr .payload)"

# Routes and methods.
api GET /v1/nope "$MGR"
expect "unknown route" 404
check "unknown route JSON" not_found "$(jqr .error.code)"
api DELETE /v1/clients "$ADMIN"
expect "wrong method" 405
check "405 JSON" method_not_allowed "$(jqr .error.code)"
finish
