#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-huntress.sh - the done-when check on a genuine Purview export
# (Huntress CTF 2023 "Rogue Inbox", $SHARED/corpus; never copied here):
# the report must name the compromised user, the attacker's inbox rules
# and what they do, when, and from which IP.
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
csv="${SHARED:-../shared}/corpus/huntress-ctf-2023-rogue-inbox/purview.csv"
if [ ! -f "$csv" ]; then
	echo "SKIP: ../shared/corpus not present; real-format corpus tests not run"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; fails=$((fails + 1)); }
check() { # description, command...
	d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}

"$M365IR" analyze "$csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "findings: exit 1 (got $rc)" [ $rc -eq 1 ]
# The user blocks: DebraB (the hiding rules) first, as the account hit
# first at equal rank, then AlexW (signed in from the rules' address).
users=$(grep '^[^ ].*@' "$tmp/out" | tr '\n' ' ')
check "compromised users: $users" [ "$users" = \
	"debrab@m365b132131.onmicrosoft.com alexw@m365b132131.onmicrosoft.com " ]
# 38 one-letter rules spell a flag in creation order: one finding, every
# letter (rule "3" moves to Inbox, not Conversation History, and must not
# drop out of the sequence), each behaviour counted.
check "names the attacker's inbox rules, the flag complete" \
	grep -q '^  HIGH  *inbox-rule-hide  38 inbox rules with one-character names were created in 16 minutes from 185.73.124.135 (names in creation order: "flag{24c4230fa7d50eef392b2c850f74b0f6}")' "$tmp/out"
check "counts each behaviour" \
	grep -q '): 37 move mail from "flag@ctf.com" to "Conversation History", 1 moves it to "Inbox"; all mark it read and stop other rules' "$tmp/out"
check "one finding for the burst, not one per behaviour" \
	grep -q '^2 users at risk: 2 findings (2 high)' "$tmp/out"
# AlexW signed in five times from the address the rules came from.
check "AlexW flagged for using the attacker's address" \
	grep -q '^  HIGH  *attacker-ip  *alexw@m365b132131.onmicrosoft.com used 185.73.124.135 (5 events from 2023-09-26T02:12:55Z), an address from which the attack on debrab@m365b132131.onmicrosoft.com was carried out (inbox-rule-hide at 2023-09-26T01:56:15Z)' "$tmp/out"
check "says what the rules do (mail from flag@ctf.com moved away)" \
	grep -q 'flag@ctf.com.*Conversation History' "$tmp/out"
check "says when (the first rule, 2023-09-26T01:56:15Z)" \
	grep -q '2023-09-26T01:56:15Z' "$tmp/out"
check "says from which IP" grep -q 'source IPs: 185.73.124.135' "$tmp/out"
check "a remediation command for DebraB" \
	grep -q '^  To fix: m365ir remediate debrab@m365b132131.onmicrosoft.com' "$tmp/out"
check "every record read" \
	grep -q ': csv, 219 records read: 0 failed' "$tmp/out"
check "complete run (no INCOMPLETE line)" sh -c "! grep -q '^INCOMPLETE' '$tmp/out'"

echo "$fails failed"
[ $fails -eq 0 ]
