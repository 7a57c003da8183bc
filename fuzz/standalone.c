/* SPDX-License-Identifier: MIT */
/*
 * standalone.c - run a libFuzzer harness over files without libFuzzer
 * (libgit2's pattern). Each argument is a file or a directory of files;
 * every file is fed once to LLVMFuzzerTestOneInput. This is how `make
 * check` replays the seed and regression corpora under the sanitizers.
 */
#include "util/compat.h"

#include <dirent.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	struct ir_buf b = IR_BUF_INIT;
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	uint8_t *copy;

	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ir_buf_add(&b, chunk, n);
	fclose(f);
	/* An exact-size copy so ASan catches reads past the input's end. */
	copy = xmalloc(b.len ? b.len : 1);
	memcpy(copy, b.buf, b.len);
	LLVMFuzzerTestOneInput(copy, b.len);
	free(copy);
	ir_buf_release(&b);
	return 0;
}

static int
run_path(const char *path, size_t *count)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: not found\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct ir_buf p = IR_BUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		ir_buf_addf(&p, "%s/%s", path, de->d_name);
		if (run_path(p.buf, count) < 0)
			ret = -1;
		ir_buf_release(&p);
	}
	closedir(d);
	return ret;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int ret = 0;

	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count) < 0)
			ret = 1;
	printf("replayed %zu inputs\n", count);
	return ret;
}
