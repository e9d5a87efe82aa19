#!/usr/bin/env bash
# test_time_sums.sh - billing's running sums (time_sums, kept by triggers on time_entries):
# after random manual entries, timers, lease -> submit entries, corrections and corrections of
# corrections (each supersedes an entry: its sum moves from the old hour/worker/billable to the
# new), the sums equal a brute-force walk over the entries computed here in Python; and a
# month's draft in a half-hour zone (Asia/Kolkata: its bounds cut UTC hours, so the draft reads
# sums and walks the cut hours' entries) bills exactly what a walk over the entries gives, per
# line (the server's own walk, GET /v1/invoices/:id/entries, and Python's).
. "$(dirname "$0")/lib.sh"

T0=1770076800000 # 2026-02-03T00:00:00Z
clock_start $T0
init_data
start_server --clock-file "$CLOCK"
setup_world 600
DB=$DATA/alihdaya.db

api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Kolkata forms\",\"required_skills\":[{\"code\":\"data_entry\",\"level\":2}],\"sla_seconds\":86400,\"lease_seconds\":600,\"time_zone\":\"Asia/Kolkata\"}"
expect "an engagement in a half-hour zone" 201
ENG=$(jqr .id)
api PUT "/v1/engagements/$ENG/rates" "$MGR" '{"currency":"IDR","hourly":[{"grade":0,"price":"50000.00"},{"grade":3,"price":"85000.00"}]}'
expect "its rate card" 200

# sums_match: the table against Python's walk over the entries (current, ended ones)
sums_match() {
  python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
want = {}
for e, b, s, w, d in db.execute("SELECT engagement_id, billable, started_at, worker_id, duration_ms "
                                "FROM time_entries WHERE superseded_by = 0 AND duration_ms > 0"):
    k = (e, 1 if b else 0, s // 3600000 * 3600000, w)
    ms, n = want.get(k, (0, 0))
    want[k] = (ms + d, n + 1)
got = {(e, b, h, w): (ms, n) for e, b, h, w, ms, n in
       db.execute("SELECT engagement_id, billable, hour_at, worker_id, ms, n FROM time_sums WHERE n != 0")}
zero = db.execute("SELECT count(*) FROM time_sums WHERE n = 0 AND ms != 0").fetchone()[0]
if got != want or zero:
    print("sums differ:", sorted(set(got.items()) ^ set(want.items()))[:10], zero)
    sys.exit(1)
print(len(got))
PY
}

# ---- random writes: manual entries around the period's bounds and inside it ------------------------
# January in Asia/Kolkata: [2025-12-31T18:30Z, 2026-01-31T18:30Z)
FROM=1767205800000
TO=1769884200000
python3 - "$FROM" "$TO" "$W1ID" "$W3ID" > "$TMP/plan" <<'PY'
import random, sys, datetime
lo, hi, w1, w3 = map(int, sys.argv[1:])
rnd = random.Random(1202)
iso = lambda ms: datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
for i in range(90):
    edge = rnd.choice((lo, hi, None))
    at = edge + rnd.randrange(-5400, 5400) * 1000 if edge else rnd.randrange(lo, hi) // 1000 * 1000
    print(rnd.choice((w1, w3)), iso(at), rnd.randrange(1, 3 * 3600) * 1000, 'true' if rnd.random() > 0.15 else 'false')
PY
while read -r w at ms bill; do
  api POST "/v1/engagements/$ENG/time" "$MGR" "{\"worker_id\":$w,\"started_at\":\"$at\",\"duration_ms\":$ms,\"billable\":$bill}"
  [ "$STATUS" = 201 ] || bad "manual entry $w $at $ms: $STATUS $BODY"
done < "$TMP/plan"
check "90 manual entries" 90 "$(sqlite3 "$DB" "SELECT count(*) FROM time_entries WHERE engagement_id = $ENG")"
N=$(sums_match) && ok "the sums after the entries equal the walk ($N sums)" || bad "after entries: $N"

# ---- corrections: moved in time (across hours and the bounds), re-timed, made (not) billable --------
python3 - "$FROM" "$TO" > "$TMP/fix" <<'PY'
import random, sys, datetime
lo, hi = map(int, sys.argv[1:])
rnd = random.Random(77)
iso = lambda ms: datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
for i in range(40):
    edge = rnd.choice((lo, hi, None))
    at = edge + rnd.randrange(-3600, 3600) * 1000 if edge else rnd.randrange(lo, hi) // 1000 * 1000
    print(rnd.randrange(1 << 30), iso(at), rnd.randrange(1, 2 * 3600) * 1000, rnd.choice(('true', 'false', '-')))
PY
while read -r pick at ms bill; do
  # a current entry, picked at random: corrections of corrections come up too
  id=$(sqlite3 "$DB" "SELECT id FROM time_entries WHERE engagement_id = $ENG AND superseded_by = 0 ORDER BY id LIMIT 1 OFFSET ($pick % (SELECT count(*) FROM time_entries WHERE engagement_id = $ENG AND superseded_by = 0))")
  b=""; [ "$bill" = - ] || b=",\"billable\":$bill"
  api PATCH "/v1/time/$id" "$MGR" "{\"reason\":\"fix $pick\",\"started_at\":\"$at\",\"duration_ms\":$ms$b}"
  [ "$STATUS" = 201 ] || bad "correction of $id: $STATUS $BODY"
done < "$TMP/fix"
check "40 entries superseded" 40 "$(sqlite3 "$DB" "SELECT count(*) FROM time_entries WHERE engagement_id = $ENG AND superseded_by != 0")"
check "corrections of corrections among them" 1 "$(sqlite3 "$DB" "SELECT count(*) > 0 FROM time_entries WHERE engagement_id = $ENG AND superseded_by != 0 AND corrected_from != 0")"
N=$(sums_match) && ok "the sums after the corrections equal the walk ($N sums)" || bad "after corrections: $N"

# ---- the work itself: lease -> submit, lease -> expiry, a timer (entries ended by an UPDATE) -------
api POST /v1/items "$ACMEU" "{\"engagement_id\":$ENG,\"payload\":{\"n\":1}}"
A=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$ENG,\"payload\":{\"n\":2}}"
api POST /v1/work/next "$W1"
EA=$(jqr .lease.epoch)
advance 90000
api POST "/v1/items/$A/submit" "$W1" "{\"epoch\":$EA,\"result\":{\"n\":1}}"
expect "submitted" 200
api POST /v1/work/next "$W1"
expect "a second lease" 200
advance 700000 # past the lease: it expires
sleep 1.2
api POST "/v1/engagements/$ENG/time/start" "$MGR" "{\"worker_id\":$W3ID}"
expect "a timer" 201
advance 120000
api POST /v1/time/stop "$MGR" "{\"worker_id\":$W3ID}"
expect "stopped" 200
check "work and timer entries ended" 1 "$(sqlite3 "$DB" "SELECT count(*) >= 2 FROM time_entries WHERE engagement_id = $ENG AND started_at >= $T0 AND duration_ms > 0")"
N=$(sums_match) && ok "the sums after leases and a timer equal the walk ($N sums)" || bad "after leases: $N"

# ---- the month drafted from the sums equals the walk over the entries --------------------------------
api POST "/v1/engagements/$ENG/periods" "$MGR" '{"kind":"month","start":"2026-01-01"}'
expect "January in Kolkata" 201
P=$(jqr .id)
check "its bounds cut UTC hours" "$FROM|$TO" "$(sqlite3 "$DB" "SELECT starts_at, ends_at FROM billing_periods WHERE id = $P")"
api POST "/v1/periods/$P/approve" "$MGR" ''
api POST "/v1/periods/$P/lock" "$MGR" ''
expect "locked" 200
api POST "/v1/periods/$P/invoice" "$MGR"
expect "drafted" 201
INV=$(jqr .id)
WALK=$(sqlite3 "$DB" "SELECT coalesce(sum(duration_ms), 0) FROM time_entries WHERE engagement_id = $ENG AND started_at >= $FROM AND started_at < $TO AND superseded_by = 0 AND billable = 1 AND duration_ms > 0")
check "the draft's hours: the entries' walk" "$WALK" "$(jqr .hours_ms)"
printf '%s' "$BODY" > "$TMP/inv.json"
# per hours line: its quantity, the server's entry walk of the line, Python's walk of its workers
for line in $(jq -r '.lines[]|select(.kind=="hours")|.line' "$TMP/inv.json"); do
  q=$(jq -r --argjson l "$line" '.lines[]|select(.line==$l)|.quantity' "$TMP/inv.json")
  api GET "/v1/invoices/$INV/entries?line=$line" "$MGR"
  check "line $line: the server's walk of its entries" "$q" "$(jqr '[.data[].duration_ms]|add')"
  api GET "/v1/invoices/$INV/refs?line=$line" "$MGR"
  ws=$(jqr '[.data[]|select(.kind=="worker")|.id]|join(",")')
  check "line $line: Python's walk of its workers' entries" "$q" \
    "$(sqlite3 "$DB" "SELECT sum(duration_ms) FROM time_entries WHERE engagement_id = $ENG AND worker_id IN ($ws) AND started_at >= $FROM AND started_at < $TO AND superseded_by = 0 AND billable = 1 AND duration_ms > 0")"
done
check "two hours lines (grades 3 and 1)" 2 "$(jq '[.lines[]|select(.kind=="hours")]|length' "$TMP/inv.json")"
want=$(sqlite3 "$DB" "SELECT worker_id, sum(duration_ms) FROM time_entries WHERE engagement_id = $ENG AND started_at >= $FROM AND started_at < $TO AND superseded_by = 0 AND billable = 1 AND duration_ms > 0 GROUP BY worker_id" |
  python3 -c "
import sys
from decimal import Decimal, ROUND_HALF_UP
price = {$W1ID: 8500000, $W3ID: 5000000}
print(sum(int((Decimal(price[int(w)]) * int(m) / 3600000).quantize(Decimal(1), ROUND_HALF_UP)) for w, m in (l.strip().split('|') for l in sys.stdin)))")
check "the work amount: Python's pricing of the walk" "$want" "$(jq -r .work_minor "$TMP/inv.json")"

# a locked period refuses a correction: the sums stay
id=$(sqlite3 "$DB" "SELECT id FROM time_entries WHERE engagement_id = $ENG AND superseded_by = 0 AND started_at >= $FROM + 3600000 AND started_at < $TO - 3600000 LIMIT 1")
api PATCH "/v1/time/$id" "$MGR" '{"reason":"late","duration_ms":5000,"started_at":"2026-01-10T00:00:00Z"}'
expect "locked: 409" 409
N=$(sums_match) && ok "the sums after a refused correction equal the walk" || bad "after 409: $N"

# ---- the migration's fill: a store whose sums were lost is refilled to the walk ----------------------
stop_server
fill=$(strings "$BIN" | grep -m1 -o 'INSERT INTO time_sums SELECT engagement_id.*' || true)
if [ -n "$fill" ]; then
  sqlite3 "$DB" "DELETE FROM time_sums; $fill"
  N=$(sums_match) && ok "the migration's fill (read out of the binary) equals the walk" || bad "fill: $N"
else
  bad "the migration's fill statement not found in the binary"
fi

finish
