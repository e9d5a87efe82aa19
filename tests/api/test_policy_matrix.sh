#!/usr/bin/env bash
# test_policy_matrix.sh - the access policy through the real server: every role (and no
# token) x every route x own / other client's / unleased / leased-to-other records.
# The expected cells are typed here from docs/api.md's access table, not read from it.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

# Records: IA acme's item leased to W1; IL lex's item leased to W2; IU acme's item, queued.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"k\":\"acme-a\"}}"
IA=$(jqr .id)
api POST /v1/work/next "$W1"
check "W1 leases IA" "$IA" "$(jqr .id)"
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"k\":\"lex\"}}"
IL=$(jqr .id)
api POST /v1/work/next "$W2"
check "W2 leases IL" "$IL" "$(jqr .id)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"k\":\"acme-u\"}}"
IU=$(jqr .id)

ROLES=(none admin manager worker client auditor)
declare -A TOK=([none]="" [admin]="$ADMIN" [manager]="$MGR" [worker]="$W1" [client]="$ACMEU" [auditor]="$AUD")

# row METHOD PATH BODY EXPECTED...: one status per role, in ROLES order.
row() {
  local method=$1 path=$2 body=$3; shift 3
  local i=0 r
  for r in "${ROLES[@]}"; do
    api "$method" "$path" "${TOK[$r]}" "$body"
    check "$method $path as $r" "$1" "$STATUS"
    shift
    i=$((i + 1))
  done
}

#        method path                          body  none admin mgr worker client auditor
row GET "/v1/clients/$ACME"                   ""    401  200  200  403  200  200
row GET "/v1/clients/$LEX"                    ""    401  200  200  403  404  200
row GET "/v1/clients"                         ""    401  200  200  403  200  200
row GET "/v1/services/1"                      ""    401  200  200  200  200  200
row GET "/v1/services"                        ""    401  200  200  200  200  200
row GET "/v1/engagements/$BPO"                ""    401  200  200  200  200  200
row GET "/v1/engagements/$KPO"                ""    401  200  200  404  404  200
row GET "/v1/engagements"                     ""    401  200  200  403  200  200
row GET "/v1/engagements/$BPO/staffing"       ""    401  200  200  403  403  403
row GET "/v1/engagements/$BPO/queue"          ""    401  200  200  403  403  200
row GET "/v1/engagements/$BPO/fields"         ""    401  200  200  200  200  200
row GET "/v1/engagements/$KPO/fields"         ""    401  200  200  404  404  200
row GET "/v1/users/1"                         ""    401  200  403  403  403  403
row GET "/v1/users"                           ""    401  200  403  403  403  403
row GET "/v1/workers/$W1ID"                   ""    401  200  200  200  403  403
row GET "/v1/workers/$W2ID"                   ""    401  200  200  404  403  403
row GET "/v1/workers"                         ""    401  200  200  403  403  403
row GET "/v1/items/$IA"                       ""    401  200  200  200  200  200
row GET "/v1/items/$IL"                       ""    401  200  200  404  404  200
row GET "/v1/items/$IU"                       ""    401  200  200  404  200  200
row GET "/v1/items/$IA/history"               ""    401  200  200  200  200  200
row GET "/v1/items/$IL/history"               ""    401  200  200  404  404  200
row GET "/v1/items/$IU/history"               ""    401  200  200  404  200  200
row GET "/v1/items"                           ""    401  200  200  200  200  200
row GET "/v1/audit"                           ""    401  200  403  403  403  200
row GET "/v1/audit/verify"                    ""    401  200  403  403  403  200
row GET "/v1/audit/head"                      ""    401  200  403  403  403  200
row GET "/v1/audit/proof/inclusion?seq=1"     ""    401  200  403  403  403  200
row GET "/v1/audit/proof/consistency?first=1" ""    401  200  403  403  403  200
row GET "/v1/staff/erlang?contacts=10&aht=300&interval=1800" \
                                              ""    401  200  200  200  403  200
row GET "/v1/staff/skill-plan?skill=data_entry" ""  401  200  200  403  403  403
row GET "/v1/engagements/$BPO/routing"        ""    401  200  200  403  403  403
row GET "/v1/metrics"                         ""    401  200  200  403  403  200

# Payload fields follow item.payload: everyone who may read the item but auditors.
for r in admin manager worker client auditor; do
  api GET "/v1/items/$IA" "${TOK[$r]}"
  want=acme-a; [ "$r" = auditor ] && want=null
  check "payload of IA as $r" "$want" "$(jqr .payload.k)"
done

# Lists show exactly what the reads allow one by one.
api GET /v1/items "$W1"
check "worker lists only its leases" "$IA" "$(jqr '[.data[].id]|join(",")')"
api GET /v1/items "$ACMEU"
check "client lists only its client's items" "$IA,$IU" "$(jqr '[.data[].id]|join(",")')"
api GET /v1/engagements "$ACMEU"
check "client lists only its engagements" "$BPO" "$(jqr '[.data[].id]|join(",")')"
api GET /v1/clients "$ACMEU"
check "client lists only its client" "$ACME" "$(jqr '[.data[].id]|join(",")')"

# Writes: a role the table refuses gets 403 before its body is read; the others
# get past the role check (their empty body answers 400, or the record's scope 404).
# row2 METHOD PATH: one "403" or "pass" per role (no token: 401).
row2() {
  local method=$1 path=$2; shift 2
  local r got
  for r in "${ROLES[@]}"; do
    api "$method" "$path" "${TOK[$r]}" '{"__probe":true}'
    got=$STATUS
    case "$STATUS" in 401|403) ;; *) got=pass ;; esac
    check "$method $path as $r" "$1" "$got"
    shift
  done
}
#         method path                          none admin mgr  worker client auditor
row2 POST /v1/clients                          401  pass  403  403  403  403
row2 POST /v1/services                         401  pass  403  403  403  403
row2 POST /v1/engagements                      401  pass  pass 403  403  403
row2 POST /v1/users                            401  pass  403  403  403  403
row2 POST /v1/users/1/tokens                   401  pass  403  403  403  403
row2 POST /v1/workers                          401  pass  pass 403  403  403
row2 POST "/v1/workers/$W1ID/status"           401  pass  pass pass 403  403
row2 POST /v1/items                            401  pass  pass 403  pass 403
row2 POST "/v1/items/$IA/submit"               401  403  403  pass 403  403
row2 POST "/v1/items/$IA/accept"               401  pass  pass 403  pass 403
row2 POST "/v1/items/$IA/rework"               401  pass  pass 403  pass 403
row2 POST "/v1/items/$IA/cancel"               401  pass  pass 403  pass 403
row2 POST /v1/work/next                        401  pass  pass pass 403  403
row2 PUT "/v1/engagements/$BPO/fields"         401  pass  pass 403  403  403
row2 PUT "/v1/engagements/$BPO/routing"        401  pass  pass 403  403  403

# Scope on writes: another client's item or engagement is 404 for a client user, an
# item of a client the worker is not cleared for is 404 for the worker.
api POST "/v1/items/$IL/cancel" "$ACMEU" '{}'
expect "client cancels other client's item" 404
api POST "/v1/items/$IL/submit" "$W1" '{"epoch":1,"result":{}}'
expect "worker submits to an uncleared client's item" 404
api POST "/v1/items/$IU/submit" "$W1" '{"epoch":1,"result":{}}'
expect "worker submits to a cleared client's item it does not hold" 409
api POST "/v1/workers/$W2ID/status" "$W1" '{"status":"away"}'
expect "worker sets another worker's status" 404
api POST /v1/work/next "$W1" "{\"worker_id\":$W2ID}"
expect "worker takes work for another worker" 404
api POST /v1/items "$ACMEU" "{\"engagement_id\":$KPO,\"payload\":{}}"
expect "client creates in another client's engagement" 404
# A client approves KPO work only: IA is BPO work of its own client.
api POST "/v1/items/$IA/accept" "$ACMEU" '{}'
expect "client accepts its own BPO item" 403
api POST "/v1/items/$IL/accept" "$ACMEU" '{}'
expect "client accepts another client's item" 404

finish
