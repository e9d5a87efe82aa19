#!/usr/bin/env bash
# test_routing.sh - an engagement's routing over HTTP: PUT/GET /v1/engagements/:id/routing
# validated with the field named (nothing stored on a refusal), audited, staff only; an item
# widens to a lower-level worker once it waited the ring's time on the moved clock (not a
# second earlier); an item's weight fills a worker's capacity; kept across a restart.
. "$(dirname "$0")/lib.sh"

clock_start
init_data
start_server --clock-file "$CLOCK"
setup_world 600
# BPO needs data_entry 2 and en 2; W3 has data_entry 1 (en 3): not eligible until it widens.

api GET "/v1/engagements/$BPO/routing" "$MGR"
expect "GET before any PUT" 200
check "the defaults" '1 0 0' "$(jqr '"\(.weight) \(.rings|length) \(.updated_at_ms)"')"
api GET "/v1/engagements/999999/routing" "$MGR"
expect "no such engagement" 404

# Refusals name the field; each leaves the defaults in place.
bad_put() { # FIELD BODY
  api PUT "/v1/engagements/$BPO/routing" "$MGR" "$2"
  expect "refused: $1" 400
  case "$(jqr .error.message)" in
    *"$1"*) ok "the message names $1" ;;
    *) bad "the message names $1: $(jqr .error.message)" ;;
  esac
}
EIGHT=$(python3 -c 'import json; print(json.dumps({"rings": [{"after_s": 10 * (k + 1), "lower_levels_by": 1} for k in range(8)]}))')
bad_put "rings" "$EIGHT"
bad_put "rings[1].after_s" '{"rings":[{"after_s":60,"lower_levels_by":1},{"after_s":60,"lower_levels_by":2}]}'
bad_put "rings[0].after_s" '{"rings":[{"after_s":0,"lower_levels_by":1}]}'
bad_put "rings[0].lower_levels_by" '{"rings":[{"after_s":60,"lower_levels_by":-1}]}'
bad_put "rings[0].lower_levels_by" '{"rings":[{"after_s":60,"lower_levels_by":1,"skills":[]}]}'
bad_put "rings[0].skills[0].level" '{"rings":[{"after_s":60,"skills":[{"code":"x","level":0}]}]}'
bad_put "rings[0].skills[0].level" '{"rings":[{"after_s":60,"skills":[{"code":"x","level":-2}]}]}'
bad_put "rings[0].foo" '{"rings":[{"after_s":60,"foo":1}]}'
bad_put "rings[0]" '{"rings":[{"after_s":60}]}'
bad_put "weight" '{"weight":0}'
bad_put "weight" '{"weight":1001}'
api GET "/v1/engagements/$BPO/routing" "$MGR"
check "nothing stored by a refusal" '1 0 0' "$(jqr '"\(.weight) \(.rings|length) \(.updated_at_ms)"')"

for who in W3 ACMEU AUD; do
  api PUT "/v1/engagements/$BPO/routing" "${!who}" '{"weight":1}'
  expect "$who may not set routing" 403
  api GET "/v1/engagements/$BPO/routing" "${!who}"
  expect "$who may not read routing" 403
done

# One ring: after 60 s of waiting, every level one lower.
api PUT "/v1/engagements/$BPO/routing" "$MGR" '{"rings":[{"after_s":60,"lower_levels_by":1}]}'
expect "the manager sets one ring" 200
check "the answer, written canonically" '{"rings":[{"after_s":60,"lower_levels_by":1}],"weight":1}' \
  "$(jqr '{rings, weight} | tojson')"
check "updated at the engine's clock" "$(cat "$CLOCK")" "$(jqr .updated_at_ms)"

api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":1}}"
A=$(jqr .id)
api POST /v1/work/next "$W3"
check "W3 (data_entry 1) gets nothing at once" null "$(jqr .id)"
advance 59999
sleep 0.5 # the engine re-reads its clock at least every 200 ms
api POST /v1/work/next "$W3"
check "nor a millisecond before 60 s" null "$(jqr .id)"
advance 1
got=null
for _ in $(seq 1 25); do
  api POST /v1/work/next "$W3"
  got=$(jqr .id)
  [ "$got" != null ] && break
  sleep 0.2
done
check "at 60 s of waiting the item widens to W3" "$A" "$got"

api GET "/v1/audit?limit=500" "$AUD"
check "the PUT is audited with its text" '{"rings":[{"after_s":60,"lower_levels_by":1}],"weight":1}' \
  "$(jqr '[.data[] | select(.action=="engagement.routing")][0].detail | tojson')"

# Weight 2: W1 (capacity 2) holds one item at a time.
api PUT "/v1/engagements/$BPO/routing" "$MGR" '{"weight":2}'
expect "weight 2, no rings" 200
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":2}}"
B=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":3}}"
C=$(jqr .id)
api POST /v1/work/next "$W1"
check "W1 takes B" "$B" "$(jqr .id)"
EB=$(jqr .epoch)
api POST /v1/work/next "$W1"
check "B (weight 2) fills W1's capacity of 2: nothing more" null "$(jqr .id)"
api POST "/v1/items/$B/submit" "$W1" "{\"epoch\":$EB,\"result\":{\"ok\":true}}"
expect "W1 submits B" 200
api POST /v1/work/next "$W1"
check "then W1 takes C" "$C" "$(jqr .id)"

# A lease keeps the weight it was taken at: W4 (capacity 6) takes D at weight 2; the weight
# becomes 5; after a restart W4's load is still 2 (recovery read the lease's stored weight,
# not the engagement's weight of now).
api POST /v1/workers "$MGR" "{\"login\":\"w4\",\"name\":\"Dewi\",\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"ID\",\"time_zone\":\"Asia/Jakarta\",\"capacity\":6,\"cost_per_hour\":{\"amount_minor\":800,\"currency\":\"USD\"},\"clearances\":[$ACME]}"
expect "W4 created" 201
W4ID=$(jqr .id)
W4=$(new_token w4)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":4}}"
D=$(jqr .id)
api POST /v1/work/next "$W4"
check "W4 takes D at weight 2" "$D" "$(jqr .id)"
w4_load() { api GET /v1/dashboard "$MGR"; jqr ".workers.list[] | select(.id==$W4ID) | .load"; } # lw->load: weights
check "W4's load is 2" 2 "$(w4_load)"
api PUT "/v1/engagements/$BPO/routing" "$MGR" '{"weight":5}'
expect "weight 5 while D is leased" 200
check "the lease keeps its weight" 2 "$(w4_load)"
stop_server
start_server --clock-file "$CLOCK"
check "after a restart W4's load is still 2" 2 "$(w4_load)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":5}}"
E=$(jqr .id)
api POST /v1/work/next "$W4"
check "2 + 5 > 6: nothing more for W4" null "$(jqr .id)"
api PUT "/v1/engagements/$BPO/routing" "$MGR" '{"weight":4}'
api POST /v1/work/next "$W4"
check "2 + 4 = 6: W4 takes the next at weight 4" "$E" "$(jqr .id)"
check "W4's load is 6" 6 "$(w4_load)"

# Other skills as a ring: after 30 s, legal_research 4 also qualifies (W2 is not cleared
# for acme: still nothing for W2; the ring is stored and read back as given).
api PUT "/v1/engagements/$BPO/routing" "$MGR" \
  '{"weight":1,"rings":[{"after_s":30,"skills":[{"code":"legal_research","level":4}],"langs":[]}]}'
expect "a ring of other skills" 200
stop_server
start_server --clock-file "$CLOCK"
api GET "/v1/engagements/$BPO/routing" "$MGR"
check "kept across a restart" '{"rings":[{"after_s":30,"langs":[],"skills":[{"code":"legal_research","level":4}]}],"weight":1}' \
  "$(jqr '{rings, weight} | tojson')"
api POST /v1/work/next "$W2"
check "W2 is not cleared for acme: nothing" null "$(jqr .id)"

# More than 256 distinct skill codes (the index's code space was 256): 150 engagements of
# two new skills each; workers holding the first, a middle and the last engagement's skills
# get their items, before and after a restart (the rebuild interns in another order).
MANY=()
for k in $(seq 1 150); do
  api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Many $k\",\"required_skills\":[{\"code\":\"mx$k\",\"level\":2},{\"code\":\"my$k\",\"level\":1}],\"sla_seconds\":86400,\"lease_seconds\":600}"
  MANY[$k]=$(jqr .id)
done
check "150 engagements of 300 new codes" 150 "$(printf '%s\n' "${MANY[@]}" | grep -c '^[0-9]')"
MW=()
for k in 1 75 150; do
  api POST /v1/workers "$MGR" "{\"login\":\"many$k\",\"name\":\"Many $k\",\"skills\":[{\"code\":\"mx$k\",\"level\":3},{\"code\":\"my$k\",\"level\":1}],\"country\":\"ID\",\"time_zone\":\"Asia/Jakarta\",\"capacity\":2,\"cost_per_hour\":{\"amount_minor\":800,\"currency\":\"USD\"},\"clearances\":[$ACME]}"
  MW[$k]=$(new_token "many$k")
done
for round in "before a restart" "after a restart"; do
  for k in 1 75 150; do
    api POST /v1/items "$ACMEU" "{\"engagement_id\":${MANY[$k]},\"payload\":{\"k\":$k}}"
    want=$(jqr .id)
    api POST /v1/work/next "${MW[$k]}"
    check "the worker of engagement $k of 150 gets its item ($round)" "$want" "$(jqr .id)"
  done
  [ "$round" = "before a restart" ] && { stop_server; start_server --clock-file "$CLOCK"; }
done

# The CLI (server stopped): engagement routing ID --set -, then ID to read it back.
stop_server
out=$(echo '{"rings":[{"after_s":5,"lower_levels_by":2}]}' | "$BIN" engagement routing "$BPO" --data "$DATA" --set - 2>&1)
check "the CLI sets it" '{"rings":[{"after_s":5,"lower_levels_by":2}],"weight":1}' \
  "$(printf '%s' "$out" | jq -c '{rings, weight}')"
"$BIN" engagement routing "$BPO" --data "$DATA" --set - <<<'{"rings":[{"after_s":5,"lower_levels_by":9}]}' >/dev/null 2>&1
check "the CLI refuses a bad ring (exit 2)" 2 "$?"
start_server --clock-file "$CLOCK"
api GET "/v1/engagements/$BPO/routing" "$MGR"
check "the server reads what the CLI set" '{"rings":[{"after_s":5,"lower_levels_by":2}],"weight":1}' \
  "$(jqr '{rings, weight} | tojson')"

finish
