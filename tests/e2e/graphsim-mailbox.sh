#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's mailboxSettings and sendMail routes (mail.c) with plain curl:
# GET gives the documented properties, PATCH merges automatic replies and
# answers with what it changed, a forwarding property is refused (Graph
# has none), the MailboxSettings.Read/ReadWrite and Mail.Send checks, and
# sendMail's 202 with the message recorded in /_sim/state "sentMail".
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
alex=0f8b7a52-3c1d-4e6f-8a9b-1c2d3e4f5a01
set_=/v1.0/users/$alex/mailboxSettings

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
# "m365ir mail test": MailboxSettings.ReadWrite; "m365ir notify test":
# Mail.Send and MailboxSettings.Read; "m365ir test": neither.
rw="Authorization: Bearer $(token 22222222-3333-4444-8555-666666666666 \
	'gs~MailSecret.abcdef0123456789ABCDEF')"
ro="Authorization: Bearer $(token 55555555-6666-4777-8888-999999999999 \
	'gs~NotifySecret.0123456789abcdefABCDEF')"
none="Authorization: Bearer $(token 11111111-2222-4333-8444-555555555555 \
	'gs~TestSecret.0123456789abcdefABCDEF')"
json='Content-Type: application/json'

check "GET mailboxSettings" 200 "$(req GET "$set_" -H "$ro")"
check "the documented properties" \
	'@odata.context archiveFolder automaticRepliesSetting dateFormat delegateMeetingMessageDeliveryOptions language timeFormat timeZone workingHours' \
	"$(jq -r 'keys_unsorted|sort|join(" ")' "$tmp/body")"
check "automatic replies start disabled" disabled \
	"$(jq -r .automaticRepliesSetting.status "$tmp/body")"
check "context names the user" \
	"https://graph.microsoft.com/v1.0/\$metadata#users('$alex')/mailboxSettings" \
	"$(jq -r '."@odata.context"' "$tmp/body")"
check "by userPrincipalName too" 200 \
	"$(req GET /v1.0/users/alex.wilber@contoso.com/mailboxSettings -H "$ro")"
check "no token: 401" 401 "$(req GET "$set_")"
check "no MailboxSettings permission: 403" 403 \
	"$(req GET "$set_" -H "$none")"
check "unknown user: 404" 404 \
	"$(req GET /v1.0/users/nobody@contoso.com/mailboxSettings -H "$ro")"
check "user without a mailbox: 404" 404 \
	"$(req GET /v1.0/users/admin@contoso.com/mailboxSettings -H "$ro")"
check "... MailboxNotEnabledForRESTAPI" MailboxNotEnabledForRESTAPI \
	"$(jq -r .error.code "$tmp/body")"

# PATCH: Read is not enough; ReadWrite sets scheduled automatic replies.
patch='{"automaticRepliesSetting":{"status":"Scheduled",
	"scheduledEndDateTime":{"dateTime":"2024-07-01T00:00:00.0000000",
	"timeZone":"UTC"},"internalReplyMessage":"Away"}}'
check "PATCH with MailboxSettings.Read: 403" 403 \
	"$(req PATCH "$set_" -H "$ro" -H "$json" -d "$patch")"
check "PATCH mailboxSettings" 200 \
	"$(req PATCH "$set_" -H "$rw" -H "$json" -d "$patch")"
check "the answer has what was patched only" \
	'@odata.context automaticRepliesSetting' \
	"$(jq -r 'keys_unsorted|join(" ")' "$tmp/body")"
check "status respelled as the service does" scheduled \
	"$(jq -r .automaticRepliesSetting.status "$tmp/body")"
check "unnamed fields kept (externalAudience)" all \
	"$(jq -r .automaticRepliesSetting.externalAudience "$tmp/body")"
check "nested object merged (start kept)" UTC \
	"$(jq -r .automaticRepliesSetting.scheduledStartDateTime.timeZone \
	"$tmp/body")"
req GET "$set_" -H "$rw" >/dev/null
check "GET shows the change" "scheduled Away 2024-07-01T00:00:00.0000000" \
	"$(jq -r '.automaticRepliesSetting|"\(.status) \(.internalReplyMessage) \(.scheduledEndDateTime.dateTime)"' \
	"$tmp/body")"
check "other users untouched" disabled "$(req GET \
	/v1.0/users/megan.bowen@contoso.com/mailboxSettings -H "$rw" \
	>/dev/null; jq -r .automaticRepliesSetting.status "$tmp/body")"
curl -s -o "$tmp/state" "$base/_sim/state"
check "the change is in the state" Away \
	"$(jq -r --arg u "$alex" \
	'.mailboxSettings[$u].automaticRepliesSetting.internalReplyMessage' \
	"$tmp/state")"
check "forwarding is no mailboxSettings property: 400" 400 \
	"$(req PATCH "$set_" -H "$rw" -H "$json" \
	-d '{"forwardingSmtpAddress":"x@fabrikam.com"}')"
check "bad status value: 400" 400 "$(req PATCH "$set_" -H "$rw" -H "$json" \
	-d '{"automaticRepliesSetting":{"status":"sometimes"}}')"
check "not JSON: 400" 400 "$(req PATCH "$set_" -H "$rw" -H "$json" -d '[')"

# sendMail: 202, no body, recorded with the sender.
mail='{"message":{"subject":"Your account was secured",
	"body":{"contentType":"Text","content":"Password reset."},
	"toRecipients":[{"emailAddress":{"address":"alex.wilber@contoso.com"}}]},
	"saveToSentItems":false}'
send=/v1.0/users/admin@contoso.com/sendMail
check "sendMail from a user without a mailbox: 404" 404 \
	"$(req POST "$send" -H "$ro" -H "$json" -d "$mail")"
send=/v1.0/users/megan.bowen@contoso.com/sendMail
check "sendMail without Mail.Send: 403" 403 \
	"$(req POST "$send" -H "$rw" -H "$json" -d "$mail")"
check "sendMail: 202" 202 "$(req POST "$send" -H "$ro" -H "$json" -d "$mail")"
check "... with no body" 0 "$(wc -c <"$tmp/body" | tr -d ' ')"
check "no recipient: 400" 400 "$(req POST "$send" -H "$ro" -H "$json" \
	-d '{"message":{"subject":"x"}}')"
check "... ErrorInvalidRecipients" ErrorInvalidRecipients \
	"$(jq -r .error.code "$tmp/body")"
check "no message: 400" 400 "$(req POST "$send" -H "$ro" -H "$json" \
	-d '{"saveToSentItems":true}')"
curl -s -o "$tmp/state" "$base/_sim/state"
check "one message recorded" 1 "$(jq '.sentMail|length' "$tmp/state")"
check "... sender, flag, subject and recipient" \
	"0f8b7a52-3c1d-4e6f-8a9b-1c2d3e4f5a02 false Your account was secured alex.wilber@contoso.com" \
	"$(jq -r '.sentMail[0]|"\(.userId) \(.saveToSentItems) \(.message.subject) \(.message.toRecipients[0].emailAddress.address)"' \
	"$tmp/state")"
curl -s -o /dev/null -X POST "$base/_sim/reset"
curl -s -o "$tmp/state" "$base/_sim/state"
check "reset forgets sent mail and settings" "0 null" \
	"$(jq -r '"\(.sentMail|length) \(.mailboxSettings)"' "$tmp/state")"
exit $fail
