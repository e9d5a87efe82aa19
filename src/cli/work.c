/* work.c - subcommands for the work's setup: engagement, worker (app/engagements.h, app/people.h). */
#include <stdlib.h>
#include <string.h>

#include "app/engagements.h"
#include "app/people.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"

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
		"       alihdaya engagement fields ID [--set FILE|-] [--data DIR]\n"
		"       alihdaya engagement keying ID [--mode M] [--k N] [--max-k N] ... [--json]\n"
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
	if (argc >= 2 && !strcmp(argv[1], "fields"))
		return cli_engagement_fields(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "keying"))
		return cli_engagement_keying(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "routing"))
		return cli_engagement_routing(argc, argv);
	in.skills = skills.in;
	in.langs = langs.in;
	return cli_noun_main(&def, argc, argv, args, &in);
}

/* The --clearance arguments (several KiB: off the stack), and the worker an update reads. */
static struct cli_clearances worker_clear;
static struct worker_rec worker_stored;

/* The terms of a --clearance argument: the part after ID, KEY=VALUE, comma separated. */
static int clearance_term(struct cli_clearances *c, size_t i, char *part, struct buf *err)
{
	struct clearance_terms_in *t = &c->terms[i];
	char *eq = strchr(part, '='), *f, *next;
	int64_t ms;

	if (!eq)
		return buf_error(err, ERR_INVALID,
				 "'%s' is not KEY=VALUE (expires, nda or unmasked)", part);
	*eq++ = '\0';
	c->given[i] = true;
	if (!strcmp(part, "expires") && !t->expires_at) {
		if (clock_parse_rfc3339(eq, &ms) || ms <= 0)
			return buf_error(err, ERR_INVALID,
					 "expires must be RFC 3339 like 2027-06-30T00:00:00Z");
		t->expires_at = eq;
	} else if (!strcmp(part, "nda") && !t->nda_ref) {
		t->nda_ref = eq;
	} else if (!strcmp(part, "unmasked") && !t->n_unmasked) {
		if (!*eq)
			return buf_error(err, ERR_INVALID, "unmasked takes FIELD+FIELD...");
		/* Counted past the bound, kept up to it: the use case refuses the count. */
		for (f = eq; f; f = next) {
			if ((next = strchr(f, '+')))
				*next++ = '\0';
			if (t->n_unmasked < MODEL_MAX_UNMASKED)
				c->unmasked[i][t->n_unmasked] = f;
			t->n_unmasked++;
		}
	} else if (!strcmp(part, "expires") || !strcmp(part, "nda") || !strcmp(part, "unmasked")) {
		return buf_error(err, ERR_INVALID, "%s is given twice", part);
	} else {
		return buf_error(err, ERR_INVALID, "unknown key '%s' (expires, nda or unmasked)",
				 part);
	}
	return 0;
}

int cli_clearance_parse(struct cli_clearances *c, size_t i, const char *arg, struct buf *err)
{
	char *s, *part, *next;
	int rc;

	memset(&c->terms[i], 0, sizeof(c->terms[i]));
	c->terms[i].unmasked = c->unmasked[i];
	c->given[i] = false;
	c->arg[i] = arg;
	free(c->text[i]);
	if (!(s = c->text[i] = strdup(arg)))
		return buf_error(err, ERR_NOMEM, "out of memory");
	if ((next = strchr(s, ',')))
		*next++ = '\0';
	if (cli_parse_id(s, &c->ids[i]))
		return buf_error(err, ERR_INVALID, "'%s' is not a client id", s);
	for (part = next; part; part = next) {
		if ((next = strchr(part, ',')))
			*next++ = '\0';
		if ((rc = clearance_term(c, i, part, err)))
			return rc;
	}
	return 0;
}

void cli_clearances_release(struct cli_clearances *c)
{
	for (size_t i = 0; i < MODEL_MAX_CLEAR; i++) {
		free(c->text[i]);
		c->text[i] = NULL;
	}
}

static int worker_copy(void *ctx, const struct app_rec *r)
{
	memcpy(ctx, r->u.worker, sizeof(struct worker_rec));
	return 0;
}

/*
 * update ID --clearance: a plain id of a client the worker stays cleared for
 * keeps its stored expiry, NDA reference and unmasked fields (the list
 * replaces the one before, its terms only where new ones are given).
 */
static int worker_keep_terms(struct cli_noun *w, int64_t id, const void *vin, struct buf *err)
{
	static char until[MODEL_MAX_CLEAR][40];
	const struct worker_in *in = vin;
	struct cli_clearances *c = &worker_clear;
	const struct clear_terms *ot;
	struct clearance_terms_in *t;
	long at;
	int rc;

	if (!in->has_clear || !in->n_clear)
		return 0;
	rc = app_get(&w->ctx.app, &AUTH_LOCAL_ADMIN, APP_WORKER, id, worker_copy, &worker_stored,
		     err);
	if (rc == ERR_NOTFOUND)
		return 0; /* the update says so in its words */
	if (rc)
		return rc;
	for (size_t i = 0; i < in->n_clear && i < MODEL_MAX_CLEAR; i++) {
		if (c->given[i] || (at = worker_clear_find(&worker_stored, c->ids[i])) < 0)
			continue;
		t = &c->terms[i];
		if (worker_stored.clear_until[at]) {
			clock_format_ms(worker_stored.clear_until[at], until[i], sizeof(until[i]));
			t->expires_at = until[i];
		}
		if (!(ot = worker_terms(&worker_stored, c->ids[i])))
			continue;
		t->nda_ref = ot->nda_ref[0] ? ot->nda_ref : NULL;
		for (size_t k = 0; k < ot->n_unmasked && k < MODEL_MAX_UNMASKED; k++)
			c->unmasked[i][k] = ot->unmasked[k];
		t->n_unmasked = ot->n_unmasked;
	}
	return 0;
}

/*
 * "clearances[N].unmasked holds more than 8 fields" (the API's words) as
 * "--clearance 4,unmasked=...: unmasked holds more than 8 fields".
 */
static void worker_explain(const void *vin, struct buf *err)
{
	const struct worker_in *in = vin;
	const char *s = buf_str(err), *p = s + strlen("clearances[");
	struct buf out = BUF_INIT;
	size_t i = 0;

	if (strncmp(s, "clearances[", strlen("clearances[")) || *p < '0' || *p > '9')
		return;
	for (; *p >= '0' && *p <= '9' && i < MODEL_MAX_CLEAR; p++)
		i = i * 10 + (size_t)(*p - '0');
	if (*p++ != ']' || i >= in->n_clear || i >= MODEL_MAX_CLEAR || !worker_clear.arg[i])
		return;
	if (*p == '.')
		p++;
	else if (*p == ' ')
		p = s; /* "clearances[N] must be a client id": the whole line */
	if (!buf_printf(&out, "--clearance %s: %s", worker_clear.arg[i], p)) {
		buf_reset(err);
		buf_puts(err, buf_str(&out));
	}
	buf_release(&out);
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
		"           [--clearance CLIENT_ID[,expires=RFC3339][,nda=TEXT][,unmasked=F+F...]]...\n"
		"       alihdaya worker list [--json] [--after ID] [--limit N] [--data DIR]\n"
		"       alihdaya worker status ID available|away|offline [REASON] [--data DIR]\n"
		"       alihdaya worker update ID [the create's options but --login]\n"
		"       alihdaya worker deactivate|activate ID [--data DIR]\n\n"
		"Creates the worker and its login user (role worker). A worker receives items\n"
		"only of clients it is cleared for (--clearance), up to --capacity at once.\n"
		"update changes only the options given (a repeated list replaces the one\n"
		"before); deactivate suspends it: no work, and it cannot make itself available.\n"
		"--clearance 4,expires=2027-06-30T00:00:00Z,nda=NDA-7,unmasked=holder+iban clears\n"
		"for client 4 until then under that NDA, showing those payload fields in clear.\n"
		"On update the --clearance list replaces the one before (a client left out is\n"
		"no longer cleared), but a plain id of a client that stays keeps its stored\n"
		"expiry, NDA and unmasked fields; give new terms to replace them.\n"
		"Old names: --tz, --cost, --clear.\n",
	    .kind = APP_WORKER,
	    .cols = cols,
	    .create = CMD_WORKER_CREATE,
	    .other = cli_worker_status,
	    .before_update = worker_keep_terms,
	    .explain = worker_explain,
	};
	struct cli_levels skills = {0}, langs = {0};
	const char *creds[MODEL_MAX_CREDS];
	struct worker_in in = WORKER_IN_INIT;
	int rc;
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
	    CLI_ARG_NG("clearance", CLI_ARG_CLEARANCES, &worker_clear, &in.n_clear, MODEL_MAX_CLEAR,
		       &in.has_clear),
	    CLI_ARG_NG("clear", CLI_ARG_CLEARANCES, &worker_clear, &in.n_clear, MODEL_MAX_CLEAR,
		       &in.has_clear),
	    CLI_ARG_END};

	in.skills = skills.in;
	in.langs = langs.in;
	in.creds = creds;
	in.clear = worker_clear.ids;
	in.clear_terms = worker_clear.terms;
	rc = cli_noun_main(&def, argc, argv, args, &in);
	cli_clearances_release(&worker_clear);
	return rc;
}
