#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make fuzz`: each libFuzzer target for FUZZ_SECONDS, corpus kept in build/fuzz/corpus.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
rc=0
for bin in build/fuzz/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] && [ -f "$bin" ] || continue
	case "$bin" in *.o | *.d) continue ;; esac
	name=$(basename "$bin")
	corpus=build/fuzz/corpus/$name
	mkdir -p "$corpus"
	[ -d "tests/fuzz/corpus/$name" ] && cp -rn "tests/fuzz/corpus/$name/." "$corpus/"
	echo "== $name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="build/fuzz/$name-" "$corpus" 2>&1 | tail -3; then
		rc=1
	fi
done
exit $rc
