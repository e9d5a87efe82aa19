#!/usr/bin/env bash
# test_audit_filters.sh - GET /v1/audit's filters: actor, action (a name or a family "item."),
# from and to (RFC 3339), with client_id and the keyset cursor, on a trail of 100,000 events
# written straight into the store (some after a step back of the clock). Every page equals what
# Python finds filtering the rows itself; bad values are 400 naming the parameter; at_max (the
# column the time window rests on) is the running maximum of at; and EXPLAIN QUERY PLAN of every
# combination of the filters, as the binary's own statement pieces make it, searches indexes
# (no full scan, no sort). `alihdaya audit list` takes the same filters.
. "$(dirname "$0")/lib.sh"

N=100000
init_data
clock_start 1767225600000
start_server --clock-file "$CLOCK"
setup_world
# Events through the engine, one of them after the clock stepped back an hour.
for k in 1 2 3; do
  advance 60000
  api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"F-$k\",\"payload\":{\"a\":$k}}"
done
expect "an item of ACME" 201
set_clock $(( $(cat "$CLOCK") - 3600000 ))
sleep 0.3 # the engine re-reads its clock file at least every 200 ms
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"external_ref\":\"F-back\",\"payload\":{\"q\":1}}"
expect "an item of LexCorp after the clock stepped back" 201
stop_server

DB=$(ls "$DATA"/*.db 2>/dev/null | head -1)
[ -f "$DB" ] || { bad "no database file in $DATA"; finish; }

# The bulk: copies of the last event with other seq, time, actor, action and client. Times
# advance a second an event, except a stretch of 300 events an hour back (a clock step).
S0=$(sqlite3 "$DB" "SELECT max(seq) FROM audit") # the bulk's events are S0+1 .. S0+N
python3 - "$DB" "$N" <<'EOF' || { bad "bulk insert"; finish; }
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
db.execute("PRAGMA synchronous = OFF")
cols = [r[1] for r in db.execute("PRAGMA table_info(audit)")]
seed = list(db.execute("SELECT * FROM audit ORDER BY seq DESC LIMIT 1").fetchone())
seq0, at0 = seed[cols.index("seq")], db.execute("SELECT max(at) FROM audit").fetchone()[0]
users = [r[0] for r in db.execute("SELECT id FROM users ORDER BY id")]
clients = [r[0] for r in db.execute("SELECT id FROM clients ORDER BY id")] + [None]
actions = ["item.create", "item.submit", "item.review_accept", "client.update", "token.create",
           "worker.status", "itemx.odd", "item"]
def rows():
    for k in range(1, n + 1):
        r = list(seed)
        r[cols.index("seq")] = seq0 + k
        at = at0 + k * 1000
        if 60000 <= k < 60300: at -= 3600 * 1000
        r[cols.index("at")] = at
        r[cols.index("actor_user_id")] = None if k % 17 == 0 else users[(k * 7) % len(users)]
        r[cols.index("action")] = actions[(k * 5 + k // 11) % len(actions)]
        r[cols.index("client_id")] = clients[k % len(clients)]
        yield r
db.executemany(f"INSERT INTO audit({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", rows())
db.commit()
EOF
ok "$N audit events written into the store"

# The migration on a store that has a trail: the store as it was before it (no at_max, no
# indexes of the filters), then the migration's own text, read out of the binary (one string
# literal there), run on these events. Not by setting user_version back one: later migrations
# are appended after this one, and they would run again too.
V=$(sqlite3 "$DB" "PRAGMA user_version")
MIG=$(strings -n 20 "$BIN" | grep -F 'ALTER TABLE audit ADD COLUMN at_max') || true
check "the filters' migration is found in the binary, once" "1" "$(printf '%s\n' "$MIG" | grep -c 'ADD COLUMN at_max')"
sqlite3 "$DB" "DROP INDEX audit_actor; DROP INDEX audit_action;
  DROP INDEX audit_family; DROP INDEX audit_at_max; DROP INDEX audit_back;
  ALTER TABLE audit DROP COLUMN at_max;" &&
  ok "the store set back to the schema before the filters' migration" || bad "set the store back"
sqlite3 "$DB" "BEGIN; $MIG COMMIT;" && ok "the binary's migration runs on the trail" || bad "the migration failed"
start_server --clock-file "$CLOCK"
check "the store's version is unchanged" "$V" "$(sqlite3 "$DB" "PRAGMA user_version")"
# An event written after it (at_max written by the insert), with the clock an hour back again.
set_clock $(( $(cat "$CLOCK") - 3600000 ))
sleep 0.3
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"F-after\",\"payload\":{\"a\":9}}"
expect "an item after the migration" 201

# at_max is the running maximum of at in seq order (the migration's UPDATE for the events it
# found, the insert's for the one after).
python3 - "$DB" <<'EOF' && ok "at_max of every event is the largest at up to it" || bad "at_max is not the running maximum of at"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); m = None; bad = 0
for seq, at, at_max in db.execute("SELECT seq, at, at_max FROM audit ORDER BY seq"):
    m = at if m is None else max(m, at)
    bad += at_max != m
print(f"# {bad} events with a wrong at_max"); sys.exit(1 if bad else 0)
EOF

ok "the server runs on the large trail"

# rfc MS [OFFSET_MIN]: an RFC 3339 time of MS, in UTC or at an offset.
rfc() { python3 -c "
import datetime as d, sys
ms, off = int(sys.argv[1]), int(sys.argv[2])
t = d.datetime.fromtimestamp(ms / 1000, d.timezone(d.timedelta(minutes=off)))
s = t.strftime('%Y-%m-%dT%H:%M:%S') + '.%03d' % (ms % 1000)
print(s + ('Z' if off == 0 else t.strftime('%z')[:3] + ':' + t.strftime('%z')[3:]))" "$1" "${2:-0}"; }

# ref AFTER LIMIT CLIENT ACTOR ACTION FROM TO: the seqs Python finds ("" = no filter), itself.
ref() { python3 - "$DB" "$@" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
after, limit = int(sys.argv[2]), int(sys.argv[3])
client, actor, action, frm, to = sys.argv[4:9]
out = []
for seq, at, who, act, cl in db.execute("SELECT seq, at, actor_user_id, action, client_id FROM audit"):
    if seq <= after: continue
    if client and cl != int(client): continue
    if actor and who != int(actor): continue
    # a family: the action up to and with its first '.' ("item" alone has none)
    fam = act[: act.index(".") + 1] if "." in act else None
    if action and (fam != action if action.endswith(".") else act != action): continue
    if frm and at < int(frm): continue
    if to and at >= int(to): continue
    out.append(seq)
print(" ".join(str(s) for s in sorted(out)[:limit]))
EOF
}

AT0=$(sqlite3 "$DB" "SELECT min(at) FROM audit WHERE seq > $S0 AND seq <= $S0 + $N")
LAST=$(sqlite3 "$DB" "SELECT max(seq) FROM audit")
MGRID=$(sqlite3 "$DB" "SELECT id FROM users WHERE name = 'mgr'")
AUDID=$(sqlite3 "$DB" "SELECT id FROM users WHERE name = 'aud'")
# Bulk event k is at AT0 + (k-1) s, but k = 60000..60299 are an hour earlier. A window holding
# events of both sides of the step (out of seq order); one early, one late.
W1F=$(( AT0 + 56500 * 1000 )); W1T=$(( AT0 + 60100 * 1000 ))
# Its events of before the step end before seq of the stepped-back ones: only audit_back finds them.
W4F=$(( AT0 + 56000 * 1000 )); W4T=$(( AT0 + 56600 * 1000 ))
W2F=$(( AT0 + 1000 * 1000 )); W2T=$(( AT0 + 1200 * 1000 ))
W3F=$(( AT0 + 99000 * 1000 ))

# filt NAME CLIENT ACTOR ACTION FROM TO: pages of 50 (then the next by cursor) and a deep one of
# 500 each equal to Python's; each in under 2 s.
filt() {
  local name=$1 q="" after=0 lim got want ms t0 cursor
  [ -n "$2" ] && q+="&client_id=$2"
  [ -n "$3" ] && q+="&actor=$3"
  [ -n "$4" ] && q+="&action=$4"
  [ -n "$5" ] && q+="&from=$(rfc "$5" 420 | sed 's/+/%2B/')"
  [ -n "$6" ] && q+="&to=$(rfc "$6")"
  for lim in 50 50 500; do
    [ "$lim" = 500 ] && after=$(( LAST - N / 2 ))
    t0=$(date +%s%N)
    api GET "/v1/audit?limit=$lim&after=$after$q" "$AUD"
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$STATUS" = 200 ] || { bad "$name: HTTP $STATUS ${BODY:0:200}"; return; }
    got=$(jqr '[.data[].seq]|join(" ")')
    want=$(ref "$after" "$lim" "$2" "$3" "$4" "$5" "$6")
    cursor=$(jqr .next_cursor)
    local n; n=$(jqr '.data|length')
    if [ "$got" = "$want" ] && { { [ "$n" = "$lim" ] && [ "$cursor" = "${got##* }" ]; } ||
                                 { [ "$n" -lt "$lim" ] && [ "$cursor" = null ]; }; }; then
      ok "$name: limit=$lim after=$after: the $n events Python finds ($ms ms)"
    else
      bad "$name: limit=$lim after=$after: got '${got:0:100}' ($n, cursor $cursor), want '${want:0:100}'"
    fi
    [ "$ms" -lt 2000 ] || bad "$name: a page took $ms ms"
    [ "$cursor" = null ] && break
    after=$cursor
  done
}

filt "actor" "" "$MGRID" "" "" ""
filt "action" "" "" "item.create" "" ""
filt "action family" "" "" "item." "" ""
filt "from" "" "" "" "$W3F" ""
filt "to" "" "" "" "" "$W2T"
filt "a window over the clock's step back" "" "" "" "$W1F" "$W1T"
filt "an early window" "" "" "" "$W2F" "$W2T"
filt "a window whose last events came after the step back" "" "" "" "$W4F" "$W4T"
filt "client and actor" "$ACME" "$MGRID" "" "" ""
filt "client, family and window" "$LEX" "" "item." "$W1F" "$W1T"
filt "actor, action and from" "" "$AUDID" "client.update" "$W3F" ""
filt "every filter" "$ACME" "$MGRID" "item.submit" "$W2F" "$W1T"
filt "an actor with no event" "" "999999" "" "" ""
filt "a window after the last event" "" "" "" "$(( AT0 + 200000 * 1000 ))" ""
# The engine's own events: the item made after the step back is in its hour, not after it.
api GET "/v1/audit?action=item.create&client_id=$LEX&to=$(rfc 1767225780000)" "$AUD"
check "the engine's event after the step back is found by its own time" "1" "$(jqr '.data|length')"

# Each event names its actor: the users table's login name (read here with sqlite3, not
# through the server), null for the system's events; the names of a page of 500, two pages.
NAMES=$(sqlite3 -json "$DB" "SELECT id, name FROM users" | jq -c 'map({key: (.id|tostring), value: .name}) | from_entries')
for after in 0 $(( LAST - 700 )); do
  api GET "/v1/audit?limit=500&after=$after" "$AUD"
  wrong=$(printf '%s' "$BODY" | jq --argjson u "$NAMES" '[.data[] | select(.actor_name != (if .actor_user_id == null then null else $u[.actor_user_id|tostring] end))] | length')
  named=$(printf '%s' "$BODY" | jq '[.data[] | select(.actor_name != null)] | length')
  nulls=$(printf '%s' "$BODY" | jq '[.data[] | select(.actor_user_id == null and .actor_name == null)] | length')
  if [ "$STATUS" = 200 ] && [ "$wrong" = 0 ] && [ "$named" -gt 0 ]; then
    ok "after=$after: every event's actor_name is its user's name ($named named, $nulls of the system)"
  else
    bad "after=$after: $wrong events with a wrong actor_name (HTTP $STATUS, $named named)"
  fi
done

# Bad values: 400 naming the parameter, nothing listed.
bad400() { api GET "/v1/audit?$1" "$AUD"; expect "$1 is refused" 400
  printf '%s' "$BODY" | grepq "$2" && ok "$1: the message names $2" || bad "$1: message '${BODY:0:200}'"; }
bad400 "actor=abc" actor
bad400 "actor=0" actor
bad400 "action=" action
bad400 "action=item.review." action
bad400 "action=it%20em" action
bad400 "action=$(printf 'a%.0s' $(seq 70))" action
bad400 "from=yesterday" from
bad400 "from=2026-13-01T00:00:00Z" from
bad400 "from=1969-12-31T23:59:59Z" from
bad400 "to=2026-01-01" to
bad400 "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z" "from must be before to"
bad400 "from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z" "from must be before to"
bad400 "who=1" who
# Auditors and admins only, as before; a client user is refused whatever the filter.
api GET "/v1/audit?actor=$MGRID" "$ACMEU"
expect "a client user reads no trail" 403

# The CLI's audit list takes the same filters (read beside the running server).
got=$("$BIN" audit list --data "$DATA" --json --limit 40 --client "$ACME" --actor "$MGRID" --action item. \
      --from "$(rfc "$W2F")" --to "$(rfc "$W1T" -300)" | jq -r '[.data[].seq]|join(" ")')
[ -n "$got" ] || bad "audit list with every filter found nothing (the case tests nothing)"
check "audit list --client --actor --action --from --to: the events Python finds" \
  "$(ref 0 40 "$ACME" "$MGRID" item. "$W2F" "$W1T")" "$got"
# The CLI names the actors as the API does: a page of 500, against the users table.
"$BIN" audit list --data "$DATA" --json --limit 500 > "$TMP/cli_names.json"
wrong=$(jq --argjson u "$NAMES" '[.data[] | select(.actor_name != (if .actor_user_id == null then null else $u[.actor_user_id|tostring] end))] | length' "$TMP/cli_names.json")
named=$(jq '[.data[] | select(.actor_name != null)] | length' "$TMP/cli_names.json")
if [ "$wrong" = 0 ] && [ "$named" -gt 0 ]; then ok "audit list names each event's actor ($named named)"
else bad "audit list: $wrong events with a wrong actor_name, $named named"; fi
"$BIN" audit list --data "$DATA" --limit 5 | head -1 | grepq actor_name && ok "audit list's table has the actor_name column" \
  || bad "audit list's table has no actor_name column"
out=$("$BIN" audit list --data "$DATA" --from 2026-02-01T00:00:00Z --to 2026-01-01T00:00:00Z 2>&1); rc=$?
check "audit list with from after to: a usage error" 2 "$rc"
case $out in *"from must be before to"*) ok "audit list says from must be before to";;
  *) bad "audit list's message: $out";; esac

# Every combination of the filters, planned on this file as the binary makes the statement.
python3 - "$DB" "$BIN" <<'EOF'
import itertools, re, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
runs = [b.decode() for b in re.findall(rb"[\x20-\x7e]{10,}", open(sys.argv[2], "rb").read())]
fmt = [r for r in runs if r.startswith("SELECT seq, at,") and r.count("%s") == 5]
def piece(start):  # the binary's piece that starts with `start`, to the end of its string
    hits = [r[r.index(start):] for r in runs if start in r]
    return min(hits, key=len) if hits else None
client, actor, action, family, frm, to = (piece(s) for s in (
    " AND client_id = ?3", " AND actor_user_id = ?4", " AND action = ?5", " AND substr(action",
    "max(?1, coalesce(", " AND at < ?7"))
pieces = [client, actor, action, family, frm, to]
if len(fmt) != 1 or None in pieces:
    print(f"FAIL - the statement's pieces in the binary: fmt {len(fmt)}, pieces {pieces}"); sys.exit(1)
fails = n = 0
for lo, c, a, x, t in itertools.product(["?1", frm], ["", client], ["", actor], ["", action, family],
                                        ["", to]):
    if lo == "?1" and not (a or x or t): continue  # the plain lists: test_paging_large.sh's
    s = fmt[0] % (lo, c, a, x, t); n += 1
    plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + s, [1] * max(int(v) for v in re.findall(r"\?(\d+)", s)))]
    badp = [p for p in plan if re.match(r"^SCAN ", p) or "TEMP B-TREE" in p]
    fails += bool(badp)
    print(f"{'FAIL' if badp else 'ok'} - plan with{c}{a}{x}{' from' if lo != '?1' else ''}{' to' if t else ''}: {' | '.join(plan)}")
print(f"# {n} combinations planned")
sys.exit(1 if fails or n != 46 else 0)
EOF
[ $? = 0 ] && ok "every combination of the filters searches an index: no full scan, no sort" || bad "a combination scans or sorts"
finish
