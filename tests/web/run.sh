#!/usr/bin/env bash
# run.sh - the web application's end-to-end tests: the real binary on a loopback port with its
# own data directory (tests/api/lib.sh), a world seeded over the API and the CLI, then
# e2e.mjs driving Debian's chromium headless with playwright-core (web/node_modules).
#   run.sh path/to/alihdaya SCREENS_DIR [SCRIPT]   (SCRIPT: e2e.mjs by default; each
#   tests/web/e2e*.mjs is its own ctest test, with its own server and world; lib.mjs is shared)
# Without chromium, node or the node packages the test is skipped (exit 77), or FAILS when CI=true.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SCREENS=${2:-$PWD/web-screens}
SCRIPT=${3:-e2e.mjs}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium ($CHROMIUM; apt-get install chromium)"
command -v node >/dev/null 2>&1 || missing="$missing node"
[ -f "$root/web/node_modules/playwright-core/package.json" ] || missing="$missing web/node_modules/playwright-core (cd web && npm ci)"
[ -f "$root/web/node_modules/axe-core/axe.min.js" ] || missing="$missing web/node_modules/axe-core"
if [ -n "$missing" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL - the web tests need:$missing (scripts/install.sh installs them)"; exit 1
  fi
  echo "SKIP - the web tests need:$missing (scripts/install.sh installs them)"; exit 77
fi

# shellcheck source=../api/lib.sh
source "$root/tests/api/lib.sh"

init_data
start_server
api GET / ""
case "$BODY" in
  *"was not built"*) bad "the binary holds the web application (built without node?)"; finish;;
esac

setup_world
PW='correct horse battery staple 9'
for login in w1 w3 acme-user lex-user; do
  printf '%s\n' "$PW" | "$BIN" user password "$login" --data "$DATA" --stdin >/dev/null 2>"$TMP/pw.err" \
    || { bad "set the password of $login: $(cat "$TMP/pw.err")"; finish; }
done
# Items for the worker w1 (ACME, data entry): one per language round and the keying test.
for i in 1 2 3 4 5 6; do
  api POST /v1/items "$ACMEU" "{\"engagement_id\":$BPO,\"external_ref\":\"CLM-$i\",\"payload\":{\"claimant\":\"Siti Rahma $i\",\"amount\":\"1$i.50\",\"policy_no\":\"P-00$i\",\"scan_url\":\"https://scans.example/CLM-$i.pdf\"}}"
  [ "$STATUS" = 201 ] || { bad "create item $i: $STATUS $BODY"; finish; }
  [ "$i" = 1 ] && ACME_ITEM=$(jqr .id)
done

# The client portal (lex-user, KPO work of LexCorp): two items submitted by the worker w2 and
# approved by the senior reviewer, to send back and to accept; one queued; one past due (late). ACME's items stay out of its list.
for ref in K-1 K-2; do
  api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"external_ref\":\"$ref\",\"payload\":{\"question\":\"Precedents for $ref\",\"court\":\"Federal\"}}"
  [ "$STATUS" = 201 ] || { bad "create item $ref: $STATUS $BODY"; finish; }
  api POST /v1/work/next "$W2" '{}'
  [ "$(jqr .external_ref)" = "$ref" ] || { bad "w2 takes $ref: $STATUS $BODY"; finish; }
  id=$(jqr .id); epoch=$(jqr .lease.epoch)
  api POST "/v1/items/$id/submit" "$W2" "{\"epoch\":$epoch,\"result\":{\"memo\":\"Three cases found for $ref\"}}"
  [ "$STATUS" = 200 ] || { bad "w2 submits $ref: $STATUS $BODY"; finish; }
  # KPO: the senior review (staff) comes first; the client approves or returns in review.
  api POST "/v1/items/$id/review" "$MGR" '{}'
  [ "$STATUS" = 200 ] || { bad "senior review of $ref: $STATUS $BODY"; finish; }
  case $ref in K-1) LEX_BACK=$id;; K-2) LEX_ACCEPT=$id;; esac
done
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"external_ref\":\"K-3\",\"payload\":{\"question\":\"Statute of limitations\"}}"
[ "$STATUS" = 201 ] || { bad "create item K-3: $STATUS $BODY"; finish; }
api POST /v1/items "$LEXU" "{\"engagement_id\":$KPO,\"external_ref\":\"K-LATE\",\"due_at\":\"2020-01-01T00:00:00Z\",\"payload\":{\"question\":\"Overdue brief\"}}"
[ "$STATUS" = 201 ] || { bad "create item K-LATE: $STATUS $BODY"; finish; }

# The administration and audit screens (e2e_admin.mjs, e2e_audit.mjs): the admin, the manager
# and the auditor sign in too; the scripts check what the screens did through the API.
for login in admin mgr aud; do
  printf '%s\n' "$PW" | "$BIN" user password "$login" --data "$DATA" --stdin >/dev/null 2>"$TMP/pw.err" \
    || { bad "set the password of $login: $(cat "$TMP/pw.err")"; finish; }
done
export ADMIN AUD ACME LEX ACMEU DATA

mkdir -p "$SCREENS"
LEXU="$LEXU" W2="$W2" KPO="$KPO" BPO="$BPO" LEX_BACK="$LEX_BACK" LEX_ACCEPT="$LEX_ACCEPT" \
BASE="$BASE" PW="$PW" MGR="$MGR" ACME_ITEM="$ACME_ITEM" SCREENS="$SCREENS" CHROMIUM="$CHROMIUM" \
  WEB_ROOT="$root/web" node "$here/$SCRIPT"
rc=$?
[ "$rc" = 0 ] && ok "$SCRIPT" || bad "$SCRIPT (exit $rc)"
finish
