/* SPDX-License-Identifier: MIT */
/*
 * fs.c - atomic file replacement: temporary name, fsync, rename, fsync of
 * the directory (fs.h explains why).
 *
 * The temporary name is fixed (DIR/.name.tmp) rather than random so that a
 * crashed run leaves at most one stale file per output, which the next run
 * replaces; two concurrent runs into one directory are not supported.
 */
#include "util/compat.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

static char *
tmp_name(const char *path)
{
	struct ir_buf b = IR_BUF_INIT;
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;

	ir_buf_add(&b, path, dirlen);
	ir_buf_addf(&b, ".%s.tmp", path + dirlen);
	return ir_buf_detach(&b, NULL);
}

static int
fsync_dir_of(const char *path, struct ir_err *err)
{
	const char *slash = strrchr(path, '/');
	/* "/x" lives in "/", "x" in ".", "a/b/x" in "a/b" */
	size_t dirlen = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
	char *dir = slash ? xstrndup(path, dirlen) : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int ret = 0;

	/* Some file systems refuse fsync on a directory: that is not fatal. */
	if (fd >= 0 && fsync(fd) < 0 && errno != EINVAL && errno != EBADF)
		ret = ir_err_set(err, IR_EIO, "%s: fsync: %s", dir,
				 strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return ret;
}

int
ir_atomic_file_open(struct ir_atomic_file *af, const char *path,
		    unsigned mode, struct ir_err *err)
{
	int fd;

	af->path = xstrdup(path);
	af->tmp = tmp_name(path);
	unlink(af->tmp);
	fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  (mode_t)mode);
	if (fd < 0) {
		ir_err_set(err, IR_EIO, "%s: %s", af->tmp, strerror(errno));
		ir_atomic_file_abort(af);
		return IR_EIO;
	}
	af->fp = fdopen(fd, "w");
	if (!af->fp) {
		close(fd);
		ir_err_set(err, IR_EIO, "%s: %s", af->tmp, strerror(errno));
		ir_atomic_file_abort(af);
		return IR_EIO;
	}
	return 0;
}

void
ir_atomic_file_abort(struct ir_atomic_file *af)
{
	if (af->fp)
		fclose(af->fp);
	if (af->tmp)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	af->fp = NULL;
	af->path = af->tmp = NULL;
}

int
ir_atomic_file_commit(struct ir_atomic_file *af, struct ir_err *err)
{
	FILE *fp = af->fp;
	int ret = 0;

	if (!fp)
		IR_BUG("commit of an atomic file that is not open");
	af->fp = NULL;
	if (fflush(fp) || ferror(fp) || fsync(fileno(fp)) < 0)
		ret = ir_err_set(err, IR_EIO, "%s: %s", af->tmp,
				 strerror(errno));
	if (fclose(fp) && !ret)
		ret = ir_err_set(err, IR_EIO, "%s: %s", af->tmp,
				 strerror(errno));
	if (!ret && rename(af->tmp, af->path) < 0)
		ret = ir_err_set(err, IR_EIO, "%s: %s", af->path,
				 strerror(errno));
	if (!ret)
		ret = fsync_dir_of(af->path, err);
	else
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	af->path = af->tmp = NULL;
	return ret;
}

int
ir_write_file_atomic(const char *path, const void *data, size_t len,
		     unsigned mode, struct ir_err *err)
{
	struct ir_atomic_file af = IR_ATOMIC_FILE_INIT;
	int ret;

	if ((ret = ir_atomic_file_open(&af, path, mode, err)) < 0)
		return ret;
	if (len && fwrite(data, 1, len, af.fp) != len) {
		ret = ir_err_set(err, IR_EIO, "%s: %s", af.tmp,
				 strerror(errno));
		ir_atomic_file_abort(&af);
		return ret;
	}
	return ir_atomic_file_commit(&af, err);
}

/* An existing `path`: a directory of ours that others cannot write. */
static int
check_existing(const char *path, struct ir_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return ir_err_set(err, IR_EIO, "%s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return ir_err_set(err, IR_EIO,
				  "%s: is a symbolic link; give the real "
				  "directory",
				  path);
	if (!S_ISDIR(st.st_mode))
		return ir_err_set(err, IR_EIO, "%s: exists and is not a "
					       "directory",
				  path);
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return ir_err_set(err, IR_EIO,
				  "%s: owned by someone else or writable by "
				  "others; use a directory of your own "
				  "(chmod go-w)",
				  path);
	return 0;
}

/* mkdir -p for the parents of `path` (they keep the default mode). */
static int
make_parents(const char *path, struct ir_err *err)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1; *s && !ret; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			ret = ir_err_set(err, IR_EIO, "%s: %s", p,
					 strerror(errno));
		*s = '/';
	}
	free(p);
	return ret;
}

int
ir_mkdir(const char *path, unsigned mode, struct ir_err *err)
{
	int ret;

	if (!mkdir(path, (mode_t)mode))
		return 0;
	if (errno == ENOENT) {
		if ((ret = make_parents(path, err)) < 0)
			return ret;
		if (!mkdir(path, (mode_t)mode))
			return 0;
	}
	if (errno == EEXIST)
		return check_existing(path, err);
	return ir_err_set(err, IR_EIO, "%s: %s", path, strerror(errno));
}
