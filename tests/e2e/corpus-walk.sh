#!/bin/sh
# SPDX-License-Identifier: MIT
#
# corpus-walk.sh - run `m365ir events` over every data file of the
# real-format corpus ($SHARED/corpus) and require that every record of
# every file is read, except the files listed below, each with the reason
# it cannot be read. A listed file that starts reading cleanly fails the
# test too, so the list cannot go stale. A framing error (invalid JSON, a
# CSV row of the wrong width, a value cut off) is never expected anywhere:
# the corpus is well-formed, so such an error is a bug in m365ir.
#
# Not walked: documentation and rule files (*.md, *.yml, *.yaml, LICENSE*,
# README*), the original archives (*.zip; their contents are walked), the
# lookup tables of microsoft-analyzer-suite-config/ (id -> name tables,
# not logs) and sigmahq-sigma/ (detection rules).
set -u

if [ -z "${SHARED:-}" ] || [ ! -d "$SHARED/corpus" ]; then
	echo "SKIP: ../shared/corpus not present; real-format corpus tests not run"
	exit 77
fi
if [ -z "${M365IR:-}" ] || [ ! -x "$M365IR" ]; then
	echo "SKIP: M365IR not set to the m365ir binary"
	exit 77
fi
corpus=$SHARED/corpus

# Files whose records m365ir reports as unreadable, and why.
expected_reason() {
	case $1 in
	sekoia-intake-formats/*/tests/*.json)
		# Parser test pairs {"input":{"message":<raw>},"expected":{...}}:
		# the file is a test of someone's parser, not a log. The raw
		# records are in _extracted/*.jsonl, which must read cleanly.
		echo "parser-test wrapper, raw record in _extracted/" ;;
	panther-analysis/extracted_test_events.jsonl)
		# Each line wraps one rule test: {rule_file, rule_id, ...,
		# log:<event>}; the event is a member, not the line.
		echo "rule-test wrapper lines, event under .log" ;;
	sekoia-intake-formats/_extracted/o365_message_trace_records.jsonl)
		# Exchange message trace (Get-MessageTrace), not the audit log
		# or a sign-in log: m365ir does not read it.
		echo "message trace, not an audit or sign-in log" ;;
	splunk-attack-data/copilot_prompt_logs.csv)
		# A Purview eDiscovery export of Copilot prompts (README: kept
		# as a BOM / 166-column / multi-line-cell stress file). Every
		# row must still be framed; none is an audit record.
		echo "eDiscovery export, not an audit log" ;;
	elastic-integrations/azure-signinlogs-test-time-formats-corner-cases.log)
		# Ingest-pipeline stubs {"time":..., "category":"SignInLogs"}
		# that test time spellings (util/time covers those); with no
		# operation, user or id they are not records.
		echo "time-spelling stubs with no operation" ;;
	*)
		return 1 ;;
	esac
}

framing_error='invalid JSON|fields, the header has|ends inside this value|longer than|unterminated'
tmp=${TMPDIR:-/tmp}/corpus-walk.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
bad=0
files=0

printf '%-72s %6s %6s %s\n' FILE EVENTS FAILED VERDICT
(cd "$corpus" && find . -type f \
	! -name '*.md' ! -name '*.yml' ! -name '*.yaml' ! -name 'LICENSE*' \
	! -name 'README*' ! -iname '*.zip' \
	! -path './microsoft-analyzer-suite-config/*' \
	! -path './sigmahq-sigma/*' | sed 's|^\./||' | LC_ALL=C sort) \
	>"$tmp/files"

while IFS= read -r f; do
	files=$((files + 1))
	"$M365IR" events "$corpus/$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	events=$(wc -l <"$tmp/out" | tr -d ' ')
	failed=$(grep -c ': record [0-9]*' "$tmp/err")
	reason=$(expected_reason "$f")
	expected=$?
	if grep -Eq "$framing_error" "$tmp/err"; then
		verdict="FAIL framing error: $(grep -E "$framing_error" \
			"$tmp/err" | head -1)"
	elif [ $expected -eq 0 ] && [ $rc -eq 3 ] && [ "$failed" -gt 0 ]; then
		verdict="expected: $reason"
	elif [ $expected -eq 0 ]; then
		verdict="FAIL listed as unreadable ($reason) but exit $rc"
	elif [ $rc -eq 0 ] && [ "$failed" -eq 0 ]; then
		verdict=ok
	else
		verdict="FAIL exit $rc: $(head -1 "$tmp/err")"
	fi
	case $verdict in FAIL*) bad=$((bad + 1)) ;; esac
	printf '%-72s %6s %6s %s\n' "$f" "$events" "$failed" "$verdict"
done <"$tmp/files"

echo "$files files walked, $bad unexplained"
[ "$files" -gt 0 ] && [ $bad -eq 0 ]
