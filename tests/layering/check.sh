#!/usr/bin/env bash
# check.sh - the build's layering rule, tried both ways: for every layer, a file that
# includes a header of each other layer is compiled with that layer's include folder
# (build/layers/<layer>, as the layer's own sources are): it must compile exactly
# when the layer may use the other one (CMakeLists.txt, ahd_layer USES).
#   check.sh CC LAYERS_DIR SRC_DIR
set -euo pipefail
cc=$1 layers=$2 src=$3
cflags=$(pkg-config --cflags jansson sqlite3 libmicrohttpd libsodium inih)
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
pass=0 fail=0
while IFS=: read -r layer uses; do
  for other in $(cut -d: -f1 "$layers/layers.txt"); do
    # The first public header of the other layer, in name order.
    hdr=$(cd "$src" && ls "$other"/*.h | grep -v '_int\.h$' | sort | head -n 1)
    printf '#include "%s"\nint probe_%s;\n' "$hdr" "$layer" >"$probe/p.c"
    allowed=no
    [ "$other" = "$layer" ] && allowed=yes
    for u in $uses; do [ "$u" = "$other" ] && allowed=yes; done
    # shellcheck disable=SC2086
    if $cc -std=c17 -D_GNU_SOURCE -fsyntax-only $cflags -I"$layers/$layer" "$probe/p.c" 2>"$probe/err"; then
      got=yes
    else
      got=no
    fi
    if [ "$got" = "$allowed" ]; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL: $layer including $hdr: allowed=$allowed, compiled=$got"
      sed 's/^/  /' "$probe/err" | head -n 5
    fi
  done
done <"$layers/layers.txt"
echo "layering: $pass checks passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
