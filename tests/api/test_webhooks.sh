#!/usr/bin/env bash
# test_webhooks.sh - webhooks through the real server and a receiver on loopback
# (webhook_receiver.py) that fails the first attempts (500), times out once (serve
# --webhook-timeout 1s), answers slowly, then 200: every event delivered, in order per item,
# each signature verified here with Python's own hmac; a replayed (old timestamp) or altered
# delivery fails that verification; a rotation signs with both secrets in the overlap; the log
# shows the attempts; redeliver sends again; 3 days of failures end in "failed"; another
# client's user gets 404; the secret is sealed on disk; without --webhook-allow-private a
# receiver on loopback is refused (the SSRF guard) and the log says why. Retries are driven
# by moving the server's clock (clock-file), never by sleeping for the backoff.
. "$(dirname "$0")/lib.sh"

init_data
clock_start
start_server --clock-file "$CLOCK" --webhook-timeout 1s --webhook-allow-private
setup_world

start_receiver "500,500,sleep:2,slow:0.3"

# verify.py SECRETS... < log lines: the Stripe-style check a receiver makes, with Python's hmac.
cat > "$TMP/verify.py" <<'EOF'
import hashlib, hmac, json, sys
# usage: verify.py NOW_S TOLERANCE_S SECRET [SECRET2]; a JSON line {"sig","body"} on stdin.
# Prints "ok" when one v1 of the header is HMAC-SHA256(secret, t + "." + body) for a given
# secret and t is within the tolerance of NOW_S; else "bad"; "both" when every secret given
# matches one v1.
now, tol, secrets = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
rec = json.loads(sys.stdin.read())
parts = [p.split("=", 1) for p in rec["sig"].split(",")]
t = [v for k, v in parts if k == "t"]
v1 = [v for k, v in parts if k == "v1"]
if len(t) != 1 or abs(now - int(t[0])) > tol:
    print("bad"); sys.exit(0)
def mac(s):
    return hmac.new(s.encode(), (t[0] + "." + rec["body"]).encode(), hashlib.sha256).hexdigest()
hits = [s for s in secrets if any(hmac.compare_digest(mac(s), v) for v in v1)]
print("both" if len(secrets) > 1 and len(hits) == len(secrets) else "ok" if hits else "bad")
EOF
now_s() { echo $(( $(cat "$CLOCK") / 1000 )); }

# ---- registering: checks and access
api POST /v1/webhooks "$ACMEU" "{\"url\":\"$RURL\",\"events\":[\"item.done\",\"item.rejected\"]}"
expect "a client user registers an endpoint for its own client" 201
WH=$(jqr .id); SECRET=$(jqr .secret)
check "the secret is whsec_ and 32 bytes of hex" "yes" "$([[ $SECRET =~ ^whsec_[0-9a-f]{64}$ ]] && echo yes)"
check "its client is the user's" "$ACME" "$(jqr .client_id)"
api GET "/v1/webhooks/$WH" "$ACMEU"
expect "the endpoint read back" 200
check "the secret is never shown again" "null" "$(jqr .secret)"
check "its events" "item.done,item.rejected" "$(jqr '.events | join(",")')"
api GET "/v1/webhooks/$WH" "$LEXU"
expect "another client's user: 404 on the endpoint" 404
for p in "/v1/webhooks/$WH/rotate" "/v1/webhooks/$WH/deactivate" "/v1/webhooks/$WH/deliveries/1/redeliver"; do
  api POST "$p" "$LEXU" '{}'
  expect "another client's user: 404 on POST $p" 404
done
api GET "/v1/webhooks/$WH/deliveries" "$LEXU"
expect "another client's user: 404 on the log" 404
api GET /v1/webhooks "$LEXU"
check "another client's list does not show it" "0" "$(jqr '.data | length')"
api GET /v1/webhooks "$MGR"
check "staff list every client's" "1" "$(jqr '.data | length')"
api POST /v1/webhooks "$ACMEU" "{\"url\":\"$RURL\",\"events\":[\"item.done\"],\"client_id\":$LEX}"
expect "a client user may not register for another client" 404
api POST /v1/webhooks "$W1" "{\"url\":\"$RURL\",\"events\":[\"item.done\"],\"client_id\":$ACME}"
expect "a worker may not register endpoints" 403
api POST /v1/webhooks "$AUD" "{\"url\":\"$RURL\",\"events\":[\"item.done\"],\"client_id\":$ACME}"
expect "an auditor may not register endpoints" 403
api POST /v1/webhooks "$MGR" "{\"url\":\"$RURL\",\"events\":[\"item.done\"]}"
expect "staff must name the client" 400
api POST /v1/webhooks "$MGR" "{\"url\":\"http://u:p@127.0.0.1/x\",\"events\":[\"item.done\"],\"client_id\":$ACME}"
expect "a url with a user and password" 400
api POST /v1/webhooks "$MGR" "{\"url\":\"ftp://127.0.0.1/x\",\"events\":[\"item.done\"],\"client_id\":$ACME}"
expect "a url that is not http(s)" 400
api POST /v1/webhooks "$MGR" "{\"url\":\"http://127.0.0.1/$(head -c 3000 /dev/zero | tr '\0' a)\",\"events\":[\"item.done\"],\"client_id\":$ACME}"
expect "a url past 2048 bytes" 400
api POST /v1/webhooks "$MGR" "{\"url\":\"$RURL\",\"events\":[\"item.exploded\"],\"client_id\":$ACME}"
expect "an unknown event" 400
api POST /v1/webhooks "$MGR" "{\"url\":\"$RURL\",\"events\":[],\"client_id\":$ACME}"
expect "no event" 400
api POST /v1/webhooks "$MGR" "{\"url\":\"$RURL\",\"events\":[\"item.done\"],\"client_id\":$ACME,\"engagement_id\":$KPO}"
expect "an engagement of another client" 404

# ---- events: I1 rejected then done, I2 done (3 events, 2 of them of one item)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-\\\"1\\\"\",\"payload\":{\"policy\":\"SECRET-PAYLOAD\"}}"
I1=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"policy\":\"P-2\"}}"
I2=$(jqr .id)
take_submit() { # worker token, item: takes the next item (expects ITEM) and submits it
  api POST /v1/work/next "$1"
  local id ep; id=$(jqr .id); ep=$(jqr .lease.epoch)
  [ "$ep" = null ] && ep=$(jqr .epoch)
  check "took item $2" "$2" "$id"
  api POST "/v1/items/$id/submit" "$1" "{\"epoch\":$ep,\"result\":{\"policy\":\"x\"}}"
}
take_submit "$W1" "$I1"
api POST "/v1/items/$I1/rework" "$MGR" '{"reason":"mistyped"}'
expect "I1 sent back (item.rejected)" 200
take_submit "$W1" "$I1" # back in its old place: the head of the queue
api POST "/v1/items/$I1/accept" "$MGR" '{}'
expect "I1 accepted (item.done)" 200
take_submit "$W1" "$I2"
api POST "/v1/items/$I2/accept" "$MGR" '{}'
expect "I2 accepted (item.done)" 200

# Every delivery of the endpoint delivered: the clock moves past the longest backoff (1 h)
# each round, so each failed attempt is due again at once.
all_delivered() {
  api GET "/v1/webhooks/$WH/deliveries" "$1"
  [ "$(jqr '[.data[] | select(.state != "delivered")] | length')" = 0 ] && [ "$(jqr '.data | length')" = "$2" ]
}
for _ in $(seq 1 60); do
  all_delivered "$ACMEU" 3 && break
  advance 3600001; sleep 0.3
done
check "all three events delivered" "3" "$(jqr '[.data[] | select(.state == "delivered")] | length')"
check "the log shows the attempts (2 x 500, a time-out, then 200s)" "yes" \
  "$(jqr '[.data[].attempts] | add' | awk '{print ($1 >= 6) ? "yes" : "no"}')"
check "a failed attempt's error is kept until delivered" "200" "$(jqr '[.data[].last_status] | max')"
api GET "/v1/webhooks/$WH/deliveries" "$AUD"
expect "an auditor reads the log" 200

# The receiver's own view, checked here: each 200 verified; order per item; events whole.
python3 - "$RLOG" "$I1" "$I2" > "$TMP/order" <<'EOF'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
i1, i2 = int(sys.argv[2]), int(sys.argv[3])
ok = [r for r in log if r["status"] == 200]
ev = {}
for r in ok:
    b = json.loads(r["body"])
    ev.setdefault(b["id"], b)
types = sorted((b["data"]["item_id"], b["type"]) for b in ev.values())
print("events", types == sorted([(i1, "item.rejected"), (i1, "item.done"), (i2, "item.done")]))
# I1's done is first seen only after its rejected was answered 200
seen = [(r["n"], json.loads(r["body"])) for r in log]
first_done = min(n for n, b in seen if b["data"]["item_id"] == i1 and b["type"] == "item.done")
rej_ok = min(r["n"] for r in ok if json.loads(r["body"])["type"] == "item.rejected")
print("order", rej_ok < first_done)
b = [b for b in ev.values() if b["data"]["item_id"] == i1][0]
print("nopayload", "SECRET-PAYLOAD" not in json.dumps(list(ev.values())) and "payload" not in b["data"] and "result" not in b["data"])
print("ref", b["data"]["external_ref"])
print("failed_first", [r["status"] for r in log[:3]])
EOF
check "every event delivered once at least" "events True" "$(sed -n 1p "$TMP/order")"
check "in order per item" "order True" "$(sed -n 2p "$TMP/order")"
check "no payload or result in a delivery" "nopayload True" "$(sed -n 3p "$TMP/order")"
check "external_ref escaped as JSON" 'ref CLM-"1"' "$(sed -n 4p "$TMP/order")"
check "the receiver answered 500, 500, then timed out" "failed_first [500, 500, None]" "$(sed -n 5p "$TMP/order")"
LAST=$(tail -n 1 "$RLOG")
check "the signature verifies with Python's hmac" "ok" "$(echo "$LAST" | python3 "$TMP/verify.py" "$(now_s)" 7200 "$SECRET")"
check "a replay (old timestamp) fails verification" "bad" "$(echo "$LAST" | python3 "$TMP/verify.py" $(( $(now_s) + 3 * 86400 )) 300 "$SECRET")"
ALTERED=$(echo "$LAST" | python3 -c 'import json,sys; r=json.load(sys.stdin); r["body"]=r["body"].replace("done","rejected"); print(json.dumps(r))')
check "an altered body fails verification" "bad" "$(echo "$ALTERED" | python3 "$TMP/verify.py" "$(now_s)" 7200 "$SECRET")"
check "another secret fails verification" "bad" "$(echo "$LAST" | python3 "$TMP/verify.py" "$(now_s)" 7200 "whsec_$(printf '0%.0s' $(seq 64))")"

# ---- redeliver
api GET "/v1/webhooks/$WH/deliveries" "$ACMEU"
D1=$(jqr '.data[-1].id'); E1=$(jqr '.data[-1].event_id')
N0=$(wc -l < "$RLOG")
api POST "/v1/webhooks/$WH/deliveries/$D1/redeliver" "$ACMEU" ''
expect "redeliver" 200
for _ in $(seq 1 50); do [ "$(wc -l < "$RLOG")" -gt "$N0" ] && break; sleep 0.1; done
check "the event is sent again" "$E1" "$(tail -n 1 "$RLOG" | python3 -c 'import json,sys; print(json.load(sys.stdin)["event"])')"
api POST "/v1/webhooks/$WH/deliveries/999999/redeliver" "$ACMEU" ''
expect "redeliver of an unknown delivery" 404

# ---- rotation: both signatures during the overlap, then only the new one
api POST "/v1/webhooks/$WH/rotate" "$ACMEU" '{"overlap_s":3600}'
expect "rotate" 200
NEW=$(jqr .secret)
check "a new secret" "yes" "$([[ $NEW =~ ^whsec_[0-9a-f]{64}$ ]] && [ "$NEW" != "$SECRET" ] && echo yes)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"policy\":\"P-3\"}}"
I3=$(jqr .id)
take_submit "$W1" "$I3"
N0=$(wc -l < "$RLOG")
api POST "/v1/items/$I3/accept" "$MGR" '{}'
for _ in $(seq 1 50); do [ "$(wc -l < "$RLOG")" -gt "$N0" ] && break; sleep 0.1; done
check "in the overlap a delivery carries both signatures" "both" "$(tail -n 1 "$RLOG" | python3 "$TMP/verify.py" "$(now_s)" 300 "$NEW" "$SECRET")"
advance 3600001
api POST "/v1/webhooks/$WH/deliveries/$D1/redeliver" "$ACMEU" ''
N0=$(wc -l < "$RLOG")
for _ in $(seq 1 50); do [ "$(wc -l < "$RLOG")" -gt "$N0" ] && break; sleep 0.1; done
check "after the overlap only the new secret signs" "ok bad" \
  "$(tail -n 1 "$RLOG" | python3 "$TMP/verify.py" "$(now_s)" 300 "$NEW") $(tail -n 1 "$RLOG" | python3 "$TMP/verify.py" "$(now_s)" 300 "$SECRET")"

# ---- 3 days of failures: failed and visible
touch "$RLOG.fail"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"payload\":{\"policy\":\"P-4\"}}"
I4=$(jqr .id)
take_submit "$W1" "$I4"
api POST "/v1/items/$I4/accept" "$MGR" '{}'
i4() { api GET "/v1/webhooks/$WH/deliveries" "$ACMEU"; jqr ".data[] | select(.item_id == $I4) | .$1"; }
for _ in $(seq 1 50); do [ "$(i4 attempts)" != 0 ] && break; sleep 0.1; done
api GET "/v1/webhooks/$WH/deliveries" "$ACMEU"
check "a failing receiver: the delivery stays pending" "pending" "$(jqr ".data[] | select(.item_id == $I4) | .state")"
advance $(( 3 * 86400 * 1000 ))
for _ in $(seq 1 50); do [ "$(i4 state)" = failed ] && break; sleep 0.1; done
api GET "/v1/webhooks/$WH/deliveries" "$ACMEU"
check "past 3 days: failed" "failed" "$(jqr ".data[] | select(.item_id == $I4) | .state")"
check "its last error is shown" "HTTP 500" "$(jqr ".data[] | select(.item_id == $I4) | .last_error")"
rm -f "$RLOG.fail"

# ---- an import's end is an event too: import.finished with its counts, no row values
api POST /v1/webhooks "$ACMEU" "{\"url\":\"$RURL\",\"events\":[\"import.finished\"],\"engagement_id\":$BPO}"
expect "an endpoint for import.finished" 201
IWH=$(jqr .id); ISECRET=$(jqr .secret)
printf 'external_ref,policy\r\nIMP-1,canary-import-1\r\nIMP-2,canary-import-2\r\n' > "$TMP/imp.csv"
N0=$(wc -l < "$RLOG")
STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ACMEU" \
  -H "Content-Type: text/csv" --data-binary "@$TMP/imp.csv" "$BASE/v1/engagements/$BPO/imports")
BODY=$(cat "$TMP/body")
expect "the import is taken" 202
IMP=$(jqr .id)
for _ in $(seq 1 50); do grep -q '"import.finished' "$RLOG" && break; sleep 0.1; done
ILINE=$(grep '"import.finished' "$RLOG" | tail -n 1)
check "import.finished is delivered" "import.finished $IMP 2 done" \
  "$(printf '%s' "$ILINE" | python3 -c 'import json,sys; b=json.loads(json.loads(sys.stdin.read())["body"]); d=b["data"]; print(b["type"], d["import_id"], d["created"], d["state"])')"
check "signed with that endpoint's secret" "ok" "$(printf '%s\n' "$ILINE" | python3 "$TMP/verify.py" "$(now_s)" 300 "$ISECRET")"
case "$ILINE" in *canary-import*) bad "import.finished carries a row's value";; *) ok "import.finished carries no row's value";; esac
api POST "/v1/webhooks/$IWH/deactivate" "$ACMEU" ''

# ---- switched off: no more deliveries; the secret sealed on disk
api DELETE "/v1/webhooks/$WH" "$ACMEU"
expect "deactivate" 200
check "inactive" "false" "$(jqr .active)"
stop_server
if grep -rqa "${NEW#whsec_}" "$DATA" || grep -rqa "${SECRET#whsec_}" "$DATA"; then
  bad "a webhook secret is in the data directory in clear"
else
  ok "the secrets are sealed on disk"
fi

# ---- the SSRF guard: by default, no delivery to loopback, private or reserved addresses
start_server --clock-file "$CLOCK" --webhook-timeout 1s
N0=$(wc -l < "$RLOG")
api POST /v1/webhooks "$ACMEU" "{\"url\":\"http://localhost:$(cat "$TMP/rport")/hook\",\"events\":[\"item.done\"]}"
expect "an endpoint on loopback, by name" 201
GWH=$(jqr .id)
# the import's two items wait first: whichever comes next is done, and fires item.done
api POST /v1/work/next "$W1"
I5=$(jqr .id); EP5=$(jqr .lease.epoch); [ "$EP5" = null ] && EP5=$(jqr .epoch)
api POST "/v1/items/$I5/submit" "$W1" "{\"epoch\":$EP5,\"result\":{\"policy\":\"x\"}}"
expect "an item keyed" 200
api POST "/v1/items/$I5/accept" "$MGR" '{}'
g5() { api GET "/v1/webhooks/$GWH/deliveries" "$ACMEU"; jqr ".data[] | select(.item_id == $I5) | .$1"; }
for _ in $(seq 1 50); do [ "$(g5 attempts)" != 0 ] && break; sleep 0.1; done
case "$(g5 last_error)" in
  "refused: "*"is a loopback, private or reserved address (serve --webhook-allow-private allows it)")
    ok "the attempt is refused, and the log says why and what allows it";;
  *) bad "the guard's refusal in the log: got '$(g5 last_error)'";;
esac
check "nothing reached the receiver" "$N0" "$(wc -l < "$RLOG")"
check "it stays pending (retried; a later allow delivers it)" "pending" "$(g5 state)"
stop_server
finish
