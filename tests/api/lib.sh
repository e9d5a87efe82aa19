# lib.sh - shared helpers of the black-box tests: a real alihdaya binary on a loopback
# port with its own data directory, driven with curl and jq. Source it; $1 is the binary.
set -uo pipefail

BIN=${1:?usage: test_x.sh path/to/alihdaya}
BIN=$(readlink -f "$BIN")
TMP=$(mktemp -d /tmp/alihdaya-test.XXXXXX)
DATA=$TMP/data
PASS=0
FAIL=0
SERVER_PID=
PORT=
BASE=

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
  fi
  if [ "${KEEP_TMP:-}" = "" ]; then rm -rf "$TMP"; fi
}
trap cleanup EXIT

ok()   { PASS=$((PASS+1)); echo "ok - $*"; }
bad()  { FAIL=$((FAIL+1)); echo "FAIL - $*"; }

# check DESCRIPTION EXPECTED ACTUAL
check() {
  if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi
}

# start_server [extra serve flags...]: serves $DATA on a free port, sets PORT and BASE.
start_server() {
  : > "$TMP/server.out"
  "$BIN" serve --data "$DATA" --port 0 "$@" >"$TMP/server.out" 2>>"$TMP/server.err" &
  SERVER_PID=$!
  wait_listening "$TMP/server.out" "$TMP/server.err" 200
  BASE="http://127.0.0.1:$PORT"
}

# wait_listening OUT ERR TRIES: waits (TRIES x 50 ms) for the "listening" line of the server
# $SERVER_PID in file OUT and sets PORT; exits the test, showing ERR, if it dies or never listens.
wait_listening() {
  for _ in $(seq 1 "$3"); do
    PORT=$(sed -n 's/^alihdaya listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$1")
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died:"; cat "$2"; exit 1; }
    sleep 0.05
  done
  echo "server did not start"; cat "$2"; exit 1
}

# stop_server [signal]: default TERM (graceful). Returns the server's exit code.
stop_server() {
  local sig=${1:-TERM} rc=0
  kill -"$sig" "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null || rc=$?
  SERVER_PID=
  return $rc
}

# start_receiver PLAN: webhook_receiver.py on loopback answering by PLAN (see its usage);
# sets RLOG (its log of requests), RPID and RURL (its /hook address); stopped at exit.
start_receiver() {
  RLOG=$TMP/receiver.log
  : > "$RLOG"
  python3 "$(dirname "${BASH_SOURCE[0]}")/webhook_receiver.py" "$TMP/rport" "$RLOG" "$1" &
  RPID=$!
  trap 'kill $RPID 2>/dev/null; cleanup' EXIT
  for _ in $(seq 1 100); do [ -s "$TMP/rport" ] && break; sleep 0.05; done
  RURL="http://127.0.0.1:$(cat "$TMP/rport")/hook"
}

# The engine's time from a file (serve --clock-file CLOCK): tests move it, never sleep.
# clock_start [MS]: CLOCK at MS (default 2026-01-01T00:00:00Z). set_clock MS and
# advance MS move it (a rename: never read half-written).
CLOCK=$TMP/clock
clock_start() { echo "${1:-1767225600000}" > "$CLOCK"; }
set_clock() { echo "$1" > "$CLOCK.new" && mv "$CLOCK.new" "$CLOCK"; }
advance() { set_clock $(( $(cat "$CLOCK") + $1 )); }
# wait_state ID STATE: the engine re-reads its clock at least every 200 ms; waits up to 5 s
# for item ID to be in STATE, as the manager ($MGR of setup_world) reads it.
wait_state() {
  for _ in $(seq 1 100); do
    api GET "/v1/items/$1" "$MGR"
    [ "$(jqr .state)" = "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# init_data: a fresh data directory with the catalogue and an admin; sets ADMIN token.
init_data() {
  "$BIN" init --data "$DATA" >/dev/null || { echo "init failed"; exit 1; }
  ADMIN=$("$BIN" token create --data "$DATA" --user admin) || { echo "token failed"; exit 1; }
}

# api METHOD PATH TOKEN [BODY] [extra curl args...]: sets STATUS, BODY (and HEADERS file).
api() {
  local method=$1 path=$2 token=$3 body=${4-}
  shift 4 2>/dev/null || shift $#
  local args=(-s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$body"); fi
  STATUS=$(curl "${args[@]}" "$@" "$BASE$path")
  BODY=$(cat "$TMP/body")
}

# ... | grepq PATTERN: grep -q that reads its whole input. With pipefail, grep -q leaves the
# pipe at its first match, and a writer still writing (printf's last newline) then dies of
# SIGPIPE, failing a check that matched (a flake seen under load).
grepq() { grep "$@" > /dev/null; }

# jqr FILTER: applies a jq filter to the last BODY (raw output).
jqr() { printf '%s' "$BODY" | jq -r "$1" 2>/dev/null; }

# expect DESCRIPTION STATUS: checks the last status.
expect() { check "$1 (HTTP)" "$2" "$STATUS"; [ "$2" = "$STATUS" ] || echo "    body: ${BODY:0:300}"; }

# header NAME: value of a response header of the last call.
header() { tr -d '\r' < "$TMP/headers" | awk -v n="$(echo "$1" | tr A-Z a-z)" -F': ' 'tolower($1)==n{print $2}'; }

# new_token USER: a bearer token for an existing user.
new_token() { "$BIN" token create --data "$DATA" --user "$1"; }

finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}

# setup_world: two clients, their users, a BPO and a KPO engagement, three workers.
# Sets: ACME LEX (client ids), BPO KPO (engagement ids), MGR ACMEU LEXU AUD W1 W2 W3 (tokens),
# W1ID W2ID W3ID (worker ids). W1: data entry, cleared for ACME. W2: legal, cleared for LEX.
# W3: data entry level 1 (under-qualified), cleared for both.
setup_world() {
  local lease=${1:-1800}
  api POST /v1/clients "$ADMIN" '{"code":"acme","name":"Acme Insurance","time_zone":"America/New_York"}'
  ACME=$(jqr .id)
  api POST /v1/clients "$ADMIN" '{"code":"lex","name":"LexCorp"}'
  LEX=$(jqr .id)
  api POST /v1/users "$ADMIN" '{"name":"mgr","role":"manager"}'
  api POST /v1/users "$ADMIN" "{\"name\":\"acme-user\",\"role\":\"client\",\"client_id\":$ACME}"
  api POST /v1/users "$ADMIN" "{\"name\":\"lex-user\",\"role\":\"client\",\"client_id\":$LEX}"
  api POST /v1/users "$ADMIN" '{"name":"aud","role":"auditor"}'
  MGR=$(new_token mgr); ACMEU=$(new_token acme-user); LEXU=$(new_token lex-user); AUD=$(new_token aud)
  api POST /v1/engagements "$MGR" "{\"client_id\":$ACME,\"service_code\":\"data_entry\",\"name\":\"Claim forms\",\"required_skills\":[{\"code\":\"data_entry\",\"level\":2}],\"required_languages\":[{\"code\":\"en\",\"level\":2}],\"sla_seconds\":86400,\"lease_seconds\":$lease}"
  BPO=$(jqr .id)
  api POST /v1/engagements "$MGR" "{\"client_id\":$LEX,\"service_code\":\"legal\",\"name\":\"Research\",\"required_skills\":[{\"code\":\"legal_research\",\"level\":4}],\"sla_seconds\":432000,\"lease_seconds\":$lease}"
  KPO=$(jqr .id)
  api POST /v1/workers "$MGR" "{\"login\":\"w1\",\"name\":\"Ana\",\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"PH\",\"time_zone\":\"Asia/Manila\",\"capacity\":2,\"cost_per_hour\":{\"amount_minor\":900,\"currency\":\"USD\"},\"clearances\":[$ACME]}"
  W1ID=$(jqr .id)
  api POST /v1/workers "$MGR" "{\"login\":\"w2\",\"name\":\"Priya\",\"skills\":[{\"code\":\"legal_research\",\"level\":5}],\"languages\":[{\"code\":\"en\",\"level\":5}],\"credentials\":[\"bar:IN\"],\"country\":\"IN\",\"time_zone\":\"Asia/Kolkata\",\"capacity\":1,\"cost_per_hour\":{\"amount_minor\":2600,\"currency\":\"USD\"},\"clearances\":[$LEX]}"
  W2ID=$(jqr .id)
  api POST /v1/workers "$MGR" "{\"login\":\"w3\",\"name\":\"Eko\",\"skills\":[{\"code\":\"data_entry\",\"level\":1}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"ID\",\"time_zone\":\"Asia/Jakarta\",\"capacity\":1,\"cost_per_hour\":{\"amount_minor\":750,\"currency\":\"USD\"},\"clearances\":[$ACME,$LEX]}"
  W3ID=$(jqr .id)
  W1=$(new_token w1); W2=$(new_token w2); W3=$(new_token w3)
  for v in ACME LEX BPO KPO W1ID W2ID W3ID; do
    case "${!v}" in ''|null) echo "setup_world: could not create $v"; cat "$TMP/body"; exit 1;; esac
  done
}
