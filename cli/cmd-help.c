/* SPDX-License-Identifier: MIT */
/*
 * cmd-help.c - `m365ir help [COMMAND]`: the command list, or one command's
 * usage (the same text as `m365ir COMMAND --help`).
 */
#include "util/compat.h"

#include "cli/cli.h"

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	char *sub[] = {NULL, (char *)"--help", NULL};

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cli_help(&cmd_help, NULL);
	if (argc > 1) {
		cmd = cli_command_lookup(argv[1]);
		if (!cmd)
			return cli_usage_error(
				&cmd_help, "'%s' is not a command", argv[1]);
		sub[0] = argv[1];
		return cmd->run(ctx, 2, sub);
	}
	fputs("m365ir: find, fix and prevent account compromise in Microsoft "
	      "365\n\nusage: m365ir <command> [options] [args]\n\ncommands:\n",
	      ctx->out);
	for (size_t i = 0; cli_commands[i]; i++)
		fprintf(ctx->out, "  %-12s %s\n", cli_commands[i]->name,
			cli_commands[i]->summary);
	fputs("\nexit codes: 0 nothing found, 1 findings, 2 usage error, "
	      "3 incomplete input,\n4 authentication error, 5 a remediation "
	      "step failed\n",
	      ctx->out);
	return CLI_EXIT_OK;
}

const struct cli_cmd cmd_help = {
	.name = "help",
	.summary = "list the commands, or explain one",
	.usage = "m365ir help [COMMAND]",
	.run = run,
};
