/* SPDX-License-Identifier: MIT */
/*
 * fuzz-jsonl.c - the log reader over arbitrary bytes: format sniffing, the
 * JSON framer in every mode (lines, arrays, back-to-back documents), CSV
 * rows, containers and the normalizer behind them. Every event is drained
 * and written as JSON, and the stats invariant is checked, so a framing
 * bug shows up as a crash, a sanitizer report or an abort.
 */
#include "util/compat.h"

#include "util/buf.h"
#include "logs/logs-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_reader *r;
	const struct ir_event *ev;
	const struct ir_file_stats *st;
	struct ir_err err = IR_ERR_INIT;
	struct ir_buf out = IR_BUF_INIT;
	int ret;

	if (ir_logs__reader_open_mem(&r, "fuzz", data, size, NULL, &err) < 0)
		return 0;
	while ((ret = ir_reader_next(r, &ev, &err)) != 0) {
		if (ret < 0 && ret != IR_EPARSE)
			break;
		if (ret == 1) {
			ir_event_write_json(&out, ev);
			ir_buf_reset(&out);
		}
	}
	st = ir_reader_stats(r);
	if (st->records != st->events + st->failed + st->skipped)
		IR_BUG("stats do not add up");
	if (st->bytes > size)
		IR_BUG("consumed more than the input");
	ir_reader_free(r);
	ir_buf_release(&out);
	return 0;
}
