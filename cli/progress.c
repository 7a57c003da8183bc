/* SPDX-License-Identifier: MIT */
/*
 * progress.c - the progress line (progress.h). The clock is
 * CLOCK_MONOTONIC, so a wall-clock jump cannot make the rate negative.
 * The line is drawn with a carriage return and erased with CR + EL (the
 * ANSI "erase in line"), which every terminal m365ir runs on understands;
 * it is never drawn to anything but a terminal.
 */
#include "util/compat.h"

#include <time.h>

#include "cli/progress.h"

#define REDRAW_NS 200000000ull /* at most five redraws a second */

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
cli_progress_start(struct cli_progress *p, bool tty, uint64_t total,
		   const char *label)
{
	memset(p, 0, sizeof(*p));
	p->active = tty && total >= CLI_PROGRESS_MIN_BYTES;
	p->label = label;
	p->total = total;
	p->start_ns = now_ns();
	p->last_ns = 0; /* draw at the first update: the input is large */
}

void
cli_progress_update(struct cli_progress *p, uint64_t done)
{
	uint64_t now;
	double secs, mb = (double)done / (1 << 20);

	if (!p->active)
		return;
	now = now_ns();
	if (p->last_ns && now - p->last_ns < REDRAW_NS)
		return;
	p->last_ns = now;
	secs = (double)(now - p->start_ns) / 1e9;
	fprintf(stderr, "\r\033[K%s: %.0f / %.0f MB (%.0f%%), %.0f MB/s",
		p->label, mb, (double)p->total / (1 << 20),
		p->total ? 100.0 * (double)done / (double)p->total : 0.0,
		secs > 0 ? mb / secs : 0.0);
	fflush(stderr);
	p->drawn = true;
}

void
cli_progress_end(struct cli_progress *p)
{
	if (p->active && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->active = p->drawn = false;
}
