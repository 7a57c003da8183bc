#!/bin/sh
# SPDX-License-Identifier: MIT
#
# events-summary.sh - `m365ir events` never leaves things out silently:
# copies of records already printed are counted per file on stderr (exit
# stays 0: nothing was lost), records without an id are never taken for
# copies, and a file of bad records gets its first 20 reasons and a count
# of the rest rather than one line per record.
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
fx="$SRCDIR/tests/fixtures/analyze"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
nok() { echo "not ok - $*"; fails=$((fails + 1)); }

"$M365IR" events "$fx/forward-rule.jsonl" "$fx/forward-rule.jsonl" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || nok "duplicates only: exit $rc, want 0"
n=$(wc -l <"$fx/forward-rule.jsonl")
[ "$(wc -l <"$tmp/out")" -eq "$n" ] || nok "the second copy was printed"
grep -q "forward-rule.jsonl: $n records, $n events, 0 failed, $n duplicates" \
	"$tmp/err" || nok "no duplicate count on stderr: $(cat "$tmp/err")"

# Records without an id are never duplicates: nothing says they are one.
printf '%s\n%s\n' \
	'{"CreationTime":"2024-05-06T08:00:00","Operation":"Set-Mailbox","UserId":"a@contoso.com"}' \
	'{"CreationTime":"2024-05-06T08:00:00","Operation":"Set-Mailbox","UserId":"a@contoso.com"}' \
	>"$tmp/noid.jsonl"
"$M365IR" events "$tmp/noid.jsonl" >"$tmp/out" 2>"$tmp/err"
[ "$(wc -l <"$tmp/out")" -eq 2 ] || nok "id-less records were merged"

i=0
while [ $i -lt 30 ]; do echo '{"not":"a record"}'; i=$((i + 1)); done >"$tmp/bad.jsonl"
"$M365IR" events "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || nok "bad records: exit $rc, want 3"
[ "$(grep -c 'bad.jsonl: record' "$tmp/err")" -eq 20 ] ||
	nok "not exactly 20 problem lines: $(grep -c 'bad.jsonl: record' "$tmp/err")"
grep -q '\.\.\. and 10 more unreadable records' "$tmp/err" ||
	nok "no count of the problems not shown"
[ $fails -eq 0 ] && echo "ok - events reports duplicates and caps problems"
exit $fails
