#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-progress.sh - a large input on a terminal gets a progress line on
# stderr that is erased at the end; with stderr not a terminal there is
# none. The terminal is a pseudo-terminal from script(1).
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
command -v script >/dev/null 2>&1 || { echo "SKIP: script(1) not installed"; exit 77; }
fx="$SRCDIR/tests/fixtures/analyze"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; fails=$((fails + 1)); }

# Over the 50 MB threshold: the clean fixture 60,000 times (duplicates are
# removed by id, so the run stays quick and finds nothing).
awk -v f="$fx/clean.jsonl" 'BEGIN {
	while ((getline l < f) > 0) lines = lines l "\n"
	for (i = 0; i < 60000; i++) printf "%s", lines
}' >"$tmp/big.jsonl"
size=$(wc -c <"$tmp/big.jsonl")
[ "$size" -gt 52428800 ] || { nok "big input is only $size bytes"; exit 1; }

"$M365IR" analyze "$tmp/big.jsonl" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok "big clean input: exit 0" || nok "big clean input: exit $rc"
[ ! -s "$tmp/err" ] && ok "no progress when stderr is not a terminal" ||
	nok "stderr not a terminal, yet: $(head -c 200 "$tmp/err")"

script -qec "\"$M365IR\" analyze \"$tmp/big.jsonl\" >/dev/null" \
	"$tmp/typescript" </dev/null >/dev/null 2>&1
esc=$(printf '\033')
if grep -q "reading: [0-9]* / [0-9]* MB" "$tmp/typescript"; then
	ok "progress line drawn on a terminal"
	# The last thing written is the erase: CR, ESC [ K, and nothing after.
	last=$(tr '\r' '\n' <"$tmp/typescript" | grep -v '^Script ' |
		grep -v '^$' | tail -1)
	[ "$last" = "${esc}[K" ] && ok "progress line erased at the end" ||
		nok "progress line not erased: last output '$last'"
else
	nok "no progress line on a terminal: $(head -c 300 "$tmp/typescript")"
fi

echo "$fails failed"
[ $fails -eq 0 ]
