/* SPDX-License-Identifier: MIT */
/*
 * jsonframe.c - find the JSON values in a file without holding the file.
 *
 * Exports come framed every way: JSON Lines (Management Activity API pulls,
 * Sentinel exports), one array (ConvertTo-Json, Graph SDK dumps), several
 * documents back to back (Graph pages appended by a paging loop:
 * cases/22), one pretty-printed object (cases/29). Two modes cover them:
 *
 *  - lines: when the first value is an object that fits on its first line,
 *    every line is one value. memchr finds the line, yyjson parses it, and
 *    a bad line is one failed record: the next line is read normally.
 *  - stream: otherwise a small state machine (depth, in-string, escape)
 *    walks the bytes to each value's end; a top-level `[` is entered, not
 *    read whole, so each element comes out on its own and a 10 GB array
 *    needs one element's worth of memory.
 *
 * Values are parsed in place (YYJSON_READ_INSITU: the read buffer has
 * spare padding, and the bytes after a line are saved and restored around
 * the parse) with one reusable yyjson allocator, so the hot path does no
 * copying and, in steady state, no malloc.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "logs/input.h"

/*
 * Trailing commas: Microsoft's own published Graph examples carry them
 * (signin-list v1.0 example 1), and people save such bodies. Invalid
 * Unicode: exports cut at a byte limit or re-encoded by a tool leave
 * broken UTF-8 inside otherwise good records; the record is still worth
 * reading, and the event writer replaces the bad bytes (event.c).
 */
#define READ_FLAGS                                                         \
	(YYJSON_READ_INSITU | YYJSON_READ_ALLOW_TRAILING_COMMAS |          \
	 YYJSON_READ_ALLOW_INVALID_UNICODE)

enum jmode { JM_START, JM_LINES, JM_STREAM };

struct ir_jframe {
	struct ir_input *in;
	enum jmode mode;
	bool in_array; /* between the elements of a top-level array */
	uint64_t line; /* line number at in->pos */
	yyjson_alc *alc;
	yyjson_doc *doc;
};

/* Scanner state for one value; survives buffer refills. */
struct scan {
	size_t i;	/* offset from in->pos of the next byte to look at */
	uint64_t nl;	/* newlines seen in the value */
	int depth;
	bool in_str, esc, scalar;
};

/*
 * The bytes each scanner state must look at; everything else is skipped by
 * a tight table loop, which is what makes the stream mode fast enough.
 */
static const unsigned char str_stop[256] = {
	['"'] = 1, ['\\'] = 1, ['\n'] = 1,
};
static const unsigned char struct_stop[256] = {
	['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1, ['\n'] = 1,
};
static const unsigned char scalar_stop[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, [','] = 1, [']'] = 1,
	['}'] = 1, ['['] = 1, ['{'] = 1, ['"'] = 1,
};

struct ir_jframe *
ir_jframe_new(struct ir_input *in)
{
	struct ir_jframe *f = xcalloc(1, sizeof(*f));

	f->in = in;
	f->line = 1;
	f->alc = yyjson_alc_dyn_new();
	if (!f->alc)
		IR_BUG("out of memory for the JSON allocator");
	return f;
}

void
ir_jframe_free(struct ir_jframe *f)
{
	if (!f)
		return;
	yyjson_doc_free(f->doc);
	yyjson_alc_dyn_free(f->alc);
	free(f);
}

const char *
ir_jframe_format(const struct ir_jframe *f)
{
	return f->mode == JM_LINES ? "jsonl" : "json";
}

/*
 * Parse buf[off, off+len) in place. The YYJSON_PADDING_SIZE bytes after
 * it belong to the next record (or are the buffer's spare padding): they
 * are zeroed for the parse and put back, since the document only points
 * inside the value.
 */
static int
parse_at(struct ir_jframe *f, yyjson_val **out, size_t off, size_t len,
	 struct ir_err *err)
{
	char *p = f->in->buf + off;
	char saved[YYJSON_PADDING_SIZE];
	yyjson_read_err rerr;

	yyjson_doc_free(f->doc);
	memcpy(saved, p + len, sizeof(saved));
	memset(p + len, 0, sizeof(saved));
	f->doc = yyjson_read_opts(p, len, READ_FLAGS, f->alc, &rerr);
	memcpy(p + len, saved, sizeof(saved));
	if (!f->doc)
		return ir_err_set(err, IR_EPARSE,
				  "invalid JSON: %s at byte %zu", rerr.msg,
				  rerr.pos + 1);
	*out = yyjson_doc_get_root(f->doc);
	return 1;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip white space (and stray commas between top-level values). */
static int
skip_space(struct ir_jframe *f, bool commas, struct ir_err *err)
{
	struct ir_input *in = f->in;
	long n;

	for (;;) {
		for (; in->pos < in->end; in->pos++) {
			char c = in->buf[in->pos];

			if (c == '\n')
				f->line++;
			else if (!is_space(c) && !(commas && c == ','))
				return 1;
		}
		if ((n = ir_input_fill(in, err)) <= 0)
			return (int)n;
	}
}

/* Inside a string: true at its closing quote (s->i just past it). */
static bool
scan_string(struct scan *s, const unsigned char *p, size_t n)
{
	size_t i = s->i;

	if (s->esc) {
		if (i >= n)
			return false;
		i++;
		s->esc = false;
	}
	for (;;) {
		unsigned char c;

		while (i < n && !str_stop[p[i]])
			i++;
		if (i >= n)
			break;
		c = p[i++];
		if (c == '"') {
			s->i = i;
			s->in_str = false;
			return true;
		}
		if (c == '\n') {
			s->nl++;
		} else if (i >= n) {
			s->esc = true;
			break;
		} else {
			i++;
		}
	}
	s->i = i;
	return false;
}

static bool
scan_scalar(struct scan *s, const unsigned char *p, size_t n)
{
	while (s->i < n && !scalar_stop[p[s->i]])
		s->i++;
	return s->i < n;
}

/*
 * Advance over buf[pos + s->i, end). True when the value is complete
 * (s->i is then one past its last byte). The state lives in locals while
 * the loop runs, so the compiler can keep it in registers.
 */
static bool
scan_bytes(struct scan *s, const unsigned char *p, size_t n)
{
	size_t i;
	int depth = s->depth;

	if (s->scalar)
		return scan_scalar(s, p, n);
	for (;;) {
		if (s->in_str) {
			if (!scan_string(s, p, n)) {
				s->depth = depth;
				return false;
			}
			if (!depth)
				return true;
		}
		i = s->i;
		while (i < n && !struct_stop[p[i]])
			i++;
		s->i = i + 1;
		if (i >= n) {
			s->i = n;
			s->depth = depth;
			return false;
		}
		switch (p[i]) {
		case '"':
			s->in_str = true;
			break;
		case '\n':
			s->nl++;
			break;
		case '{':
		case '[':
			depth++;
			break;
		default:
			if (--depth <= 0) {
				s->depth = depth;
				return true;
			}
		}
	}
}

static int
too_long(const struct ir_input *in, const char *what, struct ir_err *err)
{
	if (in->max_record >= (1u << 20))
		return ir_err_set(err, IR_EPARSE, "%s longer than %zu MiB",
				  what, in->max_record >> 20);
	return ir_err_set(err, IR_EPARSE, "%s longer than %zu bytes", what,
			  in->max_record);
}

/*
 * Too big: consume the rest of the value without keeping it, then report.
 * Memory stays at one chunk however long the value is.
 */
static int
drain(struct ir_jframe *f, struct scan *s, struct ir_err *err)
{
	struct ir_input *in = f->in;
	long n;

	for (;;) {
		bool done = scan_bytes(s, (unsigned char *)in->buf + in->pos,
				       in->end - in->pos);

		in->pos += s->i;
		s->i = 0;
		if (done)
			break;
		if ((n = ir_input_fill(in, err)) < 0)
			return (int)n;
		if (!n)
			break;
	}
	f->line += s->nl;
	return too_long(in, "value", err);
}

/*
 * Find the end of the value at in->pos. 1: complete, s->i is its length;
 * 0: the input ended inside it; IR_EPARSE (too long, already skipped),
 * IR_EIO.
 */
static int
scan_value(struct ir_jframe *f, struct scan *s, struct ir_err *err)
{
	struct ir_input *in = f->in;
	long n;

	memset(s, 0, sizeof(*s));
	s->scalar = in->buf[in->pos] != '{' && in->buf[in->pos] != '[' &&
		    in->buf[in->pos] != '"';
	/*
	 * The first byte always belongs to the value, so a stray `}` or `]`
	 * is reported as one bad value instead of stalling the scan.
	 */
	if (in->buf[in->pos] == '"')
		s->in_str = true;
	if (s->scalar || s->in_str)
		s->i = 1;
	for (;;) {
		if (scan_bytes(s, (unsigned char *)in->buf + in->pos,
			       in->end - in->pos))
			return 1;
		if (s->i > in->max_record)
			return drain(f, s, err);
		if ((n = ir_input_fill(in, err)) < 0)
			return (int)n;
		if (!n)
			return s->scalar && s->i ? 1 : 0;
	}
}

/* Take the scanned value [pos, pos+len) out of the buffer and parse it. */
static int
emit(struct ir_jframe *f, const struct scan *s, yyjson_val **out,
     uint64_t *line, struct ir_err *err)
{
	size_t off = f->in->pos;

	*line = f->line;
	f->line += s->nl;
	f->in->pos += s->i;
	return parse_at(f, out, off, s->i, err);
}

/* Does the rest of the line after the value hold only white space? */
static int
rest_of_line_blank(struct ir_jframe *f, size_t from, struct ir_err *err)
{
	struct ir_input *in = f->in;
	long n;

	for (;;) {
		for (size_t i = in->pos + from; i < in->end; i++) {
			if (in->buf[i] == '\n')
				return 1;
			if (!is_space(in->buf[i]))
				return 0;
		}
		from = in->end - in->pos;
		if ((n = ir_input_fill(in, err)) < 0)
			return (int)n;
		if (!n)
			return 1;
	}
}

static int
truncated(struct ir_jframe *f, uint64_t *line, struct ir_err *err)
{
	*line = f->line;
	f->in->pos = f->in->end;
	return ir_err_set(err, IR_EPARSE, "the file ends inside this value");
}

/*
 * First value: decides between lines and stream mode. An object that
 * closes on the line it opened, followed by nothing else on that line,
 * makes the file JSON Lines.
 */
static int
next_first(struct ir_jframe *f, yyjson_val **out, uint64_t *line,
	   struct ir_err *err)
{
	struct scan s;
	int ret;

	f->mode = JM_STREAM;
	if ((ret = skip_space(f, false, err)) <= 0)
		return ret;
	if (f->in->buf[f->in->pos] != '{')
		return 2; /* not decided here: let stream mode take it */
	if ((ret = scan_value(f, &s, err)) < 0) {
		*line = f->line;
		return ret;
	}
	if (!ret)
		return truncated(f, line, err);
	if (!s.nl) {
		if ((ret = rest_of_line_blank(f, s.i, err)) < 0)
			return ret;
		if (ret)
			f->mode = JM_LINES;
	}
	return emit(f, &s, out, line, err);
}

static int
next_stream(struct ir_jframe *f, yyjson_val **out, uint64_t *line,
	    struct ir_err *err)
{
	struct ir_input *in = f->in;
	struct scan s;
	int ret;

	for (;;) {
		if ((ret = skip_space(f, true, err)) <= 0)
			return ret;
		if (in->buf[in->pos] == ']' && f->in_array) {
			f->in_array = false;
			in->pos++;
			continue;
		}
		if (in->buf[in->pos] == '[' && !f->in_array) {
			f->in_array = true;
			in->pos++;
			continue;
		}
		break;
	}
	if ((ret = scan_value(f, &s, err)) < 0) {
		*line = f->line;
		return ret;
	}
	if (!ret)
		return truncated(f, line, err);
	return emit(f, &s, out, line, err);
}

/* A line longer than the cap: skip to its end, keeping one chunk. */
static int
skip_long_line(struct ir_jframe *f, uint64_t *line, struct ir_err *err)
{
	struct ir_input *in = f->in;
	const char *nl;
	long n;

	*line = f->line++;
	for (;;) {
		nl = memchr(in->buf + in->pos, '\n', in->end - in->pos);
		if (nl) {
			in->pos = (size_t)(nl - in->buf) + 1;
			break;
		}
		in->pos = in->end;
		if ((n = ir_input_fill(in, err)) < 0)
			return (int)n;
		if (!n)
			break;
	}
	return too_long(in, "line", err);
}

static int
next_line(struct ir_jframe *f, yyjson_val **out, uint64_t *line,
	  struct ir_err *err)
{
	struct ir_input *in = f->in;
	size_t from = 0, start, len;
	const char *nl;
	long n;

	for (;;) {
		nl = memchr(in->buf + in->pos + from, '\n',
			    in->end - in->pos - from);
		if (nl || in->eof)
			break;
		from = in->end - in->pos;
		if (from > in->max_record)
			return skip_long_line(f, line, err);
		if ((n = ir_input_fill(in, err)) < 0)
			return (int)n;
	}
	start = in->pos;
	len = nl ? (size_t)(nl - in->buf) - start : in->end - start;
	if (!nl && !len)
		return 0;
	*line = f->line++;
	in->pos = start + len + (nl ? 1 : 0);
	while (len && is_space(in->buf[start])) {
		start++;
		len--;
	}
	if (!len)
		return 2; /* blank line */
	return parse_at(f, out, start, len, err);
}

int
ir_jframe_next(struct ir_jframe *f, yyjson_val **out, uint64_t *line,
	       struct ir_err *err)
{
	int ret;

	*line = f->line;
	if (f->mode == JM_START) {
		ret = next_first(f, out, line, err);
		if (ret != 2)
			return ret;
	}
	if (f->mode == JM_STREAM)
		return next_stream(f, out, line, err);
	do
		ret = next_line(f, out, line, err);
	while (ret == 2);
	return ret;
}
