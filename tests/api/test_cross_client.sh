#!/usr/bin/env bash
# test_cross_client.sh - three clients' isolation through the real server: the authorisation
# matrix (every route of src/http/router.c x every role and no token x every client's records:
# no client user or worker gets another client's record), canaries planted in each client's
# items found in no other client's answers and nowhere in the server's logs, and forbidden
# fields (client_id, role, state, worker, epoch, id, created_at) refused on every write;
# tokens: only one's own (another user's is 404), no list with another's token or a text.
# The driver is cross_client.py (Python's urllib and json); the log scan is grep, here.
. "$(dirname "$0")/lib.sh"
ROOT=$(readlink -f "$(dirname "$0")/../..")

init_data
# The per-address limit off: the matrix sends hundreds of requests without a valid token
# from one address, each to be answered 401, not 429 (the limit's own test is
# test_hardening.sh).
start_server --fail-rate 0
if python3 "$ROOT/tests/api/cross_client.py" "$BASE" "$BIN" "$DATA" "$ROOT/src/http/router.c" \
  "$ROOT/src/sec/policy.c" "$ROOT/docs/api.md" "$TMP/canaries"; then
  ok "cross-client matrix, canaries in answers, forbidden fields"
else
  bad "cross-client matrix, canaries in answers, forbidden fields (see FAIL lines above)"
fi
stop_server
check "server stopped cleanly" 0 "$?"

# The logs: what the server wrote to stdout and stderr, and any log file in its data dir.
if [ -s "$TMP/canaries" ]; then
  check "canaries written" 1 "$([ "$(wc -l < "$TMP/canaries")" -ge 60 ] && echo 1)"
  logs=("$TMP/server.out" "$TMP/server.err")
  while IFS= read -r f; do logs+=("$f"); done < <(find "$DATA" -name '*.log' -type f)
  hits=$(grep -o -F -f "$TMP/canaries" "${logs[@]}" | sort -u)
  check "no canary in the server's logs (${#logs[@]} files)" "" "$hits"
else
  bad "the driver wrote no canaries"
fi
finish
