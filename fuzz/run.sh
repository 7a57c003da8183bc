#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh BUILD_DIR SECONDS: run every libFuzzer harness built in BUILD_DIR
# (make fuzz) for SECONDS each, starting from its seed corpus. New inputs
# go to a scratch copy so the committed corpus only grows on purpose; a
# crash leaves crash-* files in BUILD_DIR/fuzz-out/<target>/ to minimise
# and add to fuzz/corpus/<target>/ as a regression input.
set -u
build=$(cd "${1:?usage: fuzz/run.sh BUILD_DIR SECONDS}" && pwd)
secs=${2:-60}
src=$(cd "$(dirname "$0")" && pwd)
status=0
for bin in "$build"/fuzz/fuzz-*; do
	[ -x "$bin" ] || continue
	target=$(basename "$bin" | sed 's/^fuzz-//')
	out="$build/fuzz-out/$target"
	mkdir -p "$out/corpus"
	cp "$src/corpus/$target"/* "$out/corpus/" 2>/dev/null
	echo "fuzz: $target for ${secs}s"
	if ! (cd "$out" && "$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		corpus >"$out/log" 2>&1); then
		echo "fuzz: $target FAILED: see $out/log and $out/crash-*"
		status=1
	else
		grep -E '^stat::number_of_executed_units' "$out/log" || true
	fi
done
exit $status
