#!/usr/bin/env bash
# test_gold.sh - gold items through the real server: loaded and listed by staff only; mixed
# into work.next indistinguishably (the same members as any item); a worker failing gold stops
# getting the engagement (work.next answers none with the reason) while a good worker keeps
# getting it; gold instances in no client list or queue count; a worker's quality; re-
# qualification by hand; the gold payload and known result sealed on disk (a canary grepped
# in the raw database and WAL files); bad input answered 400.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

TAG=$RANDOM$RANDOM
GP="GOLD-PAYLOAD-CANARY-$TAG"; GR="GOLD-RESULT-CANARY-$TAG"

# W4: a second data-entry worker cleared for ACME (W1 is the one who fails gold).
api POST /v1/workers "$MGR" "{\"login\":\"w4\",\"name\":\"Budi\",\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"ID\",\"time_zone\":\"Asia/Jakarta\",\"capacity\":1,\"cost_per_hour\":{\"amount_minor\":800,\"currency\":\"USD\"},\"clearances\":[$ACME]}"
W4ID=$(jqr .id); W4=$(new_token w4)

# ---- loading and reading gold: staff only
ITEMS=$(for i in $(seq 1 10); do printf '%s{"payload":{"form":"%s-%d"},"result":{"amount":100,"code":"%s"},"external_ref":"R-9%d"}' "$([ "$i" = 1 ] || echo ,)" "$GP" "$i" "$GR" "$i"; done)
api POST "/v1/engagements/$BPO/gold" "$MGR" "[$ITEMS]"
expect "a manager loads 10 gold items" 201
check "10 created" "10" "$(jqr .created)"
G1=$(jqr '.ids[0]')
api POST "/v1/engagements/$BPO/gold" "$MGR" "{\"payload\":{\"form\":\"$GP-one\"},\"result\":{\"amount\":100,\"code\":\"$GR\"},\"external_ref\":\"G-11\"}"
expect "one gold item as an object" 201
G11=$(jqr '.ids[0]')
api POST "/v1/engagements/$BPO/gold" "$ACMEU" "[$ITEMS]"
expect "a client may not load gold" 403
api POST "/v1/engagements/$BPO/gold" "$W1" "[$ITEMS]"
expect "a worker may not load gold" 403
api GET "/v1/engagements/$BPO/gold" "$MGR"
expect "the manager lists gold" 200
check "11 gold items listed with payloads" "11 $GP-1" "$(jqr '.data | length') $(jqr '.data[0].payload.form')"
check "the known result is listed" "$GR" "$(jqr '.data[0].result.code')"
for who in ACMEU W1 AUD; do
  api GET "/v1/engagements/$BPO/gold" "${!who}"
  expect "$who may not list gold" 403
done
api POST "/v1/engagements/$BPO/gold/$G11/deactivate" "$MGR" ''
expect "a gold item switched off" 200
check "inactive" "false" "$(jqr .active)"
api GET "/v1/engagements/$BPO/gold?limit=20" "$MGR"
check "listed inactive" "false" "$(jqr ".data[] | select(.id == $G11) | .active")"
api POST "/v1/engagements/999999/gold/$G1/deactivate" "$MGR" ''
expect "gold of an unknown engagement" 404

# ---- bad input
api POST "/v1/engagements/$BPO/gold" "$MGR" '{"payload":{"a":1}}'
expect "gold without a known result" 400
api POST "/v1/engagements/$BPO/gold" "$MGR" "[$(python3 -c 'print(",".join(["{\"payload\":{},\"result\":{}}"]*1001))')]"
expect "1,001 gold items in one load" 400
api POST "/v1/engagements/$BPO/gold" "$MGR" '[]'
expect "an empty load" 400
api PUT "/v1/engagements/$BPO/gold/settings" "$MGR" '{"rate":0.9}'
expect "a rate over 0.5" 400
api PUT "/v1/engagements/$BPO/gold/settings" "$MGR" '{"rate":0.5,"colour":"red"}'
expect "an unknown settings member" 400

# ---- settings
api GET "/v1/engagements/$BPO/gold/settings" "$MGR"
expect "settings before any: the defaults" 200
check "gold off until set" "0" "$(jqr .rate)"
api PUT "/v1/engagements/$BPO/gold/settings" "$MGR" '{"rate":0.5,"threshold":0.5,"min_answers":4,"qualification":0,"prefer_seconds":0}'
expect "settings put" 200
check "rate and threshold" "0.5 0.5 4" "$(jqr '"\(.rate) \(.threshold) \(.min_answers)"')"
api PUT "/v1/engagements/$BPO/gold/settings" "$ACMEU" '{"rate":0.1}'
expect "a client may not change gold settings" 403

# ---- work: W1 answers everything wrong, W4 everything right
for i in $(seq 1 40); do
  api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"form\":\"ordinary-$i\"},\"external_ref\":\"R-$i\"}"
done
KEYS=""; GIVEN=""; CREATED=""
SUSPENDED=
for i in $(seq 1 30); do
  api POST /v1/work/next "$W1"
  if [ "$(jqr .id)" = "null" ]; then SUSPENDED=$(jqr .reason); MSG=$(jqr .message); break; fi
  KEYS="$KEYS$(jqr '[paths | map(tostring) | join(".")] | map(select(startswith("payload.") | not)) | sort | join(",")')"$'\n'
  ID=$(jqr .id); EP=$(jqr .lease.epoch); GIVEN="$GIVEN $ID"; CREATED="$CREATED$(jqr .created_at)"$'\n'
  api POST "/v1/items/$ID/submit" "$W1" "{\"epoch\":$EP,\"result\":{\"amount\":1}}"
  [ "$STATUS" = 200 ] || { bad "W1 submit $ID: $STATUS $BODY"; break; }
done
check "the failing worker is suspended: work.next answers none" "gold_suspended" "$SUSPENDED"
case "$MSG" in *"engagement $BPO"*) ok "the reason names the engagement";; *) bad "reason message: $MSG";; esac
check "every item W1 was given has the same members (gold or not)" "1" "$(printf '%s' "$KEYS" | sort -u | grep -c .)"
api POST /v1/work/next "$W1"
check "still none for W1" "gold_suspended" "$(jqr .reason)"
GOT=0
for i in $(seq 1 8); do
  api POST /v1/work/next "$W4"
  ID=$(jqr .id)
  [ "$ID" = "null" ] && break
  GOT=$((GOT+1))
  api POST "/v1/items/$ID/submit" "$W4" "{\"epoch\":$(jqr .lease.epoch),\"result\":{\"amount\":100,\"code\":\"$GR\"}}"
done
check "the good worker keeps getting the engagement's work" "8" "$GOT"

# ---- quality
api GET "/v1/workers/$W1ID/quality" "$MGR"
expect "a manager reads W1's quality" 200
check "W1 suspended on the engagement" "suspended" "$(jqr ".engagements[] | select(.engagement_id == $BPO) | .state")"
check "W1 answered no gold right" "0" "$(jqr ".engagements[] | select(.engagement_id == $BPO) | .correct")"
api GET "/v1/workers/$W4ID/quality" "$W4"
expect "a worker reads its own quality" 200
check "W4 qualified, all right" "qualified true" "$(jqr ".engagements[] | select(.engagement_id == $BPO) | \"\(.state) \(.gold == .correct and .gold > 0)\"")"
api GET "/v1/workers/$W1ID/quality" "$W4"
expect "a worker may not read another's quality" 404
api GET "/v1/workers/$W1ID/quality" "$ACMEU"
expect "a client may not read a worker's quality" 403

# ---- the client sees only its own 40 items
api GET "/v1/items?limit=500" "$ACMEU"
check "the client's list holds its 40 items only" "40" "$(jqr '.data | length')"
check "no gold payload in the client's list" "0" "$(printf '%s' "$BODY" | grep -c "$GP")"
# Which of W1's items were gold: the client reads those as missing.
NG=0
for id in $GIVEN; do api GET "/v1/items/$id" "$ACMEU"; [ "$STATUS" = 404 ] && NG=$((NG+1)); done
check "W1 was given gold (about half, rate 0.5) and ordinary items" "true" "$([ "$NG" -ge 2 ] && [ "$NG" -lt "$(echo $GIVEN | wc -w)" ] && echo true)"
api GET "/v1/items?limit=500" "$ACMEU"
check "every item W1 was given was created when one of the client's was (no gold created at its lease)" "" \
  "$(comm -23 <(printf '%s' "$CREATED" | sort -u) <(jqr '.data[].created_at' | sort -u))"
api GET "/v1/engagements/$BPO/queue" "$MGR"
check "the queue counts the client's items only" "40" "$(jqr '[.depth.queued, .depth.assigned, .depth.submitted, .depth.done] | add')"

# ---- re-qualified by hand
api POST "/v1/workers/$W1ID/requalify" "$W4" "{\"engagement_id\":$BPO}"
expect "a worker may not re-qualify" 403
api POST "/v1/workers/$W1ID/requalify" "$MGR" "{\"engagement_id\":$BPO}"
expect "a manager re-qualifies W1" 200
check "W1 qualified again" "qualified" "$(jqr ".engagements[] | select(.engagement_id == $BPO) | .state")"
api POST /v1/work/next "$W1"
check "W1 gets work again" "true" "$(jqr '.id != null')"
N=0; AFTER=0
while :; do
  api GET "/v1/audit?limit=500&after=$AFTER" "$ADMIN"
  N=$((N + $(jqr '[.data[] | select(.action == "gold.requalify")] | length')))
  AFTER=$(jqr .next_after); [ "$AFTER" = "null" ] || [ -z "$AFTER" ] || [ "$AFTER" = 0 ] && break
done
check "the re-qualification is audited" "1" "$N"

# ---- the CLI reads the same, beside the server
OUT=$("$BIN" gold quality "$W1ID" --data "$DATA" --json)
check "gold quality --json: W1 qualified again" "qualified" "$(printf '%s' "$OUT" | jq -r ".engagements[] | select(.engagement_id == $BPO) | .state")"
OUT=$("$BIN" gold list "$BPO" --data "$DATA" --json --limit 50)
check "gold list --json: 11 items, payloads opened" "11 $GP-1" "$(printf '%s' "$OUT" | jq -r '"\(length) \(.[0].payload.form)"')"
OUT=$("$BIN" gold settings "$BPO" --data "$DATA")
case "$OUT" in *"rate 0.5 threshold 0.5"*) ok "gold settings prints the settings";; *) bad "gold settings: $OUT";; esac

# ---- sealed at rest: the canaries are nowhere in the raw files
for f in "$DATA/alihdaya.db" "$DATA/alihdaya.db-wal"; do
  [ -f "$f" ] || continue
  check "no gold payload canary in $(basename "$f")" "0" "$(grep -ac "$GP" "$f")"
  check "no known-result canary in $(basename "$f")" "0" "$(grep -ac "$GR" "$f")"
done

SQL=$(command -v sqlite3 || true)
if [ -n "$SQL" ]; then
  check "all 11 gold payloads and results are sealed blobs" "11" \
    "$("$SQL" "$DATA/alihdaya.db" ".timeout 5000" "SELECT count(*) FROM gold_items WHERE typeof(payload) = 'blob' AND typeof(result) = 'blob'")"
else
  bad "sqlite3 is required (scripts/install.sh)"
fi

finish
