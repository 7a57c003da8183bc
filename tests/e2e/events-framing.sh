#!/bin/sh
# SPDX-License-Identifier: MIT
#
# events-framing.sh - `m365ir events` on the framing fixtures of
# tests/fixtures/logs: every JSON framing, CSV, BOM, CRLF, a bad line in
# the middle of JSON Lines, stdin, and the exit codes and messages.
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
fx=$SRCDIR/tests/fixtures/logs
tmp=${TMPDIR:-/tmp}/events-framing.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

check() { # description, actual, expected
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1: got '$2', want '$3'"
		fails=$((fails + 1))
	fi
}

ids() { jq -r '.id' "$tmp/out" | tr '\n' ' '; }

# One array streamed element by element (with a trailing comma).
"$M365IR" events "$fx/array-pretty.json" >"$tmp/out" 2>"$tmp/err"
check "array: exit" $? 0
check "array: ids" "$(ids)" "a1 a2 a3 "
check "array: records" "$(jq -r '.record' "$tmp/out" | tr '\n' ' ')" "1 2 3 "
check "array: param kept" "$(jq -r '.params.Name' "$tmp/out" | head -1)" \
	'[x] {y} "z"'
check "array: quiet stderr" "$(cat "$tmp/err")" ""

# Documents back to back, a pretty object, a BOM, a Graph page.
"$M365IR" events "$fx/concatenated.json" "$fx/pretty-object.json" \
	"$fx/bom.jsonl" "$fx/graph-page.json" >"$tmp/out" 2>"$tmp/err"
check "mixed: exit" $? 0
check "mixed: ids" "$(ids)" "c1 c2 c3 p1 b1 b2 g1 g2 "
check "mixed: file of each" \
	"$(jq -r '.file | split("/") | last' "$tmp/out" | uniq | tr '\n' ' ')" \
	"concatenated.json pretty-object.json bom.jsonl graph-page.json "
check "mixed: pretty object time" \
	"$(jq -r 'select(.id == "p1") | .time' "$tmp/out")" \
	"2024-05-01T10:00:00Z"

# A bad line in the middle of JSON Lines: reported, the rest read, exit 3.
"$M365IR" events "$fx/jsonl-crlf-bad-line.jsonl" >"$tmp/out" 2>"$tmp/err"
check "bad line: exit" $? 3
check "bad line: ids" "$(ids)" "1 3 4 "
check "bad line: message" "$(head -1 "$tmp/err" | sed 's|.*/||')" \
	"jsonl-crlf-bad-line.jsonl: record 2 (line 3): invalid JSON: unexpected end of data at byte 38"
check "bad line: summary" "$(tail -1 "$tmp/err" | sed 's|.*/||')" \
	"jsonl-crlf-bad-line.jsonl: 4 records, 3 events, 1 failed, 0 duplicates"

# CSV with #TYPE, a short row and a multi-line cell.
"$M365IR" events "$fx/ps-export.csv" >"$tmp/out" 2>"$tmp/err"
check "csv: exit" $? 3
check "csv: ids" "$(ids)" "r1 r3 "
check "csv: records" "$(jq -r '.record' "$tmp/out" | tr '\n' ' ')" "1 3 "
check "csv: message" "$(head -1 "$tmp/err" | sed 's|.*/||')" \
	"ps-export.csv: record 2 (line 4): row has 4 fields, the header has 5"

# Standard input, and --format forcing JSON.
"$M365IR" events --format json - <"$fx/bom.jsonl" >"$tmp/out" 2>"$tmp/err"
check "stdin: exit" $? 0
check "stdin: file name" "$(jq -r '.file' "$tmp/out" | uniq)" "-"
check "stdin: ids" "$(ids)" "b1 b2 "

# Unreadable files: reported, the others still read, exit 3.
"$M365IR" events "$tmp/missing.json" "$fx/bom.jsonl" >"$tmp/out" 2>"$tmp/err"
check "missing: exit" $? 3
check "missing: message" "$(head -1 "$tmp/err")" \
	"m365ir: $tmp/missing.json: no such file"
check "missing: others read" "$(ids)" "b1 b2 "
printf 'PK\003\004rest' >"$tmp/a.json"
"$M365IR" events "$tmp/a.json" >"$tmp/out" 2>"$tmp/err"
check "zip: exit" $? 3
check "zip: message" "$(head -1 "$tmp/err")" \
	"m365ir: $tmp/a.json: looks like a zip archive; extract it and give the files in it"

# Every line is valid JSON with the contract's keys in order.
"$M365IR" events "$fx/graph-page.json" >"$tmp/out" 2>&1
check "keys in order" "$(head -1 "$tmp/out" | jq -c 'keys_unsorted')" \
	'["time","source","file","record","id","workload","record_type","operation","user","client_ip","client_port","result","params","object"]'

[ $fails -eq 0 ]
