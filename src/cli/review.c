/* review.c - `review list|lots|defects|sampling`: review sampling read from the store
 * (app/review.h). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/review.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"
#include "wire/review.h"
#include "wire/wire.h"

static const char review_usage[] =
    "usage: alihdaya review list [--engagement ID] [--state STATE] [--reviewer ID] [--json]\n"
    "       alihdaya review lots --engagement ID [--json]\n"
    "       alihdaya review defects --engagement ID [--json]\n"
    "       alihdaya review sampling --engagement ID [--json]\n"
    "       (each also takes --data DIR, --after ID, --limit N)\n\n"
    "Review sampling as the API shows it (docs/api.md \"Review and sampling\"): the review\n"
    "tasks (GET /v1/review; STATE held, waiting, leased, accepted, rejected or closed), an\n"
    "engagement's lots, its defect codes and its sampling settings. They are set through\n"
    "the API (PUT /v1/engagements/:id/defects and /sampling).\n";

static const char *const task_cols[] = {
    "id",	   "item_id", "engagement_id", "lot_id",       "state", "submitter_id",
    "reviewer_id", "epoch",   "defect",	       "rework_count", NULL};
static const char *const lot_cols[] = {"id",	   "state",	  "lot_size", "size",
				       "code",	   "sample_size", "ac",	      "re",
				       "rejected", "decided",	  "defect",   NULL};
static const char *const defect_cols[] = {"code", "severity", "label", NULL};

static int fail(int rc, struct buf *err)
{
	rc = cli_fail("review", rc == ERR_INVALID ? 2 : 1, "%s",
		      err->len ? buf_str(err) : err_message(rc));
	buf_release(err);
	return rc;
}

/* The one-record answers (defects, sampling): JSON, or one line per field. */
static void print_obj(json_t *j, bool as_json)
{
	const char *k;
	json_t *v;

	if (as_json) {
		cli_print_json(j);
		return;
	}
	json_object_foreach(j, k, v)
	{
		char *t = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		printf("%-14s %s\n", k, t ? t : json_string_value(v));
		free(t);
	}
}

static int run(struct cli_noun *w, const char *verb, struct review_list_in *in, int64_t eng)
{
	struct buf err = BUF_INIT;
	json_t *data = json_array(), *page = NULL;
	int64_t next = 0;
	int rc = data ? 0 : ERR_NOMEM;

	if (!rc && !strcmp(verb, "list")) {
		rc = app_review_list(&w->ctx.app, &AUTH_LOCAL_ADMIN, in, wire_review_task_add, data,
				     &next, &err);
	} else if (!rc && !strcmp(verb, "lots")) {
		rc = app_lot_list(&w->ctx.app, &AUTH_LOCAL_ADMIN, eng, &in->page, wire_lot_add,
				  data, &next, &err);
	} else if (!rc && !strcmp(verb, "defects")) {
		struct defect_rec *d = calloc(REVIEW_DEFECTS_MAX, sizeof(*d));
		size_t n = 0;

		rc = d ? app_defects_get(&w->ctx.app, &AUTH_LOCAL_ADMIN, eng, d, &n, &err)
		       : ERR_NOMEM;
		for (size_t i = 0; !rc && i < n; i++)
			rc = json_array_append_new(data, wire_defect(&d[i])) ? ERR_NOMEM : 0;
		free(d);
	} else if (!rc) {
		struct sampling_rec s;

		json_decref(data);
		data = NULL;
		if (!(rc = app_sampling_get(&w->ctx.app, &AUTH_LOCAL_ADMIN, eng, &s, &err))) {
			json_t *j = wire_sampling(&s);

			rc = j ? 0 : ERR_NOMEM;
			if (j)
				print_obj(j, w->json);
			json_decref(j);
		}
	}
	if (rc) {
		json_decref(data);
		return fail(rc, &err);
	}
	buf_release(&err);
	if (!data)
		return 0;
	page = wire_page(data, next);
	if (!page)
		return cli_fail("review", 1, "%s", err_message(ERR_NOMEM));
	cli_print_list(page,
		       !strcmp(verb, "list")   ? task_cols
		       : !strcmp(verb, "lots") ? lot_cols
					       : defect_cols,
		       w->json);
	json_decref(page);
	return 0;
}

int cli_review(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, 0, 'd'},
					     {"json", no_argument, 0, 'j'},
					     {"engagement", required_argument, 0, 'e'},
					     {"state", required_argument, 0, 's'},
					     {"reviewer", required_argument, 0, 'r'},
					     {"after", required_argument, 0, 'a'},
					     {"limit", required_argument, 0, 'l'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct review_list_in in = {0};
	const char *verb = argc > 1 ? argv[1] : "";
	int64_t eng = 0;
	struct cli_noun w;
	int opt, rc;

	if (cli_wants_help(argc, argv) || argc < 2) {
		fputs(review_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(verb, "list") && strcmp(verb, "lots") && strcmp(verb, "defects") &&
	    strcmp(verb, "sampling")) {
		fputs(review_usage, stderr);
		return 2;
	}
	if ((rc = cli_noun_begin(&w, argc, argv, "review")))
		return rc;
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (opt) {
		case 'h':
			fputs(review_usage, stdout);
			return 0;
		case 'e':
			in.engagement_id = optarg;
			break;
		case 's':
			in.state = optarg;
			break;
		case 'r':
			in.reviewer_id = optarg;
			break;
		case 'a':
			in.page.after = optarg;
			break;
		case 'l':
			in.page.limit = optarg;
			break;
		default:
			fputs(review_usage, stderr);
			return 2;
		}
	}
	if (optind + 1 < argc)
		return cli_fail("review", 2, "unexpected argument %s", argv[optind + 1]);
	if (strcmp(verb, "list") && (!in.engagement_id || cli_parse_id(in.engagement_id, &eng)))
		return cli_fail("review", 2, "--engagement ID is required (see --help)");
	if (cli_noun_open(&w, CLI_READ))
		return 1;
	rc = run(&w, verb, &in, eng);
	cli_close(&w.ctx);
	return rc;
}
