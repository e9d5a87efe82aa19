#!/usr/bin/env bash
# test_import_kill.sh - a 1,000,000-row CSV import (IMPORT_ROWS), the server SIGKILLed mid-way, restarted:
# the job it left is marked failed, and the same file uploaded again creates each row
# exactly once (external_ref), counted by sqlite3 over the database itself.
. "$(dirname "$0")/../api/lib.sh"
ROWS=${IMPORT_ROWS:-1000000}
SQL=$(command -v sqlite3) || { echo "sqlite3 not installed"; exit 1; }

init_data
start_server
setup_world
python3 - "$TMP/rows.csv" "$ROWS" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("external_ref,note\n")
    for i in range(int(sys.argv[2])):
        f.write(f"K{i},row {i}\n")
PY

commands() { curl -s "$BASE/metrics" | awk '$1 == "alihdaya_engine_commands_total" { print $2 }'; }
base=$(commands)
curl -s -o /dev/null -X POST -H "Authorization: Bearer $MGR" -H "Content-Type: text/csv" \
  --data-binary "@$TMP/rows.csv" "$BASE/v1/engagements/$BPO/imports" &
CURL=$!
# Kill once some batches (2,000 rows each) are durable, well before the end.
for _ in $(seq 1 600); do
  n=$(commands); [ -n "$n" ] && [ $((n - base)) -ge 12 ] && break
  sleep 0.05
done
stop_server KILL
wait $CURL 2>/dev/null
before=$("$SQL" "$DATA/alihdaya.db" ".timeout 5000" "SELECT count(*) FROM items WHERE engagement_id = $BPO")
[ "$before" -gt 0 ] && [ "$before" -lt "$ROWS" ] && ok "killed mid-way: $before of $ROWS rows durable" \
  || bad "killed mid-way: $before rows"

start_server
api GET /v1/imports/1 "$MGR"
check "the killed import is failed at restart" failed "$(jqr .state)"
check "its spool file removed at restart" 0 "$(find "$DATA" -maxdepth 1 -name 'import-*.spool' | wc -l)"
case "$(jqr .error)" in *"server stopped during the import"*) ok "its error says so";; *) bad "error: $BODY";; esac
STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $MGR" \
  -H "Content-Type: text/csv" --data-binary "@$TMP/rows.csv" "$BASE/v1/engagements/$BPO/imports")
BODY=$(cat "$TMP/body")
expect "the re-run" 202
# The 202 comes once the file is in; the import runner creates the rows meanwhile.
RERUN=$(jqr .id)
for _ in $(seq 1 1200); do
  case "$(jqr .state)" in done|failed) break ;; esac
  sleep 0.1
  api GET "/v1/imports/$RERUN" "$MGR"
done
check "re-run: done" done "$(jqr .state)"
check "re-run: the rest created, the rest duplicates" "$((ROWS - before)) $before 0" \
  "$(jqr '"\(.created) \(.duplicate) \(.rejected)"')"
check "each row exactly once" "$ROWS $ROWS" \
  "$("$SQL" "$DATA/alihdaya.db" ".timeout 5000" "SELECT count(*), count(DISTINCT external_ref) FROM items WHERE engagement_id = $BPO" | tr '|' ' ')"
finish
