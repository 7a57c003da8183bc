/* SPDX-License-Identifier: MIT */
/*
 * cmd-version.c - `m365ir version`: the version and the library versions it
 * was built with, for bug reports.
 */
#include "util/compat.h"

#include <yyjson.h>

#include "cli/cli.h"

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cli_help(&cmd_version, NULL);
	if (argc > 1)
		return cli_usage_error(&cmd_version, "unexpected argument '%s'",
				       argv[1]);
	fprintf(ctx->out, "m365ir %s (yyjson %s)\n", IR_VERSION,
		YYJSON_VERSION_STRING);
	return CLI_EXIT_OK;
}

const struct cli_cmd cmd_version = {
	.name = "version",
	.summary = "print the version of m365ir and its libraries",
	.usage = "m365ir version",
	.run = run,
};
