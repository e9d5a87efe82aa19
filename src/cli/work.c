/* work.c - subcommands for the work's setup: engagement, worker. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "core/item.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/wire.h"

/* ------------------------------------------------------------------ */

/* engagement create --client ID --service CODE --name N --sla DUR ... | engagement list */
int cli_engagement(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' },     { "json", no_argument, 0, 'j' },
		{ "after", required_argument, 0, 'A' },    { "limit", required_argument, 0, 'L' },
		{ "client", required_argument, 0, 'c' },   { "service", required_argument, 0, 's' },
		{ "name", required_argument, 0, 'n' },     { "sla", required_argument, 0, 'S' },
		{ "lease", required_argument, 0, 'l' },    { "priority", required_argument, 0, 'p' },
		{ "skill", required_argument, 0, 'k' },    { "language", required_argument, 0, 'g' },
		{ "tz", required_argument, 0, 'z' },       { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	static const char *const cols[] = { "id", "client_id", "kind", "name", "sla_seconds",
					    "lease_seconds", NULL };
	struct cli_noun w;
	struct cmd cm = { .type = CMD_ENGAGEMENT_CREATE };
	struct engagement_rec *e = &cm.u.engagement;
	const char *service = NULL;
	struct service_rec sv;
	json_t *out = NULL;
	long n;
	int c, rc;

	if ((rc = cli_noun_begin(&w, argc, argv, "engagement")))
		return rc;
	if (strcmp(w.verb, "create") && strcmp(w.verb, "list"))
		goto help;
	e->default_priority = 5;
	e->lease_ms = 30 * 60 * 1000;
	snprintf(e->time_zone, sizeof(e->time_zone), "UTC");
	while ((c = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (c) {
		case 'c':
			if (cli_parse_id(optarg, &e->client_id))
				return cli_fail("engagement", 2, "--client: a client id");
			break;
		case 's': service = optarg; break;
		case 'n':
			if (cli_copy(e->name, sizeof(e->name), optarg))
				return cli_fail("engagement", 2, "--name: 1 to %d bytes", MODEL_NAME_MAX - 1);
			break;
		case 'S':
			if (clock_parse_duration(optarg, &e->sla_ms) || e->sla_ms <= 0)
				return cli_fail("engagement", 2, "--sla: a duration like 24h or 5d");
			break;
		case 'l':
			if (clock_parse_duration(optarg, &e->lease_ms) || e->lease_ms < 1000)
				return cli_fail("engagement", 2, "--lease: a duration of 1s or more, like 30m");
			break;
		case 'p':
			if (cli_parse_int(optarg, 1, 9, &n))
				return cli_fail("engagement", 2, "--priority: 1 (low) to 9 (urgent)");
			e->default_priority = (int)n;
			break;
		case 'k':
			if (e->n_skills >= MODEL_MAX_SKILLS ||
			    cli_parse_skill(optarg, &e->skills[e->n_skills]))
				return cli_fail("engagement", 2, "--skill: CODE:LEVEL (1-5), at most %d",
						MODEL_MAX_SKILLS);
			e->n_skills++;
			break;
		case 'g':
			if (e->n_langs >= MODEL_MAX_LANGS || cli_parse_skill(optarg, &e->langs[e->n_langs]))
				return cli_fail("engagement", 2, "--language: CODE[:LEVEL], at most %d",
						MODEL_MAX_LANGS);
			e->n_langs++;
			break;
		case 'z':
			if (!clock_valid_tz(optarg) || cli_copy(e->time_zone, sizeof(e->time_zone), optarg))
				return cli_fail("engagement", 2, "--tz: '%s' is not an IANA time zone", optarg);
			break;
		case 'h': goto help;
		default: return 2;
		}
	}
	if (!strcmp(w.verb, "list")) {
		if ((rc = cli_noun_open(&w, CLI_READ)))
			return rc;
		rc = wire_engagement_list(w.ctx.store, &w.pg, &out);
		rc = cli_noun_list(&w, rc, out, cols);
		goto out;
	}
	if (!e->client_id || !service || !e->name[0] || !e->sla_ms)
		return cli_fail("engagement create", 2, "--client, --service, --name and --sla are required");
	if ((rc = cli_noun_open(&w, CLI_WRITE)))
		return rc;
	if (store_service_by_code(w.ctx.store, service, &sv)) {
		rc = cli_fail("engagement create", 1, "no service '%s' (see: alihdaya service list)",
			      service);
		goto out;
	}
	e->service_id = sv.id;
	rc = cli_noun_created(&w, &cm);
out:
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya engagement create --client ID --service CODE --name NAME --sla DUR\n"
	       "           [--lease DUR] [--priority 1-9] [--skill CODE:LEVEL]... [--language CODE:LEVEL]...\n"
	       "           [--tz ZONE] [--data DIR]\n"
	       "       alihdaya engagement list [--json] [--after ID] [--limit N] [--data DIR]\n\n"
	       "An engagement is one client's contract for one service. Items are due --sla after\n"
	       "they arrive; a worker holds an item for --lease (default 30m) before it returns\n"
	       "to the queue. Only workers with every --skill and --language at the level, and\n"
	       "cleared for the client, receive its items.\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}

/* worker create --login L --name N --skill C:L ... --clear CLIENT ... | worker list */
int cli_worker(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' },       { "json", no_argument, 0, 'j' },
		{ "after", required_argument, 0, 'A' },      { "limit", required_argument, 0, 'L' },
		{ "login", required_argument, 0, 'u' },      { "name", required_argument, 0, 'n' },
		{ "skill", required_argument, 0, 'k' },      { "language", required_argument, 0, 'g' },
		{ "credential", required_argument, 0, 'r' }, { "country", required_argument, 0, 'C' },
		{ "tz", required_argument, 0, 'z' },         { "capacity", required_argument, 0, 'p' },
		{ "cost", required_argument, 0, 'm' },       { "currency", required_argument, 0, 'y' },
		{ "clear", required_argument, 0, 'c' },      { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	static const char *const cols[] = { "id", "name", "country", "capacity", "status", NULL };
	struct cli_noun w;
	struct cmd cm = { .type = CMD_WORKER_CREATE };
	struct worker_rec *r = &cm.u.worker.rec;
	json_t *out = NULL;
	long n;
	int c, rc;

	if ((rc = cli_noun_begin(&w, argc, argv, "worker")))
		return rc;
	if (strcmp(w.verb, "create") && strcmp(w.verb, "list"))
		goto help;
	r->capacity = 1;
	r->status = WORKER_AVAILABLE;
	snprintf(r->currency, sizeof(r->currency), "USD");
	snprintf(r->time_zone, sizeof(r->time_zone), "UTC");
	while ((c = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (c) {
		case 'u':
			if (cli_copy(cm.u.worker.login, sizeof(cm.u.worker.login), optarg))
				return cli_fail("worker", 2, "--login: 1 to %d bytes", MODEL_CODE_MAX - 1);
			break;
		case 'n':
			if (cli_copy(r->name, sizeof(r->name), optarg))
				return cli_fail("worker", 2, "--name: 1 to %d bytes", MODEL_NAME_MAX - 1);
			break;
		case 'k':
			if (r->n_skills >= MODEL_MAX_SKILLS || cli_parse_skill(optarg, &r->skills[r->n_skills]))
				return cli_fail("worker", 2, "--skill: CODE:LEVEL (1-5), at most %d",
						MODEL_MAX_SKILLS);
			r->n_skills++;
			break;
		case 'g':
			if (r->n_langs >= MODEL_MAX_LANGS || cli_parse_skill(optarg, &r->langs[r->n_langs]))
				return cli_fail("worker", 2, "--language: CODE:LEVEL, at most %d",
						MODEL_MAX_LANGS);
			r->n_langs++;
			break;
		case 'r':
			if (r->n_creds >= MODEL_MAX_CREDS ||
			    cli_copy(r->creds[r->n_creds], MODEL_CODE_MAX, optarg))
				return cli_fail("worker", 2, "--credential: at most %d", MODEL_MAX_CREDS);
			r->n_creds++;
			break;
		case 'C':
			if (strlen(optarg) != 2 || cli_copy(r->country, sizeof(r->country), optarg))
				return cli_fail("worker", 2, "--country: an ISO 3166 two-letter code");
			break;
		case 'z':
			if (!clock_valid_tz(optarg) || cli_copy(r->time_zone, sizeof(r->time_zone), optarg))
				return cli_fail("worker", 2, "--tz: '%s' is not an IANA time zone", optarg);
			break;
		case 'p':
			if (cli_parse_int(optarg, 1, 1000, &n))
				return cli_fail("worker", 2, "--capacity: 1 to 1000 items at once");
			r->capacity = (int)n;
			break;
		case 'm':
			if (cli_parse_int(optarg, 0, 100000000, &n))
				return cli_fail("worker", 2, "--cost: per hour in minor units, e.g. 1100");
			r->cost_minor = n;
			break;
		case 'y':
			if (strlen(optarg) != 3 || cli_copy(r->currency, sizeof(r->currency), optarg))
				return cli_fail("worker", 2, "--currency: an ISO 4217 code like USD");
			break;
		case 'c':
			if (r->n_clear >= MODEL_MAX_CLEAR || cli_parse_id(optarg, &r->clear[r->n_clear]))
				return cli_fail("worker", 2, "--clear: a client id, at most %d",
						MODEL_MAX_CLEAR);
			r->n_clear++;
			break;
		case 'h': goto help;
		default: return 2;
		}
	}
	if (!strcmp(w.verb, "list")) {
		if ((rc = cli_noun_open(&w, CLI_READ)))
			return rc;
		rc = wire_worker_list(w.ctx.store, &w.pg, &out);
		rc = cli_noun_list(&w, rc, out, cols);
		goto out;
	}
	if (!cm.u.worker.login[0] || !r->name[0] || !r->country[0])
		return cli_fail("worker create", 2, "--login, --name and --country are required");
	if ((rc = cli_noun_open(&w, CLI_WRITE)))
		return rc;
	rc = cli_noun_created(&w, &cm);
out:
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya worker create --login LOGIN --name NAME --country CC [--tz ZONE]\n"
	       "           [--skill CODE:LEVEL]... [--language CODE:LEVEL]... [--credential C]...\n"
	       "           [--capacity N] [--cost MINOR_PER_HOUR] [--currency USD] [--clear CLIENT_ID]...\n"
	       "       alihdaya worker list [--json] [--after ID] [--limit N] [--data DIR]\n\n"
	       "Creates the worker and its login user (role worker). A worker receives items\n"
	       "only of clients it is cleared for (--clear), up to --capacity at once.\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}
