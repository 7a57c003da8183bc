#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's second set of InvokeCommand cmdlets (api-map.md §B.2, §B.7,
# §B.8, §B.T2-T4, §C.4, §C.6): Get/Remove-MailboxFolderPermission,
# Get-TransportRule, Get/Set-AdminAuditLogConfig, Get/Set-
# OrganizationConfig, Get/Set-MailboxAuditBypassAssociation, Set-Mailbox
# audit sets, Search-UnifiedAuditLog with its ResultSize and ReturnLargeSet
# caps, and @odata.nextLink paging with a re-POST. A second server runs a
# copy of the fixture whose "simulator" object lowers the page size and
# the caps, so ten records reach them.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
app=22222222-3333-4444-8555-666666666666
secret='gs~MailSecret.abcdef0123456789ABCDEF'
alex=alex.wilber@contoso.com
path=/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand

tmp=$(mktemp -d) || exit 1
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
check() { # check DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: want '$2', got '$3'"; fi
}

start() { # start FIXTURE NAME: prints the base URL
	"$GRAPHSIM" --tenant "$1" --port 0 >"$tmp/$2.out" 2>"$tmp/$2.err" &
	pids="$pids $!"
	i=0
	while ! grep -q 'listening on' "$tmp/$2.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "not ok - graphsim did not start" >&2
			cat "$tmp/$2.err" >&2; return 1; }
		sleep 0.1
	done
	sed -n 's/^graphsim: listening on \(http:[^ ]*\)$/\1/p' "$tmp/$2.out"
}
jq '. + {simulator: ((.simulator // {}) + {exoPageSize: 2,
	exoSearchMaxResultSize: 4, exoSearchSessionMax: 7})}' "$fixture" \
	>"$tmp/small.json" || exit 1
base=$(start "$fixture" plain) || exit 1
small=$(start "$tmp/small.json" small) || exit 1

token() { # token BASE
	curl -s "$1/contoso.com/oauth2/v2.0/token" \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=$app" \
		--data-urlencode "client_secret=$secret" \
		--data-urlencode scope=https://outlook.office365.com/.default |
		jq -r .access_token
}
tok=$(token "$base")
stok=$(token "$small")
# cmd CMDLET PARAMS-JSON [URL [TOKEN]]: body to $tmp/body, status out
cmd() {
	curl -s -o "$tmp/body" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer ${4:-$tok}" \
		-H 'Content-Type: application/json' \
		-d "{\"CmdletInput\":{\"CmdletName\":\"$1\",\"Parameters\":$2}}" \
		"${3:-$base$path}"
}
scmd() { cmd "$1" "$2" "${3:-$small$path}" "$stok"; }
state() { curl -s "$base/_sim/state" | jq -c "$1"; }
sstate() { curl -s "$small/_sim/state" | jq -c "$1"; }
errtype() { jq -r .error.innererror.internalException.type "$tmp/body"; }

# Folder permissions
check "Get-MailboxFolderPermission user:\\Inbox: 200" 200 \
	"$(cmd Get-MailboxFolderPermission "{\"Identity\":\"$alex:\\\\Inbox\"}")"
check "the Inbox ACL, not the Calendar's" \
	'["Default","Anonymous","Megan Bowen"]' "$(jq -c '[.value[].User]' "$tmp/body")"
check "row shape" \
	'alex.wilber:\Inbox|Inbox|Reviewer|#Collection(String)|true' \
	"$(jq -r '.value[2] | "\(.Identity)|\(.FolderName)|\(.AccessRights[0])|\(."AccessRights@odata.type")|\(.IsValid)"' "$tmp/body")"
check "-User narrows to one entry" 1 \
	"$(cmd Get-MailboxFolderPermission "{\"Identity\":\"alex.wilber:\\\\Calendar\",\"User\":\"default\"}" \
	>/dev/null; jq '.value | length' "$tmp/body")"
check "a well-known folder with no ACL: 200, empty" '200 0' \
	"$(c=$(cmd Get-MailboxFolderPermission '{"Identity":"megan.bowen:\\Inbox"}')
	echo "$c $(jq '.value | length' "$tmp/body")")"
check "an unknown folder: 404" 404 \
	"$(cmd Get-MailboxFolderPermission "{\"Identity\":\"$alex:\\\\Nope\"}")"
check "an unknown mailbox: 404 ManagementObjectNotFoundException" \
	'404 Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException' \
	"$(c=$(cmd Get-MailboxFolderPermission '{"Identity":"nobody:\\Inbox"}')
	echo "$c $(errtype)")"
check "Remove-MailboxFolderPermission: 200" 200 \
	"$(cmd Remove-MailboxFolderPermission "{\"Identity\":\"$alex:\\\\Inbox\",\"User\":\"Megan Bowen\",\"Confirm\":false}")"
check "the entry is gone from /_sim/state" '["Default","Anonymous","Default"]' \
	"$(state '[.mailboxes[0].folderPermissions[].User]')"
check "removing it again: 400 UserNotFoundInPermissionEntryException" \
	'400 Microsoft.Exchange.Management.StoreTasks.UserNotFoundInPermissionEntryException' \
	"$(c=$(cmd Remove-MailboxFolderPermission "{\"Identity\":\"$alex:\\\\Inbox\",\"User\":\"Megan Bowen\"}")
	echo "$c $(errtype)")"
check "without -User: 400" 400 \
	"$(cmd Remove-MailboxFolderPermission "{\"Identity\":\"$alex:\\\\Inbox\"}")"
check "Get-Mailbox does not show folderPermissions" false \
	"$(cmd Get-Mailbox "{\"Identity\":\"$alex\"}" >/dev/null
	jq '.value[0] | has("folderPermissions")' "$tmp/body")"

# Transport rules
check "Get-TransportRule: both rules" '["Forward finance mail","Disclaimer"]' \
	"$(cmd Get-TransportRule '{}' >/dev/null; jq -c '[.value[].Name]' "$tmp/body")"
check "collections annotated" '#Collection(String) ["exfil@fabrikam.com"]' \
	"$(jq -c -r '.value[0] | "\(."BlindCopyTo@odata.type") \(.BlindCopyTo | tojson)"' "$tmp/body")"
check "-State Disabled" '["Disclaimer"]' \
	"$(cmd Get-TransportRule '{"State":"Disabled"}' >/dev/null
	jq -c '[.value[].Name]' "$tmp/body")"
check "-Identity by Guid" '["Forward finance mail"]' \
	"$(cmd Get-TransportRule '{"Identity":"5b1f7c3e-2a4d-4e8f-9b6a-0c1d2e3f4a5b"}' \
	>/dev/null; jq -c '[.value[].Name]' "$tmp/body")"
check "an unknown rule: 404" 404 "$(cmd Get-TransportRule '{"Identity":"nope"}')"

# Admin audit log and organization configuration (absent: the defaults)
check "Get-AdminAuditLogConfig: the documented default" 'true true' \
	"$(cmd Get-AdminAuditLogConfig '{}' >/dev/null
	jq -r '.value[0] | "\(.UnifiedAuditLogIngestionEnabled) \(.AdminAuditLogEnabled)"' "$tmp/body")"
check "Get-AdminAuditLogConfig takes no -Identity: 400" 400 \
	"$(cmd Get-AdminAuditLogConfig '{"Identity":"x"}')"
check "Set-AdminAuditLogConfig ingestion off: 200" 200 \
	"$(cmd Set-AdminAuditLogConfig '{"UnifiedAuditLogIngestionEnabled":false}')"
check "... in /_sim/state" false \
	"$(state .adminAuditLogConfig.UnifiedAuditLogIngestionEnabled)"
check "... and in Get-AdminAuditLogConfig" false \
	"$(cmd Get-AdminAuditLogConfig '{}' >/dev/null
	jq '.value[0].UnifiedAuditLogIngestionEnabled' "$tmp/body")"
check "a string where a bool goes: 400" 400 \
	"$(cmd Set-AdminAuditLogConfig '{"UnifiedAuditLogIngestionEnabled":"yes"}')"
check "Get-OrganizationConfig: AuditDisabled false" false \
	"$(cmd Get-OrganizationConfig '{}' >/dev/null; jq '.value[0].AuditDisabled' "$tmp/body")"
check "Set-OrganizationConfig -AuditDisabled: 200" 200 \
	"$(cmd Set-OrganizationConfig '{"AuditDisabled":true}')"
check "... in /_sim/state" true "$(state .organizationConfig.AuditDisabled)"

# Audit bypass
check "Get-MailboxAuditBypassAssociation of a mailbox: off" 'alex.wilber false' \
	"$(cmd Get-MailboxAuditBypassAssociation "{\"Identity\":\"$alex\"}" >/dev/null
	jq -r '.value[0] | "\(.Identity) \(.AuditBypassEnabled)"' "$tmp/body")"
check "Set-MailboxAuditBypassAssociation on: 200" 200 \
	"$(cmd Set-MailboxAuditBypassAssociation "{\"Identity\":\"$alex\",\"AuditBypassEnabled\":true}")"
check "... in /_sim/state" '[{"AuditBypassEnabled":true,"Identity":"alex.wilber","Name":"alex.wilber"}]' \
	"$(state .mailboxAuditBypassAssociations)"
check "... listed" '["alex.wilber"]' \
	"$(cmd Get-MailboxAuditBypassAssociation '{}' >/dev/null
	jq -c '[.value[] | select(.AuditBypassEnabled) | .Identity]' "$tmp/body")"
check "without -AuditBypassEnabled: 400" 400 \
	"$(cmd Set-MailboxAuditBypassAssociation "{\"Identity\":\"$alex\"}")"
check "an unknown account: 404" 404 \
	"$(cmd Set-MailboxAuditBypassAssociation '{"Identity":"nobody","AuditBypassEnabled":false}')"

# Set-Mailbox audit sets
check "Set-Mailbox -AuditOwner/-AuditDelegate/-AuditAdmin: 200" 200 \
	"$(cmd Set-Mailbox "{\"Identity\":\"$alex\",\"AuditOwner\":[\"MailboxLogin\",\"UpdateInboxRules\"],\"AuditDelegate\":\"SendAs\",\"AuditAdmin\":[],\"AuditEnabled\":true}")"
check "... in /_sim/state (one action: a one-element set)" \
	'[["MailboxLogin","UpdateInboxRules"],["SendAs"],[],true]' \
	"$(state '.mailboxes[0] | [.AuditOwner, .AuditDelegate, .AuditAdmin, .AuditEnabled]')"
check "a number in an audit set: 400" 400 \
	"$(cmd Set-Mailbox "{\"Identity\":\"$alex\",\"AuditOwner\":[1]}")"

# Search-UnifiedAuditLog (minimal.json has ten records, 2024-06-10/11)
range='"StartDate":"2024-06-01T00:00:00Z","EndDate":"2024-07-01T00:00:00Z"'
check "Search-UnifiedAuditLog: 200, all ten, newest first" '200 10 2024-06-11T12:00:00Z' \
	"$(c=$(cmd Search-UnifiedAuditLog "{$range}")
	echo "$c $(jq -r '"\(.value | length) \(.value[0].CreationDate)"' "$tmp/body")")"
check "ResultIndex 1..10, ResultCount 10" '[1,2,3,4,5,6,7,8,9,10] [10]' \
	"$(jq -c '[.value[].ResultIndex]' "$tmp/body") $(jq -c '[.value[].ResultCount] | unique' "$tmp/body")"
check "AuditData is the record as a JSON string" true \
	"$(jq '.value[0] | (.AuditData | fromjson | .Id) == .Identity' "$tmp/body")"
check "EndDate is exclusive, StartDate inclusive" 1 \
	"$(cmd Search-UnifiedAuditLog '{"StartDate":"2024-06-10T22:40:05Z","EndDate":"2024-06-10T22:43:30Z"}' \
	>/dev/null; jq '.value | length' "$tmp/body")"
uid=$(jq -r '.unifiedAuditLog[0].UserId' "$fixture")
op=$(jq -r '.unifiedAuditLog[0].Operation' "$fixture")
check "-UserIds and -Operations narrow" \
	"$(jq --arg u "$uid" --arg o "$op" '[.unifiedAuditLog[] | select((.UserId | ascii_downcase) == ($u | ascii_downcase) and .Operation == $o)] | length' "$fixture")" \
	"$(cmd Search-UnifiedAuditLog "{$range,\"UserIds\":[\"$uid\"],\"Operations\":\"$op\"}" \
	>/dev/null; jq '.value | length' "$tmp/body")"
check "-RecordType by name" \
	"$(jq '[.unifiedAuditLog[] | select(.RecordType == 1)] | length' "$fixture")" \
	"$(cmd Search-UnifiedAuditLog "{$range,\"RecordType\":\"ExchangeAdmin\"}" \
	>/dev/null; jq '[.value[] | select(.RecordType == "ExchangeAdmin")] | length' "$tmp/body")"
check "-ResultSize 3: three, ResultCount still 10 (truncation shows)" '3 10' \
	"$(cmd Search-UnifiedAuditLog "{$range,\"ResultSize\":3}" >/dev/null
	jq -r '"\(.value | length) \(.value[-1].ResultCount)"' "$tmp/body")"
check "-ResultSize 5000 is allowed" 200 \
	"$(cmd Search-UnifiedAuditLog "{$range,\"ResultSize\":5000}")"
check "-ResultSize 5001: 400 ParameterBindingException" \
	'400 System.Management.Automation.ParameterBindingException' \
	"$(c=$(cmd Search-UnifiedAuditLog "{$range,\"ResultSize\":5001}"); echo "$c $(errtype)")"
check "without -EndDate: 400" 400 \
	"$(cmd Search-UnifiedAuditLog '{"StartDate":"2024-06-01T00:00:00Z"}')"
check "a bad SessionCommand: 400" 400 \
	"$(cmd Search-UnifiedAuditLog "{$range,\"SessionId\":\"s\",\"SessionCommand\":\"Nope\"}")"
check "ReturnLargeSet with no SessionId: 400" 400 \
	"$(cmd Search-UnifiedAuditLog "{$range,\"SessionCommand\":\"ReturnLargeSet\"}")"

# The caps, lowered: ResultSize at most 4, a session at most 7 results
check "lowered cap: -ResultSize 5 refused" 400 \
	"$(scmd Search-UnifiedAuditLog "{$range,\"ResultSize\":5}")"
large="$range,\"ResultSize\":4,\"SessionId\":\"s1\",\"SessionCommand\":\"ReturnLargeSet\""
s1= s2= s3=
scmd Search-UnifiedAuditLog "{$large}" >/dev/null
s1=$(jq -c '[.value[].ResultIndex]' "$tmp/body")
# the page size is 2: follow nextLink, re-POSTing the same body
next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
scmd Search-UnifiedAuditLog "{$large}" "$next" >/dev/null
s1="$s1$(jq -c '[.value[].ResultIndex]' "$tmp/body")"
check "session call 1 pages as 2 + 2" '[1,2][3,4]' "$s1"
check "the last page has no nextLink" null \
	"$(jq '."@odata.nextLink"' "$tmp/body")"
check "the session remembers what it gave" 4 \
	"$(sstate '.unifiedAuditLogSessions.s1.next')"
scmd Search-UnifiedAuditLog "{$large}" >/dev/null
next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
s2=$(jq -c '[.value[].ResultIndex]' "$tmp/body")
scmd Search-UnifiedAuditLog "{$large}" "$next" >/dev/null
s2="$s2$(jq -c '[.value[].ResultIndex]' "$tmp/body")"
check "session call 2 stops at the session cap (7)" '[5,6][7]' "$s2"
check "... while ResultCount says 10 matched" 10 \
	"$(jq '.value[-1].ResultCount' "$tmp/body")"
check "session call 3: nothing more" '[]' \
	"$(scmd Search-UnifiedAuditLog "{$large}" >/dev/null; jq -c .value "$tmp/body")"
check "another SessionId starts over" 1 \
	"$(scmd Search-UnifiedAuditLog "{$range,\"ResultSize\":4,\"SessionId\":\"s2\",\"SessionCommand\":\"ReturnLargeSet\"}" \
	>/dev/null; jq '.value[0].ResultIndex' "$tmp/body")"
check "/_sim/reset forgets sessions" null \
	"$(curl -s -X POST "$small/_sim/reset" >/dev/null; sstate '.unifiedAuditLogSessions')"

# InvokeCommand paging for any cmdlet
check "three folder ACEs with page size 2: a nextLink" \
	"$small$path?\$skiptoken=2" \
	"$(stok=$(token "$small")
	scmd Get-MailboxFolderPermission "{\"Identity\":\"$alex:\\\\Inbox\"}" >/dev/null
	jq -r '."@odata.nextLink"' "$tmp/body")"
check "Prefer odata.maxpagesize=1 lowers it" '1 true' \
	"$(curl -s -X POST -H "Authorization: Bearer $tok" -H 'Prefer: odata.maxpagesize=1' \
	-d '{"CmdletInput":{"CmdletName":"Get-Mailbox","Parameters":{}}}' "$base$path" |
	jq -r '"\(.value | length) \(."@odata.nextLink" | endswith("skiptoken=1"))"')"
check "following it gives the rest" '["megan.bowen"]' \
	"$(curl -s -X POST -H "Authorization: Bearer $tok" -H 'Prefer: odata.maxpagesize=1' \
	-d '{"CmdletInput":{"CmdletName":"Get-Mailbox","Parameters":{}}}' \
	"$base$path?\$skiptoken=1" | jq -c '[.value[].Alias]')"
check "a bad skiptoken: 400" 400 \
	"$(cmd Get-Mailbox '{}' "$base$path?\$skiptoken=x")"
check "one page: no nextLink" null \
	"$(cmd Get-TransportRule '{}' >/dev/null; jq '."@odata.nextLink"' "$tmp/body")"

# contoso-breach.json's configuration keys
breach=$(start "$SRCDIR/sim/tenants/contoso-breach.json" breach) || exit 1
btok=$(curl -s "$breach/contoso.com/oauth2/v2.0/token" \
	--data-urlencode grant_type=client_credentials \
	--data-urlencode client_id=5e0c9a3b-7d21-4f6e-9b8a-3c4d5e6f7a80 \
	--data-urlencode 'client_secret=gs~DemoSecret.contoso-breach.0123456789' \
	--data-urlencode scope=https://outlook.office365.com/.default |
	jq -r .access_token)
bcmd() { cmd "$1" "$2" "$breach$path" "$btok"; }
check "contoso-breach: Lynne's audit bypass" '["lynne.robbins"]' \
	"$(bcmd Get-MailboxAuditBypassAssociation '{}' >/dev/null
	jq -c '[.value[] | select(.AuditBypassEnabled) | .Identity]' "$tmp/body")"
check "contoso-breach: organizationConfig served" false \
	"$(bcmd Get-OrganizationConfig '{}' >/dev/null; jq '.value[0].AuditDisabled' "$tmp/body")"
check "contoso-breach: adminAuditLogConfig served" true \
	"$(bcmd Get-AdminAuditLogConfig '{}' >/dev/null
	jq '.value[0].UnifiedAuditLogIngestionEnabled' "$tmp/body")"
check "contoso-breach: switching Lynne's bypass off" false \
	"$(bcmd Set-MailboxAuditBypassAssociation '{"Identity":"lynne.robbins@contoso.com","AuditBypassEnabled":false}' >/dev/null
	curl -s "$breach/_sim/state" | jq '.mailboxAuditBypassAssociations[0].AuditBypassEnabled')"

[ $fail = 0 ] && echo "all $n passed"
exit $fail
