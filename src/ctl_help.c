/*
 * ctl_help.c: the supervisorctl personality's help texts, word for word
 * supervisorctl 4.2.5's: "help", "help VERB", and the usage it prints
 * after a verb's wrong arguments.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

struct help {
	const char	*h_verb;
	const char	*h_text;
};

static const struct help helps[] = {
	{ "add", "add <name> [...]\tActivates any updates in config for "
	    "process/group\n" },
	{ "avail", "avail\t\t\tDisplay all configured processes\n" },
	{ "clear", "clear <name>\t\tClear a process' log files.\n"
	    "clear <name> <name>\tClear multiple process' log files\n"
	    "clear all\t\tClear all process' log files\n" },
	{ "exit", "exit\tExit the supervisor shell.\n" },
	{ "fg", "fg <process>\tConnect to a process in foreground mode\n"
	    "\t\tCtrl-C to exit\n" },
	{ "maintail", "maintail -f \tContinuous tail of supervisor main log "
	    "file (Ctrl-C to exit)\n"
	    "maintail -100\tlast 100 *bytes* of supervisord main log file\n"
	    "maintail\tlast 1600 *bytes* of supervisor main log file\n\n" },
	{ "open", "open <url>\tConnect to a remote supervisord process.\n"
	    "\t\t(for UNIX domain socket, use unix:///socket/path)\n" },
	{ "pid", "pid\t\t\tGet the PID of supervisord.\n"
	    "pid <name>\t\tGet the PID of a single child process by name.\n"
	    "pid all\t\t\tGet the PID of every child process, one per line.\n" },
	{ "quit", "quit\tExit the supervisor shell.\n" },
	{ "reload", "reload \t\tRestart the remote supervisord.\n" },
	{ "remove", "remove <name> [...]\tRemoves process/group from active "
	    "config\n" },
	{ "reread", "reread \t\t\tReload the daemon's configuration files "
	    "without add/remove\n" },
	{ "restart", "restart <name>\t\tRestart a process\n"
	    "restart <gname>:*\tRestart all processes in a group\n"
	    "restart <name> <name>\tRestart multiple processes or groups\n"
	    "restart all\t\tRestart all processes\n"
	    "Note: restart does not reread config files. For that, see "
	    "reread and update.\n" },
	{ "shutdown", "shutdown \tShut the remote supervisord down.\n" },
	{ "signal", "signal <signal name> <name>\t\tSignal a process\n"
	    "signal <signal name> <gname>:*\t\tSignal all processes in a "
	    "group\n"
	    "signal <signal name> <name> <name>\tSignal multiple processes "
	    "or groups\n"
	    "signal <signal name> all\t\tSignal all processes\n" },
	{ "start", "start <name>\t\tStart a process\n"
	    "start <gname>:*\t\tStart all processes in a group\n"
	    "start <name> <name>\tStart multiple processes or groups\n"
	    "start all\t\tStart all processes\n" },
	{ "status", "status <name>\t\tGet status for a single process\n"
	    "status <gname>:*\tGet status for all processes in a group\n"
	    "status <name> <name>\tGet status for multiple named processes\n"
	    "status\t\t\tGet all process status info\n" },
	{ "stop", "stop <name>\t\tStop a process\n"
	    "stop <gname>:*\t\tStop all processes in a group\n"
	    "stop <name> <name>\tStop multiple processes or groups\n"
	    "stop all\t\tStop all processes\n" },
	{ "tail", "tail [-f] <name> [stdout|stderr] (default stdout)\n"
	    "Ex:\n"
	    "tail -f <name>\t\tContinuous tail of named process stdout\n"
	    "\t\t\tCtrl-C to exit.\n"
	    "tail -100 <name>\tlast 100 *bytes* of process stdout\n"
	    "tail <name> stderr\tlast 1600 *bytes* of process stderr\n" },
	{ "update", "update\t\t\tReload config and add/remove as necessary, "
	    "and will restart affected programs\n"
	    "update all\t\tReload config and add/remove as necessary, and "
	    "will restart affected programs\n"
	    "update <gname> [...]\tUpdate specific groups\n" },
	{ "version", "version\t\t\tShow the version of the remote supervisord "
	    "process\n" },
	{ "help", "help\t\tPrint a list of available actions\n"
	    "help <action>\tPrint help for <action>\n" },
	{ "EOF", "To quit, type ^D or use the quit command\n" },
};

/* The usage of one verb; false if it has none. */
bool
ctl_help_verb(const char *verb)
{
	size_t i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (strcmp(helps[i].h_verb, verb) == 0) {
			fputs(helps[i].h_text, stdout);
			return true;
		}
	return false;
}

/* "help" alone: cmd.Cmd's table of topics, as supervisorctl prints it. */
void
ctl_help_all(void)
{
	fputs("\n"
	    "default commands (type help <topic>):\n"
	    "=====================================\n"
	    "add    exit      open  reload  restart   start   tail   \n"
	    "avail  fg        pid   remove  shutdown  status  update \n"
	    "clear  maintail  quit  reread  signal    stop    version\n"
	    "\n", stdout);
}
