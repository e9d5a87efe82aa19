#!/usr/bin/env bash
# test_abuse.sh - limits under abuse: oversized and endless bodies, deep JSON, request
# floods, slow and idle clients, 2,000 open connections. The server keeps answering,
# its memory stays bounded, and every refusal is the documented one.
#   $2 is the conn_hold helper (built by CMake beside the binary).
. "$(dirname "$0")/../api/lib.sh"
HOLD=$(readlink -f "${2:-$(dirname "$BIN")/conn_hold}")
[ -x "$HOLD" ] || { echo "conn_hold helper not found: $HOLD"; exit 1; }
CONNS=${ABUSE_CONNS:-2000}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }
alive() { api GET /v1/health ""; [ "$STATUS" = 200 ]; }

init_data
start_server --max-body 65536 --timeout 2
setup_world

# ---- bodies ----------------------------------------------------------------------------
head -c 200000 /dev/zero | tr '\0' 'a' > "$TMP/big"
printf '{"engagement_id":%s,"payload":{"x":"%s"}}' "$BPO" "$(cat "$TMP/big")" > "$TMP/bigbody"
api POST /v1/items "$ACMEU" "" --data-binary @"$TMP/bigbody" -H 'Content-Type: application/json'
expect "oversized body with Content-Length" 413
check "oversized body code" too_large "$(jqr .error.code)"
api POST /v1/items "$ACMEU" "" --data-binary @"$TMP/bigbody" -H 'Content-Type: application/json' \
  -H 'Transfer-Encoding: chunked'
expect "oversized chunked body (no Content-Length)" 413
head -c 30000000 /dev/zero > "$TMP/huge"
api POST /v1/items "$ACMEU" "" --data-binary @"$TMP/huge" -H 'Transfer-Encoding: chunked'
expect "30 MB chunked body" 413
rm -f "$TMP/huge"

DEEP=$(printf '[%.0s' $(seq 1 33))$(printf ']%.0s' $(seq 1 33))
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":$DEEP}"
expect "JSON one level too deep" 400
OKDEEP=$(printf '[%.0s' $(seq 1 30))$(printf ']%.0s' $(seq 1 30))
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":$OKDEEP}"
expect "JSON within the depth limit" 201
printf '{"engagement_id":%s,"payload":' "$BPO" > "$TMP/deep"
head -c 30000 /dev/zero | tr '\0' '[' >> "$TMP/deep"
head -c 30000 /dev/zero | tr '\0' ']' >> "$TMP/deep"
printf '}' >> "$TMP/deep"
api POST /v1/items "$ACMEU" "" --data-binary @"$TMP/deep" -H 'Content-Type: application/json'
expect "30,000 levels of nesting" 400
printf '{"engagement_id":%s,"payload":{"a":' "$BPO" > "$TMP/open"
head -c 40000 /dev/zero | tr '\0' '{' >> "$TMP/open"
api POST /v1/items "$ACMEU" "" --data-binary @"$TMP/open" -H 'Content-Type: application/json'
expect "40,000 unclosed objects" 400
alive && ok "server answers after the bodies" || bad "server does not answer"

# ---- slow and idle clients (--timeout 2) ---------------------------------------------
# Without a token a half-sent request is answered 401 when its headers are in, unread.
"$HOLD" "$PORT" 5 10 partial > "$TMP/slow"
read -r _ closed _ after < <(tail -1 "$TMP/slow")
check "half requests without a token closed by the server" 5 "$closed"
[ "$after" -ge 0 ] && [ "$after" -le 1000 ] && ok "answered at once (${after} ms), the body unread" \
  || bad "half requests without a token closed after $after ms"
# With one, the rest of the body is awaited until the timeout.
CONN_HOLD_TOKEN=$ACMEU "$HOLD" "$PORT" 5 10 partial > "$TMP/slow"
read -r _ opened _ failed < <(head -1 "$TMP/slow")
read -r _ closed _ after < <(tail -1 "$TMP/slow")
check "slow clients connected" "5 0" "$opened $failed"
check "slow clients closed by the server" 5 "$closed"
[ "$after" -ge 1500 ] && [ "$after" -le 6000 ] && ok "slow clients closed after ${after} ms (timeout 2 s)" \
  || bad "slow clients closed after $after ms"
"$HOLD" "$PORT" 5 10 > "$TMP/idle"
read -r _ closed _ after < <(tail -1 "$TMP/idle")
check "idle clients closed by the server" 5 "$closed"
[ "$after" -ge 1500 ] && [ "$after" -le 6000 ] && ok "idle clients closed after ${after} ms" \
  || bad "idle clients closed after $after ms"
alive && ok "server answers after the slow clients" || bad "server does not answer"
stop_server TERM && ok "SIGTERM exits 0" || bad "SIGTERM exit code"

# ---- request flood per token (--rate 5: a bucket of 10) ------------------------------
start_server --rate 5
codes=$(for i in $(seq 1 40); do
  curl -s -o "$TMP/flood.$i" -w '%{http_code}\n' -H "Authorization: Bearer $ACMEU" "$BASE/v1/items?limit=1"
done | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
echo "# 40 requests in a row with one token: $codes"
case "$codes" in *429:*) ok "flood answered 429";; *) bad "no 429 in $codes";; esac
case "$codes" in *200:*) ok "the bucket lets the first requests through";; *) bad "no 200 in $codes";; esac
check "429 body" rate_limited "$(cat "$TMP"/flood.* | jq -r '.error.code // empty' | sort -u)"
api GET "/v1/items?limit=1" "$MGR"
expect "another token is not limited" 200
sleep 1.2
api GET "/v1/items?limit=1" "$ACMEU"
expect "the token gets through again after a second" 200
api GET /metrics ""
n=$(printf '%s\n' "$BODY" | awk '/^alihdaya_http_rate_limited_total/ { print $2 }')
[ "${n:-0}" -ge 1 ] 2>/dev/null && ok "rate_limited_total counts ($n)" || bad "rate_limited_total: '$n'"
stop_server TERM

# ---- 2,000 open connections (default timeout 30 s) -----------------------------------
hard=$(ulimit -Hn)
want=$((CONNS + 200))
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
  CONNS=$((hard - 200)); echo "# hard open-file limit $hard: holding $CONNS connections"
fi
ulimit -n "$([ "$hard" = unlimited ] && echo $want || echo $((hard < want ? hard : want)))" 2>/dev/null
start_server
for _ in $(seq 1 20); do alive; done
rss0=$(rss_kb)
"$HOLD" "$PORT" "$CONNS" 12 > "$TMP/many" &
HOLD_PID=$!
for _ in $(seq 1 200); do [ -s "$TMP/many" ] && break; sleep 0.1; done
read -r _ opened _ failed < <(head -1 "$TMP/many")
check "connections opened" "$CONNS 0" "$opened $failed"
sleep 1
alive && ok "server answers with $CONNS connections open" || bad "no answer with $CONNS connections open"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"while\":\"held\"}}"
expect "a write commits with $CONNS connections open" 201
rss1=$(rss_kb)
wait "$HOLD_PID"
read -r _ closed _ _ < <(tail -1 "$TMP/many")
check "the server kept the idle connections (30 s timeout)" 0 "$closed"
sleep 0.5
alive && ok "server answers after the connections closed" || bad "no answer after the connections closed"
rss2=$(rss_kb)
echo "# VmRSS: ${rss0} kB before, ${rss1} kB with $CONNS connections, ${rss2} kB after"
[ $((rss1 - rss0)) -lt 204800 ] && ok "RSS growth with $CONNS connections below 200 MB ($(((rss1 - rss0) / 1024)) MB)" \
  || bad "RSS grew by $(((rss1 - rss0) / 1024)) MB"
[ $((rss2 - rss0)) -lt 204800 ] && ok "RSS after the connections below +200 MB" || bad "RSS after: +$(((rss2 - rss0) / 1024)) MB"
stop_server TERM && ok "SIGTERM exits 0 after the abuse" || bad "SIGTERM exit code"
sqlite3 "$DATA/alihdaya.db" 'PRAGMA integrity_check' | grepq -x ok && ok "integrity_check ok" || bad "integrity_check"
finish
