#!/usr/bin/env bash
# test_sla_breach.sh - the sla.breach webhook (issue 11): an open item is announced once when
# its due time passes, to the endpoints of its client that asked for sla.breach; an item done
# or cancelled in time is not; an item created already late is announced at its create; a
# restart neither repeats nor skips one; a backlog larger than one tick's walk (256) is
# announced whole, each once. Time moves by the server's clock file, never by sleeping; the
# receiver (webhook_receiver.py) answers 200, and its log is what the test counts.
. "$(dirname "$0")/lib.sh"

init_data
clock_start
T0=$(cat "$CLOCK")
start_server --clock-file "$CLOCK" --webhook-allow-private
setup_world

start_receiver ""

rfc() { python3 -c 'import sys,datetime; print(datetime.datetime.fromtimestamp(int(sys.argv[1])/1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"))' "$1"; }
# breaches: "item_id due_at state" of every sla.breach the receiver was sent, sorted by item
breaches() {
  python3 - "$RLOG" <<'EOF'
import json, sys
out = []
for line in open(sys.argv[1]):
    b = json.loads(json.loads(line)["body"])
    if b["type"] == "sla.breach":
        d = b["data"]
        out.append((d["item_id"], d["due_at"], d["state"], b["id"]))
for r in sorted(out):
    print(*r)
EOF
}
# wait_breaches N: up to 10 s for the receiver to have been sent N breaches
wait_breaches() {
  for _ in $(seq 1 100); do [ "$(breaches | wc -l)" -ge "$1" ] && break; sleep 0.1; done
}

api POST /v1/webhooks "$ACMEU" "{\"url\":\"$RURL\",\"events\":[\"sla.breach\"]}"
expect "an endpoint for sla.breach" 201
api POST /v1/webhooks "$LEXU" "{\"url\":\"$RURL/lex\",\"events\":[\"item.done\"]}"
expect "LexCorp's endpoint asks for item.done only" 201

# A: the engagement's SLA (24 h); B: due in an hour; C: due two hours ago (created late);
# D: cancelled before it is due; L: LexCorp's, late, but its endpoint did not ask.
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"SLA-A\",\"payload\":{\"a\":1}}"
A=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"SLA-B\",\"due_at\":\"$(rfc $((T0 + 3600000)))\",\"payload\":{\"a\":2}}"
B=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"SLA-C\",\"due_at\":\"$(rfc $((T0 - 7200000)))\",\"payload\":{\"a\":3}}"
expect "an item created with a due time in the past" 201
C=$(jqr .id)
api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"SLA-D\",\"due_at\":\"$(rfc $((T0 + 1800000)))\",\"payload\":{\"a\":4}}"
D=$(jqr .id)
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"due_at\":\"$(rfc $((T0 - 60000)))\",\"payload\":{\"q\":1}}"
L=$(jqr .id)

wait_breaches 1
sleep 0.5
check "the late-created item is announced at once, alone" "$C $(rfc $((T0 - 7200000))) queued evt_sla_$C" "$(breaches)"

api POST "/v1/items/$D/cancel" "$MGR" '{"reason":"withdrawn"}'
expect "D cancelled before its due time" 200
advance 3600001
wait_breaches 2
sleep 0.5
check "an hour on: B announced, C not again, D (cancelled) not" \
  "$(printf "%s\n" "$B" "$C" | sort -n | paste -sd, -)" "$(breaches | awk '{print $1}' | paste -sd, -)"
check "B's event: its due time and state" "$B $(rfc $((T0 + 3600000))) queued evt_sla_$B" "$(breaches | grep "^$B ")"
# A restart before A's due time: the watermark is kept, nothing is announced twice.
stop_server
start_server --clock-file "$CLOCK" --webhook-allow-private
advance 3600000
sleep 1.5
check "after a restart: still only C and B" "2" "$(breaches | wc -l)"
set_clock $((T0 + 86400000 + 1))
wait_breaches 3
sleep 0.5
check "24 h on: A announced too, each item once" "$(printf '%s\n' "$A" "$B" "$C" | sort | paste -sd, -)" \
  "$(breaches | awk '{print $1}' | sort | paste -sd, -)"
case "$(grep -c '/lex' "$RLOG")" in
  0) ok "LexCorp's endpoint (item.done only) was sent no breach of L ($L)";;
  *) bad "LexCorp's endpoint was sent a breach";;
esac
case "$(cat "$RLOG")" in *'"a":'*) bad "a breach carries a payload value";; *) ok "no payload value in any event";; esac

# A backlog: 300 items due in a minute, announced whole across several ticks, each once.
N=300
DUE=$(rfc $(( $(cat "$CLOCK") + 60000 )))
for i in $(seq 1 $N); do
  curl -s -o /dev/null -X POST -H "Authorization: Bearer $ACMEU" -H "Content-Type: application/json" \
    -d "{\"engagement_id\":$BPO,\"due_at\":\"$DUE\",\"payload\":{\"n\":$i}}" "$BASE/v1/items"
done
advance 60001
wait_breaches $((N + 3))
sleep 1
check "the backlog: $N more breaches, no item twice" "$((N + 3)) $((N + 3))" \
  "$(breaches | wc -l) $(breaches | awk '{print $1}' | sort -u | wc -l)"
advance 3600000
sleep 1.5
check "and none again an hour on" "$((N + 3))" "$(breaches | wc -l)"
check "the store's watermark is past them all" "yes" \
  "$(sqlite3 "$DATA/alihdaya.db" "SELECT due_at >= $(( $(cat "$CLOCK") - 3600000 )) FROM sla_mark" | sed 's/1/yes/')"

finish
