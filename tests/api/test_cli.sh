#!/usr/bin/env bash
# test_cli.sh - the command line: --help everywhere, clear errors, create and list records, demo.
. "$(dirname "$0")/lib.sh"

for c in init serve demo token user client service engagement worker item audit backup staff; do
  "$BIN" "$c" --help >/dev/null 2>&1; check "$c --help exits 0" 0 $?
done
"$BIN" --help | grepq "usage: alihdaya" && ok "top-level help" || bad "top-level help"
"$BIN" frobnicate >/dev/null 2>&1; check "unknown command exits 2" 2 $?
"$BIN" client list --data "$TMP/none" 2>"$TMP/e"; check "missing data dir exits 1" 1 $?
grep -q "alihdaya init" "$TMP/e" && ok "error says what to do next" || bad "error text: $(cat "$TMP/e")"

"$BIN" init --data "$DATA" >/dev/null; check "init" 0 $?
"$BIN" init --data "$DATA" >/dev/null; check "init again is harmless" 0 $?
n=$("$BIN" service list --data "$DATA" --json --limit 100 | jq '.data|length')
[ "$n" -ge 20 ] && ok "catalogue installed once ($n services)" || bad "catalogue has $n"
"$BIN" client create --data "$DATA" --code acme --name "Acme" --tz Europe/Berlin >/dev/null; check "client create" 0 $?
"$BIN" client create --data "$DATA" --code acme --name "Again" 2>"$TMP/e"; check "duplicate client exits 1" 1 $?
grep -q "exists" "$TMP/e" && ok "duplicate explained" || bad "duplicate text: $(cat "$TMP/e")"
"$BIN" client create --data "$DATA" --code x --name y --tz Nowhere/City 2>/dev/null; check "bad tz exits 2" 2 $?
"$BIN" engagement create --data "$DATA" --client 1 --service data_entry --name Forms --sla 24h --skill data_entry:2 --language en:2 >/dev/null
check "engagement create" 0 $?
"$BIN" engagement create --data "$DATA" --client 1 --service data_entry --name Bad --sla 24h --skill data_entry:9 2>/dev/null
check "skill level out of range exits 2" 2 $?
"$BIN" worker create --data "$DATA" --login ana --name "Ana" --country PH --tz Asia/Manila --skill data_entry:3 --language en:3 --clear 1 --capacity 2 --cost 900 >/dev/null
check "worker create" 0 $?
"$BIN" worker create --data "$DATA" --login bob --name "Bob" --country PH --clear 77 2>/dev/null
check "clearance of unknown client exits 1" 1 $?
"$BIN" item create --data "$DATA" --engagement 1 --payload '{"form":"a"}' >/dev/null; check "item create" 0 $?
"$BIN" item create --data "$DATA" --engagement 1 --payload '{oops' 2>/dev/null; check "bad payload exits 2" 2 $?
check "item list" 1 "$("$BIN" item list --data "$DATA" --json | jq '.data|length')"
"$BIN" item list --data "$DATA" | grepq queued && ok "item list table" || bad "item list table"
"$BIN" user create --data "$DATA" --name c1 --role client 2>/dev/null; check "client user needs --client" 2 $?
"$BIN" user create --data "$DATA" --name c1 --role client --client 1 >/dev/null; check "client user" 0 $?
T=$("$BIN" token create --data "$DATA" --user c1); [[ "$T" == ahd_* ]] && ok "token printed" || bad "token: $T"
"$BIN" token create --data "$DATA" --user nobody 2>/dev/null; check "token for unknown user exits 1" 1 $?
"$BIN" audit verify --data "$DATA" | grepq intact && ok "audit verify" || bad "audit verify"

# A running server owns its data directory; CLI writes go through it (its socket), reads
# read the store (more in test_second_writer.sh).
start_server
"$BIN" client create --data "$DATA" --code busy --name B >"$TMP/o" 2>"$TMP/e"; check "writes go through the server" 0 $?
grep -qx "client [0-9]* created" "$TMP/o" && ok "same output as without a server" || bad "output: $(cat "$TMP/o" "$TMP/e")"
"$BIN" client list --data "$DATA" >/dev/null; check "reads work while serving" 0 $?
"$BIN" backup "$TMP/backup.db" --data "$DATA" >/dev/null; check "backup while serving" 0 $?
check "backup has the item" 1 "$(sqlite3 "$TMP/backup.db" 'select count(*) from items' 2>/dev/null)"
stop_server

# Settings: flag over environment over file.
printf '[server]\nport = 0\nthreads = 2\n' > "$TMP/conf.ini"
printf '[server]\nport = nope\n' > "$TMP/bad.ini"
ALIHDAYA_CONFIG="$TMP/bad.ini" "$BIN" serve --data "$DATA" 2>"$TMP/e"; check "bad config exits 2" 2 $?
grep -q "bad.ini:2" "$TMP/e" && ok "config error names file and line" || bad "config error: $(cat "$TMP/e")"

# The demo builds its world.
"$BIN" demo --data "$TMP/demo" --items 20 --no-serve > "$TMP/demo.out"; check "demo" 0 $?
grep -c "curl" "$TMP/demo.out" | grepq -x 3 && ok "demo prints three curl commands" || bad "demo output"
check "demo items" 24 "$("$BIN" item list --data "$TMP/demo" --json --limit 100 | jq '.data|length')"
check "demo workers" 20 "$("$BIN" worker list --data "$TMP/demo" --json --limit 100 | jq '.data|length')"
"$BIN" demo --data "$TMP/demo" --no-serve 2>/dev/null; check "demo refuses an existing store" 1 $?
finish
