#!/usr/bin/env bash
# test_backup.sh - `alihdaya backup` taken while load runs, restored as docs/reliability.md
# says, holds every item acknowledged before the backup started and serves again.
. "$(dirname "$0")/../api/lib.sh"
. "$(dirname "$0")/load.sh"

init_data
restart_server
setup_world 3
add_workers 2 "$ACME"
for p in 1 2 3 4; do spawn "sub$p" submitter "$p" "$ACMEU" "$BPO"; SUBS+=("$SPAWNED"); done
spawn w1 worker w1 "$W1"; OTHERS=("$SPAWNED")
for k in 1 2; do spawn "cw$k" worker "cw$k" "${WTOK[$k]}"; OTHERS+=("$SPAWNED"); done
spawn mgr manager "$MGR"; OTHERS+=("$SPAWNED")

sleep 3
# what was acknowledged before the backup starts
cat "$LOAD"/acked.* | cut -d' ' -f1,2 | sort > "$TMP/before.items"
sort -u "$LOAD"/accepted > "$TMP/before.accepted" 2>/dev/null
"$BIN" backup "$TMP/backup.db" --data "$DATA" > "$TMP/backup.out" 2>&1
check "backup under load exits 0" 0 "$?"
sleep 1.5
touch "$LOAD/stop.submit" "$LOAD/stop.work"
wait "${SUBS[@]}" "${OTHERS[@]}"
after=$(cat "$LOAD"/acked.* | wc -l)
stop_server TERM && ok "server stops" || bad "server stop"
echo "# $(wc -l < "$TMP/before.items") items acknowledged before the backup, $after in all"
[ "$(wc -l < "$TMP/before.items")" -ge 5 ] && ok "load ran before the backup" || bad "no load before the backup"

# restore: a new data directory holding the backup as alihdaya.db, beside the keyring and
# master key it was sealed with (they are not in the backup: docs/security.md)
LIVE=$DATA
DATA=$TMP/restored
mkdir -p "$DATA"
cp "$TMP/backup.db" "$DATA/alihdaya.db"
cp -p "$LIVE/keyring" "$LIVE/master.key" "$DATA/"
check_store "restored backup"
restart_server
rm -f "$TMP/restored.items"
after_id=0
while :; do
  api GET "/v1/items?limit=500&after=$after_id" "$MGR"
  [ "$STATUS" = 200 ] || { bad "list restored items: $STATUS"; break; }
  jqr '.data[] | "\(.external_ref) \(.id)"' >> "$TMP/restored.items"
  after_id=$(jqr .next_cursor)
  [ "$after_id" = null ] && break
done
sort -o "$TMP/restored.items" "$TMP/restored.items"
check "items acknowledged before the backup missing from it" "" \
  "$(comm -23 "$TMP/before.items" "$TMP/restored.items" | head -3)"
api GET "/v1/items?state=done&limit=500" "$MGR"
jqr '.data[].id' | sort -u > "$TMP/restored.done"
check "items accepted before the backup not done in it" "" \
  "$(comm -23 "$TMP/before.accepted" "$TMP/restored.done" | head -3)"
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"after-restore\",\"payload\":{}}"
expect "the restored server takes new items (old tokens work)" 201
api GET /v1/audit/verify "$ADMIN"
check "restored audit chain intact over HTTP" true "$(jqr .intact)"
stop_server TERM && ok "restored server stops cleanly" || bad "restored server stop"
finish
