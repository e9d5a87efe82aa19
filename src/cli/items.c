/* items.c - the item subcommand: argv into app/items.h's inputs, the records as a table or JSON. */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app/items.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"
#include "wire/wire.h"

/* What argv gave, for either verb; the use cases check it (and name the field). */
struct item_args {
	struct item_create_in create;
	struct item_list_in list;
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
	case OPT_WORKER:
		return cli_parse_id(arg, &l->worker_id) ? cli_fail("item", 2, "--worker: a worker id")
							 : 0;
	case OPT_REF_CONTAINS: l->ref_contains = arg; return 0;
	case OPT_CREATED_BEFORE: l->created_before = arg; return 0;
	case OPT_CREATED_AFTER: l->created_after = arg; return 0;
	default: return 2;
	}
}

/* One option of the item command into a: 0, or the exit code of its syntax error. */
static int item_opt(struct item_args *a, int opt, const char *arg)
{
	json_error_t jerr;
	json_t *pj;
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
	case 'P':
		/* Syntax only here: whether it is an object or an array is the use case's rule. */
		if (!(pj = json_loads(arg, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr)))
			return cli_fail("item", 2, "--payload: not JSON (%s)", jerr.text);
		json_decref(pj);
		a->create.payload = arg;
		return 0;
	case 'r':
		a->create.external_ref = arg;
		a->list.external_ref = arg; /* list: exactly this reference */
		return 0;
	case 's':
		a->list.state = arg;
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
	rc = app_item_create(&w->ctx.app, &AUTH_LOCAL_ADMIN, &a->create, &cm, &err);
	if (rc)
		return app_refused("item create", rc, &err);
	return cli_noun_open(w, CLI_WRITE) ? 1 : cli_noun_created(w, &cm);
}

static int item_list(struct cli_noun *w, struct item_args *a)
{
	static const char *const cols[] = {"id",       "engagement_id", "client_id", "state",
					   "priority", "due_at",	NULL};
	struct buf err = BUF_INIT;
	int64_t next = 0;
	json_t *data;
	int rc;

	if (cli_noun_open(w, CLI_READ))
		return 1;
	if (!(data = json_array()))
		return cli_fail("item list", 1, "%s", err_message(ERR_NOMEM));
	a->list.page = w->pg;
	rc = app_item_list(&w->ctx.app, &AUTH_LOCAL_ADMIN, &a->list, wire_item_add, data, &next,
			   &err);
	if (rc) {
		json_decref(data);
		return app_refused("item list", rc, &err);
	}
	return cli_noun_list(w, 0, wire_page(data, next), cols);
}

/* The options of both verbs; --data, --json, --after and --limit are cli_noun_getopt()'s. */
/* The table is laid out by hand: four options a row. */
// clang-format off
#define OPT(name, arg, c) { name, arg##_argument, 0, c }
static const struct option item_opts[] = {
	OPT("data", required, 'd'), OPT("after", required, 'A'), OPT("limit", required, 'L'),
	OPT("json", no, 'j'), OPT("engagement", required, 'e'), OPT("payload", required, 'P'),
	OPT("ref", required, 'r'), OPT("priority", required, 'p'), OPT("state", required, 's'),
	OPT("client", required, 'c'), OPT("help", no, 'h'),
	OPT("due-before", required, OPT_DUE_BEFORE), OPT("due-after", required, OPT_DUE_AFTER),
	OPT("late", no, OPT_LATE), OPT("worker", required, OPT_WORKER),
	OPT("ref-contains", required, OPT_REF_CONTAINS),
	OPT("created-before", required, OPT_CREATED_BEFORE),
	OPT("created-after", required, OPT_CREATED_AFTER),
	{ 0, 0, 0, 0 },
};
#undef OPT
// clang-format on

/* item create --engagement ID --payload JSON [--ref R] [--priority P] | item list */
int cli_item(int argc, char **argv)
{
	struct item_args a = {.create = ITEM_CREATE_IN_INIT};
	struct cli_noun w;
	bool create;
	int opt, rc = cli_noun_begin(&w, argc, argv, "item");

	if (rc)
		return rc;
	create = !strcmp(w.verb, "create");
	if (!create && strcmp(w.verb, "list"))
		goto help;
	while ((opt = cli_noun_getopt(&w, argc, argv, item_opts)) != -1) {
		if (opt == 'h')
			goto help;
		if ((rc = item_opt(&a, opt, optarg)))
			return rc;
	}
	rc = create ? item_create(&w, &a) : item_list(&w, &a);
	cli_close(&w.ctx);
	return rc;
help:
	printf(
	    "usage: alihdaya item create --engagement ID --payload JSON [--ref REF]\n"
	    "           [--priority 1-9]\n"
	    "       alihdaya item list [--engagement ID] [--client ID] [--state STATE] [--json]\n"
	    "           [--worker ID] [--late] [--due-before T] [--due-after T] [--ref REF]\n"
	    "           [--ref-contains TEXT] [--created-before T] [--created-after T]\n"
	    "           [--after ID] [--limit N] [--data DIR]\n\n"
	    "Times T are RFC 3339 (2026-01-31T17:00:00Z); --late: past due and still open.\n"
	    "An item is one unit of work; it is due the engagement's SLA after it arrives.\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}
