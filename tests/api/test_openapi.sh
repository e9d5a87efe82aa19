#!/usr/bin/env bash
# test_openapi.sh - GET /v1/openapi.json, the OpenAPI 3.1 document of every route: served
# without a token; every route of src/http/router.c is in it and every operation of it is a
# route, with a summary, a response, its path and query parameters (openapi_check.py parses
# the route table itself); it is exactly the fragments of docs/openapi/paths/*.json; a kept
# validator (@apidevtools/swagger-parser, from web/node_modules) finds it valid; and about 80
# real answers of the server (successes and errors) match the schemas it documents for them. Without
# node or the package the validation is skipped with a note, and FAILS under CI=true.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

init_data
start_server

api GET /v1/openapi.json ""
expect "the document without a token" 200
check "served as JSON" "application/json" "$(header Content-Type)"
check "OpenAPI 3.1" "3.1.0" "$(jqr .openapi)"
cp "$TMP/body" "$TMP/openapi.json"

# Route table <-> document <-> fragment files, and the checker's own ability to fail.
if python3 "$ROOT/tests/api/openapi_check.py" "$ROOT" "$TMP/openapi.json" --mutate > "$TMP/check.out"; then
  ok "every route documented, every operation a route ($(tail -n 4 "$TMP/check.out" | head -n 1))"
else
  bad "the document and router.c differ (openapi_check.py, below)"
fi
grep -E '^(FAIL|ok) - ' "$TMP/check.out" | sed 's/^/    /'

# The assembly itself (cmake/embed_openapi.cmake, as the build runs it) on fragments of its own:
# two files adding operations to one path are merged; the same operation in two files, or a
# file that is not a JSON object, stops it naming the file.
asm() { # DIR: assembles ROOT's base.json with DIR's fragments into $TMP/asm.json
  cmake -DBASE="$ROOT/docs/openapi/base.json" -DDIR="$1" -DJSON="$TMP/asm.json" \
        -DOUT="$TMP/asm.c" -P "$ROOT/cmake/embed_openapi.cmake" > "$TMP/asm.out" 2>&1
}
mkdir -p "$TMP/frag"
echo '{"/v1/things/{id}": {"get": {"summary": "a", "responses": {"200": {"description": "a"}}}}}' > "$TMP/frag/a.json"
echo '{"/v1/things/{id}": {"post": {"summary": "b", "responses": {"200": {"description": "b"}}}},
       "/v1/other": {"get": {"summary": "c", "responses": {"200": {"description": "c"}}}}}' > "$TMP/frag/b.json"
if asm "$TMP/frag"; then
  check "two fragments of one path merged" "get post" "$(jq -r '.paths["/v1/things/{id}"] | keys | join(" ")' "$TMP/asm.json")"
  check "and the other path kept" c "$(jq -r '.paths["/v1/other"].get.summary' "$TMP/asm.json")"
  check "embedded as bytes of the same length" "$(stat -c %s "$TMP/asm.json")" \
        "$(sed -n 's/^const size_t openapi_doc_len = \([0-9]*\);$/\1/p' "$TMP/asm.c")"
else
  bad "the assembly of two fragments failed: $(cat "$TMP/asm.out")"
fi
echo '{"/v1/things/{id}": {"get": {"summary": "again", "responses": {"200": {"description": "x"}}}}}' > "$TMP/frag/c.json"
asm "$TMP/frag" && bad "the same operation in two fragments was taken" \
  || check "the same operation twice is refused, naming the file" 1 "$(grep -c 'c.json: /v1/things/{id} get' "$TMP/asm.out")"
echo '["not", "an object"]' > "$TMP/frag/c.json"
asm "$TMP/frag" && bad "a fragment that is not an object was taken" \
  || check "a fragment that is not an object is refused, naming it" 1 "$(grep -c 'c.json: not a JSON object' "$TMP/asm.out")"

# A token changes nothing; the route is GET only and takes no query parameters.
api GET /v1/openapi.json "$ADMIN"
expect "with a token too" 200
api POST /v1/openapi.json ""
expect "only GET" 405
api GET "/v1/openapi.json?x=1" ""
expect "takes no query parameters" 400

# Real answers, each checked below against the schema the document gives for its operation
# and status (and the JSON request of each 2xx against its requestBody schema): rec METHOD TEMPLATE PATH TOKEN [BODY] calls and records one.
setup_world
: > "$TMP/answers.jsonl"
rec() {
  local m=$1 tpl=$2; shift 2
  api "$m" "$@"
  jq -c -n --arg m "$m" --arg p "$tpl" --argjson s "$STATUS" --arg c "$(header Content-Type)" \
     --rawfile b "$TMP/body" --arg q "${3-}" \
     '{method: $m, path: $p, status: $s, ctype: $c, body: $b, request: $q}' >> "$TMP/answers.jsonl"
}
rec GET /v1/health /v1/health ""
rec GET /v1/clients /v1/clients "$ADMIN"
rec GET /v1/clients/{id} "/v1/clients/$ACME" "$ACMEU"
rec GET /v1/clients/{id} "/v1/clients/$LEX" "$ACMEU"
rec POST /v1/clients /v1/clients "$ADMIN" '{"code":"oa","name":"OpenAPI Ltd"}'
OA=$(jqr .id)
rec POST /v1/clients /v1/clients "$ADMIN" '{"code":"oa","name":"OpenAPI Ltd"}'
rec PATCH /v1/clients/{id} "/v1/clients/$OA" "$ADMIN" '{"name":"OpenAPI Limited"}'
rec POST /v1/clients/{id}/deactivate "/v1/clients/$OA/deactivate" "$MGR"
rec POST /v1/clients "/v1/clients" "$ADMIN" '{"code":"x","name":"y","colour":"red"}'
rec GET /v1/services /v1/services "$W1"
rec GET /v1/services/{id} /v1/services/1 "$W1"
rec GET /v1/engagements "/v1/engagements?client_id=$ACME" "$MGR"
rec GET /v1/engagements/{id} "/v1/engagements/$BPO" "$W1"
rec GET /v1/engagements/{id}/queue "/v1/engagements/$BPO/queue" "$MGR"
rec GET /v1/engagements/{id}/fields "/v1/engagements/$BPO/fields" "$MGR"
rec GET /v1/engagements/{id}/keying "/v1/engagements/$BPO/keying" "$MGR"
rec GET /v1/engagements/{id}/consensus "/v1/engagements/$BPO/consensus" "$MGR"
rec GET /v1/engagements/{id}/defects "/v1/engagements/$BPO/defects" "$MGR"
rec PUT /v1/engagements/{id}/sampling "/v1/engagements/$BPO/sampling" "$MGR" '{"mode":"none"}'
rec GET /v1/engagements/{id}/sampling "/v1/engagements/$BPO/sampling" "$ACMEU"
rec GET /v1/engagements/{id}/lots "/v1/engagements/$BPO/lots" "$MGR"
rec GET /v1/engagements/{id}/gold "/v1/engagements/$BPO/gold" "$MGR"
rec GET /v1/engagements/{id}/gold/settings "/v1/engagements/$BPO/gold/settings" "$MGR"
rec GET /v1/engagements/{id}/staffing "/v1/engagements/$BPO/staffing?days=1&interval=3600" "$MGR"
rec GET /v1/staff/erlang "/v1/staff/erlang?contacts=100&interval=1800&aht=180" "$W1"
rec GET /v1/staff/skill-plan "/v1/staff/skill-plan?skill=data_entry&days=1" "$MGR"
rec GET /v1/users /v1/users "$ADMIN"
rec GET /v1/users/{id} /v1/users/1 "$ADMIN"
rec POST /v1/users/{id}/tokens /v1/users/1/tokens "$ADMIN" '{"expires_in":3600}'
TOK=$(jqr .id)
rec GET /v1/tokens /v1/tokens "$ADMIN"
rec GET /v1/tokens/{id} "/v1/tokens/$TOK" "$ADMIN"
rec POST /v1/tokens/{id}/revoke "/v1/tokens/$TOK/revoke" "$ADMIN"
rec GET /v1/workers /v1/workers "$MGR"
rec GET /v1/workers/{id} "/v1/workers/$W1ID" "$W1"
rec POST /v1/workers/{id}/status "/v1/workers/$W1ID/status" "$W1" '{"status":"available"}'
rec GET /v1/workers/{id}/quality "/v1/workers/$W1ID/quality" "$MGR"
rec POST /v1/items /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"OA-1\",\"payload\":{\"name\":\"J. Doe\"}}"
IT=$(jqr .id)
rec POST /v1/items /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"OA-1\",\"payload\":{\"name\":\"J. Doe\"}}"
rec GET /v1/items "/v1/items?engagement_id=$BPO&state=queued" "$MGR"
rec GET /v1/items/{id} "/v1/items/$IT" "$ACMEU"
rec GET /v1/items/{id} /v1/items/999999 "$ACMEU"
rec POST /v1/work/next /v1/work/next "$W1"
EP=$(jqr .lease.epoch)
rec POST /v1/work/next /v1/work/next "$W3"
rec GET /v1/items/{id}/answers "/v1/items/$IT/answers" "$MGR"
rec POST /v1/items/{id}/renew "/v1/items/$IT/renew" "$W1" "{\"epoch\":$EP}"
rec POST /v1/items/{id}/submit "/v1/items/$IT/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"ok\":true}}"
rec POST /v1/items/{id}/accept "/v1/items/$IT/accept" "$MGR"
rec POST /v1/items/{id}/accept "/v1/items/$IT/accept" "$MGR"
rec GET /v1/items/{id}/history "/v1/items/$IT/history" "$MGR"
rec GET /v1/items/{id}/chain "/v1/items/$IT/chain" "$MGR"
rec GET /v1/items/{id}/milestones "/v1/items/$IT/milestones" "$MGR"
rec GET /v1/review "/v1/review?engagement_id=$BPO" "$AUD"
rec POST /v1/review/next /v1/review/next "$W1"
rec GET /v1/quality/report "/v1/quality/report?engagement=$BPO" "$AUD"
rec POST /v1/purge /v1/purge "$ADMIN" '{"dry_run":true}'
rec GET /v1/audit "/v1/audit?limit=5" "$AUD"
rec GET /v1/audit/verify /v1/audit/verify "$AUD"
rec GET /v1/audit/proof/inclusion "/v1/audit/proof/inclusion?seq=1" "$AUD"
rec GET /v1/audit/head /v1/audit/head "$AUD"
rec GET /v1/audit/proof/consistency "/v1/audit/proof/consistency?first=1" "$AUD"
rec GET /v1/keys /v1/keys "$ADMIN"
rec POST /v1/keys/rotate /v1/keys/rotate "$ADMIN"
rec POST /v1/services /v1/services "$ADMIN" '{"code":"oa_svc","name":"OpenAPI","kind":"kpo","category":"docs"}'
rec PATCH /v1/services/{id} "/v1/services/$(jqr .id)" "$ADMIN" '{"name":"OpenAPI review"}'
rec PATCH /v1/engagements/{id} "/v1/engagements/$BPO" "$MGR" '{"lease_max_seconds":7200}'
rec PUT /v1/engagements/{id}/fields "/v1/engagements/$BPO/fields" "$MGR" '{"payload":[{"name":"name","type":"text"}]}'
rec PUT /v1/engagements/{id}/fields "/v1/engagements/$BPO/fields" "$MGR" '{"payload":[{"name":"n","type":"colour"}]}'
rec PUT /v1/engagements/{id}/keying "/v1/engagements/$BPO/keying" "$MGR" '{"mode":"single"}'
rec PUT /v1/engagements/{id}/defects "/v1/engagements/$BPO/defects" "$MGR" '{"defects":[{"code":"wrong","label":"Wrong","severity":"major"}]}'
rec PUT /v1/engagements/{id}/gold/settings "/v1/engagements/$BPO/gold/settings" "$MGR" '{"rate":0}'
rec POST /v1/engagements/{id}/gold "/v1/engagements/$BPO/gold" "$MGR" '{"payload":{"name":"G"},"result":{"ok":true}}'
rec POST /v1/engagements/{id}/gold/{gid}/deactivate "/v1/engagements/$BPO/gold/$(jqr '.ids[0]')/deactivate" "$MGR"
rec POST /v1/users /v1/users "$ADMIN" '{"name":"oa-user","role":"auditor"}'
rec POST /v1/users/{id}/password-link "/v1/users/$(jqr .id)/password-link" "$ADMIN"
rec PATCH /v1/workers/{id} "/v1/workers/$W3ID" "$MGR" '{"capacity":2}'
rec POST /v1/items /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"q\":\"memo\"}}"
rec POST /v1/items/{id}/milestones "/v1/items/$(jqr .id)/milestones" "$LEXU" '{"title":"Memo","due_at":"2030-03-01T09:00:00Z"}'
rec POST /v1/webhooks /v1/webhooks "$ACMEU" '{"url":"http://127.0.0.1:9/hooks","events":["item.done"]}'
WH=$(jqr .id)
rec GET /v1/webhooks /v1/webhooks "$AUD"
rec GET /v1/webhooks/{id} "/v1/webhooks/$WH" "$ACMEU"
rec GET /v1/webhooks/{id}/deliveries "/v1/webhooks/$WH/deliveries" "$ACMEU"
rec POST /v1/webhooks/{id}/rotate "/v1/webhooks/$WH/rotate" "$ACMEU" '{"overlap_s":60}'
rec DELETE /v1/webhooks/{id} "/v1/webhooks/$WH" "$ACMEU"
printf 'external_ref,name\nOA-2,Ana\nOA-3,"Budi, S."\n' > "$TMP/rows.csv"
rec POST /v1/engagements/{id}/imports "/v1/engagements/$BPO/imports" "$ACMEU" "" \
    -H 'Content-Type: text/csv' --data-binary @"$TMP/rows.csv"
IMP=$(jqr .id)
# The 202 comes before the rows (the import thread creates them): follow the job.
for _ in $(seq 1 100); do
  case "$(jqr .state)" in done|failed) break ;; esac
  sleep 0.05; api GET "/v1/imports/$IMP" "$ACMEU"
done
check "the import made its two rows" 2 "$(jqr .created)"
rec GET /v1/imports/{id} "/v1/imports/$IMP" "$ACMEU"
rec GET /v1/imports/{id}/errors "/v1/imports/$IMP/errors" "$ACMEU"
rec GET /v1/engagements/{id}/export "/v1/engagements/$BPO/export?format=csv" "$ACMEU"
rec GET /v1/engagements/{id}/export "/v1/engagements/$BPO/export?format=jsonl" "$ACMEU"
rec GET /v1/session /v1/session "$MGR"
rec POST /v1/session /v1/session "" '{"login":"mgr","password":"not it"}'
rec DELETE /v1/users/{id}/sessions /v1/users/1/sessions "$ADMIN"

# The kept validator, on the served document and on a broken copy (it must be able to fail).
python3 - "$TMP/openapi.json" "$TMP/broken.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["paths"]["/v1/health"]["get"]["responses"]["200"]["description"]
d["paths"]["/v1/items"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/NoSuchSchema"}
json.dump(d, open(sys.argv[2], "w"))
PY
if command -v node >/dev/null 2>&1; then
  node "$ROOT/tests/api/openapi_validate.mjs" "$ROOT/web" "$TMP/openapi.json" "$TMP/answers.jsonl" > "$TMP/valid.out"
  rc=$?
else
  echo "no node" > "$TMP/valid.out"; rc=77
fi
if [ $rc = 77 ]; then
  if [ "${CI:-}" = "true" ]; then
    bad "the validator is missing under CI=true: $(cat "$TMP/valid.out")"
  else
    echo "# skip: the OpenAPI validator did not run: $(cat "$TMP/valid.out")"
  fi
else
  check "swagger-parser validates the document, and $(wc -l < "$TMP/answers.jsonl") real answers match it" 0 "$rc"
  sed 's/^/    /' "$TMP/valid.out"
  # An answer that breaks its schema, and a request that breaks its, are reported (the check can fail).
  jq -c -n '{method: "GET", path: "/v1/clients/{id}", status: 200, ctype: "application/json",
             body: "{\"id\":\"one\",\"code\":7}"}' > "$TMP/wrong.jsonl"
  jq -c -n '{method: "POST", path: "/v1/clients", status: 201, ctype: "application/json",
             body: "{\"id\":1,\"code\":\"a\",\"name\":\"b\",\"time_zone\":\"UTC\",\"active\":true}",
             request: "{\"code\":\"a\",\"name\":\"b\",\"colour\":\"red\"}"}' >> "$TMP/wrong.jsonl"
  node "$ROOT/tests/api/openapi_validate.mjs" "$ROOT/web" "$TMP/openapi.json" "$TMP/wrong.jsonl" > "$TMP/wrong.out"
  rc=$?
  check "a wrong answer is reported: $(grep -m1 FAIL "$TMP/wrong.out" | head -c 120)" 1 "$rc"
  check "and a request outside its schema: $(grep FAIL "$TMP/wrong.out" | sed -n 2p | head -c 120)" 2 "$(grep -c '^FAIL' "$TMP/wrong.out")"
  node "$ROOT/tests/api/openapi_validate.mjs" "$ROOT/web" "$TMP/broken.json" > "$TMP/broken.out"
  rc=$?
  check "swagger-parser refuses a broken copy: $(head -c 120 "$TMP/broken.out" | tr '\n' ' ')" 1 "$rc"
fi

finish
