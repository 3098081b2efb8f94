#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The test runner behind `make test`: every cmocka suite (plain and
# ASan+UBSan), the BPF program tests, a short run of every fuzz target and
# every namespace test script. Ends with one summary line,
# "total: N passed, N failed, N skipped", and exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."

LOGS=build/test-logs
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-10}
mkdir -p "$LOGS"
passed=0 failed=0 skipped=0
failures=()

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), ...".
count_cmocka() {
	local log=$1 rc=$2 name=$3 p f
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s),.*/\1/p' "$log" | tail -1)
	p=${p:-0} f=${f:-0}
	# A crash or sanitizer abort leaves no FAILED line: count it as one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)) failed=$((failed + f))
	printf '  %-34s %3d passed %3d failed\n' "$name" "$p" "$f"
	if [ "$f" -ne 0 ]; then failures+=("$name ($log)"); tail -n 30 "$log"; fi
}

run_suites() {
	local label=$1 dir=$2 bin name log rc
	[ -d "$dir" ] || return 0
	for bin in "$dir"/test_*; do
		[ -x "$bin" ] && [ -f "$bin" ] || continue
		case "$bin" in *.o | *.d) continue ;; esac
		name="$label/$(basename "$bin")"
		log="$LOGS/${name//\//_}.log"
		"$bin" >"$log" 2>&1
		rc=$?
		count_cmocka "$log" "$rc" "$name"
	done
}

run_fuzz_smoke() {
	local bin name log corpus
	for bin in build/fuzz/tests/fuzz/fuzz_*; do
		[ -x "$bin" ] && [ -f "$bin" ] || continue
		case "$bin" in *.o | *.d) continue ;; esac
		name=$(basename "$bin")
		log="$LOGS/fuzz_$name.log"
		corpus=$(mktemp -d)
		[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/"
		if "$bin" -max_total_time="$FUZZ_SMOKE_SECONDS" -timeout=10 -rss_limit_mb=2048 \
			"$corpus" >"$log" 2>&1; then
			passed=$((passed + 1))
			printf '  %-34s %s\n' "fuzz/$name" "ok ($(grep -c . "$log") log lines, ${FUZZ_SMOKE_SECONDS}s)"
		else
			failed=$((failed + 1)) failures+=("fuzz/$name ($log)")
			printf '  %-34s FAILED\n' "fuzz/$name"
			grep -A20 -E 'ERROR|==[0-9]+==' "$log" | head -40
		fi
		rm -rf "$corpus"
	done
}

# Shell tests: exit 0 passes, 77 skips (says why on its last line), anything else fails.
# $1 labels the run, $2 is the build whose wg-xdp and tools the scripts use.
run_scripts() {
	local label=$1 build=$2 t name log rc
	for t in tests/netns/*.sh; do
		[ -f "$t" ] || continue
		name=$label/$(basename "$t" .sh)
		log="$LOGS/${name//\//_}.log"
		BUILD=$build timeout --kill-after=10 "${SCRIPT_TIMEOUT:-600}" bash "$t" >"$log" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			passed=$((passed + 1)); printf '  %-34s ok\n' "$name"
		elif [ $rc -eq 77 ]; then
			skipped=$((skipped + 1)); printf '  %-34s skipped: %s\n' "$name" "$(tail -1 "$log")"
		else
			failed=$((failed + 1)) failures+=("$name ($log)")
			printf '  %-34s FAILED (exit %d)\n' "$name" "$rc"; tail -n 30 "$log"
		fi
	done
}

# VM tests: one result line per kernel and guest script (vmtest/run.sh).
run_vmtests() {
	local log="$LOGS/vmtest.log" line
	bash vmtest/run.sh >"$log" 2>&1
	while IFS= read -r line; do
		case "$line" in
		*" on "*": ok") passed=$((passed + 1)); printf '  %s\n' "$line" ;;
		*" on "*": skipped"* | "vmtest: skipped"*)
			skipped=$((skipped + 1)); printf '  %s\n' "$line" ;;
		*" on "*": FAILED")
			failed=$((failed + 1)) failures+=("vm: $line ($log)"); printf '  %s\n' "$line"
			tail -n 40 "$log" ;;
		esac
	done <"$log"
}

echo "== unit tests"
run_suites unit build/tests/unit
echo "== unit tests under ASan+UBSan"
run_suites asan build/asan/tests/unit
echo "== BPF program tests (BPF_PROG_TEST_RUN)"
run_suites bpf build/tests/bpf
echo "== fuzz smoke (${FUZZ_SMOKE_SECONDS}s each)"
run_fuzz_smoke
echo "== namespace integration tests"
run_scripts netns "$PWD/build"
echo "== namespace integration tests, wg-xdp built with ASan+UBSan"
run_scripts netns-asan "$PWD/build/asan"

echo "== VM tests: wg-xdp against the kernel's WireGuard module (qemu TCG)"
run_vmtests

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "total: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
