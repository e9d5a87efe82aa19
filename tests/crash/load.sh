# load.sh - load processes of the crash and fault tests: submitters, workers and a
# manager that keep going while the server is killed, stopped or restarted under them.
# Source it after tests/api/lib.sh. Every process reads the server's port from
# $TMP/port before each request (the server moves to a new port on each restart),
# retries an unanswered request with the same Idempotency-Key, and writes what it saw
# to files under $TMP/load/ that the test checks at the end.

LOAD=$TMP/load
mkdir -p "$LOAD"
LOAD_PIDS=()

# load_cleanup: ends the load processes this test started (by pid), then the server.
load_cleanup() {
  local p
  for p in "${LOAD_PIDS[@]}"; do kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null; done
  cleanup
}
trap load_cleanup EXIT

# publish_port: tells the load processes where the server is now.
publish_port() { echo "$PORT" > "$TMP/port.tmp" && mv "$TMP/port.tmp" "$TMP/port"; }
unpublish_port() { rm -f "$TMP/port"; }

# restart_server [flags...]: start_server, then publish its port.
restart_server() { start_server "$@"; publish_port; }

# post PATH TOKEN BODY KEY OUT: one POST; prints the status, 000 when nothing came back.
# The answer's body is in OUT, its headers in OUT.h.
post() {
  local port
  port=$(cat "$TMP/port" 2>/dev/null) || port=
  if [ -z "$port" ]; then echo 000; return; fi
  local args=(-s -o "$5" -D "$5.h" -w '%{http_code}' --max-time 20 -X POST
    -H "Authorization: Bearer $2" -H 'Content-Type: application/json' --data-binary "$3")
  [ -n "$4" ] && args+=(-H "Idempotency-Key: $4")
  curl "${args[@]}" "http://127.0.0.1:$port$1" || true
}

# get PATH TOKEN OUT: one GET; prints the status.
get() {
  local port
  port=$(cat "$TMP/port" 2>/dev/null) || port=
  if [ -z "$port" ]; then echo 000; return; fi
  curl -s -o "$3" -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $2" \
    "http://127.0.0.1:$port$1" || true
}

# transient STATUS: true for answers that are retried with the same key
# (no answer, server errors, shutting down).
transient() { case "$1" in 000|5??) return 0;; *) return 1;; esac; }

# submitter P TOKEN ENGAGEMENT: creates items with keys and external_ref "s<P>-<i>" until
# $LOAD/stop.submit exists. Writes "key id replayed" to acked.P for each 201/200, the key
# to unacked.P when it gives up on an unanswered request, anything unexpected to errors.
submitter() {
  local p=$1 tok=$2 eng=$3 i=0 key code out
  out=$LOAD/sub.$p
  while [ ! -e "$LOAD/stop.submit" ]; do
    i=$((i + 1)); key="s$p-$i"
    while :; do
      code=$(post /v1/items "$tok" "{\"engagement_id\":$eng,\"external_ref\":\"$key\",\"payload\":{\"p\":$p,\"i\":$i}}" "$key" "$out")
      if [ "$code" = 201 ] || [ "$code" = 200 ]; then
        local rep=0
        grep -qi '^idempotent-replayed: *true' "$out.h" && rep=1
        echo "$key $(jq -r .id "$out") $rep" >> "$LOAD/acked.$p"
        break
      elif transient "$code"; then
        if [ -e "$LOAD/stop.submit" ]; then echo "$key" >> "$LOAD/unacked.$p"; return; fi
        sleep 0.05
      else
        echo "submitter $p: $key answered $code $(head -c 200 "$out")" >> "$LOAD/errors"
        break
      fi
    done
  done
}

# worker W TOKEN [THINK]: takes the next item, waits THINK seconds, submits it with its
# epoch, until $LOAD/stop.work exists. Counts to files: submitted.W (item epoch),
# stale.W (409 stale_lease), next_stale.W (a next answered 409 stale_lease), held.W
# holds "id epoch" while a lease is held.
worker() {
  local w=$1 tok=$2 think=${3:-0} j=0 code out id epoch key
  out=$LOAD/w.$w
  while [ ! -e "$LOAD/stop.work" ]; do
    j=$((j + 1)); key="n-$w-$j-$BASHPID"
    code=$(post /v1/work/next "$tok" '{}' "$key" "$out")
    # Nothing eligible: 200 with {"id": null, "reason": ...} (204 from before issue 14).
    if [ "$code" = 204 ] || { [ "$code" = 200 ] && [ "$(jq -r .id "$out")" = null ]; }; then
      sleep 0.1; continue
    fi
    if transient "$code"; then sleep 0.05; j=$((j - 1)); continue; fi
    # The lease it answered ran out and went to another before its payload was read
    # (a loaded server, or a replay after a crash): ask again, with a new key.
    if [ "$code" = 409 ] && [ "$(jq -r .error.code "$out")" = stale_lease ]; then
      echo "$j" >> "$LOAD/next_stale.$w"; continue
    fi
    if [ "$code" != 200 ]; then
      echo "worker $w: next answered $code $(head -c 200 "$out")" >> "$LOAD/errors"; sleep 0.2; continue
    fi
    id=$(jq -r .id "$out"); epoch=$(jq -r .lease.epoch "$out")
    echo "$id $epoch" > "$LOAD/held.$w"
    [ "$think" != 0 ] && sleep "$think"
    key="sub-$id-$epoch"
    while :; do
      code=$(post "/v1/items/$id/submit" "$tok" "{\"epoch\":$epoch,\"result\":{\"by\":\"$w\"}}" "$key" "$out")
      transient "$code" || break
      [ -e "$LOAD/stop.work" ] && break
      sleep 0.05
    done
    rm -f "$LOAD/held.$w"
    case "$code" in
      200) echo "$id $epoch" >> "$LOAD/submitted.$w" ;;
      409)
        if [ "$(jq -r .error.code "$out")" = stale_lease ]; then echo "$id $epoch" >> "$LOAD/stale.$w"
        else echo "worker $w: submit $id answered 409 $(head -c 200 "$out")" >> "$LOAD/errors"; fi ;;
      000|5??) ;;
      *) echo "worker $w: submit $id answered $code $(head -c 200 "$out")" >> "$LOAD/errors" ;;
    esac
  done
}

# manager TOKEN: accepts every submitted item; sends every fifth item back once for
# rework first. Runs until $LOAD/stop.work exists.
manager() {
  local tok=$1 out=$LOAD/mgr code id key
  declare -A reworked=()
  while [ ! -e "$LOAD/stop.work" ]; do
    code=$(get "/v1/items?state=submitted&limit=500" "$tok" "$out")
    if [ "$code" != 200 ]; then sleep 0.1; continue; fi
    local ids
    ids=$(jq -r '.data[].id' "$out")
    [ -z "$ids" ] && { sleep 0.1; continue; }
    for id in $ids; do
      if [ $((id % 5)) = 0 ] && [ -z "${reworked[$id]:-}" ]; then
        key="rw-$id"
        code=$(post "/v1/items/$id/rework" "$tok" '{"reason":"check the amount"}' "$key" "$out.a")
        [ "$code" = 200 ] && { reworked[$id]=1; echo "$id" >> "$LOAD/reworked"; }
      else
        key="acc-$id"
        code=$(post "/v1/items/$id/accept" "$tok" '{}' "$key" "$out.a")
        [ "$code" = 200 ] && echo "$id" >> "$LOAD/accepted"
      fi
      case "$code" in
        200|000|5??) ;;
        *) echo "manager: $key answered $code $(head -c 200 "$out.a")" >> "$LOAD/errors" ;;
      esac
    done
  done
}

# spawn NAME FUNCTION ARGS...: runs a load function in its own process group
# (so that a signal reaches it and its curl together); sets SPAWNED to its pid.
spawn() {
  local name=$1; shift
  set -m
  "$@" >>"$LOAD/$name.log" 2>&1 &
  SPAWNED=$!
  set +m
  LOAD_PIDS+=("$SPAWNED")
}

# add_workers N ACME: creates N more data-entry workers cleared for client ACME
# (capacity 1); sets WTOK[1..N] and WID[1..N]. Needs MGR and a running server.
add_workers() {
  local n=$1 acme=$2 k
  for k in $(seq 1 "$n"); do
    api POST /v1/workers "$MGR" "{\"login\":\"cw$k\",\"name\":\"Crash $k\",\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"PH\",\"time_zone\":\"Asia/Manila\",\"capacity\":1,\"cost_per_hour\":{\"amount_minor\":900,\"currency\":\"USD\"},\"clearances\":[$acme]}"
    WID[$k]=$(jqr .id)
    case "${WID[$k]}" in ''|null) echo "add_workers: $BODY"; exit 1;; esac
    WTOK[$k]=$(new_token "cw$k")
  done
}

# wait_all_closed SECONDS: waits until no item is open (queued, assigned, submitted,
# in_review). Returns 1 if the number of open items did not go down for SECONDS
# (stuck work fails; a slow machine only takes longer), with OPEN_LEFT set.
wait_all_closed() {
  local deadline=$((SECONDS + $1)) st n best=-1
  while [ $SECONDS -lt $deadline ]; do
    # a read-only look at the live store (WAL: it does not disturb the server)
    n=$(sqlite3 -readonly -batch "$DATA/alihdaya.db" "SELECT count(*) FROM items
          WHERE state IN ('queued', 'assigned', 'submitted', 'in_review');" 2>/dev/null) || n=-1
    [ -n "$n" ] || n=-1
    [ "$n" = 0 ] && return 0
    if [ "$n" -gt 0 ] && { [ "$best" -lt 0 ] || [ "$n" -lt "$best" ]; }; then
      best=$n; deadline=$((SECONDS + $1))
    fi
    OPEN_LEFT=$n
    sleep 0.3
  done
  return 1
}

# sq SQL: runs SQL on the stopped server's store.
sq() { sqlite3 -batch -noheader "$DATA/alihdaya.db" "$1"; }

# check_histories: every item's events form a path of the state machine from create,
# and its last event leads to its current state. Prints the bad items; empty if none.
check_histories() {
  sq "SELECT e.item_id, e.action, ifnull(e.from_state,'-'), e.to_state, i.state
        FROM item_events e JOIN items i ON i.id = e.item_id ORDER BY e.item_id, e.id;" |
  awk -F'|' '
    BEGIN {
      ok["create -"] = "queued"; ok["assign queued"] = "assigned"; ok["expire assigned"] = "queued"
      ok["submit assigned"] = "submitted"; ok["review submitted"] = "in_review"
      ok["accept submitted"] = "done"; ok["accept in_review"] = "done"
      ok["rework submitted"] = "queued"; ok["rework in_review"] = "queued"
      split("queued assigned submitted in_review", open, " ")
      for (k in open) { ok["cancel " open[k]] = "cancelled"; ok["fail " open[k]] = "failed" }
    }
    function close_item() { if (cur != "" && last != final) print cur ": ends in " last " but is " final }
    $1 != cur { close_item(); cur = $1; last = "-"; final = $5
                if ($2 != "create") print cur ": first event " $2 }
    {
      t = $2 " " $3
      if (!(t in ok) || ok[t] != $4) print cur ": bad step " $2 " " $3 "->" $4
      else if ($3 != last) print cur ": step from " $3 " after " last
      last = $4
    }
    END { close_item() }'
  # items without any event
  sq "SELECT id || ': no events' FROM items WHERE id NOT IN (SELECT item_id FROM item_events);"
}

# check_store DESCRIPTION: integrity_check and audit verify of the stopped server's store.
check_store() {
  check "$1: integrity_check" ok "$(sq 'PRAGMA integrity_check')"
  local v
  v=$("$BIN" audit verify --data "$DATA" 2>&1)
  case "$v" in *intact*) ok "$1: audit chain intact ($v)";; *) bad "$1: audit verify: $v";; esac
}
