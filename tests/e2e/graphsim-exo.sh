#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's Exchange admin REST endpoint (api-map.md §C) with plain curl:
# POST /adminapi/beta/{tenant}/InvokeCommand for Get-Mailbox, Set-Mailbox
# (forwarding cleared in /_sim/state), Get-InboxRule -IncludeHidden,
# Disable-InboxRule, Get/Add/Remove-MailboxPermission and
# Get/Remove-RecipientPermission, and the error shape of an unknown
# cmdlet, an unknown parameter and an unknown mailbox.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
app=22222222-3333-4444-8555-666666666666
secret='gs~MailSecret.abcdef0123456789ABCDEF'
other=11111111-2222-4333-8444-555555555555
other_secret='gs~TestSecret.0123456789abcdefABCDEF'
alex=alex.wilber@contoso.com
path=/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand

tmp=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
check() { # check DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: want '$2', got '$3'"; fi
}

"$GRAPHSIM" --tenant "$fixture" --port 0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q 'listening on' "$tmp/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "not ok - graphsim did not start"; \
		cat "$tmp/err"; exit 1; }
	sleep 0.1
done
base=$(sed -n 's/^graphsim: listening on \(http:[^ ]*\)$/\1/p' "$tmp/out")

token() { # token CLIENT SECRET
	curl -s "$base/contoso.com/oauth2/v2.0/token" \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=$1" \
		--data-urlencode "client_secret=$2" \
		--data-urlencode scope=https://outlook.office365.com/.default |
		jq -r .access_token
}
tok=$(token $app "$secret")
auth="Authorization: Bearer $tok"
# cmd CMDLET PARAMS-JSON [curl args]: body to $tmp/body, status out
cmd() {
	c=$1 p=$2
	shift 2
	curl -s -o "$tmp/body" -w '%{http_code}' -X POST "$@" \
		-H "$auth" -H 'Content-Type: application/json' \
		-d "{\"CmdletInput\":{\"CmdletName\":\"$c\",\"Parameters\":$p}}" \
		"$base$path"
}
state() { curl -s "$base/_sim/state" | jq -c "$1"; }

check "an Exchange token for Exchange.ManageAsApp" \
	'true' "$([ -n "$tok" ] && [ "$tok" != null ] && echo true)"

# Get-Mailbox
check "get-mailbox (lower case, as captured): 200" 200 \
	"$(cmd get-mailbox "{\"Identity\":\"$alex\"}")"
check "answer keys as captured" \
	'["@adminapi.warnings","@odata.context","adminapi.warnings@odata.type","value"]' \
	"$(jq -c keys "$tmp/body")"
check "@odata.context names the tenant and GenericHashTable" \
	'https://outlook.office.com/adminapi/beta/contoso.onmicrosoft.com/$metadata#Collection(Exchange.GenericHashTable)' \
	"$(jq -r '."@odata.context"' "$tmp/body")"
check "forwarding with its smtp: prefix" 'smtp:exfil@fabrikam.com true' \
	"$(jq -r '.value[0] | "\(.ForwardingSmtpAddress) \(.DeliverToMailboxAndForward)"' \
	"$tmp/body")"
check "typed annotations as captured" '#Guid #Collection(String)' \
	"$(jq -r '.value[0] | "\(."ExchangeGuid@odata.type") \(."AuditAdmin@odata.type")"' \
	"$tmp/body")"
check "no graphsim-only key leaks" false \
	"$(jq '.value[0] | has("inboxRules") or has("mailboxPermissions")' \
	"$tmp/body")"
check "Get-Mailbox with no Identity lists all" 2 \
	"$(cmd Get-Mailbox '{}' >/dev/null; jq '.value | length' "$tmp/body")"
check "unknown mailbox: 404" 404 \
	"$(cmd Get-Mailbox '{"Identity":"nobody@contoso.com"}')"
check "... ManagementObjectNotFoundException in all three places" \
	'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException true true' \
	"$(jq -r '.error | "\(.innererror.internalException.type) \(.details[0].message | split("|") | length == 3) \(.message | type == "string")"' \
	"$tmp/body")"
check "without a token: 401" 401 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$base$path")"
check "without Exchange.ManageAsApp: 403" 403 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST \
	-H "Authorization: Bearer $(token $other "$other_secret")" \
	-d '{"CmdletInput":{"CmdletName":"Get-Mailbox"}}' "$base$path")"
# TLS: a token is for one resource only (its "aud" claim).
aud() { # aud TOKEN: the token's aud claim
	p=$(printf '%s' "$1" | cut -d. -f2 | tr '_-' '/+')
	while [ $((${#p} % 4)) -ne 0 ]; do p="$p="; done
	printf '%s' "$p" | base64 -d | jq -r .aud
}
gtok=$(curl -s "$base/contoso.com/oauth2/v2.0/token" \
	-d grant_type=client_credentials -d client_id=$app \
	--data-urlencode "client_secret=$secret" \
	--data-urlencode scope=https://graph.microsoft.com/.default |
	jq -r .access_token)
check "the Exchange token's aud" https://outlook.office365.com "$(aud "$tok")"
check "the Graph token's aud" https://graph.microsoft.com "$(aud "$gtok")"
check "a Graph token on InvokeCommand: 401 invalid audience" \
	'401 InvalidAuthenticationToken' \
	"$(cmd Get-Mailbox '{}' -H "Authorization: Bearer $gtok") $(jq -r .error.code "$tmp/body")"
check "the Exchange token on a Graph route: 401" \
	'401 Access token validation failure. Invalid audience.' \
	"$(curl -s -o "$tmp/body" -w '%{http_code}' -H "$auth" \
	"$base/v1.0/users/$alex") $(jq -r .error.message "$tmp/body")"

# Set-Mailbox
check "Set-Mailbox clears forwarding, turns auditing on: 200" 200 \
	"$(cmd Set-Mailbox "{\"Identity\":\"$alex\",\"ForwardingSmtpAddress\":null,\"ForwardingAddress\":null,\"DeliverToMailboxAndForward\":false,\"AuditEnabled\":true,\"AuditLogAgeLimit\":\"180.00:00:00\",\"Confirm\":false}")"
check "Set-Mailbox answers an empty value" '[]' "$(jq -c .value "$tmp/body")"
check "the change is in /_sim/state" \
	'[null,null,false,true,"180.00:00:00"]' \
	"$(state '.mailboxes[0] | [.ForwardingSmtpAddress, .ForwardingAddress, .DeliverToMailboxAndForward, .AuditEnabled, .AuditLogAgeLimit]')"
check "the same Set-Mailbox again warns nothing changed" 1 \
	"$(cmd Set-Mailbox "{\"Identity\":\"$alex\",\"ForwardingSmtpAddress\":null}" \
	>/dev/null; jq '."@adminapi.warnings" | length' "$tmp/body")"
check "Set-Mailbox adds smtp: to a bare address" '"smtp:x@fabrikam.com"' \
	"$(cmd Set-Mailbox '{"Identity":"megan.bowen","ForwardingSmtpAddress":"x@fabrikam.com"}' \
	>/dev/null; state '.mailboxes[1].ForwardingSmtpAddress')"
check "a bad AuditLogAgeLimit: 400" 400 \
	"$(cmd Set-Mailbox "{\"Identity\":\"$alex\",\"AuditLogAgeLimit\":\"soon\"}")"
check "an unknown parameter: 400" 400 \
	"$(cmd Set-Mailbox "{\"Identity\":\"$alex\",\"Frobnicate\":true}")"
check "... ParameterBindingException" \
	System.Management.Automation.ParameterBindingException \
	"$(jq -r .error.innererror.internalException.type "$tmp/body")"

# Inbox rules
check "Get-InboxRule: 200" 200 "$(cmd Get-InboxRule "{\"Mailbox\":\"$alex\"}")"
check "without -IncludeHidden: the two visible rules" '["Remove spam",".."]' \
	"$(jq -c '[.value[].Name]' "$tmp/body")"
check "ForwardTo in Exchange's recipient form" \
	'["\"exfil\" [SMTP:exfil@fabrikam.com]"]' \
	"$(jq -c '.value[1].ForwardTo' "$tmp/body")"
# jq would round a UInt64 past 2^53, so read the raw text.
check "RuleIdentity is the Graph id read as a number" \
	'"RuleIdentity":72057596694849184' \
	"$(grep -o '"RuleIdentity":[0-9]*' "$tmp/body" | sed -n 2p)"
check "Identity is alias, backslash, RuleIdentity" \
	'alex.wilber 72057596694849184' \
	"$(jq -r '.value[1].Identity | sub("\\\\"; " ")' "$tmp/body")"
check "-IncludeHidden shows the hidden rule" '["Remove spam","..","x"]' \
	"$(cmd Get-InboxRule "{\"Mailbox\":\"$alex\",\"IncludeHidden\":true}" \
	>/dev/null; jq -c '[.value[].Name]' "$tmp/body")"
check "Disable-InboxRule the hidden one by name: 200" 200 \
	"$(cmd Disable-InboxRule "{\"Mailbox\":\"$alex\",\"Identity\":\"x\",\"Confirm\":false}")"
check "Disable-InboxRule by mailbox and RuleIdentity: 200" 200 \
	"$(cmd Disable-InboxRule '{"Identity":"alex.wilber\\72057596694849184","Confirm":false}')"
check "both disabled in /_sim/state" '[true,false,false]' \
	"$(state '[.mailboxes[0].inboxRules[].isEnabled]')"
check "Graph sees the rule Exchange disabled" false \
	"$(curl -s -H "Authorization: Bearer $(curl -s \
	"$base/contoso.com/oauth2/v2.0/token" -d grant_type=client_credentials \
	-d client_id=$app --data-urlencode "client_secret=$secret" \
	--data-urlencode scope=https://graph.microsoft.com/.default |
	jq -r .access_token)" \
	"$base/v1.0/users/$alex/mailFolders/inbox/messageRules/AQAAAJ5dZqA=" |
	jq .isEnabled)"
check "Disable-InboxRule of an unknown rule: 404" 404 \
	"$(cmd Disable-InboxRule "{\"Mailbox\":\"$alex\",\"Identity\":\"nope\"}")"

# Mailbox permissions
check "Get-MailboxPermission: 200" 200 \
	"$(cmd Get-MailboxPermission "{\"Identity\":\"$alex\"}")"
check "SELF and the delegate" '["NT AUTHORITY\\SELF","megan.bowen@contoso.com"]' \
	"$(jq -c '[.value[].User]' "$tmp/body")"
check "row fields" \
	'["AccessRights","AccessRights@odata.type","Deny","Identity","InheritanceType","IsInherited","User"]' \
	"$(jq -c '.value[1] | keys' "$tmp/body")"
check "Remove-MailboxPermission FullAccess: 200, no warning" '200 0' \
	"$(c=$(cmd Remove-MailboxPermission "{\"Identity\":\"$alex\",\"User\":\"megan.bowen@contoso.com\",\"AccessRights\":[\"FullAccess\"],\"InheritanceType\":\"All\",\"Confirm\":false}")
	echo "$c $(jq '."@adminapi.warnings" | length' "$tmp/body")")"
check "the delegate is gone from /_sim/state" '["NT AUTHORITY\\SELF"]' \
	"$(state '[.mailboxes[0].mailboxPermissions[].User]')"
check "removing it again warns that the ACE doesn't exist" 1 \
	"$(cmd Remove-MailboxPermission "{\"Identity\":\"$alex\",\"User\":\"megan.bowen@contoso.com\",\"AccessRights\":\"FullAccess\"}" \
	>/dev/null; jq '."@adminapi.warnings" | length' "$tmp/body")"

check "Add-MailboxPermission puts the delegate back: 200" 200 \
	"$(cmd Add-MailboxPermission "{\"Identity\":\"$alex\",\"User\":\"megan.bowen@contoso.com\",\"AccessRights\":[\"FullAccess\"],\"InheritanceType\":\"All\"}")"
cmd Add-MailboxPermission "{\"Identity\":\"$alex\",\"User\":\"megan.bowen@contoso.com\",\"AccessRights\":\"FullAccess\"}" >/dev/null
check "... once, however often it is added" '[["FullAccess"]]' \
	"$(state '[.mailboxes[0].mailboxPermissions[] | select(.User == "megan.bowen@contoso.com") | .AccessRights]')"

# Recipient permissions
check "Get-RecipientPermission -AccessRights SendAs: 200" 200 \
	"$(cmd Get-RecipientPermission "{\"Identity\":\"$alex\",\"AccessRights\":\"SendAs\"}")"
check "row fields (api-examples model, AccessRights@odata.type)" \
	'["AccessControlType","AccessRights","AccessRights@odata.type","Identity","InheritanceType","IsInherited","IsValid","Trustee","TrusteeSidString"]' \
	"$(jq -c '.value[1] | keys' "$tmp/body")"
check "Remove-RecipientPermission SendAs: 200" 200 \
	"$(cmd Remove-RecipientPermission "{\"Identity\":\"$alex\",\"Trustee\":\"megan.bowen@contoso.com\",\"AccessRights\":\"SendAs\",\"Confirm\":false}")"
check "the trustee is gone from /_sim/state" '["NT AUTHORITY\\SELF"]' \
	"$(state '[.mailboxes[0].recipientPermissions[].Trustee]')"
check "Add-RecipientPermission SendAs puts the trustee back: 200" 200 \
	"$(cmd Add-RecipientPermission "{\"Identity\":\"$alex\",\"Trustee\":\"megan.bowen@contoso.com\",\"AccessRights\":\"SendAs\",\"Confirm\":false}")"
check "... with SendAs, allowed" '["SendAs","Allow"]' \
	"$(state '[.mailboxes[0].recipientPermissions[] | select(.Trustee == "megan.bowen@contoso.com") | .AccessRights[0], .AccessControlType]')"

# Errors
check "an unknown cmdlet: 400" 400 "$(cmd Get-Frobnitz '{}')"
check "... CommandNotFoundException, with the X-ExceptionType header" \
	'System.Management.Automation.CommandNotFoundException' \
	"$(curl -s -D - -o /dev/null -X POST -H "$auth" \
	-d '{"CmdletInput":{"CmdletName":"Get-Frobnitz"}}' "$base$path" |
	tr -d '\r' | sed -n 's/^[Xx]-[Ee]xception[Tt]ype: //p')"
check "error body keys" '["code","details","innererror","message"]' \
	"$(cmd Get-Frobnitz '{}' >/dev/null; jq -c '.error | keys' "$tmp/body")"
check "details message is code|type|text" \
	"System.Management.Automation.CommandNotFoundException" \
	"$(jq -r '.error.details[0].message | split("|")[1]' "$tmp/body")"
check "a body without CmdletInput: 400" 400 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$auth" \
	-d '{"Cmdlet":"Get-Mailbox"}' "$base$path")"
check "an unknown tenant: 404" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$auth" \
	-d '{"CmdletInput":{"CmdletName":"Get-Mailbox"}}' \
	"$base/adminapi/beta/fabrikam.com/InvokeCommand")"
exit $fail
