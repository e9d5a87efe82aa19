/* demo.c - `alihdaya demo`: a provider with a BPO and a KPO client, 20 workers, sample work; then serve. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/sessions.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/serve.h"
#include "util/err.h"
#include "util/names.h"

struct demo {
	struct cli_ctx ctx;
	int64_t acme, lex;           /* clients */
	int64_t forms, legal;        /* engagements */
	char first_worker[MODEL_CODE_MAX];
};

static int demo_cmd(struct demo *d, struct cmd *c, int64_t *id)
{
	int rc = cli_engine(&d->ctx, "demo", c);

	if (!rc && id)
		*id = c->result.id;
	return rc;
}

static int demo_user(struct demo *d, const char *name, enum role role, int64_t client)
{
	struct cmd c = { .type = CMD_USER_CREATE };

	snprintf(c.u.user.name, sizeof(c.u.user.name), "%s", name);
	c.u.user.role = role;
	c.u.user.client_id = client;
	return demo_cmd(d, &c, NULL);
}

static int demo_client(struct demo *d, const char *code, const char *name, const char *tz,
		       int64_t *id)
{
	struct cmd c = { .type = CMD_CLIENT_CREATE };

	snprintf(c.u.client.code, sizeof(c.u.client.code), "%s", code);
	snprintf(c.u.client.name, sizeof(c.u.client.name), "%s", name);
	snprintf(c.u.client.time_zone, sizeof(c.u.client.time_zone), "%s", tz);
	return demo_cmd(d, &c, id);
}

static void skill(struct skill_level *s, size_t *n, const char *code, int level)
{
	snprintf(s[*n].code, sizeof(s[*n].code), "%s", code);
	s[*n].level = level;
	(*n)++;
}

/* Two engagements: claim intake forms for Acme (BPO), legal research for LexCorp (KPO). */
static int demo_engagements(struct demo *d)
{
	const struct {
		const char *service, *name, *skill, *tz;
		int level;
		int64_t client, sla_ms, lease_ms, *out;
	} es[] = {
		{ "data_entry", "Claim intake forms", "data_entry", "America/New_York", 2, d->acme,
		  24LL * 3600 * 1000, 15LL * 60 * 1000, &d->forms },
		{ "legal", "Contract and case-law research", "legal_research", "Europe/London", 4,
		  d->lex, 5LL * 24 * 3600 * 1000, 4LL * 3600 * 1000, &d->legal },
	};
	struct service_rec sv;
	int rc;

	for (size_t i = 0; i < sizeof(es) / sizeof(es[0]); i++) {
		struct cmd c = { .type = CMD_ENGAGEMENT_CREATE };
		struct engagement_rec *e = &c.u.engagement;

		if ((rc = store_service_by_code(d->ctx.store, es[i].service, &sv)))
			return rc;
		e->client_id = es[i].client;
		e->service_id = sv.id;
		snprintf(e->name, sizeof(e->name), "%s", es[i].name);
		skill(e->skills, &e->n_skills, es[i].skill, es[i].level);
		skill(e->langs, &e->n_langs, "en", es[i].level);
		e->sla_ms = es[i].sla_ms;
		e->default_priority = 5;
		e->lease_ms = es[i].lease_ms;
		snprintf(e->time_zone, sizeof(e->time_zone), "%s", es[i].tz);
		if ((rc = demo_cmd(d, &c, es[i].out)))
			return rc;
	}
	return 0;
}

/* 20 workers: operators in Manila, Jakarta, Pune, Nairobi; lawyers and analysts for KPO. */
static int demo_workers(struct demo *d)
{
	static const struct {
		const char *login, *name, *country, *tz, *lang2;
		int entry, legal, capacity, cost;
		const char *cred;
		int clear; /* 1 acme, 2 lexcorp, 3 both */
	} ws[] = {
		{ "ana", "Ana Reyes", "PH", "Asia/Manila", "tl", 4, 0, 3, 900, NULL, 1 },
		{ "budi", "Budi Santoso", "ID", "Asia/Jakarta", "id", 3, 0, 2, 850, NULL, 1 },
		{ "carmen", "Carmen Dela Cruz", "PH", "Asia/Manila", "tl", 5, 0, 3, 1000, NULL, 1 },
		{ "dewi", "Dewi Lestari", "ID", "Asia/Jakarta", "id", 2, 0, 2, 800, NULL, 1 },
		{ "eko", "Eko Prasetyo", "ID", "Asia/Jakarta", "jv", 1, 0, 1, 750, NULL, 1 },
		{ "farah", "Farah Hassan", "KE", "Africa/Nairobi", "sw", 3, 0, 2, 950, NULL, 1 },
		{ "gita", "Gita Kulkarni", "IN", "Asia/Kolkata", "mr", 4, 0, 3, 1100, NULL, 1 },
		{ "hari", "Hari Menon", "IN", "Asia/Kolkata", "ml", 3, 0, 2, 1050, NULL, 3 },
		{ "imelda", "Imelda Garcia", "PH", "Asia/Manila", "tl", 4, 0, 2, 950, NULL, 1 },
		{ "joseph", "Joseph Otieno", "KE", "Africa/Nairobi", "sw", 2, 0, 2, 900, NULL, 1 },
		{ "kartika", "Kartika Putri", "ID", "Asia/Jakarta", "id", 3, 0, 2, 850, NULL, 0 },
		{ "lina", "Lina Wanjiru", "KE", "Africa/Nairobi", "sw", 4, 0, 3, 1000, NULL, 1 },
		{ "maria", "Maria Santos", "PH", "Asia/Manila", "es", 3, 0, 2, 950, NULL, 1 },
		{ "nikhil", "Nikhil Rao", "IN", "Asia/Kolkata", "hi", 2, 4, 1, 2400, "LLB", 2 },
		{ "olga", "Olga Nowak", "PL", "Europe/Warsaw", "pl", 0, 5, 1, 3200, "bar:PL", 2 },
		{ "priya", "Priya Sharma", "IN", "Asia/Kolkata", "hi", 0, 5, 1, 2600, "bar:IN", 2 },
		{ "quentin", "Quentin Mbeki", "ZA", "Africa/Johannesburg", "af", 0, 4, 1, 2800, "LLB", 2 },
		{ "rahul", "Rahul Verma", "IN", "Asia/Kolkata", "hi", 0, 3, 1, 2400, "MBA", 2 },
		{ "sofia", "Sofia Kowalska", "PL", "Europe/Warsaw", "pl", 0, 4, 2, 3000, "bar:PL", 3 },
		{ "tomas", "Tomas Mendoza", "MX", "America/Mexico_City", "es", 3, 0, 2, 1000, NULL, 1 },
	};
	int rc;

	for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
		struct cmd c = { .type = CMD_WORKER_CREATE };
		struct worker_rec *w = &c.u.worker.rec;

		snprintf(c.u.worker.login, sizeof(c.u.worker.login), "%s", ws[i].login);
		snprintf(w->name, sizeof(w->name), "%s", ws[i].name);
		snprintf(w->country, sizeof(w->country), "%s", ws[i].country);
		snprintf(w->time_zone, sizeof(w->time_zone), "%s", ws[i].tz);
		snprintf(w->currency, sizeof(w->currency), "USD");
		if (ws[i].entry)
			skill(w->skills, &w->n_skills, "data_entry", ws[i].entry);
		if (ws[i].legal)
			skill(w->skills, &w->n_skills, "legal_research", ws[i].legal);
		skill(w->skills, &w->n_skills, "typing", ws[i].entry ? 4 : 3);
		skill(w->langs, &w->n_langs, "en", ws[i].legal ? 5 : (i % 3 == 2 ? 1 : 3));
		skill(w->langs, &w->n_langs, ws[i].lang2, 5);
		if (ws[i].cred) {
			snprintf(w->creds[0], sizeof(w->creds[0]), "%s", ws[i].cred);
			w->n_creds = 1;
		}
		w->capacity = ws[i].capacity;
		w->cost_minor = ws[i].cost;
		if (ws[i].clear & 1)
			w->clear[w->n_clear++] = d->acme;
		if (ws[i].clear & 2)
			w->clear[w->n_clear++] = d->lex;
		w->status = i == 4 ? WORKER_AWAY : WORKER_AVAILABLE;
		if ((rc = demo_cmd(d, &c, NULL)))
			return rc;
	}
	snprintf(d->first_worker, sizeof(d->first_worker), "%s", ws[0].login);
	return 0;
}

static int demo_items(struct demo *d, int n_forms)
{
	static const char *const names[] = { "John Miller", "Aisha Khan", "Wei Chen",
					     "Sara Lopez", "Tom O'Brien", "Nadia Petrova" };
	/* The research questions (name) and their jurisdictions (text). */
	static const struct name_pair kpo[] = {
		{ "Enforceability of non-compete clauses for remote employees", "England and Wales" },
		{ "Case law on force majeure and pandemic-related supply failures", "New York" },
		{ "GDPR exposure of transferring HR data to an Indian processor", "EU" },
		{ "Limitation periods for latent construction defects", "England and Wales" },
	};
	char payload[1024];
	int rc;

	for (int i = 0; i < n_forms; i++) {
		struct cmd c = { .type = CMD_ITEM_CREATE };

		snprintf(payload, sizeof(payload),
			 "{\"form\":\"claim_intake\",\"scan\":\"scans/2026/%06d.tif\","
			 "\"fields\":{\"policy_number\":\"POL-%07d\",\"claimant_name\":\"%s\","
			 "\"claim_date\":\"2026-11-%02d\",\"amount_minor\":%d,\"currency\":\"USD\"}}",
			 i + 1, 1000000 + i * 7, names[i % 6], 1 + i % 22, 15000 + (i * 7919) % 900000);
		c.u.item_create.engagement_id = d->forms;
		snprintf(c.u.item_create.external_ref, MODEL_REF_MAX, "CLM-%06d", i + 1);
		c.u.item_create.priority = i % 10 == 0 ? 7 : 0;
		c.u.item_create.payload = payload;
		if ((rc = demo_cmd(d, &c, NULL)))
			return rc;
	}
	for (size_t i = 0; i < sizeof(kpo) / sizeof(kpo[0]); i++) {
		struct cmd c = { .type = CMD_ITEM_CREATE };

		snprintf(payload, sizeof(payload),
			 "{\"question\":\"%s\",\"jurisdiction\":\"%s\",\"deliverable\":\"research memo\","
			 "\"pages_max\":12,\"milestones\":[\"sources\",\"draft\",\"final\"]}",
			 kpo[i].name, kpo[i].text);
		c.u.item_create.engagement_id = d->legal;
		snprintf(c.u.item_create.external_ref, MODEL_REF_MAX, "LEX-M-%03zu", i + 1);
		c.u.item_create.payload = payload;
		if ((rc = demo_cmd(d, &c, NULL)))
			return rc;
	}
	return 0;
}

static int demo_token(struct demo *d, const char *user, char *out, size_t n)
{
	struct cmd c = { .type = CMD_TOKEN_CREATE };
	struct user_rec u;
	int rc;

	if ((rc = store_user_by_name(d->ctx.store, user, &u)))
		return rc;
	c.u.token.user_id = u.id;
	rc = cli_engine(&d->ctx, "demo", &c);
	if (!rc)
		snprintf(out, n, "%s", c.result.token);
	return rc;
}

/* The web application's demo logins all take this password (printed; a demo only). */
#define DEMO_PASSWORD "demo-password"

static int demo_password(struct demo *d, const char *user)
{
	struct password_in in = {.login = user, .password = DEMO_PASSWORD};
	struct buf err = BUF_INIT;
	struct cmd *c = calloc(1, sizeof(*c));
	int rc = c ? app_password_set(&d->ctx.app, &AUTH_LOCAL_ADMIN, &in, c, &err) : ERR_NOMEM;

	if (!rc)
		rc = cli_engine(&d->ctx, "demo", c);
	else
		cli_fail("demo", 1, "%s", err.len ? buf_str(&err) : err_message(rc));
	buf_release(&err);
	if (c)
		cmd_release(c);
	free(c);
	return rc;
}

/* demo [--data DIR] [--port N] [--items N] [--no-serve] */
int cli_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' }, { "port", required_argument, 0, 'p' },
		{ "items", required_argument, 0, 'n' }, { "no-serve", no_argument, 0, 'N' },
		{ "help", no_argument, 0, 'h' },       { 0, 0, 0, 0 }
	};
	struct demo d;
	struct buf err = BUF_INIT;
	char mgr[AUTH_TOKEN_TEXT], wrk[AUTH_TOKEN_TEXT], cli[AUTH_TOKEN_TEXT], path[600];
	char aud[AUTH_TOKEN_TEXT], adm[AUTH_TOKEN_TEXT];
	bool serve = true;
	sigset_t stop;
	struct stat st;
	size_t added;
	long items = 500;
	int c, rc;

	memset(&d, 0, sizeof(d));
	d.ctx.lock_fd = -1;
	d.ctx.signin_fails = -1;
	rc = cli_config(&d.ctx, &err);
	if (!rc)
		rc = config_set(&d.ctx.cfg, "data", "alihdaya-demo", &err);
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': rc = config_set(&d.ctx.cfg, "data", optarg, &err); break;
		case 'p': rc = config_set(&d.ctx.cfg, "port", optarg, &err); break;
		case 'n':
			rc = cli_parse_int(optarg, 0, 100000, &items)
				     ? buf_error(&err, ERR_INVALID, "--items: 0 to 100000")
				     : 0;
			break;
		case 'N': serve = false; break;
		case 'h':
			printf("usage: alihdaya demo [--data DIR] [--port N] [--items N] [--no-serve]\n\n"
			       "Creates a fresh installation in DIR (default ./alihdaya-demo): two clients,\n"
			       "a BPO claim-forms engagement (24h SLA, N items, default 500) and a KPO legal\n"
			       "research engagement (5-day SLA, 4 matters), 20 workers with varied skills,\n"
			       "languages, countries and clearances. Prints a token for each role (manager,\n"
			       "worker, client user, auditor, admin) as one 'export' line to paste into a\n"
			       "shell, with curl commands to try, and a web sign-in (login, password) for\n"
			       "a worker, a client user, a manager, an auditor and the admin, then serves on 127.0.0.1:PORT in the\n"
			       "foreground until Ctrl-C (--no-serve: stop after creating).\n");
			buf_release(&err);
			return 0;
		default: buf_release(&err); return 2;
		}
	}
	if (rc) {
		rc = cli_fail("demo", 2, "%s", buf_str(&err));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", d.ctx.cfg.data_dir, CLI_DB_FILE);
	if (!stat(path, &st)) {
		rc = cli_fail("demo", 1, "'%s' already holds a store; start it with 'alihdaya serve --data %s', "
			      "or give the demo a new --data directory", d.ctx.cfg.data_dir, d.ctx.cfg.data_dir);
		goto out;
	}
	if (serve) /* a stop signal during the set-up then stops the server cleanly once it serves */
		cli_serve_block_signals(&stop);
	if ((rc = cli_open(&d.ctx, CLI_SERVE, true, &err))) {
		rc = cli_fail("demo", 1, "%s", buf_str(&err));
		goto out;
	}
	rc = cli_install(&d.ctx, "admin", &added);
	if (!rc)
		rc = demo_user(&d, "maya", ROLE_MANAGER, 0);
	if (!rc)
		rc = demo_user(&d, "audrey", ROLE_AUDITOR, 0);
	if (!rc)
		rc = demo_client(&d, "acme-insurance", "Acme Insurance", "America/New_York", &d.acme);
	if (!rc)
		rc = demo_client(&d, "lexcorp", "LexCorp Legal", "Europe/London", &d.lex);
	if (!rc)
		rc = demo_user(&d, "acme-ops", ROLE_CLIENT, d.acme);
	if (!rc)
		rc = demo_user(&d, "lex-counsel", ROLE_CLIENT, d.lex);
	if (!rc)
		rc = demo_engagements(&d);
	if (!rc)
		rc = demo_workers(&d);
	if (!rc)
		rc = demo_items(&d, (int)items);
	if (!rc)
		rc = demo_token(&d, "maya", mgr, sizeof(mgr));
	if (!rc)
		rc = demo_token(&d, d.first_worker, wrk, sizeof(wrk));
	if (!rc)
		rc = demo_token(&d, "acme-ops", cli, sizeof(cli));
	if (!rc)
		rc = demo_token(&d, "audrey", aud, sizeof(aud));
	if (!rc)
		rc = demo_token(&d, "admin", adm, sizeof(adm));
	if (!rc)
		rc = demo_password(&d, "maya");
	if (!rc)
		rc = demo_password(&d, d.first_worker);
	if (!rc)
		rc = demo_password(&d, "acme-ops");
	if (!rc)
		rc = demo_password(&d, "audrey");
	if (!rc)
		rc = demo_password(&d, "admin");
	if (rc) {
		cli_close(&d.ctx);
		rc = 1;
		goto out;
	}
	/*
	 * The export line is meant to be pasted into a shell: the README's and
	 * docs/api.md's curl lines use these names ($A the base URL).
	 */
	printf("demo installation in %s: 2 clients, 2 engagements, 20 workers, %ld items\n\n",
	       d.ctx.cfg.data_dir, items + 4);
	snprintf(path, sizeof(path), "worker (%s):", d.first_worker);
	printf("  %-24s%s\n  %-24s%s\n  %-24s%s\n  %-24s%s\n  %-24s%s\n\n", "manager (maya):", mgr,
	       path, wrk, "client user (acme-ops):", cli, "auditor (audrey):", aud,
	       "admin (admin):", adm);
	printf("web application: http://127.0.0.1:%d/ -- sign in as (password %s):\n"
	       "  %-24s%s\n  %-24s%s\n  %-24s%s\n  %-24s%s\n  %-24s%s\n\n",
	       d.ctx.cfg.port, DEMO_PASSWORD, "worker:", d.first_worker, "client user:",
	       "acme-ops", "manager:", "maya", "auditor:", "audrey", "admin:", "admin");
	printf("paste into your shell:\n\n"
	       "export MANAGER=%s WORKER=%s CLIENT=%s AUDITOR=%s ADMIN=%s A=http://127.0.0.1:%d\n\n"
	       "then try:\n"
	       "  curl -s -H \"Authorization: Bearer $MANAGER\" $A/v1/engagements\n"
	       "  curl -s -X POST -H \"Authorization: Bearer $WORKER\" $A/v1/work/next\n"
	       "  curl -s -H \"Authorization: Bearer $CLIENT\" \"$A/v1/items?limit=5\"\n\n",
	       mgr, wrk, cli, aud, adm, d.ctx.cfg.port);
	if (serve)
		printf("The server runs in the foreground: stop it with Ctrl-C. The data stays in\n"
		       "%s; start it again with 'alihdaya serve --data %s'.\n\n",
		       d.ctx.cfg.data_dir, d.ctx.cfg.data_dir);
	fflush(stdout);
	if (!serve) {
		cli_close(&d.ctx);
		goto out;
	}
	rc = cli_serve_run(&d.ctx);
out:
	buf_release(&err);
	return rc;
}
