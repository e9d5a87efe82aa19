#!/usr/bin/env bash
# test_graceful.sh - SIGTERM and SIGINT while load runs: the server exits 0 promptly and
# closes the store cleanly, and every request that got a 2xx is in the store.
. "$(dirname "$0")/../api/lib.sh"
. "$(dirname "$0")/load.sh"

init_data
restart_server
# Every thread but the main one blocks SIGTERM and SIGINT, so that only the main thread's
# sigwait takes them: a thread that does not block them gets a stop signal now and then and
# its default action kills the process (exit 143, no clean stop). SigBlk of /proc's task
# status, bit N-1 for signal N; the main thread's own mask is sigwait's business.
unblocked=
for t in /proc/"$SERVER_PID"/task/*; do
  tid=${t##*/}; [ "$tid" = "$SERVER_PID" ] && continue
  blk=$(awk '/^SigBlk:/ {print $2}' "$t/status")
  (( (0x$blk >> 14) & 1 && (0x$blk >> 1) & 1 )) || unblocked+="$tid($(cat "$t/comm"):$blk) "
done
check "every thread but the main one blocks SIGTERM and SIGINT" "" "$unblocked"
setup_world 3
add_workers 2 "$ACME"

for p in 1 2 3 4; do spawn "sub$p" submitter "$p" "$ACMEU" "$BPO"; SUBS+=("$SPAWNED"); done
spawn w1 worker w1 "$W1"; OTHERS=("$SPAWNED")
for k in 1 2; do spawn "cw$k" worker "cw$k" "${WTOK[$k]}"; OTHERS+=("$SPAWNED"); done
spawn mgr manager "$MGR"; OTHERS+=("$SPAWNED")

# acked_missing: acknowledged writes so far that the (stopped) store does not hold.
acked_missing() {
  local m=0
  cat "$LOAD"/acked.* 2>/dev/null | cut -d' ' -f1,2 | sort > "$TMP/snap.acked"
  sq "SELECT external_ref || ' ' || id FROM items;" | sort > "$TMP/snap.items"
  m=$(comm -23 "$TMP/snap.acked" "$TMP/snap.items" | wc -l)
  cat "$LOAD"/submitted.* 2>/dev/null | sort -u > "$TMP/snap.sub"
  sq "SELECT item_id || ' ' || epoch FROM item_events WHERE action = 'submit';" | sort -u > "$TMP/snap.ev"
  m=$((m + $(comm -23 "$TMP/snap.sub" "$TMP/snap.ev" | wc -l)))
  sort -u "$LOAD/accepted" 2>/dev/null > "$TMP/snap.acc"
  sq "SELECT item_id FROM item_events WHERE action = 'accept';" | sort -u > "$TMP/snap.acc.ev"
  m=$((m + $(comm -23 "$TMP/snap.acc" "$TMP/snap.acc.ev" | wc -l)))
  echo "$m"
}

for sig in TERM INT TERM INT; do
  sleep 2
  before=$(cat "$LOAD"/acked.* 2>/dev/null | wc -l)
  t0=$(date +%s%N)
  stop_server "$sig"; rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  unpublish_port
  check "SIG$sig under load exits 0" 0 "$rc"
  [ "$ms" -lt 10000 ] && ok "SIG$sig stop took $ms ms" || bad "SIG$sig stop took $ms ms"
  grep -q 'stopped cleanly' "$TMP/server.err" && ok "SIG$sig: logs a clean stop" || bad "SIG$sig: no clean stop logged"
  [ ! -s "$DATA/alihdaya.db-wal" ] && ok "SIG$sig: WAL checkpointed and closed" || bad "SIG$sig: WAL left with $(stat -c %s "$DATA/alihdaya.db-wal") bytes"
  check "SIG$sig: every 2xx so far is in the store ($before items acknowledged)" 0 "$(acked_missing)"
  : > "$TMP/server.err"
  restart_server
done

touch "$LOAD/stop.submit"; wait "${SUBS[@]}"
wait_all_closed 60 && ok "every item closed" || bad "$OPEN_LEFT items stay open (no progress for 60 s)"
touch "$LOAD/stop.work"; wait "${OTHERS[@]}"
stop_server TERM && ok "final SIGTERM exits 0" || bad "final SIGTERM exit code"
acked=$(cat "$LOAD"/acked.* | wc -l)
[ "$acked" -ge 20 ] && ok "load made progress ($acked acknowledged)" || bad "only $acked acknowledged"
check "every 2xx is in the store" 0 "$(acked_missing)"
check "items accepted twice" 0 "$(sq "SELECT count(*) FROM (SELECT item_id FROM item_events
  WHERE action = 'accept' GROUP BY item_id HAVING count(*) > 1);")"
check "every history is a path of the state machine" "" "$(check_histories | head -5)"
check "unexpected answers" "" "$(head -5 "$LOAD/errors" 2>/dev/null)"
check_store "after graceful stops"
finish
