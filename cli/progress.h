/* SPDX-License-Identifier: MIT */
/*
 * progress.h - a one-line progress indicator on standard error, for reads
 * long enough that silence looks like a hang.
 *
 * It is shown only when standard error is a terminal and the input is
 * large (over CLI_PROGRESS_MIN_BYTES); piped or redirected output never
 * gets it, so logs and scripts stay clean. The line is redrawn at most
 * five times a second and erased at the end, leaving the terminal as it
 * was.
 *
 *	struct cli_progress p;
 *	cli_progress_start(&p, ctx->err_tty, total_bytes, "reading");
 *	while (...) cli_progress_update(&p, bytes_done);
 *	cli_progress_end(&p);
 */
#ifndef IR_CLI_PROGRESS_H
#define IR_CLI_PROGRESS_H

#include "util/compat.h"

#define CLI_PROGRESS_MIN_BYTES (50ull << 20)

struct cli_progress {
	bool active;
	bool drawn;
	const char *label; /* borrowed */
	uint64_t total;
	uint64_t start_ns, last_ns;
};

/*
 * Start; the indicator is active only when `tty` (standard error is a
 * terminal) and `total` is at least CLI_PROGRESS_MIN_BYTES. `label` is
 * borrowed for the indicator's life.
 */
void cli_progress_start(struct cli_progress *p, bool tty, uint64_t total,
			const char *label);

/* Redraw with `done` bytes read, unless the last draw was under 200 ms. */
void cli_progress_update(struct cli_progress *p, uint64_t done);

/* Erase the line; safe when inactive. */
void cli_progress_end(struct cli_progress *p);

#endif
