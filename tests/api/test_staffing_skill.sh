#!/usr/bin/env bash
# test_staffing_skill.sh - the per-skill plan over HTTP and the CLI: it is the sum of the plans of
# the engagements requiring the skill, beside the skill's workers; roles, bad codes, empty skills.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

# A second data-entry engagement, for LexCorp, at a higher level: the skill plan takes level 3.
api POST /v1/engagements "$MGR" "{\"client_id\":$LEX,\"service_code\":\"data_entry\",\"name\":\"Contracts\",\"required_skills\":[{\"code\":\"data_entry\",\"level\":3}],\"sla_seconds\":86400}"
expect "second data_entry engagement" 201
BPO2=$(jqr .id)
# W4 holds data_entry at 4, cleared for LexCorp only, and is away: qualified, not available.
# W1 (level 3, Acme) qualifies; W3 (level 1) does not; W2 lacks the skill.
api POST /v1/workers "$MGR" "{\"login\":\"w4\",\"name\":\"Budi\",\"skills\":[{\"code\":\"data_entry\",\"level\":4}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"ID\",\"time_zone\":\"Asia/Jakarta\",\"capacity\":1,\"cost_per_hour\":{\"amount_minor\":1100,\"currency\":\"USD\"},\"clearances\":[$LEX]}"
expect "worker w4" 201
W4ID=$(jqr .id)
W4=$(new_token w4)
api POST "/v1/workers/$W4ID/status" "$W4" '{"status":"away"}'
expect "w4 away" 200

# ---- HTTP: roles, validation, an unknown skill ---------------------------------------------
api GET "/v1/staff/skill-plan?skill=data_entry&days=1&interval=3600" "$MGR"
expect "skill plan" 200
check "both engagements" "$BPO $BPO2" "$(jqr '[.engagements[].engagement_id]|join(" ")')"
check "highest level required" 3 "$(jqr .level)"
check "W1 and W4 hold it, W1 available" "2 1" "$(jqr '"\(.workers.qualified) \(.workers.available)"')"
check "24 intervals" 24 "$(jqr '.intervals|length')"
check "priced at the holders' average" "USD 1000" "$(jqr '"\(.cost.currency) \(.cost.avg_cost_per_hour_minor)"')"
check "no note when engagements require it" null "$(jqr .note)"
api GET "/v1/staff/skill-plan?skill=data_entry" "$W1"
expect "worker may not see skill plans" 403
api GET "/v1/staff/skill-plan?skill=data_entry" "$AUD"
expect "auditor may not see skill plans" 403
api GET "/v1/staff/skill-plan?skill=data_entry" "$ACMEU"
expect "client may not see skill plans" 403
LONG=$(printf 'x%.0s' $(seq 64))
for q in "" "skill=" "skill=data%20entry" "skill=a/b" "skill=$LONG" "skill=data_entry&days=0" \
         "skill=data_entry&interval=600" "skill=data_entry&model=phone" "skill=data_entry&aht=0"; do
  api GET "/v1/staff/skill-plan?$q" "$MGR"
  expect "bad skill plan query '$q'" 400
done
check "400 is invalid" invalid "$(jqr .error.code)"
api GET "/v1/staff/skill-plan?skill=$(printf 'x%.0s' $(seq 63))&days=1" "$MGR"
expect "63 characters is a code" 200
api GET "/v1/staff/skill-plan?skill=underwater_welding&days=1&interval=3600" "$MGR"
expect "unknown skill: an empty plan" 200
check "no engagements" 0 "$(jqr '.engagements|length')"
check "nothing required" 0 "$(jqr .summary.peak_required)"
check "nobody counted" "0 0" "$(jqr '"\(.workers.qualified) \(.workers.available)"')"
check "note says why" true "$(jqr '.note|test("no engagement requires")')"
check "unpriced" no_workers "$(jqr .cost.state)"
api GET "/v1/staff/skill-plan?skill=data_entry&days=1&interval=3600&model=erlang_c&target=0.9&within=60" "$MGR"
expect "model forced for every engagement" 200
check "each engagement erlang_c" "erlang_c erlang_c" "$(jqr '[.engagements[].model]|join(" ")')"

# ---- history for both engagements, inserted while stopped ----------------------------------
stop_server
NOW=$(($(date +%s) * 1000))
sqlite3 "$DATA/alihdaya.db" "
  UPDATE engagements SET created_at = ($NOW/3600000 - 28*24)*3600000 WHERE id IN ($BPO, $BPO2);
  WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k+1 FROM h WHERE k < 28*24-1),
                 n(j) AS (SELECT 0 UNION ALL SELECT j+1 FROM n WHERE j < 19)
  INSERT INTO items(engagement_id, client_id, priority, created_at, due_at, state, epoch,
                    lease_expires, payload)
  SELECT $BPO, $ACME, 5, ($NOW/3600000 - 28*24 + k)*3600000 + j*60000, 0, 'done', 0, 0, '{}'
  FROM h, n WHERE j < 2 + 18*((k % 24) BETWEEN 8 AND 17)
  UNION ALL
  SELECT $BPO2, $LEX, 5, ($NOW/3600000 - 28*24 + k)*3600000 + j*60000, 0, 'done', 0, 0, '{}'
  FROM h, n WHERE j < 1 + 9*((k % 24) BETWEEN 12 AND 20);" || bad "insert history"

# The three plans at the same parameters; again if an hour boundary fell between them.
plans() {
  local args=(--data "$DATA" --days 2 --interval 1h --aht 4m --shrinkage 30% --json)
  "$BIN" staff plan "${args[@]}" --skill data_entry > "$TMP/skill.json" &&
  "$BIN" staff plan "${args[@]}" --engagement "$BPO" > "$TMP/e1.json" &&
  "$BIN" staff plan "${args[@]}" --engagement "$BPO2" > "$TMP/e2.json"
}
plans; check "staff plan --skill --json and both engagements" 0 $?
starts() { jq -r .start "$TMP/skill.json" "$TMP/e1.json" "$TMP/e2.json" | sort -u | wc -l; }
[ "$(starts)" = 1 ] || plans
check "same horizon" 1 "$(starts)"
SUMS=$(jq -n --slurpfile s "$TMP/skill.json" --slurpfile a "$TMP/e1.json" --slurpfile b "$TMP/e2.json" '
  [range(0; $s[0].intervals|length) as $i
   | select($s[0].intervals[$i].required != $a[0].intervals[$i].required + $b[0].intervals[$i].required
       or (($s[0].intervals[$i].volume - $a[0].intervals[$i].volume - $b[0].intervals[$i].volume)|fabs) > 1e-9)]
  | length')
check "per-interval required and volume are the engagements' sums" 0 "$SUMS"
BODY=$(cat "$TMP/skill.json")
check "48 intervals" 48 "$(jqr '.intervals|length')"
check "something to staff" true "$(jqr '.summary.peak_required > 0')"
check "available is the holders' count in every interval" 0 "$(jqr '[.intervals[]|select(.available!=1)]|length')"
check "advice from the summed required" 0 "$(jqr '[.intervals[]|select((.required-.available) as $d|
  ($d>0 and (.advice!="add" or .change!=$d)) or ($d<0 and (.advice!="release" or .change!=-$d)) or ($d==0 and .advice!="ok"))]|length')"
check "cost = worker-hours x average" true "$(jqr '.cost.plan_minor == ((.cost.worker_hours*.cost.avg_cost_per_hour_minor)|round)')"
check "available cost: W1 for 48 h" 43200 "$(jqr .cost.available_minor)"
WH=$(jq -n --slurpfile s "$TMP/skill.json" --slurpfile a "$TMP/e1.json" --slurpfile b "$TMP/e2.json" \
  '$s[0].cost.worker_hours == $a[0].cost.worker_hours + $b[0].cost.worker_hours')
check "worker-hours are the engagements' sum" true "$WH"
check "each engagement's peak reported" true "$(jq -n --slurpfile s "$TMP/skill.json" --slurpfile a "$TMP/e1.json" \
  '$s[0].engagements[0].peak_required == $a[0].summary.peak_required')"

"$BIN" staff plan --data "$DATA" --skill data_entry --days 1 --interval 1h > "$TMP/skill.txt"
check "staff plan --skill table" 0 $?
grep -q '^staffing plan: skill data_entry at level 3, 2 engagements' "$TMP/skill.txt" && ok "table heading" || bad "heading: $(head -2 "$TMP/skill.txt")"
grep -q "engagement $BPO2 \"Contracts\": level 3, model backlog" "$TMP/skill.txt" && ok "table lists engagements" || bad "engagements: $(head -6 "$TMP/skill.txt")"
grep -q '^workers: 2 hold the skill and are cleared, 1 available now' "$TMP/skill.txt" && ok "table counts workers" || bad "workers: $(grep workers "$TMP/skill.txt")"
grep -Eq "^cost: [0-9]+\.[0-9]{2} USD" "$TMP/skill.txt" && ok "table shows the cost" || bad "cost: $(tail -2 "$TMP/skill.txt")"
"$BIN" staff plan --data "$DATA" --skill nobody_has_it --days 1 > "$TMP/skill0.txt"
check "empty skill plan exits 0" 0 $?
grep -q "^note: no engagement requires this skill" "$TMP/skill0.txt" && ok "CLI says why it is empty" || bad "note: $(head -4 "$TMP/skill0.txt")"
"$BIN" staff plan --help | grepq -- "--skill CODE" && ok "plan --help names --skill" || bad "plan --help"
"$BIN" staff plan --data "$DATA" --skill data_entry --engagement "$BPO" 2>"$TMP/e"; check "--skill with --engagement exits 2" 2 $?
grep -q "not both" "$TMP/e" && ok "exclusion said" || bad "error: $(cat "$TMP/e")"
"$BIN" staff plan --data "$DATA" --skill "data entry" 2>/dev/null; check "bad code exits 2" 2 $?
"$BIN" staff plan --data "$DATA" --skill "$LONG" 2>/dev/null; check "64-character code exits 2" 2 $?
"$BIN" staff plan --data "$DATA" --skill data_entry --days 29 2>/dev/null; check "bad days exits 2" 2 $?

# Over HTTP, the same sums from a running server.
start_server
api GET "/v1/staff/skill-plan?skill=data_entry&days=2&interval=3600&aht=240&shrinkage=0.3" "$MGR"
expect "skill plan with history over HTTP" 200
printf '%s' "$BODY" > "$TMP/skill.json"
api GET "/v1/engagements/$BPO/staffing?days=2&interval=3600&aht=240&shrinkage=0.3" "$MGR"
printf '%s' "$BODY" > "$TMP/e1.json"
api GET "/v1/engagements/$BPO2/staffing?days=2&interval=3600&aht=240&shrinkage=0.3" "$MGR"
printf '%s' "$BODY" > "$TMP/e2.json"
if [ "$(starts)" = 1 ]; then
  SUMS=$(jq -n --slurpfile s "$TMP/skill.json" --slurpfile a "$TMP/e1.json" --slurpfile b "$TMP/e2.json" '
    [range(0; $s[0].intervals|length) as $i
     | select($s[0].intervals[$i].required != $a[0].intervals[$i].required + $b[0].intervals[$i].required)]
    | length')
  check "HTTP: required is the engagements' sum" 0 "$SUMS"
else
  ok "HTTP: an hour boundary fell between the calls; sums checked by the CLI above"
fi

finish
