#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's mailbox and MFA routes with plain curl (api-map.md §B.3,
# §B.5): inbox rules over Graph (list, get, PATCH, DELETE; a hidden rule
# stays out of sight), the MailboxSettings permission check,
# authentication methods (list with @odata.type, typed lists, DELETE) and
# the beta per-user MFA state (GET, PATCH), each write checked in
# /_sim/state.
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
alex=0f8b7a52-3c1d-4e6f-8a9b-1c2d3e4f5a01
megan=megan.bowen@contoso.com
admin=admin@contoso.com
rules=/v1.0/users/$alex/mailFolders/inbox/messageRules
authn=/v1.0/users/$alex/authentication
phone=3179e48a-750b-4051-897c-87b9720928f7
authr=6803c096-c096-6803-96c0-036896c00368

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

req() { # req METHOD PATH [curl args]: body to $tmp/body, status out
	m=$1 p=$2
	shift 2
	curl -sg -o "$tmp/body" -w '%{http_code}' -X "$m" "$@" "$base$p"
}
token() { # token CLIENT SECRET
	curl -s "$base/contoso.com/oauth2/v2.0/token" \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=$1" \
		--data-urlencode "client_secret=$2" \
		--data-urlencode scope=https://graph.microsoft.com/.default |
		jq -r .access_token
}
state() { curl -s "$base/_sim/state" | jq -c "$1"; }

auth="Authorization: Bearer $(token $app "$secret")"
weak="Authorization: Bearer $(token $other "$other_secret")"
json="Content-Type: application/json"

# Inbox rules
check "list rules: 200" 200 "$(req GET "$rules" -H "$auth")"
check "list has the two visible rules, in order" \
	'["AQAAAJ5dZp8=","AQAAAJ5dZqA="]' "$(jq -c '[.value[].id]' "$tmp/body")"
check "the hidden rule is not in Graph's list" 0 \
	"$(jq '[.value[] | select(.displayName == "x")] | length' "$tmp/body")"
check "no graphsim-only key leaks" false \
	"$(jq '[.value[] | has("hidden")] | any' "$tmp/body")"
check "rule keys as documented" \
	'["actions","conditions","displayName","hasError","id","isEnabled","isReadOnly","sequence"]' \
	"$(jq -c '.value[1] | keys' "$tmp/body")"
check "forwardTo recipient shape" exfil@fabrikam.com \
	"$(jq -r '.value[1].actions.forwardTo[0].emailAddress.address' \
	"$tmp/body")"
check "@odata.context names the collection" true \
	"$(jq '."@odata.context" | endswith("/messageRules")' "$tmp/body")"
check "get one rule: 200" 200 "$(req GET "$rules/AQAAAJ5dZqA=" -H "$auth")"
check "get one rule: the rule" '..' "$(jq -r .displayName "$tmp/body")"
check "the hidden rule by id: 404" 404 \
	"$(req GET "$rules/AQAAAJ5dZqE=" -H "$auth")"
check "404 is ErrorItemNotFound" ErrorItemNotFound \
	"$(jq -r .error.code "$tmp/body")"
check "rules by UPN work too" 200 \
	"$(req GET "/v1.0/users/alex.wilber@contoso.com/mailFolders/inbox/messageRules" \
	-H "$auth")"
check "a user with no mailbox: 404" 404 \
	"$(req GET "/v1.0/users/$admin/mailFolders/inbox/messageRules" -H "$auth")"
check "... MailboxNotEnabledForRESTAPI" MailboxNotEnabledForRESTAPI \
	"$(jq -r .error.code "$tmp/body")"
check "list without MailboxSettings permission: 403" 403 \
	"$(req GET "$rules" -H "$weak")"
check "PATCH without MailboxSettings permission: 403" 403 \
	"$(req PATCH "$rules/AQAAAJ5dZqA=" -H "$weak" -H "$json" \
	-d '{"isEnabled":false}')"
check "no token: 401" 401 "$(req GET "$rules")"

check "PATCH isEnabled false: 200" 200 \
	"$(req PATCH "$rules/AQAAAJ5dZqA=" -H "$auth" -H "$json" \
	-d '{"isEnabled":false}')"
check "PATCH answers the whole rule" 'false ..' \
	"$(jq -r '"\(.isEnabled) \(.displayName)"' "$tmp/body")"
check "PATCH shows in /_sim/state" false \
	"$(state '.mailboxes[0].inboxRules[1].isEnabled')"
check "PATCH of a read-only property: 400" 400 \
	"$(req PATCH "$rules/AQAAAJ5dZqA=" -H "$auth" -H "$json" \
	-d '{"hasError":true}')"
check "PATCH with a wrong type: 400" 400 \
	"$(req PATCH "$rules/AQAAAJ5dZqA=" -H "$auth" -H "$json" \
	-d '{"isEnabled":"no"}')"
check "a refused PATCH changes nothing" false \
	"$(state '.mailboxes[0].inboxRules[1].hasError')"
check "PATCH actions replaces them (docs example)" '{"markImportance":"high"}' \
	"$(req PATCH "$rules/AQAAAJ5dZqA=" -H "$auth" -H "$json" \
	-d '{"actions":{"markImportance":"high"}}' >/dev/null;
	jq -c .actions "$tmp/body")"
check "DELETE a rule: 204" 204 \
	"$(req DELETE "$rules/AQAAAJ5dZp8=" -H "$auth")"
check "DELETE answers no body" 0 "$(wc -c <"$tmp/body" | tr -d ' ')"
check "DELETE shows in /_sim/state (hidden rule kept)" \
	'["AQAAAJ5dZqA=","AQAAAJ5dZqE="]' \
	"$(state '[.mailboxes[0].inboxRules[].id]')"
check "DELETE it again: 404" 404 \
	"$(req DELETE "$rules/AQAAAJ5dZp8=" -H "$auth")"
check "DELETE of the hidden rule over Graph: 404" 404 \
	"$(req DELETE "$rules/AQAAAJ5dZqE=" -H "$auth")"

# Authentication methods
check "list methods: 200" 200 "$(req GET "$authn/methods" -H "$auth")"
check "every method has its @odata.type" \
	'["#microsoft.graph.passwordAuthenticationMethod","#microsoft.graph.microsoftAuthenticatorAuthenticationMethod","#microsoft.graph.microsoftAuthenticatorAuthenticationMethod","#microsoft.graph.phoneAuthenticationMethod"]' \
	"$(jq -c '[.value[]."@odata.type"]' "$tmp/body")"
check "methods without UserAuthenticationMethod permission: 403" 403 \
	"$(req GET "$authn/methods" -H "$weak")"
check "list Authenticator methods: 200" 200 \
	"$(req GET "$authn/microsoftAuthenticatorMethods" -H "$auth")"
check "only Authenticator methods, with their fields" \
	'2 ["@odata.type","createdDateTime","deviceTag","displayName","id","phoneAppVersion"]' \
	"$(jq -c '"\(.value | length) \(.value[0] | keys)"' "$tmp/body" |
	tr -d '\\' | sed 's/^"//; s/"$//')"
check "list phone methods: 200" 200 \
	"$(req GET "$authn/phoneMethods" -H "$auth")"
check "the mobile phone, by its fixed id" "$phone mobile" \
	"$(jq -r '.value[] | "\(.id) \(.phoneType)"' "$tmp/body")"
check "DELETE an Authenticator method: 204" 204 \
	"$(req DELETE "$authn/microsoftAuthenticatorMethods/$authr" -H "$auth")"
check "DELETE shows in /_sim/state" 3 \
	"$(state '.users[0].authenticationMethods | length')"
check "DELETE a phone id as an Authenticator method: 404" 404 \
	"$(req DELETE "$authn/microsoftAuthenticatorMethods/$phone" -H "$auth")"
check "DELETE the phone method: 204" 204 \
	"$(req DELETE "$authn/phoneMethods/$phone" -H "$auth")"
check "DELETE without ReadWrite permission: 403" 403 \
	"$(req DELETE "$authn/phoneMethods/$phone" -H "$weak")"

# Per-user MFA state (beta)
check "get requirements: 200" 200 \
	"$(req GET "/beta/users/$megan/authentication/requirements" -H "$auth")"
check "requirements body as documented" '{"perUserMfaState":"disabled"}' \
	"$(jq -c . "$tmp/body")"
check "requirements without Policy permission: 403" 403 \
	"$(req GET "/beta/users/$megan/authentication/requirements" -H "$weak")"
check "PATCH enabled: 204" 204 \
	"$(req PATCH "/beta/users/$megan/authentication/requirements" \
	-H "$auth" -H "$json" -d '{"perUserMfaState":"enabled"}')"
check "no MFA method yet: stays enabled" '"enabled"' \
	"$(state '.users[1].perUserMfaState')"
check "PATCH a bad value: 400" 400 \
	"$(req PATCH "/beta/users/$megan/authentication/requirements" \
	-H "$auth" -H "$json" -d '{"perUserMfaState":"on"}')"
check "PATCH enabled with a method registered: enforced" \
	'204 {"perUserMfaState":"enforced"}' \
	"$(curl -s -X PATCH "$base/beta/users/$alex/authentication/requirements" \
	-H "$auth" -H "$json" -d '{"perUserMfaState":"disabled"}' >/dev/null
	c=$(req PATCH "/beta/users/$alex/authentication/requirements" \
	-H "$auth" -H "$json" -d '{"perUserMfaState":"enabled"}')
	req GET "/beta/users/$alex/authentication/requirements" -H "$auth" \
	>/dev/null; echo "$c $(jq -c . "$tmp/body")")"

check "reset restores the rules and methods" '3 4' \
	"$(curl -s -X POST "$base/_sim/reset" >/dev/null
	state '"\(.mailboxes[0].inboxRules | length) \(.users[0].authenticationMethods | length)"' |
	tr -d '"')"
exit $fail
