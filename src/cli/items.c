/* items.c - the item subcommand: argv into app/items.h's inputs, the records as a table or JSON. */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/items.h"
#include "app/people.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/item.h"
#include "util/err.h"
#include "wire/wire.h"

/* What argv gave, for any verb; the use cases check it (and name the field). */
struct item_args {
	struct item_create_in create;
	struct item_list_in list;
	struct item_op_in op; /* the transitions: item_id is the verb's ID */
	int64_t worker_id;    /* next */
};

/* A use case's refusal: exit 2 for input (ERR_INVALID), else 1. */
static int app_refused(const char *cmd, int rc, struct buf *err)
{
	int code = cli_fail(cmd, rc == ERR_INVALID ? 2 : 1, "%s",
			    err->len ? buf_str(err) : err_message(rc));

	buf_release(err);
	return code;
}

/* The list's searches, options numbered from OPT_FIND (their values are the use case's). */
enum { OPT_FIND = 300, OPT_DUE_BEFORE = OPT_FIND, OPT_DUE_AFTER, OPT_LATE, OPT_WORKER,
       OPT_REF_CONTAINS, OPT_CREATED_BEFORE, OPT_CREATED_AFTER };

static int item_find_opt(struct item_list_in *l, int opt, const char *arg)
{
	switch (opt) {
	case OPT_DUE_BEFORE: l->due_before = arg; return 0;
	case OPT_DUE_AFTER: l->due_after = arg; return 0;
	case OPT_LATE: l->late = true; return 0;
	case OPT_REF_CONTAINS: l->ref_contains = arg; return 0;
	case OPT_CREATED_BEFORE: l->created_before = arg; return 0;
	case OPT_CREATED_AFTER: l->created_after = arg; return 0;
	default: return 2;
	}
}

/*
 * A JSON option's text into *out once it parses (any value): syntax only
 * here, what it must be is the use case's rule. 0, or the exit code.
 */
static int json_opt(const char *name, const char *arg, const char **out)
{
	json_error_t jerr;
	json_t *j = json_loads(arg, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);

	if (!j)
		return cli_fail("item", 2, "--%s: not JSON (%s)", name, jerr.text);
	json_decref(j);
	*out = arg;
	return 0;
}

/* One option of the item command into a: 0, or the exit code of its syntax error. */
static int item_opt(struct item_args *a, int opt, const char *arg)
{
	long n;

	switch (opt) {
	case 'e':
		if (cli_parse_id(arg, &a->create.engagement_id))
			return cli_fail("item", 2, "--engagement: an engagement id");
		a->list.engagement_id = a->create.engagement_id;
		return 0;
	case 'c':
		return cli_parse_id(arg, &a->list.client_id)
			   ? cli_fail("item", 2, "--client: a client id")
			   : 0;
	case 'p':
		if (cli_parse_int(arg, LONG_MIN, LONG_MAX, &n))
			return cli_fail("item", 2,
					"--priority: a whole number, 1 (low) to 9 (urgent)");
		a->create.priority = (double)n;
		return 0;
	case 'P': return json_opt("payload", arg, &a->create.payload);
	case 'T':
		a->create.type = arg; /* checked by the use case and the engine, as the API's */
		return 0;
	case 'r':
		a->create.external_ref = arg;
		a->list.external_ref = arg; /* list: exactly this reference */
		return 0;
	case 's':
		a->list.state = arg;
		return 0;
	case 'w':
		/* item next: the worker to lease to; item list: the lease holder to filter by */
		if (cli_parse_id(arg, &a->worker_id))
			return cli_fail("item", 2, "--worker: a worker id");
		a->list.worker_id = a->worker_id;
		return 0;
	case 'E':
		if (cli_parse_int(arg, 1, LONG_MAX, &n))
			return cli_fail("item", 2, "--epoch: the lease's epoch, a positive number");
		a->op.epoch = n;
		return 0;
	case 'R': return json_opt("result", arg, &a->op.result); /* any value, as the API's */
	case 'W':
		a->op.reason = arg;
		return 0;
	default:
		return item_find_opt(&a->list, opt, arg);
	}
}

static int item_create(struct cli_noun *w, struct item_args *a)
{
	struct cmd cm = {.type = CMD_ITEM_CREATE};
	struct buf err = BUF_INIT;
	int rc;

	/* Presence is argv's syntax, as the body's is the API's; the values are the use case's. */
	if (!a->create.engagement_id || !a->create.payload)
		return cli_fail("item create", 2, "--engagement and --payload are required");
	if (cli_noun_open(w, CLI_WRITE) || cli_as_token(&w->ctx, "item create"))
		return 1;
	rc = app_item_create(&w->ctx.app, cli_actor(&w->ctx), &a->create, &cm, &err);
	if (rc)
		return app_refused("item create", rc, &err);
	return cli_noun_created(w, &cm);
}

static int item_list(struct cli_noun *w, struct item_args *a)
{
	static const char *const cols[] = {"id",       "engagement_id", "client_id", "state",
					   "priority", "due_at",	NULL};
	struct buf err = BUF_INIT;
	int64_t next = 0;
	json_t *data;
	int rc;

	if (cli_noun_open(w, CLI_READ) || cli_as_token(&w->ctx, "item list"))
		return 1;
	if (!(data = json_array()))
		return cli_fail("item list", 1, "%s", err_message(ERR_NOMEM));
	a->list.page = w->pg;
	rc = app_item_list(&w->ctx.app, cli_actor(&w->ctx), &a->list, wire_item_add, data, &next,
			   &err);
	if (rc) {
		json_decref(data);
		return app_refused("item list", rc, &err);
	}
	return cli_noun_list(w, 0, wire_page(data, next), cols);
}

/* The options of every verb; --data, --json, --after and --limit are cli_noun_getopt()'s. */
/* The table is laid out by hand: four options a row. The API's names first, then the old. */
// clang-format off
#define OPT(name, arg, c) { name, arg##_argument, 0, c }
static const struct option item_opts[] = {
	OPT("data", required, 'd'), OPT("after", required, 'A'), OPT("limit", required, 'L'),
	OPT("json", no, 'j'), OPT("engagement", required, 'e'), OPT("payload", required, 'P'),
	OPT("external-ref", required, 'r'), OPT("priority", required, 'p'),
	OPT("state", required, 's'), OPT("client", required, 'c'), OPT("worker", required, 'w'),
	OPT("epoch", required, 'E'), OPT("result", required, 'R'), OPT("reason", required, 'W'),
	OPT("ref", required, 'r'), OPT("help", no, 'h'),
	OPT("due-before", required, OPT_DUE_BEFORE), OPT("due-after", required, OPT_DUE_AFTER),
	OPT("late", no, OPT_LATE), OPT("ref-contains", required, OPT_REF_CONTAINS),
	OPT("created-before", required, OPT_CREATED_BEFORE),
	OPT("created-after", required, OPT_CREATED_AFTER), OPT("type", required, 'T'),
	{ 0, 0, 0, 0 },
};
#undef OPT
// clang-format on

/* ================================================================
 * The work: next and the transitions, through app/items.h as the API
 * ================================================================ */

/* The item a write answered, as "item N STATE" or its JSON (read back: no payload). */
static int print_item(struct cli_noun *w, const struct cmd *cm)
{
	struct item_rec it = {0};
	json_t *j;
	int rc;

	if (!w->json) {
		printf("item %lld %s", (long long)cm->result.id,
		       cm->result.has_item ? item_state_name(cm->result.item.state) : "done");
		/* Who holds it only while someone does: the same whether served or not. */
		if (cm->result.has_item && cm->result.item.state == ITEM_ASSIGNED)
			printf(" (worker %lld, epoch %lld)", (long long)cm->result.item.worker_id,
			       (long long)cm->result.item.epoch);
		printf("\n");
		return 0;
	}
	if ((rc = store_item_get(w->ctx.store, cm->result.id, false, &it)))
		return cli_fail(w->noun, 1, "%s", store_errmsg(w->ctx.store));
	j = wire_item(&it, false);
	item_rec_release(&it);
	if (!j)
		return cli_fail(w->noun, 1, "%s", err_message(ERR_NOMEM));
	cli_print_json(j);
	json_decref(j);
	return 0;
}

/* item next [--worker ID]: the worker's next item, leased to it (staff name the worker). */
static int item_next(struct cli_noun *w, struct item_args *a)
{
	struct cmd cm = {0};
	struct item_rec it = {0};
	struct work_lease wl;
	struct buf err = BUF_INIT;
	json_t *j;
	int rc;

	if (cli_noun_open(w, CLI_WRITE) || cli_as_token(&w->ctx, "item next"))
		return 1;
	if ((rc = app_work_next(&w->ctx.app, cli_actor(&w->ctx), a->worker_id, &cm, &err)))
		return app_refused("item next", rc, &err);
	if (cli_engine(&w->ctx, "item next", &cm))
		return 1;
	if (cm.result.outcome == CMD_OUT_NONE) {
		/* The API's 204: not an error, nothing to do. */
		printf("no eligible work\n");
		return 0;
	}
	/* The engine's item (or the server's answer, which carries it) was leased: read it. */
	wl = (struct work_lease){.item_id = cm.result.id,
				 .worker_id = cm.result.item.worker_id,
				 .epoch = cm.result.item.epoch,
				 .lease_expires = cm.result.item.lease_expires,
				 .lease_started = cm.result.item.lease_started};
	if ((rc = app_work_next_item(&w->ctx.app, cli_actor(&w->ctx), &wl, &it, &err)))
		return app_refused("item next", rc, &err);
	if (w->json) {
		if (!(j = wire_item(&it, it.payload != NULL))) {
			item_rec_release(&it);
			return cli_fail("item next", 1, "%s", err_message(ERR_NOMEM));
		}
		cli_print_json(j);
		json_decref(j);
	} else {
		char until[40];

		clock_format_ms(it.lease_expires, until, sizeof(until));
		printf("item %lld assigned to worker %lld (epoch %lld, lease until %s)\n",
		       (long long)it.id, (long long)it.worker_id, (long long)it.epoch, until);
	}
	item_rec_release(&it);
	return 0;
}

/* The transitions by verb, each the use case the API's route calls. */
static const struct {
	const char *verb;
	app_item_op_fn fn;
} item_ops[] = {
    {"submit", app_item_submit}, {"accept", app_item_accept}, {"rework", app_item_rework},
    {"cancel", app_item_cancel}, {"review", app_item_review}, {"fail", app_item_fail},
    {"renew", app_item_renew},
};

/* The verb's ID: the one argument left after the options. Exit code, 0 to go on. */
static int item_id_arg(struct cli_noun *w, int argc, char **argv, int64_t *id)
{
	/* cli_noun_getopt() read argv + 1 (the verb first): the rest begins at optind there. */
	int k = 1 + optind;

	if (k != argc - 1 || cli_parse_id(argv[k], id))
		return cli_fail(w->noun, 2, "item %s takes one item id (see --help)", w->verb);
	return 0;
}

static int item_op(struct cli_noun *w, struct item_args *a, app_item_op_fn fn)
{
	struct cmd cm = {0};
	struct buf err = BUF_INIT;
	char name[32];
	int rc;

	snprintf(name, sizeof(name), "item %s", w->verb);
	if (cli_noun_open(w, CLI_WRITE) || cli_as_token(&w->ctx, name))
		return 1;
	if ((rc = fn(&w->ctx.app, cli_actor(&w->ctx), &a->op, &cm, &err)))
		return app_refused(name, rc, &err);
	if (cli_engine(&w->ctx, name, &cm))
		return 1;
	return print_item(w, &cm);
}

/*
 * worker status ID STATUS: available, away or offline, as POST
 * /v1/workers/:id/status (app_worker_status()). The local admin is staff.
 */
int cli_worker_status(struct cli_noun *w)
{
	struct worker_status_in in = {0};
	struct cmd *cm = calloc(1, sizeof(*cm)); /* a worker's command is several KiB */
	struct buf err = BUF_INIT;
	int k = 1 + optind, rc;

	if (!cm)
		return cli_fail("worker status", 1, "%s", err_message(ERR_NOMEM));
	if ((k != w->argc - 2 && k != w->argc - 3) || cli_parse_id(w->argv[k], &in.worker_id)) {
		rc = cli_fail("worker status", 2,
			      "usage: alihdaya worker status ID available|away|offline [REASON]");
		goto out;
	}
	in.status = w->argv[k + 1];
	in.reason = k == w->argc - 3 ? w->argv[k + 2] : NULL; /* away: break, lunch, ... */
	if ((rc = cli_noun_open(w, CLI_WRITE)) || (rc = cli_as_token(&w->ctx, "worker status")))
		goto out;
	if ((rc = app_worker_status(&w->ctx.app, cli_actor(&w->ctx), &in, cm, &err))) {
		rc = app_refused("worker status", rc, &err);
		goto out;
	}
	if ((rc = cli_engine(&w->ctx, "worker status", cm)))
		goto out;
	printf("worker %lld %s\n", (long long)in.worker_id, in.status);
out:
	buf_release(&err);
	free(cm);
	return rc;
}

/* item create|list|next|submit|accept|rework|cancel|review|fail ... (see the usage) */
int cli_item(int argc, char **argv)
{
	struct item_args a = {.create = ITEM_CREATE_IN_INIT};
	app_item_op_fn op = NULL;
	struct cli_noun w;
	int opt, rc;

	if (argc >= 2 && !strcmp(argv[1], "import"))
		return cli_item_import(argc, argv); /* cli/import.c */
	if (argc >= 2 && !strcmp(argv[1], "export"))
		return cli_item_export(argc, argv); /* cli/export.c */
	if ((rc = cli_noun_begin(&w, argc, argv, "item")))
		return rc;
	for (size_t i = 0; i < sizeof(item_ops) / sizeof(item_ops[0]); i++) {
		if (!strcmp(w.verb, item_ops[i].verb))
			op = item_ops[i].fn;
	}
	if (!op && strcmp(w.verb, "create") && strcmp(w.verb, "list") && strcmp(w.verb, "next"))
		goto help;
	while ((opt = cli_noun_getopt(&w, argc, argv, item_opts)) != -1) {
		if (opt == 'h')
			goto help;
		if ((rc = item_opt(&a, opt, optarg)))
			return rc;
	}
	if (op && (rc = item_id_arg(&w, argc, argv, &a.op.item_id)))
		return rc;
	if (op)
		rc = item_op(&w, &a, op);
	else if (!strcmp(w.verb, "next"))
		rc = item_next(&w, &a);
	else if (!strcmp(w.verb, "create"))
		rc = item_create(&w, &a);
	else
		rc = item_list(&w, &a);
	cli_close(&w.ctx);
	return rc;
help:
	printf(
	    "usage: alihdaya item create --engagement ID --payload JSON [--external-ref REF]\n"
	    "       alihdaya item import --engagement ID FILE [--all-or-nothing] (--help)\n"
	    "       alihdaya item export --engagement ID --format csv|jsonl|xlsx [-o FILE] (--help)\n"
	    "           [--priority 1-9] [--type TYPE]\n"
	    "       alihdaya item list [--engagement ID] [--client ID] [--state STATE] [--json]\n"
	    "           [--worker ID] [--late] [--due-before T] [--due-after T]\n"
	    "           [--external-ref REF] [--ref-contains TEXT] [--created-before T]\n"
	    "           [--created-after T] [--after ID] [--limit N]\n"
	    "       alihdaya item next [--worker ID] [--json]\n"
	    "       alihdaya item submit ID --epoch N --result JSON [--json]\n"
	    "       alihdaya item renew ID --epoch N [--json]\n"
	    "       alihdaya item review|accept ID [--json]\n"
	    "       alihdaya item rework|fail ID --reason TEXT [--json]\n"
	    "       alihdaya item cancel ID [--reason TEXT] [--json]\n"
	    "       (every command also takes --data DIR)\n\n"
	    "Times T are RFC 3339 (2026-01-31T17:00:00Z); --late: past due and still open.\n"
	    "The CLI acts as the installation's admin; with ALIHDAYA_TOKEN set in the\n"
	    "environment it acts as that token's user instead, as the API would (a worker\n"
	    "takes its next item and submits it: submit is the lease holder's).\n\n"
	    "An item is one unit of work; it is due the engagement's SLA after it arrives\n"
	    "(--priority defaults to the engagement's; --type is one of the engagement's\n"
	    "item_types, billed at that type's rates: default when absent). The verbs are the API's\n"
	    "(docs/api.md): next leases the worker's best eligible item to it (POST\n"
	    "/v1/work/next with worker_id), submit hands in the result under the lease's\n"
	    "epoch, and the reviewer's review, accept, rework, fail and cancel follow the\n"
	    "item's states. --ref is the old name of --external-ref. While a server runs,\n"
	    "the commands are sent to it (one writer).\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}
