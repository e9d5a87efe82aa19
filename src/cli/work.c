/* work.c - subcommands for the work's setup: engagement, worker (app/engagements.h, app/people.h). */
#include <string.h>

#include "app/engagements.h"
#include "app/people.h"
#include "cli/cli.h"
#include "cli/common.h"

/* engagement create --client ID --service CODE --name N --sla DUR ... | engagement list */
int cli_engagement(int argc, char **argv)
{
	static const char *const cols[] = { "id", "client_id", "kind", "name", "sla_seconds",
					    "lease_seconds", NULL };
	static const struct cli_noun_def def = {
	    .noun = "engagement",
	    .verbs = "create list update deactivate activate",
	    .usage =
		"usage: alihdaya engagement create --client ID --service CODE --name NAME --sla DUR\n"
		"           [--lease DUR] [--priority 1-9] [--skill CODE:LEVEL]... [--language CODE:LEVEL]...\n"
		"           [--time-zone ZONE] [--data DIR]\n"
		"       alihdaya engagement list [--json] [--after ID] [--limit N] [--data DIR]\n"
		"       alihdaya engagement queue ID [--json] [--data DIR]\n"
		"       alihdaya engagement update ID [--name N] [--sla DUR] [--lease DUR]\n"
		"           [--lease-max DUR] [--priority 1-9] [--skill CODE:LEVEL]...\n"
		"           [--language CODE:LEVEL]... [--time-zone ZONE]\n"
		"       alihdaya engagement deactivate|activate ID [--data DIR]\n\n"
		"Durations take a unit: 90s, 30m, 8h or 5d (days); a bare number is refused.\n"
		"An engagement is one client's contract for one service. Items are due --sla after\n"
		"they arrive; a worker holds an item for --lease (default 30m) before it returns\n"
		"to the queue. Only workers with every --skill and --language at the level, and\n"
		"cleared for the client, receive its items. --time-zone (old name --tz)\n"
		"defaults to the client's zone, as on the API.\n"
		"A lease is renewed up to --lease-max from its start (default 4 x --lease; the KPO\n"
		"default lease is 8h). update changes only the options given (a --skill list\n"
		"replaces the one before); deactivate pauses it: no work handed out, no new items.\n",
	    .kind = APP_ENGAGEMENT,
	    .cols = cols,
	    .create = CMD_ENGAGEMENT_CREATE,
	};
	struct cli_levels skills = {0}, langs = {0};
	struct engagement_in in = ENGAGEMENT_IN_INIT;
	const struct cli_arg args[] = {
	    CLI_ARG("client", CLI_ARG_ID, &in.client_id),
	    CLI_ARG("service", CLI_ARG_STR, &in.service_code),
	    CLI_ARG("name", CLI_ARG_STR, &in.name),
	    CLI_ARG("sla", CLI_ARG_DUR, &in.sla_s),
	    CLI_ARG("lease", CLI_ARG_DUR, &in.lease_s),
	    CLI_ARG("lease-max", CLI_ARG_DUR, &in.lease_max_s),
	    CLI_ARG("priority", CLI_ARG_NUM, &in.priority),
	    CLI_ARG_NG("skill", CLI_ARG_LEVELS, &skills, &in.n_skills, CLI_LEVELS_MAX,
		       &in.has_skills),
	    CLI_ARG_NG("language", CLI_ARG_LEVELS, &langs, &in.n_langs, CLI_LEVELS_MAX,
		       &in.has_langs),
	    CLI_ARG("time-zone", CLI_ARG_STR, &in.time_zone),
	    CLI_ARG("tz", CLI_ARG_STR, &in.time_zone),
	    CLI_ARG_END};

	if (argc >= 2 && !strcmp(argv[1], "queue"))
		return cli_engagement_queue(argc, argv);
	in.skills = skills.in;
	in.langs = langs.in;
	return cli_noun_main(&def, argc, argv, args, &in);
}

/* worker create --login L --name N --skill C:L ... --clear CLIENT ... | worker list */
int cli_worker(int argc, char **argv)
{
	static const char *const cols[] = { "id", "name", "country", "capacity", "status", NULL };
	static const struct cli_noun_def def = {
	    .noun = "worker",
	    .verbs = "create list status update deactivate activate",
	    .usage =
		"usage: alihdaya worker create --login LOGIN --name NAME --country CC [--time-zone ZONE]\n"
		"           [--skill CODE:LEVEL]... [--language CODE:LEVEL]... [--credential C]...\n"
		"           [--capacity N] [--cost-per-hour MINOR] [--currency USD]\n"
		"           [--clearance CLIENT_ID]...\n"
		"       alihdaya worker list [--json] [--after ID] [--limit N] [--data DIR]\n"
		"       alihdaya worker status ID available|away|offline [--data DIR]\n"
		"       alihdaya worker update ID [the create's options but --login]\n"
		"       alihdaya worker deactivate|activate ID [--data DIR]\n\n"
		"Creates the worker and its login user (role worker). A worker receives items\n"
		"only of clients it is cleared for (--clearance), up to --capacity at once.\n"
		"update changes only the options given (a repeated list replaces the one\n"
		"before); deactivate suspends it: no work, and it cannot make itself available.\n"
		"Old names: --tz, --cost, --clear.\n",
	    .kind = APP_WORKER,
	    .cols = cols,
	    .create = CMD_WORKER_CREATE,
	    .other = cli_worker_status,
	};
	static int64_t clear[MODEL_MAX_CLEAR]; /* 2 KiB: off the stack */
	struct cli_levels skills = {0}, langs = {0};
	const char *creds[MODEL_MAX_CREDS];
	struct worker_in in = WORKER_IN_INIT;
	const struct cli_arg args[] = {
	    CLI_ARG("login", CLI_ARG_STR, &in.login),
	    CLI_ARG("name", CLI_ARG_STR, &in.name),
	    CLI_ARG_NG("skill", CLI_ARG_LEVELS, &skills, &in.n_skills, CLI_LEVELS_MAX,
		       &in.has_skills),
	    CLI_ARG_NG("language", CLI_ARG_LEVELS, &langs, &in.n_langs, CLI_LEVELS_MAX,
		       &in.has_langs),
	    CLI_ARG_NG("credential", CLI_ARG_STRS, creds, &in.n_creds, MODEL_MAX_CREDS,
		       &in.has_creds),
	    CLI_ARG("country", CLI_ARG_STR, &in.country),
	    CLI_ARG("time-zone", CLI_ARG_STR, &in.time_zone),
	    CLI_ARG("tz", CLI_ARG_STR, &in.time_zone),
	    CLI_ARG("capacity", CLI_ARG_NUM, &in.capacity),
	    CLI_ARG("cost-per-hour", CLI_ARG_NUM, &in.cost_minor),
	    CLI_ARG("cost", CLI_ARG_NUM, &in.cost_minor),
	    CLI_ARG("currency", CLI_ARG_STR, &in.currency),
	    CLI_ARG_NG("clearance", CLI_ARG_IDS, clear, &in.n_clear, MODEL_MAX_CLEAR, &in.has_clear),
	    CLI_ARG_NG("clear", CLI_ARG_IDS, clear, &in.n_clear, MODEL_MAX_CLEAR, &in.has_clear),
	    CLI_ARG_END};

	in.skills = skills.in;
	in.langs = langs.in;
	in.creds = creds;
	in.clear = clear;
	return cli_noun_main(&def, argc, argv, args, &in);
}
