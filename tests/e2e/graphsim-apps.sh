#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim applications, servicePrincipals and oauth2PermissionGrants
# (docs/graphsim.md "Applications and consent"): reads never show a
# client secret, addPassword shows it once and the token endpoint takes
# it at once, removePassword / removeKey / DELETE grant change the state.
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
app_oid=3a9e5c7d-1b2f-4c6e-8d0a-9f8e7d6c5b04
test_oid=3a9e5c7d-1b2f-4c6e-8d0a-9f8e7d6c5b01
planted=b0d1f2e3-a4b5-4c6d-8e7f-9a0b1c2d3e4f
sync_sp=5c0e7a1d-2b3c-4d5e-8f60-7a8b9c0d1e03
sync_cred=c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f
alex_grant=HXoOXDwrXk2PYHqLnA0eAx16DlwrPF5Nj2B6i5wNHgJSeosPHTxuToqbHC0-T1oB
: >"$tmp/reads"
keep() { cat "$tmp/body" >>"$tmp/reads"; }

# Applications
check "applications: 200" 200 "$(req GET /v1.0/applications -H "$auth")"
keep
check "every fixture application" "$(jq '.applications|length' "$fixture")" \
	"$(jq '.value|length' "$tmp/body")"
check "no secretText has a value" 0 \
	"$(jq '[.value[].passwordCredentials[]|select(.secretText != null)]|length' "$tmp/body")"
check "every password credential has a hint" true \
	"$(jq '[.value[].passwordCredentials[]|.hint|type == "string"]|all' "$tmp/body")"
check "the graphsim-only roles are not shown" false \
	"$(jq '[.value[]|has("roles")]|any' "$tmp/body")"
check "keyCredentials key is null without \$select" null \
	"$(jq '.value[0].keyCredentials[0].key' "$tmp/body")"
check "application get: 200" 200 \
	"$(req GET /v1.0/applications/$app_oid -H "$auth")"
keep
check "entity context" \
	'https://graph.microsoft.com/v1.0/$metadata#applications/$entity' \
	"$(jq -r '."@odata.context"' "$tmp/body")"
check "the app's appId" $app "$(jq -r .appId "$tmp/body")"
check "two secrets, the planted one with hint Zx8" 'gs~ Zx8' \
	"$(jq -r '[.passwordCredentials[].hint]|join(" ")' "$tmp/body")"
check "unknown application: 404" 404 \
	"$(req GET /v1.0/applications/$app -H "$auth")"
check "applications without Application/Directory read: 403" 403 \
	"$(req GET /v1.0/applications -H "$lauth")"
check "\$select=id,appId,passwordCredentials" '["appId","id","passwordCredentials"]' \
	"$(req GET '/v1.0/applications?$select=id,appId,passwordCredentials' \
		-H "$auth" >/dev/null; keep; jq -c '.value[0]|keys' "$tmp/body")"
check "\$select of an unknown property: 400" 400 \
	"$(req GET '/v1.0/applications?$select=nosuch' -H "$auth")"

# addPassword: the secret once, then only its hint
check "addPassword: 200" 200 \
	"$(req POST /v1.0/applications/$app_oid/addPassword -H "$auth" \
		-H "$json" -d '{"passwordCredential":{"displayName":"rotated"}}')"
new=$(jq -r .secretText "$tmp/body")
new_id=$(jq -r .keyId "$tmp/body")
check "the answer has the documented keys" \
	'["@odata.context","customKeyIdentifier","displayName","endDateTime","hint","keyId","secretText","startDateTime"]' \
	"$(jq -c keys "$tmp/body")"
check "secretText is 40 characters" 40 "$(printf %s "$new" | wc -c | tr -d ' ')"
check "hint is its first 3 characters" "$(printf %s "$new" | cut -c1-3)" \
	"$(jq -r .hint "$tmp/body")"
check "displayName kept" rotated "$(jq -r .displayName "$tmp/body")"
check "the new secret gets a token at once" true \
	"$(t=$(token $app "$new"); [ -n "$t" ] && [ "$t" != null ] &&
	echo true)"
req GET /v1.0/applications/$app_oid -H "$auth" >/dev/null
keep
check "the read shows the new credential, secretText null" 'rotated null' \
	"$(jq -r ".passwordCredentials[]|select(.keyId == \"$new_id\")|\"\(.displayName) \(.secretText)\"" "$tmp/body")"
check "addPassword with a wrong type: 400" 400 \
	"$(req POST /v1.0/applications/$app_oid/addPassword -H "$auth" \
		-d '{"passwordCredential":{"displayName":7}}')"
check "addPassword needs Application.ReadWrite.All: 403" 403 \
	"$(req POST /v1.0/applications/$app_oid/addPassword -H "$lauth" -d '{}')"

# removePassword
check "removePassword of the planted secret: 204" 204 \
	"$(req POST /v1.0/applications/$app_oid/removePassword -H "$auth" \
		-H "$json" -d "{\"keyId\":\"$planted\"}")"
check "the planted secret no longer gets a token" 401 \
	"$(curl -s -o /dev/null -w '%{http_code}' \
		"$base/contoso.com/oauth2/v2.0/token" \
		-d grant_type=client_credentials -d client_id=$app \
		--data-urlencode 'client_secret=Zx8Q~planted.0123456789abcdefghijklmnop' \
		--data-urlencode scope=https://graph.microsoft.com/.default)"
check "removePassword of it again: 400" 400 \
	"$(req POST /v1.0/applications/$app_oid/removePassword -H "$auth" \
		-d "{\"keyId\":\"$planted\"}")"
check "removePassword without keyId: 400" 400 \
	"$(req POST /v1.0/applications/$app_oid/removePassword -H "$auth" -d '{}')"

# removeKey wants a proof: an RS256 JWT signed by one of the object's
# certificates (aud, iss = the object id, <= 10 minutes). Two keys are made
# here; the app gets the first one's certificate in a copy of the fixture.
if command -v openssl >/dev/null; then
	for k in 1 2; do
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
			-keyout "$tmp/key$k.pem" -out "$tmp/cert$k.pem" \
			-subj "/CN=graphsim removeKey $k" 2>/dev/null ||
			bad "openssl req failed"
	done
	kid=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d
	jq --arg oid $app_oid --arg kid $kid --rawfile pem "$tmp/cert1.pem" \
		'(.applications[]|select(.id == $oid)|.keyCredentials) +=
		[{keyId: $kid, type: "AsymmetricX509Cert", usage: "Verify",
		  displayName: "CN=graphsim removeKey 1", key: $pem,
		  startDateTime: "2024-01-01T00:00:00Z",
		  endDateTime: "2099-12-31T00:00:00Z"}]' "$fixture" \
		>"$tmp/withcert.json"
	start "$tmp/withcert.json"
	auth="Authorization: Bearer $(token $app "$secret")"
	lauth="Authorization: Bearer $(token $limited "$limited_secret")"
	b64u() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
	now=$(date +%s)
	proof() { # proof KEY ISS: a signed removeKey proof
		h=$(printf '{"alg":"RS256","typ":"JWT"}' | b64u)
		c=$(printf '{"aud":"00000002-0000-0000-c000-000000000000","iss":"%s","nbf":%s,"exp":%s}' \
			"$2" "$now" "$((now + 600))" | b64u)
		printf '%s.%s.%s' "$h" "$c" \
			"$(printf '%s.%s' "$h" "$c" |
			openssl dgst -sha256 -sign "$1" | b64u)"
	}
	rk() { # rk PROOF: removeKey of the new certificate
		req POST /v1.0/applications/$app_oid/removeKey -H "$auth" \
			-H "$json" -d "{\"keyId\":\"$kid\",\"proof\":\"$1\"}"
	}
	check "removeKey without proof: 400" 400 \
		"$(req POST /v1.0/applications/$app_oid/removeKey -H "$auth" \
			-d "{\"keyId\":\"$kid\"}")"
	check "proof signed by a key the app lacks: 400" 400 \
		"$(rk "$(proof "$tmp/key2.pem" $app_oid)")"
	check "proof for another object: 400" 400 \
		"$(rk "$(proof "$tmp/key1.pem" $test_oid)")"
	good=$(proof "$tmp/key1.pem" $app_oid)
	check "proof with a forged signature: 400" 400 \
		"$(rk "${good%.*}.c2lnbmF0dXJl")"
	check "removeKey with a good proof: 204" 204 "$(rk "$good")"
	check "the certificate is gone" '' \
		"$(req GET /v1.0/applications/$app_oid -H "$auth" >/dev/null;
		jq -r ".keyCredentials[]|select(.keyId == \"$kid\")|.keyId" "$tmp/body")"
	check "removeKey of it again: 400" 400 "$(rk "$good")"
else
	echo "# SKIP removeKey: openssl not installed"
fi

# Service principals
check "servicePrincipals: 200" 200 \
	"$(req GET /v1.0/servicePrincipals -H "$auth")"
keep
check "three service principals" 3 "$(jq '.value|length' "$tmp/body")"
check "filter by appId" "Microsoft Graph" \
	"$(req GET "/v1.0/servicePrincipals?\$filter=appId%20eq%20'00000003-0000-0000-c000-000000000000'" \
		-H "$auth" >/dev/null; jq -r '.value[].displayName' "$tmp/body")"
check "servicePrincipal get: 200" 200 \
	"$(req GET /v1.0/servicePrincipals/$sync_sp -H "$auth")"
keep
check "foreign owner tenant shown" 9b1c2d3e-4f5a-4b6c-8d7e-0f1a2b3c4d5e \
	"$(jq -r .appOwnerOrganizationId "$tmp/body")"
check "SP removePassword: 204" 204 \
	"$(req POST /v1.0/servicePrincipals/$sync_sp/removePassword -H "$auth" \
		-d "{\"keyId\":\"$sync_cred\"}")"
check "SP has no password left" 0 \
	"$(req GET /v1.0/servicePrincipals/$sync_sp -H "$auth" >/dev/null;
	jq '.passwordCredentials|length' "$tmp/body")"

# oauth2PermissionGrants
check "grants: 200" 200 "$(req GET /v1.0/oauth2PermissionGrants -H "$auth")"
check "two grants, each with its @odata.id" 2 \
	"$(jq --arg t "$(jq -r .tenant.id "$fixture")" '[.value[] |
	select(."@odata.id" == "https://graph.microsoft.com/v2/\($t)/oauth2PermissionGrants/\(.id)")]|length' \
	"$tmp/body")"
check "filter consentType eq 'AllPrincipals'" User.Read \
	"$(req GET "/v1.0/oauth2PermissionGrants?\$filter=consentType%20eq%20'AllPrincipals'" \
		-H "$auth" >/dev/null; jq -r '.value[].scope' "$tmp/body")"
check "Alex's grants: 200" 200 \
	"$(req GET /v1.0/users/alex.wilber@contoso.com/oauth2PermissionGrants -H "$auth")"
check "Alex consented Fabrikam Mail Sync" "$sync_sp Principal" \
	"$(jq -r '.value[]|"\(.clientId) \(.consentType)"' "$tmp/body")"
check "Megan has no grants" 0 \
	"$(req GET /v1.0/users/$megan/oauth2PermissionGrants -H "$auth" >/dev/null;
	jq '.value|length' "$tmp/body")"
check "grants of an unknown user: 404" 404 \
	"$(req GET /v1.0/users/nobody@contoso.com/oauth2PermissionGrants -H "$auth")"
check "grants without a read permission: 403" 403 \
	"$(req GET /v1.0/oauth2PermissionGrants -H "$lauth")"
check "DELETE grant without a write permission: 403" 403 \
	"$(req DELETE /v1.0/oauth2PermissionGrants/$alex_grant -H "$lauth")"
check "DELETE Alex's grant: 204" 204 \
	"$(req DELETE /v1.0/oauth2PermissionGrants/$alex_grant -H "$auth")"
check "Alex has no grants left" 0 \
	"$(req GET /v1.0/users/$alex/oauth2PermissionGrants -H "$auth" >/dev/null;
	jq '.value|length' "$tmp/body")"
check "DELETE it again: 404" 404 \
	"$(req DELETE /v1.0/oauth2PermissionGrants/$alex_grant -H "$auth")"
check "grant ids are case-sensitive" 404 \
	"$(req DELETE /v1.0/oauth2PermissionGrants/hxooxdwrxk2pyhqlna0ear16dlwrpf5nj2b6i5wnhgi -H "$auth")"

# No Graph read ever showed a secret
if grep -qF -e "$secret" -e "$new" -e 'Zx8Q~planted' "$tmp/reads"; then
	bad "a Graph read showed a client secret"
else
	ok "no Graph read showed a client secret"
fi

kill "$pid"
wait "$pid"
check "SIGTERM: exit status 0" 0 $?
pid=
exit $fail
