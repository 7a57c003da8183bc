#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim directory routes (docs/graphsim.md "Directory"): domains,
# directoryRoles and their members, roleManagement roleAssignments with
# $filter, $expand=principal and paging; the permission each one needs.
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
ga=7a1c3e5f-9b2d-4f6a-8c0e-1d3f5a7b9c01
ga_tmpl=62e90394-69f5-4237-9190-012177145e10

# Domains: Domain.Read.All is enough, and so is Directory.Read.All
check "domains with Domain.Read.All: 200" 200 \
	"$(req GET /v1.0/domains -H "$lauth")"
check "both verified domains, by id" 'contoso.com contoso.onmicrosoft.com' \
	"$(jq -r '[.value[].id]|join(" ")' "$tmp/body")"
check "exactly one default domain" contoso.com \
	"$(jq -r '.value[]|select(.isDefault)|.id' "$tmp/body")"
check "domains with Directory.Read.All: 200" 200 \
	"$(req GET '/v1.0/domains?$select=id,isVerified' -H "$auth")"
check "\$select keeps just those" '["id","isVerified"]' \
	"$(jq -c '.value[0]|keys' "$tmp/body")"
check "no token: 401" 401 "$(req GET /v1.0/domains)"

# Directory roles: activated roles, no paging
check "directoryRoles: 200" 200 "$(req GET /v1.0/directoryRoles -H "$auth")"
check "two activated roles" 'Global Administrator|User Administrator' \
	"$(jq -r '[.value[].displayName]|join("|")' "$tmp/body")"
check "role keys as documented" \
	'["deletedDateTime","description","displayName","id","roleTemplateId"]' \
	"$(jq -c '.value[0]|keys' "$tmp/body")"
check "directoryRoles has no paging: \$top is 400" 400 \
	"$(req GET '/v1.0/directoryRoles?$top=1' -H "$auth")"
check "directoryRoles without RoleManagement/Directory read: 403" 403 \
	"$(req GET /v1.0/directoryRoles -H "$lauth")"
check "403 code" Authorization_RequestDenied "$(jq -r .error.code "$tmp/body")"

# Members come from the role assignments
check "Global Administrator members: 200" 200 \
	"$(req GET /v1.0/directoryRoles/$ga/members -H "$auth")"
check "the admin is the one Global Administrator" "$admin" \
	"$(jq -r '[.value[].id]|join(" ")' "$tmp/body")"
check "members are typed directoryObjects" '#microsoft.graph.user' \
	"$(jq -r '.value[0]."@odata.type"' "$tmp/body")"
check "members carry the user's default properties" admin@contoso.com \
	"$(jq -r '.value[0].userPrincipalName' "$tmp/body")"
check "unknown role: 404" 404 \
	"$(req GET /v1.0/directoryRoles/00000000-0000-4000-8000-000000000000/members -H "$auth")"
check "404 code" Request_ResourceNotFound "$(jq -r .error.code "$tmp/body")"

# Role assignments
ra=/v1.0/roleManagement/directory/roleAssignments
check "roleAssignments: 200" 200 "$(req GET $ra -H "$auth")"
check "two assignments" 2 "$(jq '.value|length' "$tmp/body")"
check "filter by principalId: 200" 200 \
	"$(req GET "$ra?\$filter=principalId%20eq%20'$admin'" -H "$auth")"
check "the admin holds Global Administrator" "$ga_tmpl /" \
	"$(jq -r '.value|map("\(.roleDefinitionId) \(.directoryScopeId)")|join(",")' "$tmp/body")"
check "filter by roleDefinitionId with \$expand=principal: 200" 200 \
	"$(req GET "$ra?\$filter=roleDefinitionId%20eq%20'$ga_tmpl'&\$expand=principal" \
		-H "$auth")"
check "expanded context" \
	'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments(principal())' \
	"$(jq -r '."@odata.context"' "$tmp/body")"
check "expanded principal is the admin user" \
	"#microsoft.graph.user $admin admin" \
	"$(jq -r '.value[0].principal|"\(."@odata.type") \(.id) \(.mailNickname)"' "$tmp/body")"
check "filter on a value nobody has: empty" 0 \
	"$(req GET "$ra?\$filter=principalId%20eq%20'nobody'" -H "$auth" >/dev/null;
	jq '.value|length' "$tmp/body")"
check "unsupported filter: 400" 400 \
	"$(req GET "$ra?\$filter=startswith(principalId,'0')" -H "$auth")"
check "other \$expand: 400" 400 \
	"$(req GET "$ra?\$expand=roleDefinition" -H "$auth")"

# Paging: $top=1 and follow nextLink to the end
check "roleAssignments \$top=1: 200" 200 "$(req GET "$ra?\$top=1" -H "$auth")"
ids=$(jq -r '.value[].id' "$tmp/body")
next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
pages=1
while [ -n "$next" ] && [ $pages -lt 5 ]; do
	code=$(curl -sg -o "$tmp/body" -w '%{http_code}' -H "$auth" "$next")
	[ "$code" = 200 ] || bad "nextLink page answered $code"
	ids="$ids
$(jq -r '.value[].id' "$tmp/body")"
	pages=$((pages + 1))
	next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
done
check "two pages of one" 2 $pages
check "two distinct assignments in all" 2 "$(echo "$ids" | sort -u | grep -c .)"
check "bad \$skiptoken: 400" 400 "$(req GET "$ra?\$skiptoken=xyz" -H "$auth")"

# Members follow the assignments: a fixture without the admin's one
jq --arg a "$admin" '.roleAssignments |= map(select(.principalId != $a))' \
	"$fixture" >"$tmp/noadmin.json"
start "$tmp/noadmin.json"
auth="Authorization: Bearer $(token $app "$secret")"
check "no Global Administrator assignment, no member" 0 \
	"$(req GET /v1.0/directoryRoles/$ga/members -H "$auth" >/dev/null;
	jq '.value|length' "$tmp/body")"

kill "$pid"
wait "$pid"
check "SIGTERM: exit status 0" 0 $?
pid=
exit $fail
