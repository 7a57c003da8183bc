/* SPDX-License-Identifier: MIT */
/*
 * registry.c - every detection m365ir runs: one line each, alphabetical by
 * slug. scripts/check-registry checks that each line has its
 * det-<slug>.c, tests/detect/<slug>/ goldens and docs/detections/<slug>.md
 * (docs/howto/add-a-detection.md).
 */
#include "util/compat.h"

#include "detect/detect.h"

const struct ir_detection *const ir_detections[] = {
	&ir_det_app_consent,
	&ir_det_app_credential,
	&ir_det_attack_tool,
	&ir_det_attacker_ip,
	&ir_det_audit_tampering,
	&ir_det_brute_force,
	&ir_det_inbox_rule_forward,
	&ir_det_inbox_rule_hide,
	&ir_det_legacy_protocol,
	&ir_det_mailbox_delegate,
	&ir_det_mailbox_forwarding,
	&ir_det_mass_deletion,
	&ir_det_mfa_change,
	&ir_det_password_spray,
	&ir_det_role_assignment,
	&ir_det_signin_new_country,
	NULL,
};

const struct ir_detection *
ir_detection_lookup(const char *id)
{
	for (size_t i = 0; ir_detections[i]; i++)
		if (!strcmp(ir_detections[i]->id, id))
			return ir_detections[i];
	return NULL;
}
