#!/usr/bin/env bash
# test_sessions.sh - browser sign-in and sessions against the real binary: the cookie's flags,
# one 401 for every refusal, CSRF, sign-out and deactivation at once, idle and absolute expiry
# (the server's clock is a file the test moves), failed sign-ins limited, passwords set by the
# CLI and by a one-time link, the security headers, and the Argon2id hash as stored.
. "$(dirname "$0")/lib.sh"

T0=1800000000000
clock_start "$T0"
JAR=$TMP/jar
init_data
printf 'correct horse battery\n' | "$BIN" user password admin --stdin --data "$DATA" >/dev/null
check "user password sets a password from stdin" 0 $?
start_server --clock-file "$CLOCK" --signin-fails 3

# signin LOGIN PASSWORD [JAR]: POST /v1/session with a cookie jar; sets STATUS, BODY, CSRF.
signin() {
  local jar=${3:-$JAR}
  STATUS=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -c "$jar" -b "$jar" \
    -H 'Content-Type: application/json' \
    --data-binary "{\"login\":\"$1\",\"password\":\"$2\"}" "$BASE/v1/session")
  BODY=$(cat "$TMP/body")
  CSRF=$(jqr .csrf)
}
# jar METHOD PATH [BODY] [curl args...]: a request with the cookie jar (no token).
jar() {
  local method=$1 path=$2 body=${3-}
  shift 3 2>/dev/null || shift $#
  local args=(-s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method" -b "$JAR" -c "$JAR")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$body"); fi
  STATUS=$(curl "${args[@]}" "$@" "$BASE$path")
  BODY=$(cat "$TMP/body")
}
at() { echo $((T0 + $1)) > "$CLOCK"; }

# --- sign-in: the cookie and its flags
signin admin 'correct horse battery'
expect "sign-in" 200
check "sign-in names the user" "admin admin" "$(jqr '.user.name + " " + .user.role')"
check "the csrf token is 32 hex digits" 1 "$(jqr .csrf | grep -c '^[0-9a-f]\{32\}$')"
check "expires_at is 30 minutes on" "2027-01-15T08:30:00.000Z" "$(jqr .expires_at)"
SC=$(header Set-Cookie)
check "Set-Cookie HttpOnly" 1 "$(echo "$SC" | grep -c 'HttpOnly')"
check "Set-Cookie SameSite=Strict" 1 "$(echo "$SC" | grep -c 'SameSite=Strict')"
check "Set-Cookie not Secure on plain http" 0 "$(echo "$SC" | grep -c 'Secure')"
check "the cookie value is 43 base64url characters" 1 \
  "$(echo "$SC" | grep -c '^alihdaya_session=[A-Za-z0-9_-]\{43\}; Path=/;')"
COOKIE1=$(echo "$SC" | sed 's/^alihdaya_session=\([^;]*\);.*/\1/')

# --- the session, and CSRF on writes
jar GET /v1/session
expect "GET /v1/session with the cookie" 200
check "the same csrf token" "$CSRF" "$(jqr .csrf)"
jar GET /v1/clients
expect "a read with the cookie" 200
jar POST /v1/clients '{"code":"c1","name":"One"}'
expect "a write without X-CSRF-Token" 403
check "its error code is csrf" csrf "$(jqr .error.code)"
jar POST /v1/clients '{"code":"c1","name":"One"}' -H "X-CSRF-Token: 00000000000000000000000000000000"
expect "a write with a wrong X-CSRF-Token" 403
jar POST /v1/clients '{"code":"c1","name":"One"}' -H "X-CSRF-Token: $CSRF"
expect "a write with X-CSRF-Token" 201
api POST /v1/clients "$ADMIN" '{"code":"c2","name":"Two"}'
expect "a bearer token needs no CSRF token" 201
api GET /v1/session "$ADMIN" ""
expect "GET /v1/session with a bearer token only" 401

# --- another site's page cannot sign a browser in (login CSRF): Sec-Fetch-Site
STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -H 'Sec-Fetch-Site: cross-site' \
  --data-binary '{"login":"admin","password":"correct horse battery"}' "$BASE/v1/session")
check "a cross-site sign-in is refused" 403 "$STATUS"
check "as csrf" csrf "$(jq -r .error.code < "$TMP/body")"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H 'Sec-Fetch-Site: same-origin' \
  --data-binary '{"login":"admin","password":"correct horse battery"}' "$BASE/v1/session")
check "a same-origin sign-in passes" 200 "$STATUS"

# --- one answer for every refusal
signin admin 'wrong password!'
expect "a wrong password" 401
WRONG=$BODY
signin nobody 'correct horse battery'
expect "an unknown login" 401
check "the same body for both" "$WRONG" "$BODY"
check "no cookie on a refusal" "" "$(header Set-Cookie)"

# --- a new session at each sign-in; the old one stays valid until it ends or expires
cp "$JAR" "$TMP/jar1"
signin admin 'correct horse battery'
COOKIE2=$(header Set-Cookie | sed 's/^alihdaya_session=\([^;]*\);.*/\1/')
[ "$COOKIE1" != "$COOKIE2" ] && ok "a new session id at sign-in" || bad "the session id was reused"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "alihdaya_session=$COOKIE1" "$BASE/v1/session")
check "the earlier session still works (sessions are independent)" 200 "$STATUS"

# --- sign-out ends it server-side at once
jar DELETE /v1/session "" -H "X-CSRF-Token: $CSRF"
expect "sign-out" 204
check "sign-out clears the cookie" 1 "$(header Set-Cookie | grep -c 'Max-Age=0')"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "alihdaya_session=$COOKIE2" "$BASE/v1/clients")
check "the signed-out cookie answers 401" 401 "$STATUS"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "alihdaya_session=$COOKIE1" "$BASE/v1/clients")
check "another session of the user is untouched" 200 "$STATUS"

# --- idle and absolute expiry: the clock moves, nobody sleeps
signin admin 'correct horse battery'
at $((29 * 60 * 1000))
jar GET /v1/session
expect "used after 29 minutes idle" 200
at $((58 * 60 * 1000))
jar GET /v1/session
expect "used again 29 minutes later (the use counted)" 200
at $((89 * 60 * 1000))
jar GET /v1/session
expect "after 31 minutes idle" 401
at $((11 * 3600 * 1000))
signin admin 'correct horse battery'
for h in 12 13 14 15 16 17 18 19 20 21 22 23; do at $((h * 3600 * 1000)); curl -s -o /dev/null -b "$JAR" "$BASE/v1/session"; done
at $((23 * 3600 * 1000 + 20 * 60 * 1000))
jar GET /v1/session
expect "kept alive, but past 12 hours absolute" 401


# --- user deactivate ends its sessions at once
api POST /v1/users "$ADMIN" '{"name":"maya","role":"manager"}'
MAYA=$(jqr .id)
printf 'maya password 1\n' | "$BIN" user password maya --stdin --data "$DATA" >/dev/null
check "user password while the server runs (it asks the server)" 0 $?
signin maya 'maya password 1'
expect "maya signs in" 200
check "maya is a manager" manager "$(jqr .user.role)"
api POST "/v1/users/$MAYA/deactivate" "$ADMIN" '{}'
expect "deactivate maya" 200
jar GET /v1/session
expect "her session right after" 401
api POST "/v1/users/$MAYA/activate" "$ADMIN" '{}'
jar GET /v1/session
expect "and it stays ended when she is active again" 401

# --- an admin's revoke: every session of the user, at once
signin maya 'maya password 1'
expect "maya signs in again" 200
cp "$JAR" "$TMP/jar-maya"
signin maya 'maya password 1' "$TMP/jar-maya2"
api DELETE "/v1/users/$MAYA/sessions" "$ADMIN" ""
expect "the admin ends maya's sessions" 204
jar GET /v1/session
expect "her first session right after" 401
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "$TMP/jar-maya2" "$BASE/v1/session")
check "and her second" 401 "$STATUS"
api DELETE "/v1/users/$MAYA/sessions" "$(new_token maya)" ""
expect "a manager may not revoke sessions" 403

# --- the one-time link
LINK=$("$BIN" user password-link maya --data "$DATA" --base http://example.test)
check "password-link prints BASE/#/set-password/TOKEN" 1 \
  "$(echo "$LINK" | grep -c '^http://example.test/#/set-password/[A-Za-z0-9_-]\{43\}$')"
TOKEN=${LINK##*/}
api POST /v1/password "" "{\"token\":\"$TOKEN\",\"password\":\"short\"}"
expect "a password too short" 400
api POST /v1/password "" "{\"token\":\"$TOKEN\",\"password\":\"maya password 2\"}"
expect "the link sets the password" 204
api POST /v1/password "" "{\"token\":\"$TOKEN\",\"password\":\"maya password 3\"}"
expect "the link used twice" 400
signin maya 'maya password 2'
expect "sign-in with the linked password" 200
signin maya 'maya password 1'
expect "the old password no longer" 401
api POST "/v1/users/$MAYA/password-link" "$ADMIN" '{}'
expect "password-link over the API" 201
TOKEN=$(jqr .token)
at $((48 * 3600 * 1000))
api POST /v1/password "" "{\"token\":\"$TOKEN\",\"password\":\"maya password 4\"}"
expect "a link past 24 hours" 400
api POST "/v1/users/$MAYA/password" "$ADMIN" '{"password":"maya password 5"}'
expect "the admin sets a password over the API" 204
api POST "/v1/users/$MAYA/password" "$(new_token maya)" '{"password":"maya password 6"}'
expect "a manager may not" 403

# --- failed sign-ins: per account (3 in a burst here), then 429 before any hash
for i in 1 2 3; do signin maya "wrong $i wrong"; done
expect "the third failure still 401" 401
signin maya 'maya password 5'
expect "the account is held now, even with the right password" 429
check "with Retry-After" 1 "$(header Retry-After | grep -c '^[0-9]\+$')"
signin admin 'correct horse battery'
expect "another account from the same address" 200
at $((48 * 3600 * 1000 + 61 * 1000))
signin maya 'maya password 5'
expect "a minute later one more try" 200
# per address: 4 x 3 failures from one address over any logins
for i in $(seq 1 12); do signin "ghost$i" 'nothing here'; done
signin ghost99 'nothing here'
expect "the address is held after 12 failures" 429

# --- security headers on every answer
CSP="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
for p in /v1/health /v1/nothing-here /; do
  curl -s -o /dev/null -D "$TMP/headers" "$BASE$p"
  check "CSP on $p" "$CSP" "$(header Content-Security-Policy)"
  check "nosniff on $p" nosniff "$(header X-Content-Type-Options)"
  check "Referrer-Policy on $p" no-referrer "$(header Referrer-Policy)"
done
api GET /v1/clients "" ""
expect "a 401" 401
check "CSP on a 401" "$CSP" "$(header Content-Security-Policy)"

# --- a dashboard stream is not a use of its session
# An open dashboard stream re-checks its session every 2 s, but that is not the user's use:
# a tab left open on the dashboard does not keep an unattended session alive.
at $((100 * 3600 * 1000))
signin admin 'correct horse battery'
curl -sN -b "$JAR" "$BASE/v1/dashboard/events" > "$TMP/sse" &
SSE=$!
for _ in $(seq 1 100); do grep -q '^event: snapshot' "$TMP/sse" && break; sleep 0.05; done
for m in 10 20; do at $((100 * 3600 * 1000 + m * 60 * 1000)); sleep 2.5; done
grep -q '^event: snapshot' "$TMP/sse" && ok "the stream was open" || bad "the stream sent nothing"
at $((100 * 3600 * 1000 + 31 * 60 * 1000))
jar GET /v1/session
expect "31 minutes after the last request, the stream's re-checks not counted: idle" 401
for _ in $(seq 1 60); do kill -0 $SSE 2>/dev/null || break; sleep 0.1; done
if kill -0 $SSE 2>/dev/null; then bad "the stream outlived its idle session"; kill $SSE; else ok "the stream ended with its idle session"; fi

# --- Secure: with the flag, and behind a trusted proxy saying https
stop_server
start_server --clock-file "$CLOCK" --trust-proxy
signin admin 'correct horse battery'
check "no Secure over plain http behind --trust-proxy" 0 "$(header Set-Cookie | grep -c Secure)"
STATUS=$(curl -s -o /dev/null -D "$TMP/headers" -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
  -H 'Content-Type: application/json' --data-binary '{"login":"admin","password":"correct horse battery"}' \
  "$BASE/v1/session")
check "Secure with X-Forwarded-Proto: https" 1 "$(header Set-Cookie | grep -c '; Secure')"
# about the same time for an unknown login as for a wrong password: both run one hash
# (without the dummy hash an unknown login would answer in a fraction of the time)
tw=0; tu=0
for i in 1 2 3; do
  t=$(curl -s -o /dev/null -w '%{time_total}' --data-binary '{"login":"admin","password":"wrong wrong"}' "$BASE/v1/session")
  tw=$(awk -v a="$tw" -v b="$t" 'BEGIN{print a + b}')
  t=$(curl -s -o /dev/null -w '%{time_total}' --data-binary "{\"login\":\"nobody$i\",\"password\":\"wrong wrong\"}" "$BASE/v1/session")
  tu=$(awk -v a="$tu" -v b="$t" 'BEGIN{print a + b}')
done
[ "$(awk -v u="$tu" -v w="$tw" 'BEGIN{print (u > 0.4 * w) ? 1 : 0}')" = 1 ] && ok "unknown logins take about as long as wrong passwords ($tu s vs $tw s)" \
  || bad "unknown logins answer much faster ($tu s vs $tw s)"
# behind a trusted proxy, failures count per client as the proxy names it (X-Forwarded-For)
xsignin() {
  curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-For: 198.51.100.1, $1" \
    --data-binary "{\"login\":\"$2\",\"password\":\"nothing here\"}" "$BASE/v1/session"
}
for i in $(seq 1 20); do xsignin 203.0.113.7 "px$i" >/dev/null; done
check "20 failures of one client behind the proxy: held" 429 "$(xsignin 203.0.113.7 px99)"
check "another client behind the same proxy is not" 401 "$(xsignin 203.0.113.8 px99)"
stop_server
start_server --clock-file "$CLOCK" --secure-cookies
signin admin 'correct horse battery'
check "Secure with --secure-cookies" 1 "$(header Set-Cookie | grep -c '; Secure')"
stop_server

# --- rehash at sign-in: a hash with older parameters (made by python3-argon2) is renewed
OLD='$argon2id$v=19$m=65536,t=3,p=1$FF79Suxchx3KNQtZQlK7+Q$14wMn41Tk8EtTa8A7BAy1w'
sqlite3 "$DATA/alihdaya.db" "UPDATE passwords SET hash = '$OLD' WHERE user_id = $MAYA"
start_server --clock-file "$CLOCK"
signin maya 'correct horse battery'
expect "sign-in against a hash made elsewhere with other parameters" 200
stop_server
NEW=$(sqlite3 "$DATA/alihdaya.db" "SELECT hash FROM passwords WHERE user_id = $MAYA")
check "the sign-in renewed it with the current parameters" 1 \
  "$(echo "$NEW" | grep -c '^\$argon2id\$v=19\$m=19456,t=2,p=1\$')"

# --- the hash as stored: Argon2id with at least 19 MiB and 2 passes, checked outside our code
HASH=$(sqlite3 "$DATA/alihdaya.db" "SELECT hash FROM passwords p JOIN users u ON u.id = p.user_id WHERE u.name = 'admin'")
check "the stored hash is Argon2id" 1 "$(echo "$HASH" | grep -c '^\$argon2id\$v=19\$')"
M=$(echo "$HASH" | sed -n 's/.*\$m=\([0-9]*\),t=\([0-9]*\),p=[0-9]*\$.*/\1/p')
T=$(echo "$HASH" | sed -n 's/.*\$m=\([0-9]*\),t=\([0-9]*\),p=[0-9]*\$.*/\2/p')
[ "${M:-0}" -ge 19456 ] && ok "memory m=$M KiB >= 19456" || bad "memory m=$M"
[ "${T:-0}" -ge 2 ] && ok "passes t=$T >= 2" || bad "passes t=$T"
# python3-argon2 (scripts/install.sh) verifies it: the hash is standard, not only ours.
PY=python3
for p in /usr/bin/python3 "$(command -v python3 || true)"; do
  [ -n "$p" ] && "$p" -c 'import argon2' 2>/dev/null && { PY=$p; break; }
done
"$PY" - "$HASH" <<'PY' && ok "python3-argon2 verifies the stored hash" || bad "python3-argon2 does not verify it"
import sys, argon2
h = argon2.PasswordHasher()
assert h.verify(sys.argv[1], "correct horse battery")
try:
    h.verify(sys.argv[1], "correct horse battery!")
    sys.exit(1)
except argon2.exceptions.VerifyMismatchError:
    pass
PY
check "no session text in the database" 0 \
  "$(sqlite3 "$DATA/alihdaya.db" "SELECT count(*) FROM sessions WHERE typeof(hash) != 'blob' OR length(hash) != 32")"

# --- alihdaya demo prints a web login for a worker, a client user, a manager and an auditor
"$BIN" demo --data "$TMP/demo" --no-serve --items 0 > "$TMP/demo.out" 2>"$TMP/demo.err"
check "demo --no-serve" 0 $?
DEMOPW=$(sed -n 's/.*sign in as (password \(.*\)):$/\1/p' "$TMP/demo.out")
check "demo names the password" demo-password "$DEMOPW"
DATA=$TMP/demo
start_server
for role in worker "client user" manager auditor; do
  login=$(sed -n "s/^  $role: *\([^ ]*\)$/\1/p" "$TMP/demo.out")
  signin "$login" "$DEMOPW" "$TMP/jar-demo"
  check "demo's $role login ($login) signs in" 200 "$STATUS"
done
stop_server

finish
