#!/usr/bin/env bash
# test_assess.sh - the process-fit assessment: `alihdaya assess` (answers from a file, --json,
# --lang, errors) and POST/GET /v1/assessments (stored sealed, a client sees only its own).
# Expected recommendations and costs are worked out by hand here (docs/api.md's scoring).
. "$(dirname "$0")/lib.sh"

cat > "$TMP/bpo.json" <<'J'
{"focus":"cost","process":"predefined","specialisation":"general","driving_force":"volume",
 "activity":"transactional","client_contact":"rare","rules":"rules","data_sensitivity":"low",
 "volume_hours_per_month":1600,"in_house_cost_per_hour_minor":3500,"in_house_overhead_pct":30}
J
cat > "$TMP/kpo.json" <<'J'
{"answers":{"focus":"expertise","process":"open","specialisation":"advanced",
 "driving_force":"judgement","activity":"advisory","client_contact":"regular","rules":"mixed",
 "data_sensitivity":"medium","volume_hours_per_month":160,"in_house_cost_per_hour_minor":6000,
 "in_house_overhead_pct":25}}
J

# --- the CLI: no server needed, nothing stored -----------------------------------------
OUT=$("$BIN" assess --answers "$TMP/bpo.json" --json)
check "CLI: all BPO answers recommend BPO" bpo "$(printf '%s' "$OUT" | jq -r .result.recommendation)"
check "CLI: BPO a month = 1600 h x 1100" 1760000 "$(printf '%s' "$OUT" | jq -r .result.costs_minor.bpo)"
check "CLI: in-house = 1600 x 3500 x 1.30" 7280000 "$(printf '%s' "$OUT" | jq -r .result.costs_minor.in_house)"
check "CLI: the saving" 5520000 "$(printf '%s' "$OUT" | jq -r .result.saving_minor)"
check "CLI: the deciding answers" "focus process specialisation driving_force activity client_contact rules" \
  "$(printf '%s' "$OUT" | jq -r '.result.deciding|join(" ")')"
OUT=$("$BIN" assess --answers "$TMP/kpo.json" --json)
check "CLI: the API's body shape is read too; KPO" kpo "$(printf '%s' "$OUT" | jq -r .result.recommendation)"
check "CLI: 12 KPO points" 12 "$(printf '%s' "$OUT" | jq -r .result.kpo_points)"
OUT=$("$BIN" assess --answers "$TMP/bpo.json")
printf '%s' "$OUT" | grepq "Recommendation: BPO" && ok "CLI: the table names the recommendation" || bad "CLI table: $OUT"
printf '%s' "$OUT" | grepq "in-house   72800.00 USD" && ok "CLI: the cost table in dollars" || bad "CLI cost table: $OUT"
OUT=$("$BIN" assess --answers "$TMP/bpo.json" --lang id)
printf '%s' "$OUT" | grepq "Rekomendasi: BPO" && ok "CLI: Indonesian" || bad "CLI id: $OUT"
OUT=$("$BIN" assess --answers "$TMP/bpo.json" --lang ms)
printf '%s' "$OUT" | grepq "Cadangan: BPO" && ok "CLI: Malay" || bad "CLI ms: $OUT"
"$BIN" assess --answers "$TMP/bpo.json" --lang fr >/dev/null 2>&1
check "CLI: an unknown language is a usage error" 2 "$?"
echo '{"focus":"cheap"}' > "$TMP/badopt.json"
ERR=$("$BIN" assess --answers "$TMP/badopt.json" 2>&1 >/dev/null); RC=$?
check "CLI: an unknown option is a usage error" 2 "$RC"
printf '%s' "$ERR" | grepq "focus must be one of cost, mixed, expertise" && ok "CLI: the error names the options" || bad "CLI error: $ERR"
echo '{"focus":"cost"}' > "$TMP/short.json"
ERR=$("$BIN" assess --answers "$TMP/short.json" 2>&1 >/dev/null); RC=$?
check "CLI: missing answers are a usage error" 2 "$RC"
printf '%s' "$ERR" | grepq "process is not answered" && ok "CLI: names the first missing answer" || bad "CLI error: $ERR"
"$BIN" assess < /dev/null >/dev/null 2>&1
check "CLI: no terminal and no file is a usage error" 2 "$?"
# The terminal: answers typed in (script gives the CLI a terminal).
if command -v script >/dev/null; then
  OUT=$(printf '1\n1\n1\n1\n1\n1\n1\n4\n500\n3000\n20\nUSD\n' | script -qc "$BIN assess" /dev/null)
  printf '%s' "$OUT" | grepq "Recommendation: in-house" && ok "CLI: restricted data typed in keeps the work in-house" || bad "CLI prompts: ${OUT: -300}"
fi

# --- the API --------------------------------------------------------------------------
init_data
start_server
setup_world
BODY_BPO=$(jq -c '{answers: .}' "$TMP/bpo.json")
api POST /v1/assessments "$ACMEU" "$BODY_BPO"
expect "a client user stores an assessment" 201
A1=$(jqr .id)
check "stored for its own client" "$ACME" "$(jqr .client_id)"
check "the recommendation" bpo "$(jqr .recommendation)"
check "the result is stored with it" 7280000 "$(jqr .result.costs_minor.in_house)"
check "the answers too" cost "$(jqr .answers.focus)"
api POST /v1/assessments "$MGR" "$(jq -c '. + {client_id: '"$LEX"', lang: "ms"}' "$TMP/kpo.json")"
expect "a manager (sales) stores one for a client" 201
A2=$(jqr .id)
check "KPO for LexCorp" kpo "$(jqr .recommendation)"
printf '%s' "$(jqr .result.explanation)" | grepq "Jawapan" && ok "the explanation in Malay" || bad "explanation: $(jqr .result.explanation)"
api POST /v1/assessments "$MGR" "$BODY_BPO"
expect "a prospect's (no client yet)" 201
A3=$(jqr .id)
api POST /v1/assessments "$ACMEU" "$(jq -c '. + {client_id: '"$LEX"'}' <<<"$BODY_BPO")"
expect "a client user naming another client: 404" 404
api POST /v1/assessments "$W1" "$BODY_BPO"
expect "a worker may not" 403
api POST /v1/assessments "$MGR" '{"answers":{"focus":"cost"}}'
expect "missing answers: 400" 400
check "the error names the answer" "process is not answered" "$(jqr .error.message)"
api POST /v1/assessments "$MGR" '{"answers":{"focus":"cost"},"extra":1}'
expect "an unknown field: 400" 400
api POST /v1/assessments "$MGR" "$(jq -c '.answers.volume_hours_per_month = 0' <<<"$BODY_BPO")"
expect "no volume: 400" 400
api GET "/v1/assessments/$A1" "$ACMEU"
expect "the client reads its own" 200
api GET "/v1/assessments/$A2" "$ACMEU"
expect "another client's: 404" 404
api GET "/v1/assessments/$A3" "$ACMEU"
expect "a prospect's is staff's: 404" 404
api GET /v1/assessments "$ACMEU"
check "the client lists its own only" "$A1" "$(jqr '[.data[].id]|join(" ")')"
api GET /v1/assessments "$MGR"
check "staff list all" 3 "$(jqr '.data|length')"
api GET /v1/assessments "$AUD"
expect "auditors do not read assessments" 403
# Sealed at rest: the answers are not in the database file in plain.
if command -v sqlite3 >/dev/null; then
  check "answers sealed at rest" 0 "$(sqlite3 "$DATA/alihdaya.db" "SELECT count(*) FROM assessments WHERE CAST(answers AS TEXT) LIKE '%predefined%'")"
fi
finish
