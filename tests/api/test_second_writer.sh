#!/usr/bin/env bash
# test_second_writer.sh - one writer: a CLI write beside a live server goes through the server's
# local socket, never a second engine (issue 7: a paused server, an expired lease and
# `token create` used to give the item two `expire` events).
. "$(dirname "$0")/lib.sh"

init_data
start_server
setup_world 2   # leases of two seconds
SOCK=$DATA/alihdaya.sock

check "the socket is 0600" 600 "$(stat -c %a "$SOCK")"
check "the data directory is 0700" 700 "$(stat -c %a "$DATA")"
S=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" http://localhost/v1/users)
check "the socket answers as the local admin, no token" 200 "$S"
S=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:"$PORT"/v1/users)
check "TCP still needs a token" 401 "$S"

# The reproduction: a worker takes an item, the server is paused past the lease,
# a CLI write is made meanwhile, the server goes on.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"n\":1}}"
A=$(jqr .id)
api POST /v1/work/next "$W1"
check "W1 takes the item" "$A" "$(jqr .id)"
kill -STOP "$SERVER_PID"
sleep 3
"$BIN" token create --data "$DATA" --user mgr >"$TMP/tok" 2>"$TMP/tok.err" &
CLI=$!
sleep 1
kill -0 "$CLI" 2>/dev/null && ok "the CLI waits for the paused server" || bad "the CLI did not wait: $(cat "$TMP/tok.err")"
kill -CONT "$SERVER_PID"
wait "$CLI"; check "token create beside the server exits 0" 0 $?
T=$(cat "$TMP/tok")
[[ "$T" == ahd_* ]] && ok "token printed" || bad "token: $T $(cat "$TMP/tok.err")"
for _ in $(seq 1 40); do
  api GET "/v1/items/$A" "$MGR"
  [ "$(jqr .state)" = queued ] && break
  sleep 0.05
done
check "the lease expired" queued "$(jqr .state)"
api GET "/v1/items/$A/history" "$MGR"
check "one expire in the history" "create assign expire" "$(jqr '[.[]|.action]|join(" ")')"
api GET /v1/engagements "$T"
expect "the new token works over TCP" 200

# user create beside the server, and the new user's token.
"$BIN" user create --data "$DATA" --name aud2 --role auditor >"$TMP/u" 2>&1
check "user create beside the server exits 0" 0 $?
grep -qx "user [0-9]* created" "$TMP/u" && ok "same output as locally" || bad "user create said: $(cat "$TMP/u")"
T2=$(new_token aud2)
api GET /v1/audit/verify "$T2"
expect "the new user's token works" 200
"$BIN" user create --data "$DATA" --name aud2 --role auditor 2>"$TMP/e"
check "a refused write exits 1" 1 $?
grep -q "exists" "$TMP/e" && ok "the server's refusal is shown" || bad "refusal text: $(cat "$TMP/e")"
"$BIN" client create --data "$DATA" --code beside --name Beside >"$TMP/c" 2>&1
grep -qx "client [0-9]* created" "$TMP/c" && ok "client create beside the server" || bad "client create: $(cat "$TMP/c")"
"$BIN" audit verify --data "$DATA" | grepq intact && ok "audit chain intact" || bad "audit chain"

# No server: the CLI writes locally, and a stale socket is no obstacle.
stop_server
[ -e "$SOCK" ] && bad "socket left after a clean stop" || ok "socket removed at stop"
"$BIN" user create --data "$DATA" --name local1 --role manager >"$TMP/u" 2>&1
check "user create with no server exits 0" 0 $?
start_server
stop_server KILL
[ -S "$SOCK" ] && ok "a killed server leaves its socket" || bad "no stale socket to test with"
T3=$("$BIN" token create --data "$DATA" --user local1)
check "token create with a stale socket and no server exits 0" 0 $?
start_server
api GET /v1/engagements "$T3"
expect "a restarted server replaces the stale socket; the token works" 200
S=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" http://localhost/v1/users)
check "the new socket answers" 200 "$S"
finish
