/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the m365ir front end: the command table, the context every
 * command gets, and the helpers that turn library errors into messages and
 * exit codes.
 *
 * This layer, and only this layer, prints and chooses exit codes (the
 * library under src/ never does). A command is one file, cli/cmd-<name>.c,
 * defining `const struct cli_cmd cmd_<name>`, registered by one line in
 * commands.c; its usage text must match SYNOPSIS in docs/man/m365ir-<name>.1
 * (scripts/check-registry compares them).
 *
 * Exit codes (DESIGN.md): 0 nothing found / success, 1 findings present,
 * 2 usage or configuration error, 3 incomplete (some input unreadable or
 * some check could not run: the output says which), 4 authentication or
 * permission error, 5 a remediation step failed, 70 internal bug. When a
 * run is both incomplete and has findings, 3 wins: a partial result must
 * never be scripted as a complete one.
 */
#ifndef IR_CLI_H
#define IR_CLI_H

#include "util/compat.h"
#include "util/err.h"

enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FINDINGS = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_INCOMPLETE = 3,
	CLI_EXIT_AUTH = 4,
	CLI_EXIT_STEP_FAILED = 5,
	CLI_EXIT_BUG = 70,
};

struct cli_ctx {
	FILE *out;	/* stdout */
	bool out_tty;	/* stdout is a terminal: colour, progress */
	bool err_tty;	/* stderr is a terminal */
	const char *argv0;
};

enum cli_cmd_flags {
	/* Changes the tenant: the dispatcher requires a plan and --apply. */
	CLI_WRITES_TENANT = (1 << 0),
};

struct cli_cmd {
	const char *name;
	const char *summary; /* one line for `m365ir help` */
	const char *usage;   /* SYNOPSIS lines, "\n"-separated */
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
	unsigned flags;
};

/* The command table, sorted by name, NULL-terminated (commands.c). */
extern const struct cli_cmd *const cli_commands[];
const struct cli_cmd *cli_command_lookup(const char *name);

/* Print "m365ir: <msg>" for `err` and return the exit code for its code. */
int cli_fail(const struct ir_err *err);

/* Print "usage: ..." for `cmd` plus `fmt` and return CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
	IR_PRINTF(2, 3);

/* Print the usage and option help of `cmd` to stdout; returns 0. */
int cli_help(const struct cli_cmd *cmd, const char *options);

/* The exit code for a library return code. */
int cli_exit_code(int code);

/* One extern line per command, alphabetical. */
extern const struct cli_cmd cmd_analyze;
extern const struct cli_cmd cmd_events;
extern const struct cli_cmd cmd_help;
extern const struct cli_cmd cmd_version;

#endif
