#!/usr/bin/env bash
# test_cli_work.sh - the CLI's work vocabulary (item next|submit|review|accept|rework|cancel|fail,
# worker status) alone and beside a running server, the API's flag names, and backup.
. "$(dirname "$0")/lib.sh"

D=$TMP/demo
"$BIN" demo --data "$D" --items 6 --no-serve >"$TMP/demo.out" || { echo "demo failed"; exit 1; }
eval "$(grep '^export MANAGER=' "$TMP/demo.out")"
# Items 1..6 claim forms (1 is priority 7), 7..10 legal matters; worker 1 is ana.

state() { "$BIN" item list --data "$D" --json --limit 100 | jq -r ".data[] | select(.id==$1) | .state"; }

# ---- alone: the CLI runs the engine itself ----
out=$("$BIN" item next --data "$D" --worker 1); check "next: exit" 0 $?
case "$out" in "item 1 assigned to worker 1 (epoch 1,"*) ok "next: leases item 1 to ana";;
  *) bad "next: $out";; esac
"$BIN" item next --data "$D" 2>/dev/null; check "next as the admin needs --worker" 2 $?
"$BIN" item submit 1 --epoch 1 --result '{"ok":true}' --data "$D" 2>"$TMP/err"
check "submit as the admin: refused by the policy" 1 $?
grep -q "may not take item.submit" "$TMP/err" && ok "the policy's reason" || bad "$(cat "$TMP/err")"
out=$(ALIHDAYA_TOKEN=$WORKER "$BIN" item submit 1 --epoch 1 --result '{"ok":true}' --data "$D")
check "submit with the worker's token" "item 1 submitted" "$out"
ALIHDAYA_TOKEN=$WORKER "$BIN" item submit 1 --epoch 1 --result 'nope' --data "$D" 2>/dev/null
check "submit: a result that is not JSON is a usage error" 2 $?
check "review" "item 1 in_review" "$("$BIN" item review 1 --data "$D")"
check "rework" 0 "$("$BIN" item rework 1 --reason 'misread' --data "$D" >/dev/null; echo $?)"
check "rework: queued again" queued "$(state 1)"
"$BIN" item rework 1 --data "$D" 2>/dev/null; check "rework: the reason is required" 2 $?
check "cancel --json" cancelled "$("$BIN" item cancel 2 --reason dup --data "$D" --json | jq -r .state)"
check "fail" "item 3 failed" "$("$BIN" item fail 3 --reason unreadable --data "$D")"
"$BIN" item accept 3 --data "$D" 2>"$TMP/err"; check "accept a failed item" 1 $?
grep -q "closed" "$TMP/err" && ok "accept: the state's reason" || bad "$(cat "$TMP/err")"
"$BIN" item accept --data "$D" 2>/dev/null; check "accept without an id" 2 $?
check "worker status" "worker 5 away" "$("$BIN" worker status 5 away --data "$D")"
"$BIN" worker status 5 asleep --data "$D" 2>/dev/null; check "worker status: a bad status" 2 $?
ALIHDAYA_TOKEN=$WORKER "$BIN" worker status 5 available --data "$D" 2>/dev/null
check "worker status: another worker's is hidden" 1 $?
ALIHDAYA_TOKEN=nope "$BIN" item list --data "$D" 2>/dev/null; check "a bad token" 1 $?

# ---- the API's flag names, the old ones still taken ----
"$BIN" client create --data "$D" --code c1 --name C1 --time-zone Asia/Jakarta >/dev/null
check "client --time-zone" Asia/Jakarta "$("$BIN" client list --data "$D" --json | jq -r '.data[]|select(.code=="c1")|.time_zone')"
"$BIN" client create --data "$D" --code c2 --name C2 --tz Asia/Manila >/dev/null
check "client --tz (old name)" Asia/Manila "$("$BIN" client list --data "$D" --json | jq -r '.data[]|select(.code=="c2")|.time_zone')"
"$BIN" engagement create --data "$D" --client 3 --service data_entry --name E --sla 8h >/dev/null
check "engagement: the client's zone by default" Asia/Jakarta "$("$BIN" engagement list --data "$D" --json | jq -r '.data[]|select(.name=="E")|.time_zone')"
"$BIN" worker create --data "$D" --login w9 --name W9 --country ID --time-zone Asia/Jakarta \
  --skill data_entry:3 --cost-per-hour 700 --currency IDR --clearance 3 --clear 1 >/dev/null
check "worker create with the API's names" 0 $?
check "worker --cost-per-hour" 700 "$("$BIN" worker list --data "$D" --json --limit 100 | jq '.data[]|select(.name=="W9")|.cost_per_hour.amount_minor')"
check "worker --clearance and --clear" "[1,3]" "$("$BIN" worker list --data "$D" --json --limit 100 | jq -c '.data[]|select(.name=="W9")|.clearances|sort')"
"$BIN" item create --data "$D" --engagement 1 --payload '{"a":1}' --external-ref X-1 >/dev/null
check "item --external-ref" X-1 "$("$BIN" item list --data "$D" --json --limit 100 | jq -r '.data[-1].external_ref')"
"$BIN" item create --data "$D" --engagement 1 --payload '{"a":2}' --ref X-2 >/dev/null
check "item --ref (old name)" X-2 "$("$BIN" item list --data "$D" --json --limit 100 | jq -r '.data[-1].external_ref')"

# ---- beside a running server: the same commands, sent to it ----
DATA=$D
start_server
out=$("$BIN" item next --data "$D" --worker 1); check "served next: exit" 0 $?
id=$(echo "$out" | sed -n 's/^item \([0-9]*\) assigned.*/\1/p')
epoch=$(echo "$out" | sed -n 's/.*(epoch \([0-9]*\),.*/\1/p')
[ -n "$id" ] && ok "served next leases item $id" || bad "served next: $out"
out=$(ALIHDAYA_TOKEN=$WORKER "$BIN" item renew "$id" --epoch "$epoch" --data "$D")
check "served renew with the worker's token" "item $id assigned" "$(echo "$out" | sed 's/ (.*//')"
ALIHDAYA_TOKEN=$WORKER "$BIN" item renew "$id" --epoch $((epoch + 7)) --data "$D" 2>/dev/null
check "served renew with a stale epoch exits 1" 1 $?
out=$(ALIHDAYA_TOKEN=$WORKER "$BIN" item submit "$id" --epoch "$epoch" --result '{"ok":1}' --data "$D")
check "served submit with the worker's token" "item $id submitted" "$out"
check "served review" "item $id in_review" "$("$BIN" item review "$id" --data "$D")"
check "served accept --json" done "$("$BIN" item accept "$id" --data "$D" --json | jq -r .state)"
"$BIN" item accept "$id" --data "$D" 2>"$TMP/err"; check "served accept again" 1 $?
grep -q "accepted\|closed" "$TMP/err" && ok "served: the server's reason" || bad "$(cat "$TMP/err")"
check "served cancel" "item 4 cancelled" "$("$BIN" item cancel 4 --data "$D")"
check "served fail" "item 5 failed" "$("$BIN" item fail 5 --reason x --data "$D")"
check "served worker status" "worker 5 available" "$("$BIN" worker status 5 available --data "$D")"
api GET /v1/workers/5 "$MANAGER"; check "served: the status is the server's" available "$(jqr .status)"
ALIHDAYA_TOKEN=$WORKER "$BIN" worker status 5 offline --data "$D" 2>/dev/null
check "served: the token's user, not the socket's admin" 1 $?
api GET /v1/workers/5 "$MANAGER"; check "served: unchanged" available "$(jqr .status)"

# ---- backup: 0600, FILE before or after --data ----
umask 022
"$BIN" backup --data "$D" "$TMP/b1.db" >/dev/null; check "backup --data DIR FILE" 0 $?
"$BIN" backup "$TMP/b2.db" --data "$D" >/dev/null; check "backup FILE --data DIR" 0 $?
touch "$TMP/b3.db"; chmod 644 "$TMP/b3.db"
"$BIN" backup --data="$D" "$TMP/b3.db" >/dev/null; check "backup over an old file" 0 $?
for f in b1 b2 b3; do check "backup $f is 0600" 600 "$(stat -c %a "$TMP/$f.db")"; done
check "the backup is the store" "$(sqlite3 "$D/alihdaya.db" 'select count(*) from items' 2>/dev/null || echo x)" \
  "$(sqlite3 "$TMP/b1.db" 'select count(*) from items' 2>/dev/null || echo x)"
"$BIN" backup --data "$D" 2>/dev/null; check "backup without FILE" 2 $?
"$BIN" backup --data "$D" a b 2>/dev/null; check "backup with two files" 2 $?
stop_server
finish
