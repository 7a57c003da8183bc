/* SPDX-License-Identifier: MIT */
/*
 * fs.h - files that are either complete or absent (git's lockfile.h idea).
 *
 * Reports, plans and token caches must never be seen half-written: a
 * crash or a full disk while writing findings.csv must not leave a short
 * file that looks like a clean result. So every output is written to a
 * temporary name beside its final name (DIR/.name.tmp), fsync'd, renamed
 * over the final name, and the directory fsync'd so the rename itself is
 * durable. A run that fails before commit removes the temporary file.
 *
 * One shot, for data already in memory:
 *
 *	if (ir_write_file_atomic("out/summary.txt", b.buf, b.len, 0600,
 *				 &err) < 0)
 *		return err.code;
 *
 * Streaming, for output too large to hold (a timeline):
 *
 *	struct ir_atomic_file af = IR_ATOMIC_FILE_INIT;
 *	if (ir_atomic_file_open(&af, "out/timeline.csv", 0600, &err) < 0)
 *		return err.code;
 *	fputs("time,user,...\r\n", af.fp);	// write through af.fp
 *	ret = ir_atomic_file_commit(&af, &err);	// or _abort on failure
 *
 * Both return 0, or IR_EIO with a message naming the path and the
 * system error.
 */
#ifndef IR_FS_H
#define IR_FS_H

#include "util/compat.h"
#include "util/err.h"

struct ir_atomic_file {
	FILE *fp;   /* write here; NULL when not open */
	char *path; /* final name (owned) */
	char *tmp;  /* temporary name (owned) */
};
#define IR_ATOMIC_FILE_INIT { NULL, NULL, NULL }

/*
 * Write `len` bytes of `data` to `path` atomically with permissions
 * `mode`. `path` is borrowed. Replaces an existing file.
 */
int ir_write_file_atomic(const char *path, const void *data, size_t len,
			 unsigned mode, struct ir_err *err) IR_MUST_CHECK;

/*
 * Create the temporary file for `path` (a stale one from a crashed run is
 * replaced) and open it for writing with permissions `mode`.
 */
int ir_atomic_file_open(struct ir_atomic_file *af, const char *path,
			unsigned mode, struct ir_err *err) IR_MUST_CHECK;

/*
 * Flush, fsync, rename into place and fsync the directory. Any earlier
 * write error on af->fp is reported here. The file is closed (and the
 * temporary removed on failure) either way.
 */
int ir_atomic_file_commit(struct ir_atomic_file *af,
			  struct ir_err *err) IR_MUST_CHECK;

/* Close and remove the temporary file; safe on a closed or unopened one. */
void ir_atomic_file_abort(struct ir_atomic_file *af);

/*
 * Create directory `path`, and its missing parents, with permissions
 * `mode` (0700 for reports: they name users and addresses). An existing
 * directory is used only if it is a real directory (not a symbolic link)
 * owned by this user and writable by no one else, since another local
 * user could otherwise swap the report's files; anything else is IR_EIO
 * with the reason.
 */
int ir_mkdir(const char *path, unsigned mode, struct ir_err *err)
	IR_MUST_CHECK;

#endif
