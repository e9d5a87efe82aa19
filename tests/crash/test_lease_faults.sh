#!/usr/bin/env bash
# test_lease_faults.sh - workers are stopped (SIGSTOP) past their lease or killed while
# holding one: the leases expire, others finish the work, every item ends done exactly
# once, and every completion with a stale epoch is refused (409 stale_lease) and counted.
#   LEASE_ROUNDS=6 (default): signals sent, alternately STOP and KILL
. "$(dirname "$0")/../api/lib.sh"
. "$(dirname "$0")/load.sh"

ROUNDS=${LEASE_ROUNDS:-6}
ITEMS=${LEASE_ITEMS:-60}
LEASE=2

init_data
restart_server
setup_world $LEASE
add_workers 3 "$ACME"
for i in $(seq 1 "$ITEMS"); do
  api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"L$i\",\"payload\":{\"i\":$i}}"
  [ "$STATUS" = 201 ] || { bad "create item $i: $STATUS"; finish; }
done

# workers hold each lease for 0.3 s before submitting: a signal usually finds one held
declare -A WPID=()
start_worker() {  # start_worker NAME TOKEN
  spawn "$1" worker "$1" "$2" 0.3
  WPID[$1]=$SPAWNED
}
start_worker w1 "$W1"
for k in 1 2 3; do start_worker "cw$k" "${WTOK[$k]}"; done
spawn mgr manager "$MGR"; MGR_PID=$SPAWNED
NAMES=(w1 cw1 cw2 cw3)
declare -A TOKEN_OF=([w1]=$W1 [cw1]=${WTOK[1]} [cw2]=${WTOK[2]} [cw3]=${WTOK[3]})

stopped=0 killed=0 caught=0
for r in $(seq 1 "$ROUNDS"); do
  name=${NAMES[$((RANDOM % 4))]}
  for _ in $(seq 1 50); do [ -e "$LOAD/held.$name" ] && break; sleep 0.05; done
  [ -e "$LOAD/held.$name" ] && caught=$((caught + 1))
  pid=${WPID[$name]}
  if [ $((r % 2)) = 1 ]; then
    kill -STOP -- "-$pid"; stopped=$((stopped + 1))
    sleep $((LEASE + 1))                       # the lease runs out while it sleeps
    kill -CONT -- "-$pid"
  else
    kill -KILL -- "-$pid"; wait "$pid" 2>/dev/null; killed=$((killed + 1))
    rm -f "$LOAD/held.$name"
    start_worker "$name" "${TOKEN_OF[$name]}"  # the same worker comes back
  fi
  sleep 0.5
done

wait_all_closed 60 && ok "every item closed" || bad "$OPEN_LEFT items stay open (no progress for 60 s)"
touch "$LOAD/stop.work"
wait "${WPID[@]}" "$MGR_PID" 2>/dev/null
stop_server TERM && ok "SIGTERM exits 0" || bad "SIGTERM exit code"

cat "$LOAD"/stale.* 2>/dev/null > "$TMP/stale"
cat "$LOAD"/submitted.* 2>/dev/null > "$TMP/submitted"
stale=$(wc -l < "$TMP/stale")
expired=$(sq "SELECT count(*) FROM item_events WHERE action = 'expire';")
done_n=$(sq "SELECT count(*) FROM items WHERE state = 'done';")
accepts=$(sq "SELECT count(*) FROM item_events WHERE action = 'accept';")
accept2=$(sq "SELECT count(*) FROM (SELECT item_id FROM item_events WHERE action = 'accept'
                GROUP BY item_id HAVING count(*) > 1);")
# a refused submit changed nothing: no submit event carries its (item, epoch)
took=0
while read -r id epoch; do
  [ "$(sq "SELECT count(*) FROM item_events WHERE item_id = $id AND action = 'submit' AND epoch = $epoch;")" = 0 ] \
    || took=$((took + 1))
done < "$TMP/stale"
# an acknowledged submit is in the history with its epoch
missing=0
while read -r id epoch; do
  [ "$(sq "SELECT count(*) FROM item_events WHERE item_id = $id AND action = 'submit' AND epoch = $epoch;")" = 1 ] \
    || missing=$((missing + 1))
done < "$TMP/submitted"

echo "# rounds=$ROUNDS stopped=$stopped killed=$killed holding-when-signalled=$caught items=$ITEMS" \
     "done=$done_n accepts=$accepts expired-leases=$expired stale-refusals=$stale"
check "every item done" "$ITEMS" "$done_n"
check "one accept per item" "$ITEMS" "$accepts"
check "items accepted twice" 0 "$accept2"
[ "$expired" -ge 1 ] && ok "leases of stopped or killed workers expired ($expired)" || bad "no lease expired"
[ "$stale" -ge 1 ] && ok "stale completions refused ($stale)" || bad "no stale completion was refused"
check "refused completions that changed the item" 0 "$took"
check "acknowledged submits missing from the history" 0 "$missing"
check "every history is a path of the state machine" "" "$(check_histories | head -5)"
check "unexpected answers" "" "$(head -5 "$LOAD/errors" 2>/dev/null)"
check_store "after the lease faults"
finish
