/* SPDX-License-Identifier: MIT */
/*
 * input.c - the byte source under every reader, and format detection.
 *
 * Files are read with read(2) in 1 MiB chunks into one buffer that the
 * framers scan in place; the buffer grows only to hold the largest record,
 * never the file. Standard input ("-") and memory blocks (fuzzing, tests)
 * go through the same code.
 *
 * The format is recognised from the first bytes, never from the name: an
 * administrator's "audit.json" is as often a CSV saved by a portal as the
 * other way round. A UTF-8 BOM (Export-Csv -Encoding UTF8 and the Purview
 * portal write one) is skipped; UTF-16 (Windows PowerShell 5.1's `>` and
 * Out-File default) and compressed or binary files are refused with a
 * message saying what the file looks like, so the user knows what to do.
 */
#include "util/compat.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"
#include "logs/input.h"

#define SNIFF_BYTES 4096

static void
input_init(struct ir_input *in, const char *path)
{
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->fd = -1;
	in->chunk = IR_INPUT_CHUNK;
	in->max_record = IR_LOGS_MAX_RECORD;
}

static int
open_error(const char *path, int e, struct ir_err *err)
{
	if (e == ENOENT || e == ENOTDIR)
		return ir_err_set(err, IR_ENOTFOUND, "%s: no such file", path);
	return ir_err_set(err, IR_EIO, "%s: cannot open: %s", path,
			  strerror(e));
}

int
ir_input_open(struct ir_input *in, const char *path, struct ir_err *err)
{
	struct stat st;

	input_init(in, path);
	if (!strcmp(path, "-")) {
		in->fd = STDIN_FILENO;
		return 0;
	}
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0)
		return open_error(path, errno, err);
	in->close_fd = true;
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		ir_input_release(in);
		return ir_err_set(err, IR_EIO,
				  "%s: is a directory (give the files in it)",
				  path);
	}
	return 0;
}

void
ir_input_open_mem(struct ir_input *in, const char *name, const void *data,
		  size_t len)
{
	input_init(in, name);
	in->mem = data;
	in->memlen = len;
	/* A small block needs no 1 MiB buffer (fuzzing runs millions). */
	if (len < in->chunk)
		in->chunk = len < 64 ? 64 : len + 1;
}

void
ir_input_release(struct ir_input *in)
{
	if (in->close_fd && in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	in->close_fd = false;
	free(in->buf);
	in->buf = NULL;
	in->cap = in->pos = in->end = 0;
}

static long
raw_read(struct ir_input *in, char *dst, size_t cap)
{
	ssize_t n;

	if (in->fd >= 0) {
		do
			n = read(in->fd, dst, cap);
		while (n < 0 && errno == EINTR);
		return (long)n;
	}
	if (cap > in->memlen - in->memoff)
		cap = in->memlen - in->memoff;
	memcpy(dst, in->mem + in->memoff, cap);
	in->memoff += cap;
	return (long)cap;
}

static void
make_room(struct ir_input *in)
{
	size_t keep = in->end - in->pos;
	size_t ncap;

	if (in->pos) {
		memmove(in->buf, in->buf + in->pos, keep);
		in->offset += in->pos;
		in->end = keep;
		in->pos = 0;
	}
	if (in->buf && in->cap - in->end >= in->chunk)
		return;
	ncap = in->cap ? in->cap * 2 : in->chunk;
	if (ncap < in->end + in->chunk)
		ncap = in->end + in->chunk;
	in->buf = xrealloc(in->buf, ncap + YYJSON_PADDING_SIZE);
	in->cap = ncap;
}

long
ir_input_fill(struct ir_input *in, struct ir_err *err)
{
	long n;

	if (in->eof)
		return 0;
	make_room(in);
	n = raw_read(in, in->buf + in->end, in->chunk);
	if (n < 0)
		return ir_err_set(err, IR_EIO, "%s: read error: %s", in->path,
				  strerror(errno));
	if (!n)
		in->eof = true;
	in->end += (size_t)n;
	memset(in->buf + in->end, 0, YYJSON_PADDING_SIZE);
	return n;
}

uint64_t
ir_input_consumed(const struct ir_input *in)
{
	return in->offset + in->pos;
}

long
ir_input_read(void *payload, char *dst, size_t cap)
{
	struct ir_input *in = payload;
	size_t n = in->end - in->pos;

	if (n) {
		if (n > cap)
			n = cap;
		memcpy(dst, in->buf + in->pos, n);
		in->pos += n;
		return (long)n;
	}
	if (in->eof)
		return 0;
	return raw_read(in, dst, cap);
}

/* Buffer at least `want` bytes, or all there is. */
static int
peek(struct ir_input *in, size_t want, struct ir_err *err)
{
	long n;

	while (in->end - in->pos < want && !in->eof) {
		n = ir_input_fill(in, err);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
has_prefix(const struct ir_input *in, const char *p, size_t n)
{
	return in->end - in->pos >= n && !memcmp(in->buf + in->pos, p, n);
}

/* A short, printable quote of the first line, for "looks like" messages. */
static void
first_line(char *out, size_t size, const struct ir_input *in)
{
	size_t j = 0;

	for (size_t i = in->pos; i < in->end && j + 1 < size; i++) {
		unsigned char c = (unsigned char)in->buf[i];

		if (c == '\n' || c == '\r')
			break;
		out[j++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[j] = '\0';
}

/*
 * A few NULs can be data (an inbox rule named "\0" in a CSV cell); binary
 * files have many.
 */
static size_t
count_nul(const struct ir_input *in)
{
	size_t n = 0;

	for (size_t i = in->pos; i < in->end; i++)
		n += !in->buf[i];
	return n;
}

/* Refuse what is recognisably not a log: say what it is and what to do. */
static int
refuse_known(const struct ir_input *in, struct ir_err *err)
{
	const char *p = in->path;

	if (has_prefix(in, "\xff\xfe", 2) || has_prefix(in, "\xfe\xff", 2))
		return ir_err_set(err, IR_EPARSE,
				  "%s: looks like UTF-16 text (Windows "
				  "PowerShell's default); convert it to UTF-8",
				  p);
	if (has_prefix(in, "PK\x03\x04", 4))
		return ir_err_set(err, IR_EPARSE,
				  "%s: looks like a zip archive; extract it "
				  "and give the files in it", p);
	if (has_prefix(in, "\x1f\x8b", 2))
		return ir_err_set(err, IR_EPARSE,
				  "%s: looks like gzip-compressed data; "
				  "decompress it first", p);
	if (count_nul(in) > (in->end - in->pos) / 256 + 2)
		return ir_err_set(err, IR_EPARSE,
				  "%s: looks like binary data, not a JSON or "
				  "CSV log export", p);
	return 0;
}

static int
sniff_auto(enum ir_format *out, struct ir_input *in, struct ir_err *err)
{
	char line[64];
	size_t i = in->pos;
	const char *nl;
	int ret;

	/* White space before the first value may be longer than a sniff. */
	for (;;) {
		while (i < in->end && is_space(in->buf[i]))
			i++;
		if (i < in->end || in->eof)
			break;
		i -= in->pos;
		if ((ret = (int)ir_input_fill(in, err)) < 0)
			return ret;
		i += in->pos;
	}
	if (i == in->end || in->buf[i] == '{' || in->buf[i] == '[') {
		*out = IR_FORMAT_JSON;
		return 0;
	}
	if ((ret = refuse_known(in, err)) < 0)
		return ret;
	nl = memchr(in->buf + in->pos, '\n', in->end - in->pos);
	if (has_prefix(in, "#TYPE", 5) ||
	    memchr(in->buf + in->pos, ',',
		   (nl ? (size_t)(nl - in->buf) : in->end) - in->pos)) {
		*out = IR_FORMAT_CSV;
		return 0;
	}
	first_line(line, sizeof(line), in);
	return ir_err_set(err, IR_EPARSE,
			  "%s: not a JSON or CSV log export (first line: "
			  "\"%s\")", in->path, line);
}

/* Consume a `#TYPE Deserialized...` line (Export-Csv without -NoType...). */
static int
skip_type_line(struct ir_input *in, uint64_t *skipped, struct ir_err *err)
{
	const char *nl;
	int ret;

	if (!has_prefix(in, "#TYPE", 5))
		return 0;
	while (!(nl = memchr(in->buf + in->pos, '\n', in->end - in->pos)) &&
	       !in->eof)
		if ((ret = (int)ir_input_fill(in, err)) < 0)
			return ret;
	in->pos = nl ? (size_t)(nl - in->buf) + 1 : in->end;
	*skipped = 1;
	return 0;
}

int
ir_input_sniff(enum ir_format *out, struct ir_input *in, enum ir_format forced,
	       uint64_t *skipped_lines, struct ir_err *err)
{
	int ret;

	*skipped_lines = 0;
	if ((ret = peek(in, SNIFF_BYTES, err)) < 0)
		return ret;
	if (has_prefix(in, "\xef\xbb\xbf", 3))
		in->pos += 3;
	if (forced != IR_FORMAT_AUTO)
		*out = forced;
	else if ((ret = sniff_auto(out, in, err)) < 0)
		return ret;
	if (*out == IR_FORMAT_CSV)
		return skip_type_line(in, skipped_lines, err);
	return 0;
}
