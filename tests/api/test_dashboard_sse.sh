#!/usr/bin/env bash
# test_dashboard_sse.sh - GET /v1/dashboard/events: curl -N reads the stream; a snapshot at
# connect, a new one after a submit elsewhere, heartbeats, the client's own view, the limit
# of streams (503 past it), the end at sign-out and revoke, and a shutdown that does not hang.
. "$(dirname "$0")/lib.sh"

init_data
start_server --dashboard-streams 3
setup_world

# events FILE: the snapshot events' JSON, one a line.
events() { sed -n 's/^data: //p' "$1"; }
# wait_for FILE N: until FILE holds N snapshot events (at most 10 s).
wait_for() {
  for _ in $(seq 1 200); do
    [ "$(events "$1" | wc -l)" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

curl -sN -H "Authorization: Bearer $MGR" -D "$TMP/h1" "$BASE/v1/dashboard/events" > "$TMP/s1" &
S1=$!
wait_for "$TMP/s1" 1 && ok "a snapshot at connect" || bad "no snapshot at connect"
check "the stream's type" "text/event-stream" "$(tr -d '\r' < "$TMP/h1" | awk -F': ' 'tolower($1)=="content-type"{print $2}')"
check "first snapshot: nothing queued in the BPO engagement" 0 \
  "$(events "$TMP/s1" | head -1 | jq -r ".engagements[] | select(.id == $BPO) | .queue_depth")"
grep -q '^event: snapshot$' "$TMP/s1" && ok "events are named snapshot" || bad "no event: snapshot line"

# A client user's stream: its own engagement only, no workers.
curl -sN -b "x=1" -H "Authorization: Bearer $ACMEU" "$BASE/v1/dashboard/events" > "$TMP/s2" &
S2=$!
wait_for "$TMP/s2" 1 || bad "no snapshot for the client user"
check "the client's stream shows only its engagement" "$BPO" "$(events "$TMP/s2" | head -1 | jq -r '[.engagements[].id]|join(",")')"
check "the client's stream shows no workers" null "$(events "$TMP/s2" | head -1 | jq -r '.workers')"

# A submit elsewhere (over the API, not the stream) produces a new snapshot within seconds.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":1}}"
expect "an item submitted elsewhere" 201
wait_for "$TMP/s1" 2 && ok "a new snapshot after the submit" || bad "no new snapshot after the submit"
check "the new snapshot counts the item" 1 \
  "$(events "$TMP/s1" | tail -1 | jq -r ".engagements[] | select(.id == $BPO) | .queue_depth")"
V1=$(events "$TMP/s1" | head -1 | jq -r .version); V2=$(events "$TMP/s1" | tail -1 | jq -r .version)
[ "$V2" -gt "$V1" ] && ok "versions grow" || bad "version $V2 after $V1"
wait_for "$TMP/s2" 2 && ok "the client's stream sees its item too" || bad "no new snapshot for the client"

# The limit: three streams open at once, the fourth answered 503.
curl -sN -H "Authorization: Bearer $AUD" "$BASE/v1/dashboard/events" > "$TMP/s3" &
S3=$!
wait_for "$TMP/s3" 1 || bad "no snapshot for the auditor"
api GET /v1/dashboard/events "$MGR"
expect "a fourth stream past the limit of 3" 503
[ -n "$(header Retry-After)" ] && ok "503 says when to retry" || bad "no Retry-After"
api GET /v1/dashboard/events "$W1"
expect "a worker may not open the stream" 403
curl -s -H "Authorization: Bearer $MGR" "$BASE/v1/metrics" | grepq '^alihdaya_dashboard_streams 3$' && ok "/metrics counts 3 streams" || bad "/metrics does not count the streams"

# A revoked token ends its stream (within the hub's check, 2 s).
api GET /v1/tokens "$AUD"
AUDTOK=$(jqr '.data[0].id')
api DELETE "/v1/tokens/$AUDTOK" "$AUD"
expect "the auditor's token revoked" 200
for _ in $(seq 1 100); do kill -0 "$S3" 2>/dev/null || break; sleep 0.05; done
kill -0 "$S3" 2>/dev/null && { bad "the revoked token's stream is still open"; kill "$S3"; } || ok "a revoked token's stream ends"

# A browser session's stream (the cookie, no CSRF on GET) ends at sign-out.
printf '%s\n' 'correct horse battery' | "$BIN" user password mgr --data "$DATA" --stdin >/dev/null
curl -s -c "$TMP/jar" -H 'Content-Type: application/json' \
  -d '{"login":"mgr","password":"correct horse battery"}' "$BASE/v1/session" > "$TMP/signin.json"
CSRF=$(jq -r .csrf "$TMP/signin.json")
curl -sN -b "$TMP/jar" "$BASE/v1/dashboard/events" > "$TMP/s4" &
S4=$!
wait_for "$TMP/s4" 1 && ok "a session cookie opens the stream" || bad "no stream with the session cookie: $(cat "$TMP/signin.json")"
curl -s -b "$TMP/jar" -X DELETE -H "X-CSRF-Token: $CSRF" "$BASE/v1/session" >/dev/null
for _ in $(seq 1 100); do kill -0 "$S4" 2>/dev/null || break; sleep 0.05; done
kill -0 "$S4" 2>/dev/null && { bad "the signed-out session's stream is still open"; kill "$S4"; } || ok "sign-out ends the session's stream"

# Heartbeats: a comment line at least every 15 s while nothing changes.
for _ in $(seq 1 340); do grep -q '^: keep-alive' "$TMP/s2" && break; sleep 0.05; done
grep -q '^: keep-alive' "$TMP/s2" && ok "heartbeat comments" || bad "no heartbeat within 17 s"

# Shutdown with streams open: the server stops promptly and the streams end.
T=$(date +%s%N)
stop_server TERM; RC=$?
MS=$(( ($(date +%s%N) - T) / 1000000 ))
check "the server stops cleanly with streams open" 0 "$RC"
[ "$MS" -lt 5000 ] && ok "shutdown took ${MS} ms" || bad "shutdown took ${MS} ms"
for p in $S1 $S2; do
  for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$p" 2>/dev/null && { bad "stream $p still open after shutdown"; kill "$p"; } || ok "stream $p ended at shutdown"
done
finish
