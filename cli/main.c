/* SPDX-License-Identifier: MIT */
/*
 * main.c - m365ir's entry point: global options, dispatch to a command,
 * and the one table that maps library error codes to exit codes.
 */
#include "util/compat.h"

#include <stdarg.h>
#include <unistd.h>

#include "cli/cli.h"

int
cli_exit_code(int code)
{
	switch (code) {
	case IR_OK:
		return CLI_EXIT_OK;
	case IR_EUSAGE:
		return CLI_EXIT_USAGE;
	case IR_EAUTH:
		return CLI_EXIT_AUTH;
	case IR_ENOTFOUND:
	case IR_EPARSE:
	case IR_EIO:
	case IR_ETHROTTLED:
		return CLI_EXIT_INCOMPLETE;
	case IR_ECONFLICT:
	case IR_ECANCELLED:
	case IR_ERROR:
		return CLI_EXIT_STEP_FAILED;
	}
	return CLI_EXIT_BUG;
}

int
cli_fail(const struct ir_err *err)
{
	fprintf(stderr, "m365ir: %s\n",
		err->msg[0] ? err->msg : ir_code_name(err->code));
	return cli_exit_code(err->code);
}

int
cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("m365ir: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\nTry 'm365ir %s --help'.\n",
		cmd->usage, cmd->name);
	return CLI_EXIT_USAGE;
}

int
cli_help(const struct cli_cmd *cmd, const char *options)
{
	printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
	if (options)
		printf("\n%s", options);
	return CLI_EXIT_OK;
}

static int
usage(void)
{
	fputs("usage: m365ir <command> [options] [args]\n\ncommands:\n",
	      stderr);
	for (size_t i = 0; cli_commands[i]; i++)
		fprintf(stderr, "  %-12s %s\n", cli_commands[i]->name,
			cli_commands[i]->summary);
	fputs("\n'm365ir <command> --help' explains one command; "
	      "'man m365ir' has the details.\n",
	      stderr);
	return CLI_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	struct cli_ctx ctx = { 0 };
	const struct cli_cmd *cmd;

	ctx.out = stdout;
	ctx.out_tty = isatty(STDOUT_FILENO);
	ctx.err_tty = isatty(STDERR_FILENO);
	ctx.argv0 = argv[0];
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help.run(&ctx, 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cmd_version.run(&ctx, 1, argv + 1);
	cmd = cli_command_lookup(argv[1]);
	if (!cmd) {
		fprintf(stderr, "m365ir: '%s' is not a command\n", argv[1]);
		return usage();
	}
	return cmd->run(&ctx, argc - 1, argv + 1);
}
