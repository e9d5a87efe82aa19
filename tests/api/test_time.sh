#!/usr/bin/env bash
# test_time.sh - time from the work itself (lease -> submit, lease -> expiry), manual entries
# and timers, a manager's correction (the original stays, the audit shows both), billing
# periods (approve, lock: a locked period refuses every change with 409; an overlapping one
# is refused), the cost side, and who reads what (another client's time: 404).
# The engine reads its time from a file (serve --clock-file): the test moves it, never sleeps
# for the clock. Expected values are computed here by hand, not by the server's code.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z (a Thursday)
clock_start $T0
init_data
start_server --clock-file "$CLOCK"
setup_world 600 # leases of ten minutes

# --- lease -> submit: one work entry, the measured duration -----------------------------
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":1}}"
A=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":2}}"
B=$(jqr .id)
api POST /v1/work/next "$W1"
check "W1 takes A" "$A" "$(jqr .id)"
EA=$(jqr .lease.epoch)
advance 90000
sleep 0.4
api POST "/v1/items/$A/submit" "$W1" "{\"epoch\":$EA,\"result\":{\"n\":1}}"
expect "A submitted" 200
api GET "/v1/engagements/$BPO/time" "$MGR"
expect "manager lists the engagement's time" 200
check "one entry after one lease" 1 "$(jqr '.data|length')"
check "the entry is work" work "$(jqr '.data[0].kind')"
check "its item is A" "$A" "$(jqr '.data[0].item_id')"
check "its worker is W1" "$W1ID" "$(jqr '.data[0].worker_id')"
check "lease start to submit: 90 s" 90000 "$(jqr '.data[0].duration_ms')"
check "started at the lease" "2026-01-01T00:00:00.000Z" "$(jqr '.data[0].started_at')"
E1=$(jqr '.data[0].id')

# --- idle time is nobody's: five minutes pass, then B is leased and expires -------------
advance 300000
api POST /v1/work/next "$W1"
check "W1 takes B" "$B" "$(jqr .id)"
advance 602500 # the deadline passes; the engine finds it 2.5 s late at most
wait_state "$B" queued
check "B's lease expired" queued "$(jqr .state)"
api GET "/v1/engagements/$BPO/time?worker_id=$W1ID" "$MGR"
check "two entries now" 2 "$(jqr '.data|length')"
check "the expiry bills to the deadline: 600 s" 600000 "$(jqr '.data[1].duration_ms')"
check "the idle 5 minutes are in no entry" 690000 "$(jqr '[.data[].duration_ms]|add')"
E2=$(jqr '.data[1].id')

# --- manual entries and timers (KPO worker W2 on LEX's engagement) -----------------------
NOW=$(cat "$CLOCK")
api POST "/v1/engagements/$KPO/time" "$W2" '{"duration_ms":2700000,"note":"case law review"}'
expect "a KPO worker logs 45 minutes by hand" 201
check "manual kind" manual "$(jqr .kind)"
check "45 minutes" 2700000 "$(jqr .duration_ms)"
check "the note is kept" "case law review" "$(jqr .note)"
check "ends now by default" "$NOW" "$(( $(date -d "$(jqr .ended_at)" +%s%3N) ))"
api POST "/v1/engagements/$KPO/time" "$W2" '{"started_at":"2026-01-01T00:30:00Z","ended_at":"2026-01-01T00:10:00Z"}'
expect "an end before the start is 400" 400
api POST "/v1/engagements/$KPO/time" "$W2" '{"note":"no times"}'
expect "no times is 400" 400
api POST "/v1/engagements/$KPO/time" "$W2" '{"duration_ms":90000000}'
expect "more than 24 h is 400" 400
api POST "/v1/engagements/$KPO/time" "$W1" '{"duration_ms":60000}'
expect "a worker not cleared for the client gets 404" 404
api POST "/v1/engagements/$KPO/time/start" "$W2" '{"note":"memo draft"}'
expect "W2 starts a timer" 201
check "running" true "$(jqr .running)"
TID=$(jqr .id)
api POST "/v1/engagements/$KPO/time/start" "$W2" '{}'
expect "a second timer is refused" 409
advance 1800000
sleep 0.4
api POST /v1/time/stop "$W2" '{}'
expect "W2 stops it" 200
check "the same entry" "$TID" "$(jqr .id)"
check "30 minutes measured" 1800000 "$(jqr .duration_ms)"
api POST /v1/time/stop "$W2" '{}'
expect "no running timer: 409" 409
api POST "/v1/engagements/$KPO/time" "$MGR" '{"duration_ms":60000}'
expect "staff must name the worker" 400
api POST "/v1/engagements/$KPO/time" "$ACMEU" '{"duration_ms":60000}'
expect "a client user may not log time" 403

# --- the CLI, through the running server, as the worker of its token --------------------
OUT=$(ALIHDAYA_TOKEN=$W2 "$BIN" time log --data "$DATA" --engagement "$KPO" --duration 15m --note "cli memo" --json)
check "CLI: time log through the server" 900000 "$(printf '%s' "$OUT" | jq -r .duration_ms)"
check "CLI: the worker of the token" "$W2ID" "$(printf '%s' "$OUT" | jq -r .worker_id)"
ALIHDAYA_TOKEN=$W2 "$BIN" time start --data "$DATA" --engagement "$KPO" >/dev/null
check "CLI: time start" 0 "$?"
advance 600000
sleep 0.4
OUT=$(ALIHDAYA_TOKEN=$W2 "$BIN" time stop --data "$DATA" --json)
check "CLI: time stop measures 10 minutes" 600000 "$(printf '%s' "$OUT" | jq -r .duration_ms)"
OUT=$(ALIHDAYA_TOKEN=$W2 "$BIN" time list --data "$DATA" --engagement "$KPO" --json)
check "CLI: time list shows W2's four entries" 4 "$(printf '%s' "$OUT" | jq -r '.data|length')"
"$BIN" time log --data "$DATA" --engagement "$KPO" --duration 15 >/dev/null 2>&1
check "CLI: a duration without a unit is a usage error" 2 "$?"

# --- who reads what ----------------------------------------------------------------------
api GET "/v1/engagements/$BPO/time" "$W3"
expect "another worker reads its own time only" 200
check "W3 has none" 0 "$(jqr '.data|length')"
api GET "/v1/engagements/$KPO/time" "$W2"
check "W2 sees its four entries" 4 "$(jqr '.data|length')"
api GET "/v1/time/$E1" "$W2"
expect "W2 reading W1's entry: 404" 404
api GET "/v1/engagements/$BPO/time" "$ACMEU"
expect "the client reads its engagement" 200
check "no approved period yet: nothing shown" 0 "$(jqr '.data|length')"
api GET "/v1/engagements/$BPO/time" "$LEXU"
expect "another client's engagement: 404" 404
api GET "/v1/time/$E1" "$LEXU"
expect "another client's entry: 404" 404
api GET "/v1/engagements/$BPO/time" "$AUD"
expect "the auditor reads" 200

# --- a correction: the original stays ---------------------------------------------------
api PATCH "/v1/time/$E1" "$W1" '{"duration_ms":1000,"reason":"x"}'
expect "a worker may not correct" 403
api PATCH "/v1/time/$E1" "$MGR" '{"started_at":"2026-01-01T00:00:00Z","duration_ms":120000}'
expect "a correction without a reason is 400" 400
api PATCH "/v1/time/$E1" "$MGR" '{"started_at":"2026-01-01T00:00:00Z","duration_ms":120000,"reason":"the form took two minutes; the submit was late"}'
expect "the manager corrects A's entry" 201
C1=$(jqr .id)
check "the correction names the original" "$E1" "$(jqr .corrected_from)"
check "the corrected duration" 120000 "$(jqr .duration_ms)"
api GET "/v1/time/$E1" "$MGR"
check "the original keeps its duration" 90000 "$(jqr .duration_ms)"
check "the original is superseded by the correction" "$C1" "$(jqr .superseded_by)"
api PATCH "/v1/time/$E1" "$MGR" '{"duration_ms":1,"started_at":"2026-01-01T00:00:00Z","reason":"again"}'
expect "correcting a corrected entry: 409" 409
api GET "/v1/engagements/$BPO/time" "$MGR"
check "the current entries: the correction and B's" "$E2 $C1" "$(jqr '[.data[].id]|join(" ")')"
api GET "/v1/engagements/$BPO/time?all=true" "$MGR"
check "all=true shows the original too" 3 "$(jqr '.data|length')"
api GET "/v1/audit?limit=500" "$AUD"
check "the audit holds the correction with before and after" "$E1 90000 120000" \
  "$(jqr '[.data[]|select(.action=="time.correct")][0]|"\(.detail.corrects) \(.detail.before.duration_ms) \(.detail.after.duration_ms)"')"
check "the audit holds no reason text" "" "$(printf '%s' "$BODY" | grep -o 'submit was late')"

# --- periods: week of the engagement's time zone (Acme: America/New_York) ---------------
api POST "/v1/engagements/$BPO/periods" "$MGR" '{"kind":"week","start":"2025-12-30"}'
expect "a week starts on a Monday" 400
api POST "/v1/engagements/$BPO/periods" "$MGR" '{"kind":"fortnight","start":"2025-12-29"}'
expect "an unknown kind is 400" 400
api POST "/v1/engagements/$BPO/periods" "$MGR" '{"kind":"week","start":"2025-12-29"}'
expect "the week of 29 December" 201
P=$(jqr .id)
check "from local midnight in New York" "2025-12-29T05:00:00.000Z" "$(jqr .starts_at)"
check "to the next Monday's" "2026-01-05T05:00:00.000Z" "$(jqr .ends_at)"
check "open" open "$(jqr .state)"
api POST "/v1/periods/$P/lock" "$MGR" ''
expect "lock before approve: 409" 409
api POST "/v1/periods/$P/approve" "$MGR" ''
expect "approve before the week ended: 409" 409
set_clock 1767614400000 # 2026-01-05T12:00:00Z
sleep 0.4
api POST "/v1/periods/$P/approve" "$ACMEU" ''
expect "a client may not approve" 403
api POST "/v1/periods/$P/approve" "$MGR" ''
expect "approved once it ended" 200
check "approved" approved "$(jqr .state)"
api GET "/v1/engagements/$BPO/time" "$ACMEU"
check "the client now reads the approved time" 2 "$(jqr '.data|length')"
api POST "/v1/periods/$P/lock" "$MGR" ''
expect "locked" 200
check "locked state" locked "$(jqr .state)"

api PATCH "/v1/time/$C1" "$MGR" '{"started_at":"2026-01-01T00:00:00Z","duration_ms":60000,"reason":"late change"}'
expect "a correction in a locked period: 409" 409
check "the refusal names the period" "period $P (week 2025-12-29)" "$(jqr .error.message | grep -o "period $P (week 2025-12-29)")"
api POST "/v1/engagements/$BPO/time" "$MGR" "{\"worker_id\":$W1ID,\"started_at\":\"2026-01-02T10:00:00Z\",\"duration_ms\":60000}"
expect "a new entry inside a locked period: 409" 409
api POST "/v1/engagements/$BPO/periods" "$MGR" '{"kind":"month","start":"2026-01-01"}'
expect "a month overlapping the locked week: 409" 409
check "the refusal names the locked period" "overlaps period $P" "$(jqr .error.message | grep -o "overlaps period $P")"
api POST "/v1/engagements/$BPO/periods" "$MGR" '{"kind":"week","start":"2026-01-05"}'
expect "the next week is fine" 201
api GET "/v1/engagements/$BPO/periods" "$ACMEU"
check "the client lists its periods" 2 "$(jqr '.data|length')"
api GET "/v1/periods/$P" "$LEXU"
expect "another client's period: 404" 404

# --- the cost side: hours times W1's 900 cents an hour ----------------------------------
api GET "/v1/engagements/$BPO/cost?period_id=$P" "$W1"
expect "a worker may not read cost" 403
api GET "/v1/engagements/$BPO/cost?period_id=$P" "$ACMEU"
expect "a client may not read cost" 403
api GET "/v1/engagements/$BPO/cost?period_id=$P" "$MGR"
expect "the manager reads the cost" 200
# 120000 + 600000 ms = 0.2 h at 900 = 180 cents (python: round half up of 720000*900/3600000)
EXP=$(python3 -c 'print((720000*900*2 + 3600000)//(2*3600000))')
check "hours" 720000 "$(jqr .hours_ms)"
check "W1's cost in cents" "$EXP" "$(jqr '.workers[0].cost_minor')"
check "the total in USD" "USD $EXP" "$(jqr '.totals[0]|"\(.currency) \(.cost_minor)"')"

# --- a lock waits for a lease that began in the period ----------------------------------
api POST "/v1/engagements/$KPO/periods" "$MGR" '{"kind":"week","start":"2026-01-05"}'
expect "LEX's week of 5 January" 201
PK=$(jqr .id)
set_clock 1768175700000 # 2026-01-11T23:55:00Z: five minutes before LEX's week ends (UTC)
sleep 0.4
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"q\":1}}"
K=$(jqr .id)
api POST /v1/work/next "$W2"
check "W2 takes K inside the week" "$K" "$(jqr .id)"
set_clock 1768176060000 # 2026-01-12T00:01:00Z: the week ended, the lease (to 00:05) runs
sleep 0.4
api POST "/v1/periods/$PK/approve" "$MGR" ''
expect "approve LEX's week" 200
api POST "/v1/periods/$PK/lock" "$MGR" ''
expect "a lease begun in the week still runs: lock refused" 409
check "the refusal names the item" "item $K's lease" "$(jqr .error.message | grep -o "item $K's lease")"
advance 240000 # 00:05:00: the lease expires
wait_state "$K" queued
api POST "/v1/periods/$PK/lock" "$MGR" ''
expect "the lease ended (expired): the lock goes through" 200
api GET "/v1/engagements/$KPO/time?period_id=$PK" "$MGR"
check "the expired lease is in the locked week" 600000 "$(jqr "[.data[]|select(.item_id==$K)][0].duration_ms")"
finish
