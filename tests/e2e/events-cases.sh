#!/bin/sh
# SPDX-License-Identifier: MIT
#
# events-cases.sh - `m365ir events` on the known-fault cases about framing
# and duplicates ($SHARED/cases, read at run time):
#   22: pages appended as several top-level arrays -> 2 records;
#   29: one pretty-printed object, time from CreationTime -> 1 event;
#   04: a Management API pull whose blobs redeliver one event -> 2 events,
#       1 duplicate, and the same file twice adds no event.
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
cases=${SHARED:-../shared}/cases
[ -d "$cases" ] || { echo "SKIP: ../shared/cases not present"; exit 77; }
fails=0

check() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1: got '$2', want '$3'"
		fails=$((fails + 1))
	fi
}

out=$("$M365IR" events "$cases"/22-concatenated-json-documents.input.json)
check "22: exit" $? 0
check "22: records" "$(printf '%s\n' "$out" | jq -r '"\(.record) \(.id) \(.operation)"' | tr '\n' ';')" \
	"1 a Update user;2 b Add member to role;"

out=$("$M365IR" events "$cases"/29-timestamp-key-and-framing.input.json)
check "29: exit" $? 0
check "29: one event" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1
check "29: fields" "$(printf '%s\n' "$out" | jq -c '[.time, .operation, .params]')" \
	'["2023-07-23T12:32:53Z","Add-MailboxPermission",{"AccessRights":"FullAccess"}]'

f=$cases/04-mgmt-api-redelivered-duplicates.input.json
out=$("$M365IR" events "$f" "$f")
check "04: exit" $? 0
check "04: events once each" "$(printf '%s\n' "$out" | jq -r '"\(.record) \(.user)"' | tr '\n' ';')" \
	"1 alice@contoso.com;3 bob@contoso.com;"
[ $fails -eq 0 ]
