/* gold.c - `gold list|settings ENGAGEMENT`, `gold quality WORKER`: gold items read from the store.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/gold.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"
#include "wire/gold.h"

static const char gold_usage[] =
    "usage: alihdaya gold list ENGAGEMENT [--after N] [--limit N] [--json] [--data DIR]\n"
    "       alihdaya gold settings ENGAGEMENT [--json] [--data DIR]\n"
    "       alihdaya gold quality WORKER [--json] [--data DIR]\n\n"
    "Gold items (docs/api.md \"Gold items\"): an engagement's gold items with their\n"
    "payloads and known results, its gold settings, and a worker's accuracy on gold per\n"
    "engagement (gold answers, correct, the Wilson 95 % bounds, qualified or suspended).\n"
    "--json prints the API's objects. Loading gold and changing settings go through the\n"
    "API (POST /v1/engagements/ID/gold, PUT /v1/engagements/ID/gold/settings).\n";

/* store_gold_cb: one line per gold item, or the item into the JSON array ctx. */
struct list_out {
	bool json;
	json_t *data;
};

static int print_gold(void *ctx, const struct gold_rec *g)
{
	struct list_out *o = ctx;

	if (o->json) {
		json_t *j = wire_gold(g);

		return j && !json_array_append_new(o->data, j) ? 0 : ERR_NOMEM;
	}
	printf("%-8lld %-8s %-16s %s -> %s\n", (long long)g->id, g->active ? "active" : "off",
	       g->external_ref[0] ? g->external_ref : "-", g->payload ? g->payload : "null",
	       g->result ? g->result : "null");
	return 0;
}

static int run(struct cli_noun *w, const char *verb, int64_t id)
{
	struct buf err = BUF_INIT;
	int rc = 0;

	if (!strcmp(verb, "list")) {
		struct list_out o = {w->json, json_array()};
		int64_t next = 0;

		if (!o.data)
			return cli_fail("gold list", 1, "%s", err_message(ERR_NOMEM));
		rc = app_gold_list(&w->ctx.app, &AUTH_LOCAL_ADMIN, id, &w->page, print_gold, &o,
				   &next, &err);
		if (!rc && w->json)
			cli_print_json(o.data);
		else if (!rc && next)
			printf("more: --after %lld\n", (long long)next);
		json_decref(o.data);
	} else if (!strcmp(verb, "settings")) {
		struct gold_settings gs;

		rc = app_gold_settings_get(&w->ctx.app, &AUTH_LOCAL_ADMIN, id, &gs, &err);
		if (!rc && w->json) {
			json_t *j = wire_gold_settings(&gs);

			cli_print_json(j);
			json_decref(j);
		} else if (!rc) {
			printf(
			    "engagement %lld: rate %g threshold %g min_answers %d qualification %d "
			    "margin %g prefer_seconds %lld\n",
			    (long long)id, gs.rate, gs.threshold, gs.min_answers, gs.qualification,
			    gs.margin, (long long)(gs.prefer_ms / 1000));
		}
	} else {
		struct gold_quality *q = NULL;
		size_t n = 0;

		rc = app_worker_quality(&w->ctx.app, &AUTH_LOCAL_ADMIN, id, &q, &n, &err);
		if (!rc && w->json) {
			json_t *j = wire_gold_quality(id, q, n);

			cli_print_json(j);
			json_decref(j);
		}
		for (size_t i = 0; !rc && !w->json && i < n; i++)
			printf("engagement %-6lld %-9s gold %lld correct %lld accuracy %.3f "
			       "lower %.3f upper %.3f (threshold %.3f)\n",
			       (long long)q[i].engagement_id,
			       q[i].t.state == GOLD_QUALIFIED ? "qualified" : "suspended",
			       (long long)q[i].t.n, (long long)q[i].t.k, q[i].accuracy, q[i].lower,
			       q[i].upper, q[i].gs.threshold);
		free(q);
	}
	if (rc)
		rc = cli_fail("gold", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	buf_release(&err);
	return rc;
}

int cli_gold(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, 0, 'd'},  {"json", no_argument, 0, 'j'},
	    {"after", required_argument, 0, 'A'}, {"limit", required_argument, 0, 'L'},
	    {"help", no_argument, 0, 'h'},	  {0, 0, 0, 0}};
	const char *idtext = NULL, *verb;
	struct cli_noun w;
	int64_t id = 0;
	int opt, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(gold_usage, stdout);
		return 0;
	}
	if ((rc = cli_noun_begin(&w, argc, argv, "gold")))
		return rc;
	verb = w.verb;
	if (strcmp(verb, "list") && strcmp(verb, "settings") && strcmp(verb, "quality")) {
		fputs(gold_usage, stderr);
		return 2;
	}
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		if (opt == 'h') {
			fputs(gold_usage, stdout);
			return 0;
		}
		fputs(gold_usage, stderr);
		return 2;
	}
	for (int i = optind + 1; i < argc; i++)
		if (!idtext)
			idtext = argv[i];
		else
			return cli_fail("gold", 2, "one id, not %s", argv[i]);
	if (!idtext || cli_parse_id(idtext, &id))
		return cli_fail("gold", 2, "an %s id is required (see --help)",
				strcmp(verb, "quality") ? "engagement" : "worker");
	if (cli_noun_open(&w, CLI_READ))
		return 1;
	rc = run(&w, verb, id);
	cli_close(&w.ctx);
	return rc;
}
