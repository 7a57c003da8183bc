#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-empty.sh - an export with no records (empty, blank, or a CSV
# header alone) is not evidence of a clean tenant: the run says
# INCOMPLETE, names the file and exits 3, and the coverage line calls the
# file empty instead of naming a format it never showed.
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
nok() { echo "not ok - $*"; fails=$((fails + 1)); }

: >"$tmp/empty.csv"
printf '\r\n  \n' >"$tmp/blank.json"
printf 'RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n' \
	>"$tmp/header-only.csv"
for f in empty.csv blank.json header-only.csv; do
	"$M365IR" analyze "$tmp/$f" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 3 ] || nok "$f: exit $rc, want 3"
	grep -q "^INCOMPLETE: $tmp/$f holds no records" "$tmp/out" ||
		nok "$f: no INCOMPLETE line naming the file"
	head -1 "$tmp/out" | grep -q '^INCOMPLETE' ||
		nok "$f: the first line does not say INCOMPLETE"
done
grep -q "^  $tmp/header-only.csv: csv, 0 records read" "$tmp/out" ||
	nok "header-only.csv is not reported as csv with 0 records"
"$M365IR" analyze "$tmp/empty.csv" >"$tmp/out" 2>&1
grep -q "^  $tmp/empty.csv: empty, 0 records read" "$tmp/out" ||
	nok "empty.csv is not called empty"
[ $fails -eq 0 ] && echo "ok - empty exports are incomplete, not clean"
exit $fails
