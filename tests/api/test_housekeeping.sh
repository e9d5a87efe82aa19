#!/usr/bin/env bash
# test_housekeeping.sh - the server's background job deletes session rows 30 days past their
# end or absolute expiry and idempotency keys 7 days past their first use, and nothing
# younger: the server's clock is a file the test moves, the rows are counted in the store.
. "$(dirname "$0")/lib.sh"

DAY=86400000
T0=1800000000000
clock_start "$T0"
JAR=$TMP/jar
init_data
printf 'correct horse battery\n' | "$BIN" user password admin --stdin --data "$DATA" >/dev/null
start_server --clock-file "$CLOCK"
setup_world
DB=$DATA/alihdaya.db
signin() {
  STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -c "$1" -b "$1" -H 'Content-Type: application/json' \
    --data-binary '{"login":"admin","password":"correct horse battery"}' "$BASE/v1/session")
  BODY=$(cat "$TMP/body")
}
count() { sqlite3 "$DB" "SELECT count(*) FROM $1"; }
# waits (real time, at most 5 s) until the store's count of $1 is $2
wait_count() { for _ in $(seq 1 100); do [ "$(count "$1")" = "$2" ] && break; sleep 0.05; done; }

signin "$TMP/jar1"; expect "sign-in, the session to end" 200
CSRF=$(jqr .csrf)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -b "$TMP/jar1" -H "X-CSRF-Token: $CSRF" "$BASE/v1/session")
expect "sign-out ends it" 204
signin "$TMP/jar2"; expect "sign-in, a session left to expire" 200
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"policy\":\"H-1\"}}" -H 'Idempotency-Key: hk-1'
expect "a create with an Idempotency-Key" 201
check "two session rows and one key" "2 1" "$(count sessions) $(count idempotency)"

advance $((6 * DAY))
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"policy\":\"H-2\"}}" -H 'Idempotency-Key: hk-2'
expect "a second key, six days later" 201
advance $((2 * DAY)); sleep 1.5
check "day 8: the first key is deleted, the second kept" "hk-2" "$(wait_count idempotency 1; sqlite3 "$DB" 'SELECT key FROM idempotency')"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"policy\":\"H-2\"}}" -H 'Idempotency-Key: hk-2'
check "a retry of the kept key still replays" "201 true" "$STATUS $(header Idempotent-Replayed)"
check "the sessions are kept within 30 days of their end" 2 "$(count sessions)"

advance $((23 * DAY)); sleep 1.5
wait_count sessions 0
check "day 31: the ended and the expired session are deleted" 0 "$(count sessions)"
check "and the second key (day 25 of its 7)" 0 "$(count idempotency)"
signin "$TMP/jar3"; expect "signing in still works" 200
check "the new session is kept" 1 "$(count sessions)"
stop_server
finish
