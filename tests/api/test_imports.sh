#!/usr/bin/env bash
# test_imports.sh - bulk imports: CSV and JSON Lines streamed in, good and bad rows, the error
# file's lines and reasons, a re-upload creates nothing new, all_or_nothing, the limits and
# broken encodings with the line named, another client's user 404, the CLI.
. "$(dirname "$0")/lib.sh"

init_data
start_server --import-max-row 4096 --import-max-rows 1000 --import-max-bytes 200000
setup_world

# upload ENGAGEMENT TOKEN FILE CONTENT_TYPE [QUERY]: POST the file as it is. The 202 comes
# as soon as the body is in (the import runner creates the rows); BODY becomes the job once
# it is done or failed, read with GET /v1/imports/:id (STATUS stays the POST's).
upload() {
  STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $2" \
    -H "Content-Type: $4" --data-binary "@$3" "$BASE/v1/engagements/$1/imports${5:+?$5}")
  BODY=$(cat "$TMP/body")
  [ "$STATUS" = 202 ] || return 0
  local st=$STATUS id; id=$(jqr .id)
  FIRST=$BODY
  for _ in $(seq 1 600); do
    case "$(jqr .state)" in done|failed) break ;; esac
    sleep 0.05
    api GET "/v1/imports/$id" "$2"
  done
  STATUS=$st
}
count_items() {
  api GET "/v1/items?engagement_id=$1&limit=500" "$MGR"
  jqr '.data|length'
}

PAYLOAD='[{"name":"claim_no","type":"text","required":true,"pattern":"CLM-[0-9]{4}"},
 {"name":"amount","type":"decimal","scale":2},{"name":"pages","type":"integer","min":1},
 {"name":"note","type":"text"}]'
api PUT "/v1/engagements/$BPO/fields" "$MGR" "{\"payload\":$PAYLOAD}"
expect "fields declared" 200

# A CSV with a BOM, CRLF, ';' detected, quotes and an embedded newline, and three bad rows.
printf '\xef\xbb\xbfexternal_ref;claim_no;amount;pages;note\r\n' > "$TMP/a.csv"
printf 'R1;CLM-0001;12.50;3;"plain"\r\n' >> "$TMP/a.csv"
printf 'R2;CLM-0002;;1;"two\r\nlines; and ""quotes"""\r\n' >> "$TMP/a.csv"
printf 'R3;BAD;1.00;2;x\r\n' >> "$TMP/a.csv"
printf 'R4;CLM-0004;1.00;many;x\r\n' >> "$TMP/a.csv"
printf 'R5;CLM-0005;1.00\r\n' >> "$TMP/a.csv"
printf 'R6;CLM-0006;0.5;7;last\r\n\r\n' >> "$TMP/a.csv"
upload "$BPO" "$ACMEU" "$TMP/a.csv" "text/csv"
expect "the client's user uploads a CSV" 202
IMP=$(jqr .id)
check "the 202 comes before the rows: running" running "$(printf '%s' "$FIRST" | jq -r .state)"
check "no spool file left once done" 0 "$(find "$DATA" -maxdepth 1 -name 'import-*.spool' | wc -l)"
check "done" done "$(jqr .state)"
check "rows read" 6 "$(jqr .rows_read)"
check "created" 3 "$(jqr .created)"
check "rejected" 3 "$(jqr .rejected)"
check "bytes" "$(stat -c %s "$TMP/a.csv")" "$(jqr .bytes)"
check "items in the engagement" 3 "$(count_items "$BPO")"
api GET "/v1/items?engagement_id=$BPO&external_ref=R2" "$MGR"
ID2=$(jqr '.data[0].id')
api GET "/v1/items/$ID2" "$MGR"
check "the embedded CRLF, quotes and ; kept" true "$(jqr '.payload.note == "two\r\nlines; and \"quotes\""')"
check "an integer cell became a JSON integer" 1 "$(jqr '.payload.pages|numbers')"
check "an empty cell is an absent member" null "$(jqr '.payload.amount')"
# The audit trail: one import.batch event for the batch, naming its items' id range and
# its counts; no item.create event of its own per imported item.
api GET "/v1/items?engagement_id=$BPO&limit=500" "$MGR"
IDS=$(jqr '[.data[].id]|sort|"\(.[0]) \(.[-1]) \(length)"')
api GET "/v1/audit?limit=500" "$ADMIN"
BATCH=$(printf '%s' "$BODY" | jq -c --argjson i "$IMP" '[.data[]|select(.action=="import.batch" and .record_id==$i)]')
check "one import.batch event of the job" 1 "$(printf '%s' "$BATCH" | jq length)"
check "its item range, counts and first line" "$IDS 0 2" \
  "$(printf '%s' "$BATCH" | jq -r '.[0].detail|"\(.items[0]) \(.items[1]) \(.created) \(.duplicate) \(.lines[0])"')"
check "no item.create event per imported item" 0 "$(jqr '[.data[]|select(.action=="item.create")]|length')"
# ... and no stored create history event either (the batch's import_batches row stands
# for them): the history still answers each item's creation, made from the item and its import.
check "no stored history event per imported item" 0 \
  "$(sqlite3 "$DATA/alihdaya.db" ".timeout 5000" "SELECT count(*) FROM item_events WHERE item_id = $ID2")"
api GET "/v1/items/$ID2" "$MGR"
CREATED=$(jqr .created_at)
BY=$(printf '%s' "$BATCH" | jq -r '.[0].actor_user_id')
api GET "/v1/items/$ID2/history" "$MGR"
expect "an imported item's history" 200
check "it begins with its create, queued, at its creation, by the importer" "create null queued $CREATED $BY" \
  "$(jqr '.[0]|"\(.action) \(.from) \(.to) \(.at) \(.actor_user_id)"')"
check "the create is its one event" 1 "$(jqr length)"

api GET "/v1/imports/$IMP" "$ACMEU"
expect "the job is read" 200
check "job state" done "$(jqr .state)"
check "job counts" "6 3 0 3" "$(jqr '"\(.rows_read) \(.created) \(.duplicate) \(.rejected)"')"
api GET "/v1/imports/$IMP/errors" "$ACMEU"
expect "the error file" 200
check "error file type" "text/csv; charset=utf-8; header=present" "$(header Content-Type)"
printf '%s' "$BODY" | tr -d '\r' > "$TMP/errs.csv"
check "error file header" "line,column,reason" "$(head -1 "$TMP/errs.csv")"
check "error lines (R2 spans lines 3-4)" "5 6 7" "$(tail -n +2 "$TMP/errs.csv" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
grep -q '^5,,.*claim_no: does not match' "$TMP/errs.csv" && ok "line 5: the pattern named" || bad "line 5: $(cat "$TMP/errs.csv")"
grep -q '^6,pages,not a whole number' "$TMP/errs.csv" && ok "line 6: column pages, not a whole number" || bad "line 6: $(cat "$TMP/errs.csv")"
grep -q '^7,,3 fields where the header has 5' "$TMP/errs.csv" && ok "line 7: too few fields" || bad "line 7"
python3 - "$TMP/errs.csv" <<'PY' && ok "the error file parses as CSV (Python's csv)" || bad "error file CSV"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0] == ['line', 'column', 'reason'] and len(rows) == 4, rows
PY

# Re-upload: nothing new; the refs count as duplicates.
upload "$BPO" "$ACMEU" "$TMP/a.csv" "text/csv"
expect "re-upload" 202
check "re-upload creates nothing" "0 3 3" "$(jqr '"\(.created) \(.duplicate) \(.rejected)"')"
check "still 3 items" 3 "$(count_items "$BPO")"

# Another client's user: the engagement and the job are hidden.
upload "$BPO" "$LEXU" "$TMP/a.csv" "text/csv"
expect "another client's user cannot import" 404
api GET "/v1/imports/$IMP" "$LEXU"
expect "another client's user: no such import" 404
api GET "/v1/imports/$IMP/errors" "$LEXU"
expect "another client's user: no error file" 404
upload "$BPO" "$W1" "$TMP/a.csv" "text/csv"
expect "a worker may not import" 403
api GET "/v1/imports/$IMP" "$W1"
expect "a worker may not read imports" 403
api GET "/v1/imports/$IMP" "$MGR"
expect "staff read it" 200

# JSON Lines: good and bad lines.
{
  echo '{"external_ref":"J1","claim_no":"CLM-1001","pages":2}'
  echo '{"external_ref":"J2","claim_no":"CLM-1002","amount":"3.999"}'
  echo 'not json'
  echo ''
  echo '{"external_ref":"J3","claim_no":"CLM-1003","colour":"red"}'
  printf '{"external_ref":"J4","claim_no":"CLM-1004"}'
} > "$TMP/b.jsonl"
upload "$BPO" "$MGR" "$TMP/b.jsonl" "application/x-ndjson"
expect "JSON Lines" 202
JL=$(jqr .id)
check "jsonl counts" "5 2 3" "$(jqr '"\(.rows_read) \(.created) \(.rejected)"')"
api GET "/v1/imports/$JL/errors" "$MGR"
printf '%s' "$BODY" | tr -d '\r' > "$TMP/jerrs.csv"
check "jsonl error lines" "2 3 5" "$(tail -n +2 "$TMP/jerrs.csv" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
grep -q '^3,,not JSON' "$TMP/jerrs.csv" && ok "line 3: not JSON" || bad "jsonl: $(cat "$TMP/jerrs.csv")"
grep -q '^5,,.*colour: not a declared field' "$TMP/jerrs.csv" && ok "line 5: undeclared field" || bad "jsonl 5"

# all_or_nothing: one bad row, nothing created; all good: everything created.
printf 'external_ref,claim_no\nA1,CLM-2001\nA2,nope\nA3,CLM-2003\n' > "$TMP/c.csv"
upload "$BPO" "$MGR" "$TMP/c.csv" "text/csv" "all_or_nothing=true"
expect "all_or_nothing with a bad row" 202
check "nothing created" "0 1" "$(jqr '"\(.created) \(.rejected)"')"
case "$(jqr .error)" in *"nothing created"*) ok "the job says nothing was created";; *) bad "error: $BODY";; esac
api GET "/v1/items?engagement_id=$BPO&external_ref=A1" "$MGR"
check "A1 not stored" 0 "$(jqr '.data|length')"
printf 'external_ref,claim_no\nA1,CLM-2001\nA3,CLM-2003\n' > "$TMP/d.csv"
upload "$BPO" "$MGR" "$TMP/d.csv" "text/csv" "all_or_nothing=true"
check "all good: all created" "2 0 done" "$(jqr '"\(.created) \(.rejected) \(.state)"')"

# A mapping and an explicit delimiter; undeclared columns refused at the header.
printf 'ref,no,junk\nM1,CLM-3001,zz\n' > "$TMP/m.csv"
upload "$BPO" "$MGR" "$TMP/m.csv" "text/csv"
check "an undeclared column fails the job" failed "$(jqr .state)"
case "$(jqr .error)" in "line 1: the header: column 1 (ref): ref is not a declared payload field"*) ok "the header's problem named";; *) bad "header: $BODY";; esac
upload "$BPO" "$MGR" "$TMP/m.csv" "text/csv" "delimiter=,&map=ref:external_ref,no:claim_no,junk:-"
check "mapped" "1 done" "$(jqr '"\(.created) \(.state)"')"
upload "$BPO" "$MGR" "$TMP/m.csv" "text/csv" "delimiter=x"
expect "a bad delimiter" 400
upload "$BPO" "$MGR" "$TMP/m.csv" "text/plain"
expect "a bad content type" 400
upload "$BPO" "$MGR" "$TMP/m.csv" "text/csv" "bogus=1"
expect "an unknown query parameter" 400

# Broken files: the job fails naming the line.
fails() { # FILE WANT_LINE_TEXT DESCRIPTION [QUERY]
  upload "$BPO" "$MGR" "$1" "text/csv" "${4:-}"
  case "$(jqr .state) $(jqr .error)" in "failed $2"*) ok "$3";; *) bad "$3: $BODY";; esac
}
printf 'claim_no\nCLM-4001\nCLM-4\x00002\n' > "$TMP/nul.csv"
fails "$TMP/nul.csv" "line 3: a NUL byte" "a NUL byte names line 3"
printf 'claim_no,note\nCLM-4001,"open\nstill open\n' > "$TMP/q.csv"
fails "$TMP/q.csv" "line 2: a quoted field is not closed" "an unterminated quote names line 2"
{ printf 'claim_no,note\nCLM-4001,'; head -c 5000 /dev/zero | tr '\0' a; printf '\n'; } > "$TMP/long.csv"
fails "$TMP/long.csv" "line 2: a record longer than 4096 bytes" "an over-long line names line 2"
head -c 300000 /dev/zero | tr '\0' '\n' > "$TMP/big.csv"
fails "$TMP/big.csv" "the file is larger than 200000 bytes" "a file over the size limit fails"
{ echo claim_no; for i in $(seq 1 1000); do echo "CLM-$((5000 + i % 1000))"; done; } > "$TMP/rows.csv"
fails "$TMP/rows.csv" "line 1001: more than 1000 records" "too many rows names the line"
printf 'claim_no,note\nCLM-4001,caf\xc3\x28\nCLM-4002,ok\n' > "$TMP/utf.csv"
upload "$BPO" "$MGR" "$TMP/utf.csv" "text/csv"
U=$(jqr .id)
check "broken UTF-8 rejects its row only" "1 1" "$(jqr '"\(.created) \(.rejected)"')"
api GET "/v1/imports/$U/errors" "$MGR"
case "$(printf '%s' "$BODY" | tr -d '\r' | sed -n 2p)" in "2,note,not well-formed UTF-8") ok "the line and column named";; *) bad "utf8: $BODY";; esac
printf 'claim_no\nCLM-6001\nCLM-6"002\n' > "$TMP/stray.csv"
fails "$TMP/stray.csv" "line 3: a quote inside an unquoted field" "a stray quote names line 3" "all_or_nothing=true"
api GET "/v1/items?engagement_id=$BPO&limit=500" "$MGR"
check "all_or_nothing failed: nothing half-stored" 0 "$(jqr '[.data[]|select(.external_ref=="")]|length')"

# The job's error and a rejected row's column are the file's words: sealed on disk.
printf 'claim_no,hdrcanary7781\nCLM-8001,x\n' > "$TMP/s1.csv"
upload "$BPO" "$MGR" "$TMP/s1.csv" "text/csv"
case "$(jqr .error)" in *hdrcanary7781*) ok "the job's error names the header";; *) bad "s1: $BODY";; esac
printf 'claim_no,colcanary5519\nCLM-8002,x\n' > "$TMP/s2.csv"
upload "$BPO" "$MGR" "$TMP/s2.csv" "text/csv" "map=colcanary5519:pages"
S2=$(jqr .id)
api GET "/v1/imports/$S2/errors" "$MGR"
case "$BODY" in *"3,colcanary5519,not a whole number"*|*"2,colcanary5519,not a whole number"*) ok "the rejected row names the column";; *) bad "s2: $BODY";; esac
leaks=0
for f in "$DATA/alihdaya.db" "$DATA/alihdaya.db-wal"; do
  [ -f "$f" ] && grep -aq -e hdrcanary7781 -e colcanary5519 "$f" && leaks=$((leaks+1))
done
check "no header canary in the raw database files" 0 "$leaks"

# Item types: a type column (CSV) or member (JSON Lines) sets the item's type, checked against
# the engagement's item_types; a bad type rejects that row (line, column type, reason), not the file.
api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Typed\",\"required_skills\":[{\"code\":\"data_entry\",\"level\":2}],\"sla_seconds\":86400,\"item_types\":[\"claim\",\"form\"]}"
expect "an engagement with item types" 201
TENG=$(jqr .id)
printf 'external_ref,type,n\nT1,claim,1\nT2,,2\nT3,bogus,3\nT4,form,4\nT5,Bad Type,5\nT6,default,6\n' > "$TMP/t.csv"
upload "$TENG" "$MGR" "$TMP/t.csv" "text/csv"
expect "a CSV with a type column" 202
TIMP=$(jqr .id)
check "typed CSV: created, rejected" "done 4 2" "$(jqr '"\(.state) \(.created) \(.rejected)"')"
types_of() { # types_of ENG REF... -> each item's type, in order
  local eng=$1; shift
  for ref in "$@"; do
    api GET "/v1/items?engagement_id=$eng&external_ref=$ref" "$MGR"
    api GET "/v1/items/$(jqr '.data[0].id')" "$MGR"
    printf '%s ' "$(jqr .type)"
  done
}
check "the created items' types (an empty cell: default)" "claim default form default " "$(types_of "$TENG" T1 T2 T4 T6)"
item_of() { api GET "/v1/items?engagement_id=$1&external_ref=$2" "$MGR"; api GET "/v1/items/$(jqr '.data[0].id')" "$MGR"; }
item_of "$TENG" T1
check "the type column is no payload member" '{"n":"1"}' "$(jqr '.payload|tojson')"
api GET "/v1/imports/$TIMP/errors" "$MGR"
printf '%s' "$BODY" | tr -d '\r' > "$TMP/terrs.csv"
grep -q '^4,type,"bogus is not an item type of engagement [0-9]* (item_types: claim, form)"$' "$TMP/terrs.csv" \
  && ok "line 4: column type, the unknown type named" || bad "line 4: $(cat "$TMP/terrs.csv")"
grep -q '^6,type,"an item type is 1..32 of a-z, 0-9 and _"$' "$TMP/terrs.csv" \
  && ok "line 6: column type, a malformed type" || bad "line 6: $(cat "$TMP/terrs.csv")"
printf '{"external_ref":"J1","type":"form","n":1}\n{"external_ref":"J2","n":2}\n{"external_ref":"J3","type":"scan"}\n{"external_ref":"J4","type":7}\n' > "$TMP/t.jsonl"
upload "$TENG" "$MGR" "$TMP/t.jsonl" "application/x-ndjson"
expect "JSON Lines with types" 202
TJ=$(jqr .id)
check "typed JSON Lines: created, rejected" "done 2 2" "$(jqr '"\(.state) \(.created) \(.rejected)"')"
check "their types" "form default " "$(types_of "$TENG" J1 J2)"
item_of "$TENG" J1
check "the type member is no payload member" '{"n":1}' "$(jqr '.payload|tojson')"
api GET "/v1/imports/$TJ/errors" "$MGR"
printf '%s' "$BODY" | tr -d '\r' > "$TMP/tjerrs.csv"
check "the bad types' lines and column" "3,type 4,type" "$(tail -n +2 "$TMP/tjerrs.csv" | cut -d, -f1,2 | tr '\n' ' ' | sed 's/ $//')"
# all_or_nothing: a bad type fails the whole file, a good one goes through the spool
printf 'external_ref,type\nA1,claim\nA2,form\n' > "$TMP/ta.csv"
upload "$TENG" "$MGR" "$TMP/ta.csv" "text/csv" "all_or_nothing=true"
check "all_or_nothing with types: created" "done 2" "$(jqr '"\(.state) \(.created)"')"
check "types kept through the spool" "claim form " "$(types_of "$TENG" A1 A2)"

# The CLI: through the running server, and with no server (its own engine).
printf 'external_ref,claim_no\nC1,CLM-7001\nC2,CLM-7002\nC3,bad\n' > "$TMP/cli.csv"
OUT=$("$BIN" item import --data "$DATA" --engagement "$BPO" "$TMP/cli.csv" 2>&1)
check "CLI via the server: exit 0" 0 $?
case "$OUT" in *"created 2"*"rejected 1"*) ok "CLI prints the counts";; *) bad "CLI: $OUT";; esac
stop_server
OUT=$("$BIN" item import --data "$DATA" --engagement "$BPO" "$TMP/cli.csv" 2>&1)
case "$OUT" in *"created 0"*"duplicate 2"*"rejected 1"*) ok "CLI without a server: nothing new";; *) bad "CLI local: $OUT";; esac
OUT=$("$BIN" item import --data "$DATA" --engagement "$BPO" --all-or-nothing "$TMP/cli.csv" 2>&1)
case "$OUT" in *"created 0"*"rejected 1"*) ok "CLI --all-or-nothing";; *) bad "CLI aon: $OUT";; esac

finish
