#!/usr/bin/env bash
# test.sh - installs what is needed, builds, and runs every test (unit and black-box).
# The suite runs under AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer on).
#   ALIHDAYA_SANITIZE=OFF to run a plain build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export ALIHDAYA_SANITIZE=${ALIHDAYA_SANITIZE:-ON}
export BUILD_DIR=${BUILD_DIR:-build-test}
bash scripts/install.sh
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$BUILD_DIR"
set +e
ctest --output-on-failure -j2 --timeout 600 2>&1 | tee ctest.log
rc=${PIPESTATUS[0]}
set -e
passed=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* +Passed' ctest.log || true)
failed=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*(\*\*\*|Failed|Timeout|Not Run)' ctest.log || true)
echo "$passed passed, $failed failed"
exit "$rc"
