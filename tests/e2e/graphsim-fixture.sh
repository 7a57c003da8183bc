#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The contoso-breach fixture and the gen-tenant generator
# (docs/graphsim.md, "Fixtures"). Through graphsim's routes: the demo
# application signs in with its documented secret, and every artifact of
# the compromised user (Lynne Robbins) is there, from Graph and from
# Exchange (Get-InboxRule -IncludeHidden, Get-Mailbox,
# Get-MailboxPermission, Get-RecipientPermission, authentication
# methods), next to the benign look-alikes. Through /_sim/state: the
# audit records (sign-ins, directory audits, unified audit log) tell the
# same story as the state, with the same times, addresses and ids. Then
# gen-tenant: two runs give the same bytes, and graphsim loads the output
# and pages through every user.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq cmp; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/contoso-breach.json
gen=${GEN_TENANT:-$(dirname "$GRAPHSIM")/gen-tenant}
# graphsim checks fixture ids pairwise at start-up (cubic in the number
# of users for now), so the default stays small; see docs/graphsim.md.
gen_users=${GEN_TENANT_USERS:-500}
app=5e0c9a3b-7d21-4f6e-9b8a-3c4d5e6f7a80
secret='gs~DemoSecret.contoso-breach.0123456789'
lynne=lynne.robbins@contoso.com
megan=megan.bowen@contoso.com
grady=grady.archie@contoso.com
exfil=archive-2291@fabrikam.com
attack_ip=203.0.113.45
imap_ip=203.0.113.46
office_ip=192.0.2.10
exo=/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand

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

start() { # start FIXTURE: sets pid and base
	: >"$tmp/out"
	"$GRAPHSIM" --tenant "$1" --port 0 >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	i=0
	while ! grep -q 'listening on' "$tmp/out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "not ok - graphsim did not start"; \
			cat "$tmp/err"; exit 1; }
		sleep 0.1
	done
	base=$(sed -n 's/^graphsim: listening on \(http:[^ ]*\)$/\1/p' \
		"$tmp/out")
}
stop() { kill "$pid"; wait "$pid"; pid=; }
token() { # token SCOPE: the demo app's token on stdout
	curl -s -o "$tmp/tok" -w '%{http_code}' \
		"$base/contoso.onmicrosoft.com/oauth2/v2.0/token" \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=$app" \
		--data-urlencode "client_secret=$secret" \
		--data-urlencode "scope=$1"
}
get() { # get PATH: body to $tmp/body, status out
	curl -sg -o "$tmp/body" -w '%{http_code}' -H "$auth" "$base$1"
}
cmd() { # cmd CMDLET PARAMS-JSON: body to $tmp/body, status out
	curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H "$exo_auth" \
		-H 'Content-Type: application/json' \
		-d "{\"CmdletInput\":{\"CmdletName\":\"$1\",\"Parameters\":$2}}" \
		"$base$exo"
}
st() { jq -r "$1" "$tmp/state"; } # a jq query on the loaded state

start "$fixture"
ok "graphsim loads contoso-breach.json ($base)"
curl -s "$base/_sim/state" >"$tmp/state"
check "the state is the fixture" true \
	"$(jq --slurpfile f "$fixture" '. == $f[0]' "$tmp/state")"
check "about 50 users" 49 "$(st '.users|length')"

# The demo application signs in as a real app would
check "demo app, client secret, Graph scope: 200" 200 \
	"$(token https://graph.microsoft.com/.default)"
auth="Authorization: Bearer $(jq -r .access_token "$tmp/tok")"
check "demo app, Exchange scope: 200" 200 \
	"$(token https://outlook.office365.com/.default)"
exo_auth="Authorization: Bearer $(jq -r .access_token "$tmp/tok")"
check "a wrong secret for the demo app: 401" 401 "$(curl -s -o /dev/null \
	-w '%{http_code}' "$base/contoso.com/oauth2/v2.0/token" \
	-d grant_type=client_credentials -d client_id=$app \
	-d client_secret=nope --data-urlencode \
	scope=https://graph.microsoft.com/.default)"
if command -v openssl >/dev/null; then
	st '.applications[0].keyCredentials[0].key' >"$tmp/demo.pem"
	check "the demo certificate's SHA-1 is its customKeyIdentifier" \
		"$(st '.applications[0].keyCredentials[0].customKeyIdentifier')" \
		"$(openssl x509 -in "$tmp/demo.pem" -outform der |
		openssl dgst -sha1 -binary | base64)"
	check "the demo certificate holds no private key" 0 \
		"$(grep -c PRIVATE "$tmp/demo.pem")"
fi

# Users, paged
check "users, \$top=20: 200" 200 "$(get '/v1.0/users?$top=20')"
pages=1
upns=$(jq -r '.value[].userPrincipalName' "$tmp/body")
next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
while [ -n "$next" ] && [ $pages -lt 10 ]; do
	curl -sg -o "$tmp/body" -H "$auth" "$next"
	upns="$upns
$(jq -r '.value[].userPrincipalName' "$tmp/body")"
	pages=$((pages + 1))
	next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
done
check "3 pages of users" 3 $pages
check "49 distinct users" 49 "$(echo "$upns" | sort -u | grep -c .)"
check "the compromised user is listed" 1 "$(echo "$upns" | grep -cx $lynne)"

# Graph inbox rules: forwarding outside, hiding; the hidden one absent
check "Lynne's messageRules: 200" 200 \
	"$(get /v1.0/users/$lynne/mailFolders/inbox/messageRules)"
check "Graph sees 3 rules (not the hidden one)" '["Newsletters","..","."]' \
	"$(jq -c '[.value[].displayName]' "$tmp/body")"
check "rule '..' forwards outside the tenant" $exfil \
	"$(jq -r '.value[]|select(.displayName == "..")|.actions.forwardTo[0].emailAddress.address' "$tmp/body")"
check "rule '.' hides mail in RSS Feeds, read" 'RSS Feeds true' \
	"$(jq -r '.value[]|select(.displayName == ".")|"\(.actions.moveToFolder) \(.actions.markAsRead)"' "$tmp/body")"
check "Megan's rule forwards inside (look-alike)" patti.fernandez@contoso.com \
	"$(get /v1.0/users/$megan/mailFolders/inbox/messageRules >/dev/null;
	jq -r '.value[0].actions.forwardTo[0].emailAddress.address' "$tmp/body")"
check "contoso.com is a verified domain (so Megan's rule is internal)" \
	true "$(st '[.tenant.verifiedDomains[].name]|index("contoso.com") != null')"

# Exchange: the hidden rule, forwarding, delegates
check "Get-InboxRule -IncludeHidden: 200" 200 \
	"$(cmd Get-InboxRule "{\"Mailbox\":\"$lynne\",\"IncludeHidden\":true}")"
check "4 rules with the hidden one" '["Newsletters","..",".","x"]' \
	"$(jq -c '[.value[].Name]' "$tmp/body")"
check "the hidden rule deletes the helpdesk's mail" true \
	"$(jq '.value[]|select(.Name == "x")|.DeleteMessage' "$tmp/body")"
check "without -IncludeHidden: 3 rules" 3 \
	"$(cmd Get-InboxRule "{\"Mailbox\":\"$lynne\"}" >/dev/null;
	jq '.value|length' "$tmp/body")"
check "Get-Mailbox: 200" 200 "$(cmd Get-Mailbox "{\"Identity\":\"$lynne\"}")"
check "ForwardingSmtpAddress outside, and kept a copy" \
	"smtp:$exfil true" \
	"$(jq -r '.value[0]|"\(.ForwardingSmtpAddress) \(.DeliverToMailboxAndForward)"' "$tmp/body")"
check "Megan's mailbox does not forward" null \
	"$(cmd Get-Mailbox "{\"Identity\":\"$megan\"}" >/dev/null;
	jq -r '.value[0].ForwardingSmtpAddress' "$tmp/body")"
check "Get-MailboxPermission: 200" 200 \
	"$(cmd Get-MailboxPermission "{\"Identity\":\"$lynne\"}")"
check "Grady has FullAccess on Lynne's mailbox" FullAccess \
	"$(jq -r ".value[]|select(.User == \"$grady\")|.AccessRights[]" "$tmp/body")"
check "Get-RecipientPermission: 200" 200 \
	"$(cmd Get-RecipientPermission "{\"Identity\":\"$lynne\"}")"
check "Grady has SendAs on Lynne's mailbox" SendAs \
	"$(jq -r ".value[]|select(.Trustee == \"$grady\")|.AccessRights[]" "$tmp/body")"
check "the shared mailbox info@ is a SharedMailbox" SharedMailbox \
	"$(cmd Get-Mailbox '{"Identity":"info@contoso.com"}' >/dev/null;
	jq -r '.value[0].RecipientTypeDetails' "$tmp/body")"
check "Megan's long-standing FullAccess on info@ (look-alike)" FullAccess \
	"$(cmd Get-MailboxPermission '{"Identity":"info@contoso.com"}' >/dev/null;
	jq -r ".value[]|select(.User == \"$megan\")|.AccessRights[]" "$tmp/body")"

# Authentication methods
check "Lynne's methods: 200" 200 "$(get /v1.0/users/$lynne/authentication/methods)"
check "the attacker's Authenticator, registered at 13:52:40" \
	'SM-G991B 2026-11-24T13:52:40Z' \
	"$(jq -r '.value[]|select(.displayName == "SM-G991B")|"\(.displayName) \(.createdDateTime)"' "$tmp/body")"
check "Lynne's own Authenticator is still there" 1 \
	"$(jq '[.value[]|select(.displayName == "Lynne'"'"'s iPhone")]|length' "$tmp/body")"
check "the attacker's phone" '+44 7700900461 mobile' \
	"$(get /v1.0/users/$lynne/authentication/phoneMethods >/dev/null;
	jq -r '.value[0]|"\(.phoneNumber) \(.phoneType)"' "$tmp/body")"
check "the admin's own new Authenticator (look-alike)" \
	'iPhone 15 Pro 2026-11-24T16:10:44Z' \
	"$(get /v1.0/users/admin@contoso.com/authentication/microsoftAuthenticatorMethods >/dev/null;
	jq -r '.value[]|"\(.displayName) \(.createdDateTime)"' "$tmp/body")"

# The rest is in the state: apps, grants, audit records, one story
lynne_id=$(st ".users[]|select(.userPrincipalName == \"$lynne\")|.id")
admin_id=$(st '.users[]|select(.userPrincipalName == "admin@contoso.com")|.id')
tid=$(st .tenant.id)
mal_sp=$(st '.servicePrincipals[]|select(.displayName == "MailBackup Sync")|.id')
check "the malicious app is multi-tenant and owned elsewhere" \
	'AzureADMultipleOrgs true' \
	"$(st ".servicePrincipals[]|select(.id == \"$mal_sp\")|\"\(.signInAudience) \(.appOwnerOrganizationId != \"$tid\")\"")"
check "Lynne consented to it: Mail.Read and offline_access" \
	'Principal Mail.Read offline_access User.Read' \
	"$(st ".oauth2PermissionGrants[]|select(.clientId == \"$mal_sp\" and .principalId == \"$lynne_id\")|\"\(.consentType) \(.scope)\"")"
check "the first-party app's grant belongs to the admin (look-alike)" \
	"$admin_id f8cdef31-a31e-4b4a-93e4-5f571e91255a" \
	"$(st '.servicePrincipals[]|select(.displayName == "Microsoft Graph Command Line Tools")' |
	jq -r --slurpfile s "$tmp/state" '. as $sp|($s[0].oauth2PermissionGrants[]|select(.clientId == $sp.id)|.principalId) + " " + $sp.appOwnerOrganizationId')"
check "the consent audit names the same service principal and grant" \
	"$mal_sp true" \
	"$(st ".directoryAudits[]|select(.activityDisplayName == \"Consent to application\")|.targetResources[0]|\"\(.id) \(.modifiedProperties[]|select(.displayName == \"ConsentAction.Permissions\")|.newValue|contains(\"$lynne_id\"))\"")"
sync_start=$(st '.applications[]|select(.displayName == "Contoso Payroll Connector")|.passwordCredentials[]|select(.displayName == "sync")|.startDateTime')
check "the secret added to the payroll app has an audit at the same time" \
	1 "$(st "[.directoryAudits[]|select((.activityDisplayName|startswith(\"Update application - Certificates\")) and .activityDateTime == \"$sync_start\" and .initiatedBy.user.id == \"$lynne_id\")]|length")"
check "the Authenticator's time matches its registration audit" 1 \
	"$(st "[.directoryAudits[]|select(.activityDisplayName == \"User registered security info\" and .activityDateTime == \"2026-11-24T13:52:40Z\" and .initiatedBy.user.ipAddress == \"$attack_ip\")]|length")"
check "the admin registered from the office after an office sign-in" \
	"$office_ip 1" \
	"$(st "(.directoryAudits[]|select(.initiatedBy.user.id == \"$admin_id\")|.initiatedBy.user.ipAddress) + \" \" + ([.signIns[]|select(.userId == \"$admin_id\" and .ipAddress == \"$office_ip\" and .createdDateTime < \"2026-11-24T16:10:44Z\")]|length|tostring)")"
check "sign-in from an unfamiliar country (NG), success" 'NG 0' \
	"$(st ".signIns[]|select(.userId == \"$lynne_id\" and .ipAddress == \"$attack_ip\" and .appDisplayName == \"OfficeHome\" and .status.errorCode == 0)|\"\(.location.countryOrRegion) \(.status.errorCode)\"")"
check "Lynne never signed in from NG before the attack" 0 \
	"$(st "[.signIns[]|select(.userId == \"$lynne_id\" and .location.countryOrRegion == \"NG\" and .createdDateTime < \"2026-11-24T13:46:00Z\")]|length")"
check "a legacy-protocol sign-in (IMAP4) from the attacker's range" \
	"$imap_ip NG" \
	"$(st ".signIns[]|select(.userId == \"$lynne_id\" and .clientAppUsed == \"IMAP4\")|\"\(.ipAddress) \(.location.countryOrRegion)\"")"
check "every UAL record from Lynne after 13:48 comes from the attacker" \
	0 "$(st "[.unifiedAuditLog[]|select(.UserId == \"$lynne\" and .CreationTime > \"2026-11-24T13:48\")|select(.ClientIP|startswith(\"203.0.113.\")|not)]|length")"
check "New-InboxRule records forward to the same address as the rule" \
	"$exfil" \
	"$(st '.unifiedAuditLog[]|select(.Operation == "New-InboxRule")|.Parameters[]|select(.Name == "ForwardTo")|.Value')"
check "the hidden rule's MAPI record" 'x Enabled, Hidden' \
	"$(st '.unifiedAuditLog[]|select(.Operation == "UpdateInboxRules")|.OperationProperties|"\(.[]|select(.Name == "RuleName")|.Value) \(.[]|select(.Name == "RuleState")|.Value)"')"
check "UAL: Set-Mailbox sets the forwarding the mailbox has" \
	"smtp:$exfil" \
	"$(st '.unifiedAuditLog[]|select(.Operation == "Set-Mailbox")|.Parameters[]|select(.Name == "ForwardingSmtpAddress")|.Value')"
check "UAL: the attacker added the FullAccess and SendAs for Grady" \
	"$grady $grady" \
	"$(st '[.unifiedAuditLog[]|select(.Operation == "Add-MailboxPermission" or .Operation == "Add-RecipientPermission")|.Parameters[]|select(.Name == "User" or .Name == "Trustee")|.Value]|join(" ")')"
check "the audit bypass is set, and recorded" 'true True' \
	"$(st '"\(.mailboxAuditBypassAssociations[0].AuditBypassEnabled) \(.unifiedAuditLog[]|select(.Operation == "Set-MailboxAuditBypassAssociation")|.Parameters[]|select(.Name == "AuditBypassEnabled")|.Value)"')"
check "UAL logons mirror the sign-ins (same ids)" 0 \
	"$(st '[.signIns[].id] as $ids|[.unifiedAuditLog[]|select(.RecordType == 15)|select(.IntraSystemId as $i|$ids|index($i)|not)]|length')"
check "every audit and sign-in names a fixture user" 0 \
	"$(st '[.users[].id] as $u|[(.signIns[].userId),(.directoryAudits[].initiatedBy.user.id)|select(. as $i|$u|index($i)|not)]|length')"
check "sign-ins are newest first" true \
	"$(st '[.signIns[].createdDateTime] == ([.signIns[].createdDateTime]|sort|reverse)')"
stop

# gen-tenant
if [ ! -x "$gen" ]; then
	echo "SKIP: gen-tenant not built ($gen)"
	exit $fail
fi
check "gen-tenant refuses 100,001 users" 2 \
	"$("$gen" 100001 "$tmp/x.json" 2>/dev/null; echo $?)"
"$gen" --rate 0.02 "$gen_users" "$tmp/t1.json" &&
	"$gen" --rate 0.02 "$gen_users" "$tmp/t2.json"
check "two runs give the same bytes" 0 \
	"$(cmp -s "$tmp/t1.json" "$tmp/t2.json"; echo $?)"
"$gen" --rate 0.02 --seed 2 "$gen_users" "$tmp/t3.json"
check "another seed gives another tenant" 1 \
	"$(cmp -s "$tmp/t1.json" "$tmp/t3.json"; echo $?)"
t0=$(date +%s)
start "$tmp/t1.json"
ok "graphsim loads $gen_users generated users in $(($(date +%s) - t0)) s"
curl -s "$base/_sim/state" >"$tmp/state"
comp=$(st '[.mailboxes[]|select(.ForwardingSmtpAddress != null)]|length')
check "each compromised user has a grant, a bypass and 3 rules" \
	"$comp $comp $comp" \
	"$(st "\"\(.oauth2PermissionGrants|length) \(.mailboxAuditBypassAssociations|length) \([.mailboxes[]|select([.inboxRules[]|select(.hidden)]|length == 1)]|length)\"")"
[ "$comp" -gt 0 ] && ok "some users are compromised ($comp)" ||
	bad "no compromised user at rate 0.02"
victim=$(st '[.mailboxes[]|select(.ForwardingSmtpAddress != null)][0].UserPrincipalName')
token https://outlook.office365.com/.default >/dev/null
exo_auth="Authorization: Bearer $(jq -r .access_token "$tmp/tok")"
check "Get-InboxRule -IncludeHidden on a generated victim: 3 rules" 3 \
	"$(cmd Get-InboxRule "{\"Mailbox\":\"$victim\",\"IncludeHidden\":true}" >/dev/null;
	jq '.value|length' "$tmp/body")"
token https://graph.microsoft.com/.default >/dev/null
auth="Authorization: Bearer $(jq -r .access_token "$tmp/tok")"
check "users, \$top=999: 200" 200 "$(get '/v1.0/users?$top=999')"
ids=$(jq -r '.value[].id' "$tmp/body")
next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
while [ -n "$next" ]; do
	curl -sg -o "$tmp/body" -H "$auth" "$next"
	ids="$ids
$(jq -r '.value[].id' "$tmp/body")"
	next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
done
check "paging lists every generated user once" "$gen_users" \
	"$(echo "$ids" | sort -u | grep -c .)"
stop
exit $fail
