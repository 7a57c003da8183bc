#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim tenant-wide policy and risk routes (docs/graphsim.md "Policies
# and risk"): Conditional Access list and create, security defaults and
# the rule that it can't be enabled while Conditional Access policies are
# on, the userRegistrationDetails report, riskyUsers and its actions.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
app=33333333-4444-4555-8666-777777777777
secret='gs~DirectorySecret.0123456789abcdefGH'
limited=66666666-7777-4888-9999-000000000000
limited_secret='gs~LimitedSecret.9876543210zyxwvuZYXWVU'
alex=0f8b7a52-3c1d-4e6f-8a9b-1c2d3e4f5a01
megan=0f8b7a52-3c1d-4e6f-8a9b-1c2d3e4f5a02
admin=0f8b7a52-3c1d-4e6f-8a9b-1c2d3e4f5a03

. "$SRCDIR/tests/e2e/lib/graphsim.sh"

start "$fixture"
auth="Authorization: Bearer $(token $app "$secret")"
lauth="Authorization: Bearer $(token $limited "$limited_secret")"
ca=/v1.0/identity/conditionalAccess/policies
sd=/v1.0/policies/identitySecurityDefaultsEnforcementPolicy
risky=/v1.0/identityProtection/riskyUsers
mfa_all='{"displayName":"Require MFA for all users",
 "state":"enabledForReportingButNotEnforced",
 "conditions":{"users":{"includeUsers":["All"],"excludeUsers":["'$admin'"]},
  "applications":{"includeApplications":["All"]},"clientAppTypes":["all"]},
 "grantControls":{"operator":"OR","builtInControls":["mfa"]}}'

# Conditional Access
check "CA policies: 200" 200 "$(req GET $ca -H "$auth")"
check "the service's context" \
	'https://graph.microsoft.com/v1.0/$metadata#conditionalAccess/policies' \
	"$(jq -r '."@odata.context"' "$tmp/body")"
check "one fixture policy, enabled" 'Block legacy authentication enabled' \
	"$(jq -r '.value[]|"\(.displayName) \(.state)"' "$tmp/body")"
check "CA list without Policy.Read.All: 403" 403 "$(req GET $ca -H "$lauth")"
check "create report-only MFA policy: 201" 201 \
	"$(req POST $ca -H "$auth" -H "$json" -d "$mfa_all")"
check "it keeps the state the body asked for" enabledForReportingButNotEnforced \
	"$(jq -r .state "$tmp/body")"
check "it gets an id and createdDateTime" true \
	"$(jq '(.id|test("^[0-9a-f-]{36}$")) and (.createdDateTime|test("^20[0-9-]+T[0-9:]+Z$"))' "$tmp/body")"
check "condition sets are filled in" '[] [] []' \
	"$(jq -r '"\(.conditions.signInRiskLevels) \(.conditions.users.excludeGroups) \(.grantControls.termsOfUse)"' "$tmp/body")"
check "the body's values are kept" "$admin mfa" \
	"$(jq -r '"\(.conditions.users.excludeUsers[0]) \(.grantControls.builtInControls[0])"' "$tmp/body")"
created=$(jq -r .id "$tmp/body")
check "the list now has it" "$created" \
	"$(req GET $ca -H "$auth" >/dev/null;
	jq -r '.value[]|select(.displayName == "Require MFA for all users")|.id' "$tmp/body")"
check "unknown state: 400" 400 \
	"$(req POST $ca -H "$auth" -d "$(echo "$mfa_all" | jq -c '.state = "on"')")"
check "no conditions.users: 400" 400 \
	"$(req POST $ca -H "$auth" -d "$(echo "$mfa_all" | jq -c 'del(.conditions.users)')")"
check "no grant or session controls: 400" 400 \
	"$(req POST $ca -H "$auth" -d "$(echo "$mfa_all" | jq -c 'del(.grantControls)')")"
check "not JSON: 400" 400 "$(req POST $ca -H "$auth" -d 'state=enabled')"

# Security defaults: off, and can't go on while policies are on
check "security defaults: 200" 200 "$(req GET $sd -H "$auth")"
check "security defaults are off" 'false 00000000-0000-0000-0000-000000000005' \
	"$(jq -r '"\(.isEnabled) \(.id)"' "$tmp/body")"
check "enable while CA policies are on: 400" 400 \
	"$(req PATCH $sd -H "$auth" -H "$json" -d '{"isEnabled":true}')"
check "the refusal is Graph's error shape" true \
	"$(jq '.error|has("code") and has("message") and has("innerError")' "$tmp/body")"
check "still off" false \
	"$(req GET $sd -H "$auth" >/dev/null; jq .isEnabled "$tmp/body")"
check "disable (already off): 204" 204 \
	"$(req PATCH $sd -H "$auth" -d '{"isEnabled":false}')"
check "wrong type: 400" 400 "$(req PATCH $sd -H "$auth" -d '{"isEnabled":"yes"}')"
check "read-only property: 400" 400 \
	"$(req PATCH $sd -H "$auth" -d '{"isEnabled":false,"displayName":"x"}')"
check "security defaults without Policy.Read.All: 403" 403 \
	"$(req GET $sd -H "$lauth")"

# Registration details
rd=/v1.0/reports/authenticationMethods/userRegistrationDetails
check "userRegistrationDetails: 200" 200 "$(req GET $rd -H "$auth")"
check "one row per user" 3 "$(jq '.value|length' "$tmp/body")"
check "filter isMfaRegistered eq false" megan.bowen@contoso.com \
	"$(req GET "$rd?\$filter=isMfaRegistered%20eq%20false" -H "$auth" >/dev/null;
	jq -r '.value[].userPrincipalName' "$tmp/body")"
check "filter two clauses" admin@contoso.com \
	"$(req GET "$rd?\$filter=isAdmin%20eq%20true%20and%20isMfaRegistered%20eq%20true" \
		-H "$auth" >/dev/null; jq -r '.value[].userPrincipalName' "$tmp/body")"
check "report without AuditLog.Read.All: 403" 403 "$(req GET $rd -H "$lauth")"

# Risky users
check "riskyUsers: 200" 200 "$(req GET $risky -H "$auth")"
check "Alex is at risk" "$alex atRisk medium #microsoft.graph.riskyUser" \
	"$(jq -r '.value[]|"\(.id) \(.riskState) \(.riskLevel) \(."@odata.type")"' "$tmp/body")"
check "riskyUsers without IdentityRiskyUser: 403" 403 \
	"$(req GET $risky -H "$lauth")"
check "confirmCompromised Alex and Megan: 204" 204 \
	"$(req POST $risky/confirmCompromised -H "$auth" -H "$json" \
		-d "{\"userIds\":[\"$alex\",\"$megan\"]}")"
check "both confirmed compromised, high" \
	"$alex confirmedCompromised high adminConfirmedUserCompromised
$megan confirmedCompromised high adminConfirmedUserCompromised" \
	"$(req GET $risky -H "$auth" >/dev/null;
	jq -r '.value[]|"\(.id) \(.riskState) \(.riskLevel) \(.riskDetail)"' "$tmp/body")"
check "Megan's new record names her" 'Megan Bowen megan.bowen@contoso.com' \
	"$(jq -r ".value[]|select(.id == \"$megan\")|\"\(.userDisplayName) \(.userPrincipalName)\"" "$tmp/body")"
check "dismiss Alex: 204" 204 \
	"$(req POST $risky/dismiss -H "$auth" -d "{\"userIds\":[\"$alex\"]}")"
check "Alex dismissed, risk none" 'dismissed none adminDismissedAllRiskForUser' \
	"$(req GET $risky/$alex -H "$auth" >/dev/null;
	jq -r '"\(.riskState) \(.riskLevel) \(.riskDetail)"' "$tmp/body")"
check "filter riskState eq 'confirmedCompromised'" "$megan" \
	"$(req GET "$risky?\$filter=riskState%20eq%20'confirmedCompromised'" \
		-H "$auth" >/dev/null; jq -r '.value[].id' "$tmp/body")"
check "dismiss a user with no risk record: 204, nothing added" 2 \
	"$(req POST $risky/dismiss -H "$auth" -d "{\"userIds\":[\"$admin\"]}" >/dev/null;
	req GET $risky -H "$auth" >/dev/null; jq '.value|length' "$tmp/body")"
check "unknown user id: 400" 400 \
	"$(req POST $risky/confirmCompromised -H "$auth" \
		-d '{"userIds":["00000000-0000-4000-8000-000000000000"]}')"
check "empty userIds: 400" 400 \
	"$(req POST $risky/dismiss -H "$auth" -d '{"userIds":[]}')"
check "unknown risky user: 404" 404 "$(req GET $risky/$admin -H "$auth")"
check "confirmCompromised read-only token: 403" 403 \
	"$(req POST $risky/confirmCompromised -H "$lauth" -d "{\"userIds\":[\"$alex\"]}")"

# The documented "A and B" rules, and security defaults with no policy on
jq --arg a $app '(.applications[]|select(.appId == $a)|.roles) =
	["Policy.ReadWrite.ConditionalAccess"]' "$fixture" >"$tmp/writeonly.json"
start "$tmp/writeonly.json"
wauth="Authorization: Bearer $(token $app "$secret")"
check "create policy without Policy.Read.All: 403" 403 \
	"$(req POST $ca -H "$wauth" -d "$mfa_all")"
check "update security defaults without Policy.Read.All: 403" 403 \
	"$(req PATCH $sd -H "$wauth" -d '{"isEnabled":false}')"
jq '.conditionalAccessPolicies[].state = "disabled"' "$fixture" >"$tmp/off.json"
start "$tmp/off.json"
auth="Authorization: Bearer $(token $app "$secret")"
check "enable with every policy disabled: 204" 204 \
	"$(req PATCH $sd -H "$auth" -d '{"isEnabled":true}')"
check "security defaults are on" true \
	"$(req GET $sd -H "$auth" >/dev/null; jq .isEnabled "$tmp/body")"

kill "$pid"
wait "$pid"
check "SIGTERM: exit status 0" 0 $?
pid=
exit $fail
