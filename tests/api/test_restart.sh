#!/usr/bin/env bash
# test_restart.sh - every acknowledged item survives a SIGKILL; a SIGTERM stops cleanly.
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world

# 8 parallel submitters; record the ids the server acknowledged.
pids=()
for p in $(seq 1 8); do
  (
    for i in $(seq 1 25); do
      code=$(curl -s -o "$TMP/r.$p.$i" -w '%{http_code}' -X POST -H "Authorization: Bearer $ACMEU" \
        -H 'Content-Type: application/json' --data "{\"engagement_id\":$BPO,\"payload\":{\"p\":$p,\"i\":$i}}" "$BASE/v1/items")
      [ "$code" = 201 ] && jq -r .id "$TMP/r.$p.$i" >> "$TMP/acked.$p"
    done
  ) &
  pids+=($!)
done
wait "${pids[@]}"
cat "$TMP"/acked.* | sort -n > "$TMP/acked"
check "200 acknowledged" 200 "$(wc -l < "$TMP/acked")"
api POST /v1/work/next "$W1"
HELD=$(jqr .id)

stop_server KILL
start_server
api GET "/v1/items?limit=500" "$MGR"
jqr '.data[].id' | sort -n > "$TMP/present"
check "every acknowledged item is there after SIGKILL" "" "$(comm -23 "$TMP/acked" "$TMP/present" | head -3)"
api GET "/v1/items/$HELD" "$MGR"
check "lease survives restart" assigned "$(jqr .state)"
api POST /v1/work/next "$W1"
expect "work continues after restart" 200

stop_server TERM && ok "SIGTERM exits 0" || bad "SIGTERM exit code"
grep -q '"stopped cleanly"\|stopped cleanly' "$TMP/server.err" && ok "logs a clean stop" || bad "no clean stop in log"
start_server
stop_server INT && ok "SIGINT exits 0" || bad "SIGINT exit code"
sqlite3 "$DATA/alihdaya.db" 'PRAGMA integrity_check' | grepq -x ok && ok "integrity_check ok" || bad "integrity_check"
finish
