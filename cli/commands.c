/* SPDX-License-Identifier: MIT */
/*
 * commands.c - the command table: one line per command, sorted. Adding a
 * command is a new cli/cmd-<name>.c, one line here, one extern in cli.h and
 * a man page (docs/howto/add-a-command.md).
 */
#include "util/compat.h"

#include "cli/cli.h"

const struct cli_cmd *const cli_commands[] = {
	&cmd_analyze,
	&cmd_events,
	&cmd_help,
	&cmd_version,
	NULL,
};

const struct cli_cmd *
cli_command_lookup(const char *name)
{
	for (size_t i = 0; cli_commands[i]; i++)
		if (!strcmp(cli_commands[i]->name, name))
			return cli_commands[i];
	return NULL;
}
