/* main.c - the alihdaya command line: one table of subcommands. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand commands[] = {
	{ "init", cli_init, "create a data directory with the default service catalogue" },
	{ "serve", cli_serve, "serve the HTTP API" },
	{ "demo", cli_demo, "create a demo installation with sample work, print tokens, serve" },
	{ "token", cli_token, "create a bearer token for a user" },
	{ "user", cli_user, "create and list users" },
	{ "client", cli_client, "create and list clients" },
	{ "service", cli_service, "create and list catalogue services" },
	{ "engagement", cli_engagement, "create and list engagements" },
	{ "worker", cli_worker, "create and list workers" },
	{ "item", cli_item, "create and list work items" },
	{ "audit", cli_audit, "list and verify the audit trail" },
	{ "backup", cli_backup, "copy the store to a file while it is in use" },
	{ "purge", cli_purge, "delete finished items past their engagement's retention" },
	{ "staff", cli_staff, "workforce planning: Erlang staffing and plans" },
	{ "keys", cli_keys, "the encryption keys: status and rotation" },
	{ "quality", cli_quality, "quality reports: gold accuracy, agreement, reviews, defects" },
	{ "review", cli_review, "review sampling: the review queue, lots, defect codes, sampling" },
	{ "time", cli_time, "time entries: log, start and stop a timer, list" },
	{ "assess", cli_assess, "process-fit assessment: BPO, KPO or in-house, and the cost of each" },
	{ "gold", cli_gold, "gold items: an engagement's set and settings, a worker's quality" },
	{ "work", cli_work, "a worker's own work: release an item back to its queue" },
	{ "invoice", cli_invoice, "invoices: draft a locked period, issue, pay, credit, show, PDF, CSV" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: alihdaya <command> [options]   (alihdaya <command> --help for more)\n\n"
		   "alihdaya runs an outsourcing provider's work: clients submit items, workers\n"
		   "qualified and cleared for each client take and finish them, every step recorded.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nsettings: flags over ALIHDAYA_* environment over the file in ALIHDAYA_CONFIG.\n");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "alihdaya: cannot initialise libsodium\n");
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "alihdaya: unknown command '%s' (see alihdaya --help)\n", argv[1]);
	return 2;
}
