#!/usr/bin/env bash
# test_exports.sh - exports of an engagement's results as CSV, JSON Lines and XLSX: each parsed
# back with Python alone (csv, json, zipfile + xml) and compared with the items as the API reads
# them; quoting, embedded newlines, unicode, the formula guard; the filters and the limit;
# another client's user 404, a worker and an auditor 403; the audit event with its row count.
. "$(dirname "$0")/lib.sh"

init_data
clock_start 1767225600000 # 2026-01-01T00:00:00Z
start_server --clock-file "$CLOCK"
setup_world

api PUT "/v1/engagements/$BPO/fields" "$MGR" '{"payload":[{"name":"claim_no","type":"text","required":true},{"name":"amount","type":"decimal","scale":2},{"name":"pages","type":"integer"},{"name":"note","type":"text"},{"name":"state","type":"text"}],"result":[{"name":"total","type":"decimal","scale":2},{"name":"ok","type":"boolean"}]}'
expect "fields declared" 200

# create REF PAYLOAD: an item of the BPO engagement by the client's user; sets ID.
create() {
  api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"$1\",\"payload\":$2}"
  expect "item $1 created" 201
  ID=$(jqr .id)
}
# work ID RESULT: w1 takes the next item (which must be ID) and submits RESULT.
work() {
  api POST /v1/work/next "$W1"
  check "w1 takes $1" "$1" "$(jqr .id)"
  api POST "/v1/items/$1/submit" "$W1" "{\"epoch\":$(jqr .lease.epoch),\"result\":$2}"
  expect "submit $1" 200
}

# Day 1: a done item with every awkward cell, a submitted one, a cancelled one.
create R1 '{"claim_no":"CLM-1, \"quoted\"","amount":"12.50","pages":3,"note":"two\nlines\r\nand ünïcödé ✓ 日本","state":"=HYPERLINK(\"http://x\")"}'
I1=$ID
work "$I1" '{"total":"12.50","ok":true}'
advance 3600000
sleep 0.3
api POST "/v1/items/$I1/accept" "$MGR" '{}'
expect "I1 accepted: done" 200
create R2 '{"claim_no":"+1 555","amount":"-3.00","pages":-2,"note":"@SUM(A1)","state":"-x"}'
I2=$ID
work "$I2" '{"total":"0.10","ok":false}'
create R3 '{"claim_no":"\tTAB","note":"\rCR"}'
I3=$ID
api POST "/v1/items/$I3/cancel" "$ACMEU" '{"reason":"not needed"}'
expect "I3 cancelled" 200
# Day 2: two queued items.
advance 86400000
sleep 0.3
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"R4\",\"payload\":{\"claim_no\":\"CLM-4\"}}"
I4=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"claim_no\":\" spaced \"}}"
I5=$(jqr .id)
ALL="$I1 $I2 $I3 $I4 $I5"
# Another client's item, never in ACME's export.
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"payload\":{\"q\":\"lex\"}}"

# The items as the API reads them, for the comparisons.
: > "$TMP/items.jsonl"; : > "$TMP/history.jsonl"
for i in $ALL; do
  api GET "/v1/items/$i" "$ACMEU"
  printf '%s\n' "$BODY" >> "$TMP/items.jsonl"
  api GET "/v1/items/$i/history" "$ACMEU"
  printf '%s\n' "$BODY" >> "$TMP/history.jsonl"
done

# export FORMAT TOKEN [QUERY] [ENGAGEMENT]: the export into $TMP/out.FORMAT.
export_get() {
  STATUS=$(curl -s -o "$TMP/out.$1" -D "$TMP/headers" -w '%{http_code}' -H "Authorization: Bearer $2" \
    "$BASE/v1/engagements/${4:-$BPO}/export?format=$1${3:+&$3}")
  BODY=$(head -c 2000 "$TMP/out.$1" | tr -d '\0')
}

# compare FILE FORMAT [IDS]: the export's rows against the API's items (Python, not our code).
compare() {
  python3 - "$1" "$2" "$TMP/items.jsonl" "$TMP/history.jsonl" "${3:-$ALL}" <<'PY'
import csv, io, json, re, sys, zipfile
import xml.etree.ElementTree as ET
path, fmt, items_path, hist_path, ids = sys.argv[1:6]
ids = [int(x) for x in ids.split()]
items = {}
for line, h in zip(open(items_path, encoding='utf-8'), open(hist_path, encoding='utf-8')):
    it = json.loads(line); it['history'] = json.loads(h); items[it['id']] = it
cols = ['id', 'external_ref', 'state', 'created_at', 'due_at', 'done_at', 'type', 'claim_no', 'amount',
        'pages', 'note', 'payload.state', 'result.total', 'result.ok']

def expected(it):
    p, r = it.get('payload') or {}, it.get('result') or {}
    done = [e['at'] for e in it['history'] if e['to'] in ('done', 'cancelled', 'failed')]
    return [it['id'], it.get('external_ref'), it['state'], it['created_at'], it['due_at'],
            done[-1] if done else None, it['type'], p.get('claim_no'), p.get('amount'), p.get('pages'),
            p.get('note'), p.get('state'), r.get('total'), r.get('ok')]

def as_csv_text(v):
    if v is None: return ''
    if isinstance(v, bool): return 'true' if v else 'false'
    if isinstance(v, str):
        return "'" + v if v[:1] in ('=', '+', '-', '@', '\t', '\r') else v
    return json.dumps(v)

want = [expected(items[i]) for i in ids]
if fmt == 'csv':
    raw = open(path, 'rb').read()
    assert b'\r\n' in raw and not raw.startswith(b'\xef\xbb\xbf'), 'CRLF, no BOM'
    rows = list(csv.reader(io.StringIO(raw.decode('utf-8'), newline='')))
    assert rows[0] == cols, rows[0]
    got = rows[1:]
    exp = [[as_csv_text(v) for v in w] for w in want]
elif fmt == 'jsonl':
    lines = open(path, encoding='utf-8').read().split('\n')
    assert lines[-1] == '', 'ends with a newline'
    objs = [json.loads(l) for l in lines[:-1]]
    assert all(list(o.keys()) == cols for o in objs), objs[:1]
    got = [[o[c] for c in cols] for o in objs]
    exp = want
else:
    z = zipfile.ZipFile(path)
    ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
    shared = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
            shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])))
    sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
    def colno(ref):
        n = 0
        for ch in re.match(r'[A-Z]+', ref).group(0): n = n * 26 + ord(ch) - 64
        return n - 1
    # OOXML writes a control character in text as _xHHHH_ (ECMA-376 ST_Xstring)
    unx = lambda s: re.sub(r'_x([0-9A-Fa-f]{4})_', lambda m: chr(int(m.group(1), 16)), s)
    table = []
    for row in sheet.find('m:sheetData', ns).findall('m:row', ns):
        vals = [None] * len(cols)
        for c in row.findall('m:c', ns):
            t = c.get('t'); v = c.find('m:v', ns)
            if t == 'inlineStr':
                val = unx(''.join(x.text or '' for x in c.iter('{%s}t' % ns['m'])))
            elif t == 's': val = shared[int(v.text)]
            elif t == 'b': val = v.text == '1'
            elif t == 'str': val = v.text
            else:
                f = float(v.text); val = int(f) if f.is_integer() else f
            vals[colno(c.get('r'))] = val
        table.append(vals)
    assert table[0] == cols, table[0]
    got = table[1:]
    exp = want
if got != exp:
    for g, e in zip(got, exp):
        if g != e: print('got ', g, '\nwant', e)
    print(len(got), 'rows, want', len(exp))
    sys.exit(1)
PY
}

export_get csv "$ACMEU"
expect "the client exports CSV" 200
check "CSV media type" "text/csv; charset=utf-8; header=present" "$(header Content-Type)"
check "an attachment" "attachment; filename=\"engagement-$BPO.csv\"" "$(header Content-Disposition)"
check "never cached" "no-store" "$(header Cache-Control)"
check "streamed (chunked)" "chunked" "$(header Transfer-Encoding)"
compare "$TMP/out.csv" csv && ok "CSV rows equal the items (Python's csv)" || bad "CSV rows"
grep -q "\"'=HYPERLINK(\"\"http://x\"\")\"" "$TMP/out.csv" && ok "a formula is guarded and quoted" || bad "formula guard: $(head -c 600 "$TMP/out.csv")"
grep -q ",-2," "$TMP/out.csv" && ok "a negative number is no formula: not guarded" || bad "number -2"
grep -q '," spaced ",' "$TMP/out.csv" && ok "leading and trailing spaces are quoted" || bad "spaces quoted"

export_get jsonl "$ACMEU"
expect "JSON Lines" 200
check "JSONL media type" "application/x-ndjson" "$(header Content-Type)"
compare "$TMP/out.jsonl" jsonl && ok "JSONL rows equal the items, types kept" || bad "JSONL rows"

export_get xlsx "$MGR"
expect "XLSX by the manager" 200
check "XLSX media type" "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" "$(header Content-Type)"
compare "$TMP/out.xlsx" xlsx && ok "XLSX cells equal the items (zipfile + xml)" || bad "XLSX cells"
ls -a "$DATA" | grepq '^\.export-' && bad "a workbook file left in the data dir" || ok "no workbook file left behind"

# Filters: state, the period (created_at, from inclusive, to exclusive), both.
export_get csv "$ACMEU" "state=done"
compare "$TMP/out.csv" csv "$I1" && ok "state=done: only I1" || bad "state filter"
export_get jsonl "$ACMEU" "from=2026-01-02T00:00:00Z"
compare "$TMP/out.jsonl" jsonl "$I4 $I5" && ok "from: day 2's items" || bad "from filter"
export_get jsonl "$ACMEU" "to=2026-01-02T00:00:00Z"
compare "$TMP/out.jsonl" jsonl "$I1 $I2 $I3" && ok "to: day 1's items" || bad "to filter"
export_get csv "$ACMEU" "from=2026-01-02T00:00:00Z&state=done"
check "from and state: nothing but the header" 1 "$(python3 -c 'import csv,sys;print(len(list(csv.reader(open(sys.argv[1],newline="")))))' "$TMP/out.csv")"

# Engagement without declared fields: payload and result as JSON text columns.
export_get csv "$LEXU" "" "$KPO"
expect "the other client exports its own" 200
python3 - "$TMP/out.csv" <<'PY' && ok "undeclared: payload and result are JSON columns" || bad "undeclared columns: $(cat "$TMP/out.csv")"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0] == ['id','external_ref','state','created_at','due_at','done_at','type','payload','result'], rows[0]
assert len(rows) == 2 and rows[1][6] == 'default' and json.loads(rows[1][7]) == {'q': 'lex'} and rows[1][8] == '', rows
PY

# Sensitive fields: the export masks them exactly as the item read does, for each caller.
api PATCH "/v1/engagements/$KPO" "$MGR" '{"sensitive":[{"field":"q","mask":"hidden"}]}'
expect "a sensitive field" 200
api GET "/v1/items?engagement_id=$KPO" "$MGR"
KI=$(jqr '.data[0].id')
for who in MGR LEXU; do
  api GET "/v1/items/$KI" "${!who}"
  WANT=$(printf '%s' "$BODY" | jq -c .payload)
  export_get jsonl "${!who}" "" "$KPO"
  GOT=$(head -1 "$TMP/out.jsonl" | jq -c .payload)
  check "$who: the export's payload is the item read's" "$WANT" "$GOT"
  case $who in
    MGR) check "staff see it masked" false "$([ "$(printf '%s' "$GOT" | jq -r .q)" = lex ] && echo true || echo false)";;
    LEXU) check "the client sees it in clear" lex "$(printf '%s' "$GOT" | jq -r .q)";;
  esac
done

# Bad input: 400 naming what is wrong; the limit.
export_get pdf "$ACMEU";                        expect "a bad format" 400
check "names format" true "$(jqr '.error.message|test("format")')"
STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $ACMEU" "$BASE/v1/engagements/$BPO/export")
check "format required (HTTP)" 400 "$STATUS"
export_get csv "$ACMEU" "from=yesterday";      expect "a bad date" 400
check "names from" true "$(jqr '.error.message|test("^from")')"
export_get csv "$ACMEU" "from=2026-01-03T00:00:00Z&to=2026-01-02T00:00:00Z"; expect "from after to" 400
export_get csv "$ACMEU" "state=asleep";        expect "a bad state" 400
export_get csv "$ACMEU" "colour=red";          expect "an unknown parameter" 400
export_get csv "$ACMEU" "limit=4";             expect "more rows than the limit" 400
check "says narrow it" true "$(jqr '.error.message|test("more than 4 items")')"
export_get csv "$ACMEU" "limit=5";             expect "exactly the limit" 200

# Scope: another client's user 404, a worker and an auditor 403, a missing engagement 404.
export_get csv "$LEXU";                        expect "another client's user" 404
export_get csv "$W1";                          expect "a worker" 403
export_get csv "$AUD";                         expect "an auditor" 403
export_get csv "$ACMEU" "" 999999;             expect "no such engagement" 404

# The audit trail: one item.export per export, with format and rows, no value.
api GET "/v1/audit?limit=500" "$ADMIN"
EV=$(printf '%s' "$BODY" | jq -c "[.data[]|select(.action==\"item.export\" and .record_id==$BPO)]")
N=$(printf '%s' "$EV" | jq length)
[ "$N" -ge 8 ] && ok "every export audited ($N)" || bad "audited exports: $N"
check "who, what" "acme-user engagement $ACME" "$(printf '%s' "$EV" | jq -r '.[0]|"\(.actor_name // .actor_user_id) \(.record_type) \(.client_id)"' | sed "s/^[0-9]* /acme-user /")"
printf '%s' "$EV" | jq -e '.[0].detail|.format=="csv" and .rows==5' >/dev/null && ok "format and row count" || bad "detail: $(printf '%s' "$EV" | jq -c '.[0]')"
printf '%s' "$EV" | jq -e '[.[].detail|select(.state=="done" and .rows==1)]|length==1' >/dev/null && ok "the filter recorded" || bad "filter detail"
printf '%s' "$EV" | grepq 'CLM-\|HYPERLINK' && bad "a value in the audit" || ok "no row value in the audit"

# Many pages: 1,234 items (an import) come out whole, in id order, each once, across the
# store's keyset pages (100 items) and the answer's chunks.
api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Bulk\",\"required_skills\":[{\"code\":\"data_entry\",\"level\":2}],\"sla_seconds\":86400}"
BULK=$(jqr .id)
python3 -c "
print('external_ref,text')
for i in range(1234): print(f'B{i},\"row {i}, \"\"q\"\"\"')" > "$TMP/bulk.csv"
STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ACMEU" -H 'Content-Type: text/csv' \
  --data-binary "@$TMP/bulk.csv" "$BASE/v1/engagements/$BULK/imports")
check "1,234 items imported (HTTP)" 202 "$STATUS"
# The 202 comes before the rows (the import thread creates them): wait for the job's end.
BODY=$(cat "$TMP/body"); BIMP=$(jqr .id)
for _ in $(seq 1 200); do
  case "$(jqr .state)" in done|failed) break ;; esac
  sleep 0.05; api GET "/v1/imports/$BIMP" "$ACMEU"
done
check "the import is done" done "$(jqr .state)"
for f in csv jsonl; do
  export_get $f "$ACMEU" "" "$BULK"
  python3 - "$TMP/out.$f" $f <<'PY' && ok "$f: 1,234 rows across pages, in order, each once" || bad "$f across pages"
import csv, json, sys
path, fmt = sys.argv[1:]
if fmt == 'csv':
    rows = list(csv.DictReader(open(path, newline='', encoding='utf-8')))
    refs = [r['external_ref'] for r in rows]; ids = [int(r['id']) for r in rows]
    texts = [json.loads(r['payload'])['text'] for r in rows]
else:
    rows = [json.loads(l) for l in open(path, encoding='utf-8')]
    refs = [r['external_ref'] for r in rows]; ids = [r['id'] for r in rows]
    texts = [r['payload']['text'] for r in rows]
assert refs == [f'B{i}' for i in range(1234)], refs[:3]
assert ids == sorted(set(ids)), 'ids ascending, unique'
assert texts[7] == 'row 7, "q"', texts[7]
PY
done
# every audit event, page by page
AFTER=; : > "$TMP/audit.jsonl"
while :; do
  api GET "/v1/audit?limit=500${AFTER:+&after=$AFTER}" "$ADMIN"
  printf '%s' "$BODY" | jq -c '.data[]' >> "$TMP/audit.jsonl"
  AFTER=$(jqr '.next_cursor // empty'); [ -n "$AFTER" ] || break
done
check "the bulk export's audited rows" "1234 1234" "$(jq -s -r "[.[]|select(.action==\"item.export\" and .record_id==$BULK)|.detail.rows]|join(\" \")" "$TMP/audit.jsonl")"

# The CLI: through the running server (its socket) as the client's user, then with no server.
ALIHDAYA_TOKEN=$ACMEU "$BIN" item export --data "$DATA" --engagement "$BPO" --format csv -o "$TMP/cli.csv"
check "CLI export through the server: exit 0" 0 $?
compare "$TMP/cli.csv" csv && ok "CLI CSV through the server equals the items" || bad "CLI CSV (served)"
ALIHDAYA_TOKEN=$LEXU "$BIN" item export --data "$DATA" --engagement "$BPO" --format csv -o "$TMP/cli2.csv" 2>"$TMP/cli.err"
check "CLI: another client's engagement fails" 1 $?
[ ! -e "$TMP/cli2.csv" ] && ok "no partial file left" || bad "a file was left"
"$BIN" item export --data "$DATA" --engagement "$BPO" --format pdf 2>/dev/null
check "CLI: a bad format is a usage error" 2 $?
stop_server
"$BIN" item export --data "$DATA" --engagement "$BPO" --format xlsx -o "$TMP/cli.xlsx" 2>/dev/null
check "CLI export without a server: exit 0" 0 $?
compare "$TMP/cli.xlsx" xlsx && ok "CLI XLSX without a server equals the items" || bad "CLI XLSX (local)"
"$BIN" item export --data "$DATA" --engagement "$BPO" --format jsonl --state done > "$TMP/cli.jsonl"
compare "$TMP/cli.jsonl" jsonl "$I1" && ok "CLI JSON Lines to stdout, filtered" || bad "CLI JSONL (local)"
ls -a "$DATA" | grepq '^\.export-' && bad "a workbook file left in the data dir" || ok "no workbook file left by the CLI"

finish
