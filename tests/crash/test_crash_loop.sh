#!/usr/bin/env bash
# test_crash_loop.sh - SIGKILL the server at random moments under load, restart it, and
# prove that nothing acknowledged is lost or doubled and every history is a valid path.
#   CRASH_KILLS=20 (default)   CRASH_SEED=N to replay the same kill timing
. "$(dirname "$0")/../api/lib.sh"
. "$(dirname "$0")/load.sh"

KILLS=${CRASH_KILLS:-20}
SEED=${CRASH_SEED:-$$}
RANDOM=$SEED
echo "# crash loop: $KILLS kills, seed $SEED"

init_data
restart_server
setup_world 3           # leases of 3 s: leases lost in a crash come back quickly
add_workers 3 "$ACME"

for p in 1 2 3 4; do spawn "sub$p" submitter "$p" "$ACMEU" "$BPO"; SUBS+=("$SPAWNED"); done
spawn w1 worker w1 "$W1"; WORKERS=("$SPAWNED")
for k in 1 2 3; do spawn "cw$k" worker "cw$k" "${WTOK[$k]}"; WORKERS+=("$SPAWNED"); done
spawn mgr manager "$MGR"; WORKERS+=("$SPAWNED")

start=$SECONDS
for k in $(seq 1 "$KILLS"); do
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + (r % 140) / 100 }')"
  # the last kill finds the submitters giving up: what they did not see acknowledged
  # may or may not be there, and is counted
  [ "$k" = "$KILLS" ] && touch "$LOAD/stop.submit"
  stop_server KILL
  restart_server
done
echo "# $KILLS kills in $((SECONDS - start)) s"

wait "${SUBS[@]}"
wait_all_closed 60 && ok "every item closed after the last restart" \
  || bad "$OPEN_LEFT items stay open (no progress for 60 s)"
touch "$LOAD/stop.work"
wait "${WORKERS[@]}"
# an acknowledged key retried after all the restarts answers its item again
read -r key id _ < <(head -1 "$LOAD/acked.1")
i=${key#s1-}
code=$(post /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"$key\",\"payload\":{\"p\":1,\"i\":$i}}" "$key" "$TMP/replay")
rep=$(grep -qi '^idempotent-replayed: *true' "$TMP/replay.h" && echo replayed)
check "retry of $key after $KILLS restarts" "$id replayed" "$(jq -r .id "$TMP/replay") $rep"
stop_server TERM && ok "SIGTERM after the loop exits 0" || bad "SIGTERM exit code"

# ---- checks over the store ----------------------------------------------------------
cat "$LOAD"/acked.* 2>/dev/null | sort > "$TMP/acked"           # key id replayed
cat "$LOAD"/unacked.* 2>/dev/null | sort > "$TMP/unacked"       # key
sq "SELECT external_ref, id FROM items ORDER BY external_ref;" | tr '|' ' ' > "$TMP/present"

acked=$(wc -l < "$TMP/acked")
replayed=$(awk '$3 == 1' "$TMP/acked" | wc -l)
items=$(wc -l < "$TMP/present")
lost=$(awk 'NR == FNR { have[$1] = 1; next } !($1 in have)' "$TMP/present" "$TMP/acked" | wc -l)
dup_refs=$(awk '{ n[$1]++ } END { for (r in n) if (n[r] > 1) c++; print c + 0 }' "$TMP/present")
wrong_id=$(awk 'NR == FNR { id[$1] = $2; next } ($1 in id) && id[$1] != $2' "$TMP/present" "$TMP/acked" | wc -l)
ack_twice=$(awk '{ n[$1]++ } END { for (k in n) if (n[k] > 1) c++; print c + 0 }' "$TMP/acked")
unacked=$(wc -l < "$TMP/unacked")
unacked_present=$(awk 'NR == FNR { have[$1] = 1; next } ($1 in have)' "$TMP/present" "$TMP/unacked" | wc -l)
stray=$(awk 'NR == FNR { k[$1] = 1; next } !($1 in k)' <(cut -d' ' -f1 "$TMP/acked" "$TMP/unacked") "$TMP/present" | wc -l)
dup=$((dup_refs + wrong_id))
accept2=$(sq "SELECT count(*) FROM (SELECT item_id FROM item_events WHERE action = 'accept'
                GROUP BY item_id HAVING count(*) > 1);")
not_done=$(sq "SELECT count(*) FROM items WHERE state <> 'done';")
expired=$(sq "SELECT count(*) FROM item_events WHERE action = 'expire';")
reworks=$(sq "SELECT count(*) FROM item_events WHERE action = 'rework';")
stale=$(cat "$LOAD"/stale.* 2>/dev/null | wc -l)

echo "# kills=$KILLS items=$items acknowledged=$acked (replayed after a crash: $replayed)" \
     "lost=$lost duplicated=$dup unacknowledged=$unacked unacknowledged-but-present=$unacked_present" \
     "expired-leases=$expired reworks=$reworks stale-refusals=$stale"

[ "$acked" -ge $((2 * KILLS)) ] && ok "load made progress ($acked acknowledged)" || bad "only $acked acknowledged"
check "acknowledged submissions lost" 0 "$lost"
check "submissions stored twice or under another id" 0 "$dup"
check "keys acknowledged twice" 0 "$ack_twice"
check "items nobody submitted" 0 "$stray"
check "items accepted twice" 0 "$accept2"
check "items not done at the end" 0 "$not_done"
bad_hist=$(check_histories)
check "every history is a path of the state machine" "" "$(printf '%s' "$bad_hist" | head -5)"
check "unexpected answers" "" "$(head -5 "$LOAD/errors" 2>/dev/null)"
check_store "after $KILLS kills"

# The history check must be able to fail: forge a second accept on a copy of the store.
cp "$DATA/alihdaya.db" "$TMP/forged.db"
DATA_REAL=$DATA; DATA=$TMP/forged-dir; mkdir -p "$DATA"; mv "$TMP/forged.db" "$DATA/alihdaya.db"
sq "INSERT INTO item_events (item_id, client_id, at, action, from_state, to_state, epoch)
    SELECT id, client_id, 0, 'accept', 'queued', 'done', 0 FROM items LIMIT 1;"
[ -n "$(check_histories)" ] && ok "the history check finds a forged step" || bad "forged step not found"
DATA=$DATA_REAL
finish
