#!/usr/bin/env bash
# run.sh - builds the libFuzzer targets (clang) and runs each for SECONDS.
#   bash fuzz/run.sh [SECONDS=60] [BUILD_DIR=build-fuzz]
#   bash fuzz/run.sh --one BINARY TARGET SECONDS     (one target; used by `--target fuzz`)
# New inputs go to $FUZZ_WORK/<target> (default build dir/fuzz-work), never into the seed
# corpus; copy a small interesting one into fuzz/corpus/<target>/ by hand. A crash leaves
# crash-* in the current directory and fails the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

one() {
	local bin=$1 target=$2 secs=$3
	local work=${FUZZ_WORK:-$(dirname "$bin")/fuzz-work}/$target
	local log
	mkdir -p "$work"
	log=$(mktemp)
	set +e
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$bin" -max_total_time="$secs" \
		-print_final_stats=1 -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
		"$work" "$here/corpus/$target" >"$log" 2>&1
	local rc=$?
	set -e
	local execs cov
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
	printf '%-14s %4ss  %12s execs  %6s cov  %6s corpus  rc=%d\n' "$target" "$secs" "$execs" \
		"$cov" "$(find "$work" -type f | wc -l)" "$rc"
	if [ "$rc" -ne 0 ]; then
		tail -60 "$log" >&2
	fi
	rm -f "$log"
	return "$rc"
}

if [ "${1:-}" = "--one" ]; then
	one "$2" "$3" "$4"
	exit
fi

secs=${1:-60}
build=${2:-build-fuzz}
cd "$here/.."
CC=clang cmake -S . -B "$build" -DALIHDAYA_FUZZ=ON -DALIHDAYA_SANITIZE=ON -DALIHDAYA_WERROR=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
rc=0
for src in "$here"/fuzz_*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz_}
	one "$build/fuzz/fuzz_$t" "$t" "$secs" || rc=1
done
exit "$rc"
