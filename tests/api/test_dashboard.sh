#!/usr/bin/env bash
# test_dashboard.sh - GET /v1/dashboard and the per-engagement /metrics: every figure checked
# against the same figure computed here, in Python, from the items the test made over the API
# (their due times, their states as the API lists them, the clock file's time); who sees what
# (a client user only its own engagements and no workers, a worker 403).
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
clock_start $T0
init_data
start_server --clock-file "$CLOCK"
setup_world 60 # leases of a minute

iso() { python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp(int(sys.argv[1])/1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z'))" "$1"; }

# BPO (Acme): seven items, due in the past (two), within the hour (two), later (three).
mk() { # mk ENG TOKEN DUE_MS [PRIORITY]
  api POST /v1/items "$2" "{\"engagement_id\":$1,\"payload\":{\"n\":1},\"due_at\":\"$(iso "$3")\"${4:+,\"priority\":$4}}"
  [ "$STATUS" = 201 ] || echo "    create: $STATUS ${BODY:0:200}"
}
mk "$BPO" "$ACMEU" $((T0 + 1000)) 9      # due a second after T0: past due once time moves
mk "$BPO" "$ACMEU" $((T0 + 2000)) 9
mk "$BPO" "$ACMEU" $((T0 + 30 * 60000))
mk "$BPO" "$ACMEU" $((T0 + 59 * 60000))
mk "$BPO" "$ACMEU" $((T0 + 3 * 3600000))
mk "$BPO" "$ACMEU" $((T0 + 86400000))
mk "$BPO" "$ACMEU" $((T0 + 2 * 86400000))
mk "$KPO" "$LEXU" $((T0 + 5 * 86400000))
mk "$KPO" "$LEXU" $((T0 + 10 * 86400000))

# Time moves 10 s: the first two are late. W1 takes one (the most urgent), submits it, the
# manager accepts it: done, and late. W1 takes a second one and keeps it.
advance 10000
sleep 0.3
api POST /v1/work/next "$W1"
FIRST=$(jqr .id); EP=$(jqr .lease.epoch)
api POST "/v1/items/$FIRST/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"ok\":true}}"
expect "W1 submits its first item" 200
api POST "/v1/items/$FIRST/accept" "$MGR" '{}'
expect "the manager accepts it" 200
# W2 takes a KPO item and lets its lease run out: one expiry there.
api POST /v1/work/next "$W2"
EXPIRING=$(jqr .id)
advance 61000
wait_state "$EXPIRING" queued || bad "the KPO lease did not expire"
api POST /v1/work/next "$W1"
NOW=$(cat "$CLOCK")

# The expected figures, from the API's own item lists and the clock, computed in Python.
api GET "/v1/items?limit=200" "$MGR"
printf '%s' "$BODY" > "$TMP/items.json"
python3 - "$TMP/items.json" "$NOW" "$BPO" "$KPO" > "$TMP/expected.json" <<'PY'
import json, sys, datetime
items = json.load(open(sys.argv[1]))
items = items.get("items", items.get("data", items)) if isinstance(items, dict) else items
now = int(sys.argv[2])
def ms(t): return int(datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
out = {}
for eng in sys.argv[3:]:
    mine = [i for i in items if str(i["engagement_id"]) == eng]
    open_ = [i for i in mine if i["state"] in ("queued", "assigned", "submitted", "in_review")]
    queued = [i for i in mine if i["state"] == "queued"]
    oldest = min(queued, key=lambda i: (ms(i["created_at"]), i["id"])) if queued else None
    out[eng] = {
        "queue_depth": len(queued),
        "assigned": sum(i["state"] == "assigned" for i in mine),
        "open": len(open_),
        "due_next_hour": sum(now <= ms(i["due_at"]) < now + 3600000 for i in open_),
        "breaches_open": sum(ms(i["due_at"]) < now for i in open_),
        "done_today": sum(i["state"] == "done" for i in mine),
        "oldest_id": oldest["id"] if oldest else None,
        "oldest_age": (now - ms(oldest["created_at"])) // 1000 if oldest else None,
    }
print(json.dumps(out))
PY
exp() { jq -r ".[\"$1\"].$2" "$TMP/expected.json"; }

api GET /v1/dashboard "$MGR"
expect "the manager reads the dashboard" 200
printf '%s' "$BODY" > "$TMP/dash.json"
got() { jq -r ".engagements[] | select(.id == $1) | $2" "$TMP/dash.json"; }
for E in "$BPO" "$KPO"; do
  check "engagement $E: queue depth" "$(exp "$E" queue_depth)" "$(got "$E" .queue_depth)"
  check "engagement $E: leased" "$(exp "$E" assigned)" "$(got "$E" .assigned)"
  check "engagement $E: open" "$(exp "$E" open)" "$(got "$E" .open)"
  check "engagement $E: due in the next hour" "$(exp "$E" due_next_hour)" "$(got "$E" .due_next_hour)"
  check "engagement $E: open past due" "$(exp "$E" breaches_open)" "$(got "$E" .breaches.open)"
  check "engagement $E: done today" "$(exp "$E" done_today)" "$(got "$E" .done_today)"
  check "engagement $E: oldest waiting item" "$(exp "$E" oldest_id)" "$(got "$E" '.oldest_waiting.item_id')"
  check "engagement $E: oldest waiting age" "$(exp "$E" oldest_age)" "$(got "$E" '.oldest_waiting.age_seconds')"
done
check "BPO: the item done was late" 1 "$(got "$BPO" .breaches.done_late_today)"
check "BPO: throughput in the last hour" 1 "$(got "$BPO" .throughput_hour)"
check "BPO: two leases handed out" 2 "$(got "$BPO" .assignments_total)"
check "BPO: one worker busy" 1 "$(got "$BPO" .workers_busy)"
check "KPO: one lease expired" 1 "$(got "$KPO" .leases_expired_total)"
check "KPO: no offer expired" 0 "$(got "$KPO" .offers_expired_total)"
check "the sanity of the fixture: two breaches left in BPO" 1 "$(exp "$BPO" breaches_open)"
check "workers: W1 busy" 1 "$(jq -r .workers.busy "$TMP/dash.json")"
check "workers: W2 and W3 available" 2 "$(jq -r .workers.available "$TMP/dash.json")"
check "workers: W1 listed first (most loaded), with its load" "Ana 1 2" \
  "$(jq -r '.workers.list[0] | "\(.name) \(.load) \(.capacity)"' "$TMP/dash.json")"

# A worker set away counts as away.
api POST "/v1/workers/$W3ID/status" "$W3" '{"status":"away"}'
api GET /v1/dashboard "$AUD"
expect "an auditor reads the dashboard" 200
check "workers: W3 away" 1 "$(jqr .workers.away)"
check "the auditor sees both engagements" 2 "$(jqr '.engagements | length')"

# Time moves past the hour: throughput per hour falls to 0, today's count stays.
advance 3600000
api GET /v1/dashboard "$MGR"
printf '%s' "$BODY" > "$TMP/dash.json"
check "an hour later: throughput 0" 0 "$(got "$BPO" .throughput_hour)"
check "an hour later: still done today" 1 "$(got "$BPO" .done_today)"
NOW=$(cat "$CLOCK")
python3 - "$TMP/items.json" "$NOW" "$BPO" > "$TMP/late.txt" <<'PY'
import json, sys, datetime
items = json.load(open(sys.argv[1]))
items = items.get("items", items.get("data", items)) if isinstance(items, dict) else items
now = int(sys.argv[2])
def ms(t): return int(datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
print(sum(ms(i["due_at"]) < now for i in items if str(i["engagement_id"]) == sys.argv[3] and i["state"] != "done"))
PY
check "an hour later: the breaches grew with time alone" "$(cat "$TMP/late.txt")" "$(got "$BPO" .breaches.open)"

# Who sees what.
api GET /v1/dashboard "$ACMEU"
expect "a client user reads the dashboard" 200
check "Acme's user sees only Acme's engagement" "$BPO" "$(jqr '[.engagements[].id] | join(",")')"
check "a client user sees no workers" null "$(jqr .workers)"
case "$BODY" in *Ana*|*Priya*|*Eko*) bad "a worker's name in a client's dashboard";; *) ok "no worker name in a client's dashboard";; esac
api GET /v1/dashboard "$LEXU"
check "LexCorp's user sees only LexCorp's engagement" "$KPO" "$(jqr '[.engagements[].id] | join(",")')"
api GET /v1/dashboard "$W1"
expect "a worker may not read the dashboard" 403
api GET /v1/dashboard ""
expect "no token: 401" 401
api GET "/v1/dashboard?x=1" "$MGR"
expect "an unknown query parameter: 400" 400

# /v1/metrics: the same figures per engagement, labelled by id, for staff; the public /metrics
# has the totals only.
curl -s "$BASE/metrics" > "$TMP/public.txt"
grepq '^alihdaya_engine_commands_total ' < "$TMP/public.txt" && ok "/metrics: the totals, public" || bad "/metrics: no totals"
if grep -q 'engagement=\|alihdaya_workers' "$TMP/public.txt"; then bad "the public /metrics shows series per engagement or workers"; else ok "the public /metrics shows no engagement and no workers"; fi
curl -s -H "Authorization: Bearer $ACMEU" -o /dev/null -w '%{http_code}' "$BASE/v1/metrics" > "$TMP/code.txt"
check "/v1/metrics: a client user gets 403" 403 "$(cat "$TMP/code.txt")"
curl -s -H "Authorization: Bearer $MGR" "$BASE/v1/metrics" > "$TMP/metrics.txt"
metric() { awk -v k="$1{engagement=\"$2\"}" '$1 == k {print $2}' "$TMP/metrics.txt"; }
check "/metrics: BPO queue depth" "$(got "$BPO" .queue_depth)" "$(metric alihdaya_engagement_queue_depth "$BPO")"
check "/metrics: KPO lease expiries" 1 "$(metric alihdaya_engagement_lease_expiries_total "$KPO")"
check "/metrics: BPO assignments" 2 "$(metric alihdaya_engagement_assignments_total "$BPO")"
check "/metrics: BPO done late today" 1 "$(metric alihdaya_engagement_done_late_today "$BPO")"
check "/metrics: BPO breaches" "$(cat "$TMP/late.txt")" "$(metric alihdaya_engagement_breached_items "$BPO")"
check "/metrics: workers away" 1 "$(awk '$1 == "alihdaya_workers{state=\"away\"}" {print $2}' "$TMP/metrics.txt")"
grep -q '^# TYPE alihdaya_engagement_assignments_total counter$' "$TMP/metrics.txt" && ok "/metrics: typed" || bad "/metrics: no TYPE line"
if grep -q 'Claim forms\|Research' "$TMP/metrics.txt"; then bad "/metrics names an engagement"; else ok "/metrics labels by id only"; fi
# A restart keeps today's and the last hour's done counts (read back from the store's done
# steps); the *_total counters start again at zero, as documented. One more item done now,
# so the last hour has one.
api POST /v1/work/next "$W1"
SECOND=$(jqr .id); EP=$(jqr .lease.epoch)
check "W1 takes a BPO item" "$BPO" "$(jqr .engagement_id)"
api POST "/v1/items/$SECOND/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"ok\":true}}"
expect "W1 submits it" 200
api POST "/v1/items/$SECOND/accept" "$MGR" '{}'
expect "the manager accepts it" 200
figs() { jq -c '[.engagements[] | {id, done_today, throughput_hour, late: .breaches.done_late_today, done_total}]'; }
api GET /v1/dashboard "$MGR"
BEFORE=$(printf '%s' "$BODY" | figs)
api GET "/v1/items?limit=200" "$MGR"
DONE_BY_ENG=$(printf '%s' "$BODY" | jq -c '[.data[] | select(.state == "done") | .engagement_id] | group_by(.) | map({key: (.[0]|tostring), value: length}) | from_entries')
check "before the restart: done today is the API's done items per engagement" \
  "$DONE_BY_ENG" "$(printf '%s' "$BEFORE" | jq -c 'map(select(.done_today > 0) | {key: (.id|tostring), value: .done_today}) | from_entries')"
stop_server
start_server --clock-file "$CLOCK"
api GET /v1/dashboard "$MGR"
AFTER=$(printf '%s' "$BODY" | figs)
check "after a restart: done today, late today and the last hour's throughput are kept" \
  "$(printf '%s' "$BEFORE" | jq -c 'map(del(.done_total))')" "$(printf '%s' "$AFTER" | jq -c 'map(del(.done_total))')"
check "after a restart: the last hour holds the item done just before it" 1 \
  "$(printf '%s' "$AFTER" | jq "[.[].throughput_hour] | add")"
check "after a restart: done_total counts since the server started" 0 \
  "$(printf '%s' "$AFTER" | jq "[.[].done_total] | add")"
# The next UTC day: a restart then shows nothing done today.
stop_server
set_clock $(( T0 + 86400000 + 60000 ))
start_server --clock-file "$CLOCK"
api GET /v1/dashboard "$MGR"
check "a restart the next day: nothing done today, nothing in the last hour" "0 0 0" \
  "$(printf '%s' "$BODY" | jq -r '[([.engagements[].done_today] | add), ([.engagements[].breaches.done_late_today] | add), ([.engagements[].throughput_hour] | add)] | join(" ")')"
finish
