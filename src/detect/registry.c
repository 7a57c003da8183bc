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
