#!/usr/bin/env bash
# test_staffing.sh - staffing over HTTP and the CLI: the Erlang check, an engagement's plan with
# and without arrival history, roles, bad parameters.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

# ---- GET /v1/staff/erlang: the published check --------------------------------------------
api GET "/v1/staff/erlang?contacts=100&interval=1800&aht=180&target=0.8&within=20&shrinkage=0.3" "$MGR"
expect "erlang check" 200
check "14 agents" 14 "$(jqr .agents)"
check "20 scheduled" 20 "$(jqr .scheduled)"
check "P(wait) 0.1741319" 0.1741319 "$(jqr '.metrics.p_wait*10000000|round/10000000')"
check "table around the answer" 6 "$(jqr '.table|length')"
api GET "/v1/staff/erlang?contacts=1000&interval=3600&aht=120&target=0.8&within=20&shrinkage=0.3&max_occupancy=0.85" "$W1"
expect "a worker may ask" 200
check "occupancy cap decides: 40" "40 58 occupancy" "$(jqr '"\(.agents) \(.scheduled) \(.limited_by)"')"
api GET "/v1/staff/erlang?contacts=2000&interval=3600&aht=180&model=a&patience=60" "$AUD"
expect "erlang A for an auditor" 200
check "erlang A needs fewer than the load" 90 "$(jqr .agents)"
api GET "/v1/staff/erlang?contacts=100&interval=1800&aht=180" "$ACMEU"
expect "client may not" 403
for q in "interval=1800&aht=180" "contacts=-1&interval=1800&aht=180" "contacts=x&interval=1800&aht=180" \
         "contacts=10&interval=0&aht=180" "contacts=10&interval=1800&aht=180&target=1" \
         "contacts=10&interval=1800&aht=180&shrinkage=1" "contacts=10&interval=1800&aht=180&model=b" \
         "contacts=10&interval=1800&aht=180&patience=30" "contacts=10&interval=1800&aht=180&model=a" \
         "contacts=1e12&interval=1&aht=86400"; do
  api GET "/v1/staff/erlang?$q" "$MGR"
  expect "bad erlang query $q" 400
done
check "400 names the parameter" invalid "$(jqr .error.code)"

# ---- GET /v1/engagements/:id/staffing: no history yet -------------------------------------
for i in 1 2 3; do
  api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":$i}}"
done
api GET "/v1/engagements/$BPO/staffing?days=2&interval=3600&aht=240" "$MGR"
expect "plan without history" 200
check "backlog model for a 24h SLA" backlog "$(jqr .model)"
check "fallback said" true "$(jqr .forecast.fallback)"
check "no history" 0 "$(jqr .forecast.history_intervals)"
check "wape null with nothing to score" null "$(jqr .forecast.wape)"
check "48 intervals" 48 "$(jqr '.intervals|length')"
check "qualified: W1 only (W3 under-qualified)" "1 1" "$(jqr '"\(.workers.qualified) \(.workers.available)"')"
check "priced in USD" "USD 900" "$(jqr '"\(.cost.currency) \(.cost.avg_cost_per_hour_minor)"')"
check "advice consistent" 0 "$(jqr '[.intervals[]|select((.required-.available) as $d|
  ($d>0 and (.advice!="add" or .change!=$d)) or ($d<0 and (.advice!="release" or .change!=-$d)) or ($d==0 and .advice!="ok"))]|length')"
api GET "/v1/engagements/$BPO/staffing" "$W1"
expect "worker may not see plans" 403
api GET "/v1/engagements/$BPO/staffing" "$AUD"
expect "auditor may not see plans" 403
api GET "/v1/engagements/999/staffing" "$MGR"
expect "unknown engagement" 404
for q in "days=0" "days=29" "days=1.5" "interval=600" "interval=x" "aht=0" "model=phone" \
         "shrinkage=-0.1" "target=0" "max_occupancy=2"; do
  api GET "/v1/engagements/$BPO/staffing?$q" "$MGR"
  expect "bad staffing query $q" 400
done
api GET "/v1/engagements/$BPO/staffing?days=1&model=erlang_c&within=60&target=0.9" "$ADMIN"
expect "erlang_c forced" 200
check "target echoed" "0.9 60" "$(jqr '"\(.target.service_level) \(.target.within_s)"')"

# ---- with history: three weeks of weekday office hours, inserted while stopped -------------
stop_server
NOW=$(($(date +%s) * 1000))
sqlite3 "$DATA/alihdaya.db" "
  UPDATE engagements SET created_at = ($NOW/3600000 - 28*24)*3600000 WHERE id = $BPO;
  WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k+1 FROM h WHERE k < 28*24-1),
                 n(j) AS (SELECT 0 UNION ALL SELECT j+1 FROM n WHERE j < 19)
  INSERT INTO items(engagement_id, client_id, priority, created_at, due_at, state, epoch,
                    lease_expires, payload)
  SELECT $BPO, $ACME, 5, ($NOW/3600000 - 28*24 + k)*3600000 + j*60000, 0, 'done', 0, 0, '{}'
  FROM h, n WHERE j < 2 + 18*((k % 24) BETWEEN 8 AND 17);" || bad "insert history"
"$BIN" staff plan --data "$DATA" --engagement "$BPO" --days 3 --interval 1h --aht 4m --shrinkage 50% --json > "$TMP/plan.json"
check "staff plan --json" 0 $?
BODY=$(cat "$TMP/plan.json")
check "fitted Holt-Winters" dshw "$(jqr .forecast.method)"
check "not a fallback" false "$(jqr .forecast.fallback)"
w=$(jqr '.forecast.wape < 0.2'); check "WAPE reported and small" true "$w"
check "history counted" 672 "$(jqr .forecast.history_intervals)"
check "72 intervals" 72 "$(jqr '.intervals|length')"
check "cost is integer minor units" true "$(jqr '.cost.plan_minor|type=="number" and (.|floor)==.')"
check "cost = worker-hours x average" true "$(jqr '.cost.plan_minor == ((.cost.worker_hours*.cost.avg_cost_per_hour_minor)|round)')"
check "peak is the max" true "$(jqr '.summary.peak_required == ([.intervals[].required]|max)')"
check "someone to add (24h SLA, 50% shrinkage)" true "$(jqr '.summary.intervals_add > 0')"
"$BIN" staff plan --data "$DATA" --engagement "$BPO" --days 1 > "$TMP/plan.txt"
check "staff plan table" 0 $?
grep -q "forecast: dshw, WAPE" "$TMP/plan.txt" && ok "table shows method and WAPE" || bad "table: $(head -5 "$TMP/plan.txt")"
grep -q "AHT 300s (default)" "$TMP/plan.txt" && ok "default AHT said" || bad "default AHT: $(head -3 "$TMP/plan.txt")"
grep -Eq "^cost: [0-9]+\.[0-9]{2} USD" "$TMP/plan.txt" && ok "table shows the cost" || bad "cost: $(tail -2 "$TMP/plan.txt")"
"$BIN" staff plan --data "$DATA" --engagement "$KPO" --days 1 > "$TMP/plan2.txt"
check "plan of an engagement without history" 0 $?
grep -q "fallback: no arrival history" "$TMP/plan2.txt" && ok "CLI says fallback" || bad "fallback: $(head -5 "$TMP/plan2.txt")"
"$BIN" staff plan --help | grepq "usage: alihdaya staff plan" && ok "plan --help" || bad "plan --help"
"$BIN" staff plan --data "$DATA" 2>/dev/null; check "plan without --engagement exits 2" 2 $?
"$BIN" staff plan --data "$DATA" --engagement 1 --interval 10m 2>/dev/null; check "bad interval exits 2" 2 $?
"$BIN" staff erlang --contacts 100 --interval 30m --aht 180 --target 80/20s 2>/dev/null; check "a duration without a unit exits 2" 2 $?
"$BIN" staff plan --data "$DATA" --engagement 1 --days 30 2>/dev/null; check "bad days exits 2" 2 $?
"$BIN" staff plan --data "$DATA" --engagement 999 2>"$TMP/e"; check "unknown engagement exits 1" 1 $?
grep -q "no engagement 999" "$TMP/e" && ok "unknown engagement said" || bad "error: $(cat "$TMP/e")"

# The server answers the same plan over HTTP, and reads it beside a running server.
start_server
api GET "/v1/engagements/$BPO/staffing?days=3&interval=3600&aht=240" "$MGR"
expect "plan with history over HTTP" 200
check "same method over HTTP" dshw "$(jqr .forecast.method)"
"$BIN" staff plan --data "$DATA" --engagement "$BPO" --days 1 >/dev/null
check "CLI reads beside a running server" 0 $?

finish
