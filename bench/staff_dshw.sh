#!/bin/bash
# staff_dshw.sh - cross-checks the alihdaya Holt-Winters forecast against R's forecast::dshw.
#
# Both forecast the last week (336 half-hours) of the `taylor` series (12 weeks
# of half-hourly electricity demand, England and Wales, 2000) from the 11 weeks
# before it, and both errors are printed. Installs r-cran-forecast with apt-get
# when it is missing (needs root).
#
#   bench/staff_dshw.sh [BUILD_DIR]     (default build dir: build)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
h=336

if ! Rscript -e 'suppressMessages(library(forecast))' >/dev/null 2>&1; then
	echo "installing r-cran-forecast ..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends r-cran-forecast >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

driver=$build/forecast_csv
if [ ! -x "$driver" ]; then
	# The CMake target links all of `ahd`; the driver only needs the pure forecast.
	driver=$tmp/forecast_csv
	cc -std=c17 -O2 -D_GNU_SOURCE -I"$root/src" "$root/bench/forecast_csv.c" \
		"$root/src/core/forecast.c" "$root/src/util/err.c" -lm -o "$driver"
fi

r_line=$(Rscript "$here/staff_dshw.R" "$tmp" "$h")
c_line=$("$driver" "$tmp/taylor.csv" 48 336 "$h")

echo "taylor: last $h half-hours forecast from the $(( $(grep -c . "$tmp/taylor.csv") - 1 - h )) before"
echo "R   $r_line"
echo "C   $c_line"
awk -v r="$r_line" -v c="$c_line" 'BEGIN {
	split(r, a, " "); split(c, b, " ");
	for (i = 1; i < length(a); i++) ra[a[i]] = a[i + 1];
	for (i = 1; i < length(b); i++) cb[b[i]] = b[i + 1];
	printf "WAPE  dshw %.4f  alihdaya %.4f  ratio %.3f\n", ra["wape"], cb["wape"], cb["wape"] / ra["wape"];
	printf "MAPE  dshw %.4f  alihdaya %.4f  ratio %.3f\n", ra["mape"], cb["mape"], cb["mape"] / ra["mape"];
	printf "time  dshw %.3f s  alihdaya %.3f s\n", ra["seconds"], cb["seconds"];
}'
