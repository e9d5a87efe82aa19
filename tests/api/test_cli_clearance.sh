#!/usr/bin/env bash
# test_cli_clearance.sh - worker create|update --clearance ID[,expires=][,nda=][,unmasked=]: the
# terms read back on the API, kept by an update with plain ids, refused when bad; alone and served.
. "$(dirname "$0")/lib.sh"

init_data
for c in 1 2 3; do "$BIN" client create --data "$DATA" --code "c$c" --name "C$c" >/dev/null; done
C1=$("$BIN" client list --data "$DATA" --json | jq -r '.data[]|select(.code=="c1")|.id')
C2=$("$BIN" client list --data "$DATA" --json | jq -r '.data[]|select(.code=="c2")|.id')
C3=$("$BIN" client list --data "$DATA" --json | jq -r '.data[]|select(.code=="c3")|.id')
# terms_of WORKER CLIENT: the clearance of WORKER for CLIENT on GET /v1/workers/:id (compact JSON).
terms_of() {
  api GET "/v1/workers/$1" "$ADMIN"
  jqr ".clearances[] | if type==\"number\" then {client_id: .} else . end | select(.client_id==$2)" | jq -c .
}
FULL="{\"client_id\":$C1,\"expires_at\":\"2027-06-30T00:00:00.000Z\",\"nda_ref\":\"NDA-7\",\"unmasked\":[\"holder\",\"iban\"]}"

run_checks() { # $1: alone|served, $2: login
  local tag=$1 id out before
  out=$("$BIN" worker create --data "$DATA" --login "$2" --name "W $2" --country ID \
    --clearance "$C1,expires=2027-06-30T00:00:00Z,nda=NDA-7,unmasked=holder+iban" --clear "$C2")
  check "$tag: create with terms" 0 $?
  id=${out#worker }; id=${id% created}
  [ -n "$SERVER_PID" ] || start_server
  check "$tag: the terms on the API" "$FULL" "$(terms_of "$id" "$C1")"
  check "$tag: a plain clearance stays plain" "{\"client_id\":$C2}" "$(terms_of "$id" "$C2")"
  check "$tag: worker list --json shows the terms" "$FULL" \
    "$("$BIN" worker list --data "$DATA" --json --limit 100 | jq -c ".data[]|select(.id==$id)|.clearances[]|select(type==\"object\")")"
  [ "$tag" = served ] || stop_server
  "$BIN" worker update "$id" --data "$DATA" --clearance "$C1" --clearance "$C3" >/dev/null
  check "$tag: update with plain ids" 0 $?
  [ -n "$SERVER_PID" ] || start_server
  check "$tag: update with plain ids keeps the terms" "$FULL" "$(terms_of "$id" "$C1")"
  check "$tag: a client left out is removed" "" "$(terms_of "$id" "$C2")"
  check "$tag: a new client is added" "{\"client_id\":$C3}" "$(terms_of "$id" "$C3")"
  [ "$tag" = served ] || stop_server
  "$BIN" worker update "$id" --data "$DATA" --clearance "$C1,nda=NDA-8" --clearance "$C3" >/dev/null
  check "$tag: update with new terms" 0 $?
  [ -n "$SERVER_PID" ] || start_server
  check "$tag: new terms replace the old" "{\"client_id\":$C1,\"nda_ref\":\"NDA-8\"}" "$(terms_of "$id" "$C1")"
  api GET "/v1/workers/$id" "$ADMIN"; before=$BODY
  [ "$tag" = served ] || stop_server
  "$BIN" worker update "$id" --data "$DATA" --clearance "$C1,expires=tomorrow" 2>"$TMP/err"
  check "$tag: a bad expires is a usage error" 2 $?
  grep -q -- "--clearance $C1,expires=tomorrow: expires must be RFC 3339 like 2027-06-30T00:00:00Z" "$TMP/err" \
    && ok "$tag: the expiry named" || bad "$tag: $(cat "$TMP/err")"
  "$BIN" worker update "$id" --data "$DATA" --clearance "$C1,color=red" 2>"$TMP/err"
  check "$tag: an unknown key is a usage error" 2 $?
  grep -q "unknown key 'color'" "$TMP/err" && ok "$tag: the key named" || bad "$tag: $(cat "$TMP/err")"
  "$BIN" worker update "$id" --data "$DATA" --clearance "$C1,unmasked=a+b+c+d+e+f+g+h+i" 2>"$TMP/err"
  check "$tag: too many unmasked fields is a usage error" 2 $?
  grep -q -- "--clearance $C1,unmasked=a+b+c+d+e+f+g+h+i: unmasked holds more than 8 fields" "$TMP/err" && ok "$tag: the count named" || bad "$tag: $(cat "$TMP/err")"
  "$BIN" worker create --data "$DATA" --login "x$2" --name X --country ID --clearance "x1" 2>"$TMP/err"
  check "$tag: a clearance that is not an id" 2 $?
  grep -q "'x1' is not a client id" "$TMP/err" && ok "$tag: the id named" || bad "$tag: $(cat "$TMP/err")"
  [ -n "$SERVER_PID" ] || start_server
  api GET "/v1/workers/$id" "$ADMIN"
  check "$tag: nothing changed by the refused updates" "$before" "$BODY"
  [ "$tag" = served ] || stop_server
}

run_checks alone wa
start_server
run_checks served ws
stop_server
finish
