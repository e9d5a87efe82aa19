#!/usr/bin/env bash
# test_quality_report.sh - GET /v1/quality/report and `quality report` over observations seeded
# into the store. The flows that record observations (keying, gold, review) are other parts of
# issue 10, so this test writes them itself, with the sqlite3 CLI, into the real database file
# of a stopped server, then starts it again (no debug route exists for it, and none is added).
# Checks: the counts against sqlite3's own counts of the seeded rows, the Wilson bounds against
# Python's closed formula, JSON and CSV (RFC 4180, parsed by Python's csv) carrying the same
# numbers, the window, access (a client user of another engagement: 404, as a missing one;
# workers 403), bad queries 400, and the CLI's CSV byte for byte the API's.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world
stop_server
check "server stopped for seeding" 0 "$?"

DB=$DATA/alihdaya.db
D1=1767225600000 # 2026-01-01T00:00:00Z
D2=$((D1 + 86400000))
{
  echo "BEGIN;"
  row() { echo "INSERT INTO quality_obs(at, engagement_id, worker_id, item_id, kind, field, code, ok) VALUES ($1, $2, $3, $4, '$5', '$6', '$7', $8);"; }
  # W1 on the BPO engagement: 10 gold answers, 8 right; 5 compared fields, 4 agreed; 4 reviews, 2 rejected
  for i in $(seq 1 10); do row $((D1 + i)) "$BPO" "$W1ID" "$i" gold amount '' $([ "$i" -le 8 ] && echo 1 || echo 0); done
  for i in $(seq 1 5); do row $((D1 + 100 + i)) "$BPO" "$W1ID" $((20 + i)) agree amount '' $([ "$i" -le 4 ] && echo 1 || echo 0); done
  row $((D2 + 1)) "$BPO" "$W1ID" 31 review date wrong_value 0
  row $((D2 + 2)) "$BPO" "$W1ID" 32 review '' missing_field 0
  row $((D2 + 3)) "$BPO" "$W1ID" 33 review '' '' 1
  row $((D2 + 4)) "$BPO" "$W1ID" 34 review '' '' 1
  # W3: 3 gold answers, none right; 2 rejected reviews (a code with a comma and a quote)
  for i in 1 2 3; do row $((D2 + 10 + i)) "$BPO" "$W3ID" $((40 + i)) gold 'name, "first"' '' 0; done
  row $((D2 + 20)) "$BPO" "$W3ID" 51 review amount wrong_value 0
  row $((D2 + 21)) "$BPO" "$W3ID" 52 review amount 'bad, "odd"' 0
  # the other client's engagement: never in the BPO report
  for i in 1 2; do row $((D1 + i)) "$KPO" "$W2ID" $((60 + i)) gold memo '' 1; done
  echo "COMMIT;"
} | sqlite3 "$DB"
check "observations seeded" 26 "$(sqlite3 "$DB" 'SELECT count(*) FROM quality_obs')"
start_server

# ---- by worker: the counts sqlite3 counts -----------------------------------------------------
api GET "/v1/quality/report?engagement=$BPO" "$MGR"
expect "report by worker" 200
check "by worker by default" worker "$(jqr .by)"
check "observations of the engagement only" \
  "$(sqlite3 "$DB" "SELECT count(*) FROM quality_obs WHERE engagement_id = $BPO")" "$(jqr .observations)"
check "one row per worker, in id order" "$W1ID $W3ID" "$(jqr '[.rows[].worker_id]|join(" ")')"
for w in "$W1ID" "$W3ID"; do
  q() { sqlite3 "$DB" "SELECT $1 FROM quality_obs WHERE engagement_id = $BPO AND worker_id = $w $2"; }
  want="$(q 'count(*)' "AND kind = 'gold'") $(q 'count(*)' "AND kind = 'gold' AND ok") \
$(q 'count(*)' "AND kind = 'agree'") $(q 'count(*)' "AND kind = 'agree' AND ok") \
$(q 'count(*)' "AND kind = 'review'") $(q 'count(*)' "AND kind = 'review' AND ok") \
$(q 'count(*)' "AND kind = 'review' AND NOT ok")"
  check "worker $w: counts as sqlite3 counts them" "$want" "$(jqr ".rows[]|select(.worker_id==$w)|
    \"\(.gold.n) \(.gold.correct) \(.agreement.n) \(.agreement.agreed) \(.reviews.n) \(.reviews.accepted) \(.reviews.rejected)\"")"
done
check "W1 rates" "0.8 0.8 0.5" "$(jqr ".rows[0]|\"\(.gold.accuracy) \(.agreement.rate) \(.reviews.defect_rate)\"")"
check "W1 defects by code" '{"missing_field":1,"wrong_value":1}' "$(jqr '.rows[0].defects|tojson')"
check "W3: accuracy 0, rate null without agreement" "0 null" "$(jqr '.rows[1]|"\(.gold.accuracy) \(.agreement.rate)"')"
# Wilson's closed formula in Python, at the report's z
wil=$(python3 -c "
import math,sys
z=1.959963984540054
for k,n in [(8,10),(0,3)]:
  p=k/n; d=1+z*z/n; c=(p+z*z/(2*n))/d; h=z/d*math.sqrt(p*(1-p)/n+z*z/(4*n*n))
  print('%.12f %.12f' % (max(0,c-h), min(1,c+h)))" | tr '\n' ' ')
got=$(printf '%s' "$BODY" | python3 -c "
import json,sys
r=json.load(sys.stdin)['rows']
print(' '.join('%.12f %.12f' % (x['gold']['lower'], x['gold']['upper']) for x in r), end=' ')")
check "Wilson bounds as Python computes them" "$wil" "$got"
JSON_W=$BODY

# ---- JSON and CSV: the same numbers, for every grouping ------------------------------------
for by in worker field code day; do
  api GET "/v1/quality/report?engagement=$BPO&by=$by" "$MGR"
  expect "JSON by $by" 200
  printf '%s' "$BODY" > "$TMP/r.json"
  api GET "/v1/quality/report?engagement=$BPO&by=$by&format=csv" "$MGR"
  expect "CSV by $by" 200
  check "CSV content type" "text/csv; charset=utf-8; header=present" "$(header Content-Type)"
  cp "$TMP/body" "$TMP/r.csv" # the bytes as sent: $BODY lost the final line end
  if python3 - "$TMP/r.json" "$TMP/r.csv" "$by" <<'PY'
import csv, json, sys
j = json.load(open(sys.argv[1]))
raw = open(sys.argv[2], newline="").read()
assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", ""), "CRLF line ends"
rows = list(csv.reader(raw.splitlines(keepends=True)))
head, body = rows[0], rows[1:]
key = {"worker": "worker_id", "field": "field", "code": "code", "day": "day"}[sys.argv[3]]
assert head[0] == key, head
assert len(body) == len(j["rows"]), (len(body), len(j["rows"]))
codes = [h[len("defect:"):] for h in head if h.startswith("defect:")]
def num(s):
    return None if s == "" else float(s)
for c, r in zip(body, j["rows"]):
    d = dict(zip(head, c))
    assert d[key] == str(r[key]), (d[key], r[key])
    pairs = [("gold_n", r["gold"]["n"]), ("gold_correct", r["gold"]["correct"]),
             ("gold_accuracy", r["gold"]["accuracy"]), ("gold_lower", r["gold"]["lower"]),
             ("gold_upper", r["gold"]["upper"]), ("agreement_n", r["agreement"]["n"]),
             ("agreement_agreed", r["agreement"]["agreed"]),
             ("agreement_rate", r["agreement"]["rate"]), ("reviews_n", r["reviews"]["n"]),
             ("reviews_accepted", r["reviews"]["accepted"]),
             ("reviews_rejected", r["reviews"]["rejected"]),
             ("defect_rate", r["reviews"]["defect_rate"])]
    pairs += [("defect:" + k, r["defects"].get(k, 0)) for k in codes]
    for col, want in pairs:
        got = num(d[col])
        assert got == (None if want is None else float(want)), (col, d[col], want)
    assert set(r["defects"]) <= set(codes)
PY
  then ok "CSV and JSON by $by: the same numbers"; else bad "CSV and JSON by $by differ"; fi
done
api GET "/v1/quality/report?engagement=$BPO&by=code&format=csv" "$MGR"
check "a code with a comma and quotes is quoted (RFC 4180)" 1 \
  "$(printf '%s' "$BODY" | grep -c '^"bad, ""odd""",')"
api GET "/v1/quality/report?engagement=$BPO&by=field" "$MGR"
check "fields in byte order, none first" '["","amount","date","name, \"first\""]' "$(jqr '[.rows[].field]|tojson')"
api GET "/v1/quality/report?engagement=$BPO&by=day" "$MGR"
check "two days" '["2026-01-01","2026-01-02"]' "$(jqr '[.rows[].day]|tojson')"
check "day 1: 10 gold 5 agree" "10 5 0" "$(jqr '.rows[0]|"\(.gold.n) \(.agreement.n) \(.reviews.n)"')"

# ---- the window: from inclusive, to exclusive -----------------------------------------------
api GET "/v1/quality/report?engagement=$BPO&from=2026-01-02T00:00:00Z" "$MGR"
expect "from day 2" 200
check "from: day 2's observations" \
  "$(sqlite3 "$DB" "SELECT count(*) FROM quality_obs WHERE engagement_id = $BPO AND at >= $D2")" "$(jqr .observations)"
check "from echoed" "2026-01-02T00:00:00.000Z" "$(jqr .from)"
api GET "/v1/quality/report?engagement=$BPO&to=2026-01-02T00:00:00.001Z" "$MGR"
check "to: exclusive" \
  "$(sqlite3 "$DB" "SELECT count(*) FROM quality_obs WHERE engagement_id = $BPO AND at < $D2 + 1")" "$(jqr .observations)"

# ---- access ---------------------------------------------------------------------------------
api GET "/v1/quality/report?engagement=$BPO" "$ACMEU"
expect "the client reads its own engagement's report" 200
check "the same report as staff's" "$(printf '%s' "$JSON_W" | jq -c .rows)" "$(jqr '.rows|tojson')"
api GET "/v1/quality/report?engagement=$BPO" "$LEXU"
expect "another client's engagement" 404
other=$(jqr -c .error)
api GET "/v1/quality/report?engagement=999999" "$LEXU"
expect "an engagement that does not exist" 404
check "answered as a missing one" "$(printf '%s' "$other" | sed 's/[0-9]\+/N/g')" "$(jqr -c .error | sed 's/[0-9]\+/N/g')"
api GET "/v1/quality/report?engagement=$KPO" "$LEXU"
expect "LexCorp's own engagement" 200
check "its two observations" 2 "$(jqr .observations)"
api GET "/v1/quality/report?engagement=$BPO" "$AUD"
expect "an auditor reads it" 200
api GET "/v1/quality/report?engagement=$BPO" "$W1"
expect "workers may not" 403
api GET "/v1/quality/report?engagement=$BPO" ""
expect "no token" 401

# ---- bad queries ----------------------------------------------------------------------------
for qs in "" "engagement=x" "engagement=$BPO&by=month" "engagement=$BPO&format=xml" \
          "engagement=$BPO&from=yesterday" "engagement=$BPO&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z" \
          "engagement=$BPO&limit=5"; do
  api GET "/v1/quality/report?$qs" "$MGR"
  expect "bad query '$qs'" 400
done

# ---- the CLI: the same report -----------------------------------------------------------------
api GET "/v1/quality/report?engagement=$BPO&by=code&format=csv" "$MGR"
cp "$TMP/body" "$TMP/api.csv"
"$BIN" quality report --engagement "$BPO" --by code --csv --data "$DATA" > "$TMP/cli.csv"
check "CLI CSV byte for byte the API's" "" "$(cmp "$TMP/api.csv" "$TMP/cli.csv" 2>&1)"
out=$("$BIN" quality report --engagement "$BPO" --data "$DATA")
check "CLI table: W1's row" 1 "$(printf '%s\n' "$out" | grep -cE "^$W1ID +10 +8 +80.0% ")"
check "CLI table: W3's defects" 1 "$(printf '%s\n' "$out" | grep -E "^$W3ID " | grep -c 'wrong_value=1')"
"$BIN" quality report --engagement "$BPO" --json --data "$DATA" > "$TMP/cli.json"
check "CLI JSON is the API's" "$(printf '%s' "$JSON_W" | jq -S -c .)" "$(jq -S -c . "$TMP/cli.json")"
"$BIN" quality report --data "$DATA" >/dev/null 2>&1
check "CLI without --engagement: usage" 2 "$?"
"$BIN" quality report --engagement "$BPO" --by week --data "$DATA" >/dev/null 2>&1
check "CLI bad --by" 2 "$?"
"$BIN" quality report --engagement 999 --data "$DATA" >/dev/null 2>&1
check "CLI unknown engagement" 1 "$?"

stop_server
finish
