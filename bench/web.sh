#!/usr/bin/env bash
# web.sh - bench/web (issue 9): the web application in headless Chromium against a real
# `alihdaya serve` on a loopback port with its own data directory: the first load (bytes and
# time to interactive), take-next -> form ready, and the keying loop (web.mjs measures).
# A benchmark, not a test: nothing here is run by ctest.
#   bash bench/web.sh [--bin build/alihdaya] [--seconds 60] [--loads 20] [--takes 100]
# Build first without sanitizers:
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build build -j2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=$root/build/alihdaya
SECONDS_RUN=60 LOADS=20 TAKES=100
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2;;
    --seconds) SECONDS_RUN=$2; shift 2;;
    --loads) LOADS=$2; shift 2;;
    --takes) TAKES=$2; shift 2;;
    *) echo "usage: web.sh [--bin PATH] [--seconds N] [--loads N] [--takes N]" >&2; exit 2;;
  esac
done
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$bin" ] || { echo "no binary at $bin (build first, see the top of this file)" >&2; exit 1; }
[ -x "$CHROMIUM" ] || { echo "no chromium at $CHROMIUM" >&2; exit 1; }
[ -f "$root/web/node_modules/playwright-core/package.json" ] || { echo "web/node_modules/playwright-core missing (cd web && npm ci)" >&2; exit 1; }

set -- "$bin"
# shellcheck source=../tests/api/lib.sh
source "$root/tests/api/lib.sh"

init_data
# No per-address limit: 20 cold loads fetch the page, its files and GET /v1/session without
# a token, which the default limit (20/s) would hold back with 429s.
start_server --fail-rate 0
setup_world
PW='correct horse battery staple 9'
# w1 (ACME, data entry): engagement BPO of setup_world, no declared fields, the form from
# the payload's keys. w4 (cleared for LexCorp only): a data-entry engagement of LexCorp with
# declared result fields. Neither worker can take the other's items.
api POST /v1/engagements "$MGR" "{\"client_id\":$LEX,\"service_code\":\"data_entry\",\"name\":\"Declared claim forms\",\"required_skills\":[{\"code\":\"data_entry\",\"level\":2}],\"required_languages\":[{\"code\":\"en\",\"level\":2}],\"sla_seconds\":86400,\"lease_seconds\":1800}"
[ "$STATUS" = 201 ] || { echo "engagement: $STATUS $BODY"; exit 1; }
DECL=$(jqr .id)
RESULT='[{"name":"amount","type":"decimal","scale":2,"required":true,"min":"0.01","max":"99999.99"},
 {"name":"loss_date","type":"date","required":true},
 {"name":"kind","type":"enum","values":["auto","home","life"]},
 {"name":"urgent","type":"boolean"},
 {"name":"note","type":"text","max_length":40}]'
api PUT "/v1/engagements/$DECL/fields" "$MGR" "{\"result\":$RESULT}"
[ "$STATUS" = 200 ] || { echo "fields: $STATUS $BODY"; exit 1; }
api POST /v1/workers "$MGR" "{\"login\":\"w4\",\"name\":\"Dewi\",\"skills\":[{\"code\":\"data_entry\",\"level\":3}],\"languages\":[{\"code\":\"en\",\"level\":3}],\"country\":\"ID\",\"time_zone\":\"Asia/Jakarta\",\"capacity\":2,\"cost_per_hour\":{\"amount_minor\":800,\"currency\":\"USD\"},\"clearances\":[$LEX]}"
[ "$STATUS" = 201 ] || { echo "worker w4: $STATUS $BODY"; exit 1; }
for login in w1 w4; do
  printf '%s\n' "$PW" | "$BIN" user password "$login" --data "$DATA" --stdin >/dev/null || { echo "password $login"; exit 1; }
done

BASE="$BASE" PW="$PW" MGR="$MGR" ACMEU="$ACMEU" LEXU="$LEXU" BPO="$BPO" DECL="$DECL" \
CHROMIUM="$CHROMIUM" WEB_ROOT="$root/web" SECS="$SECONDS_RUN" LOADS="$LOADS" TAKES="$TAKES" \
  node "$here/web.mjs"
rc=$?
exit $rc
