/* items.c - the item subcommand: create and list work items. */
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

/* item create --engagement ID --payload JSON [--ref R] [--priority P] | item list */
int cli_item(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' },     { "json", no_argument, 0, 'j' },
		{ "after", required_argument, 0, 'A' },    { "limit", required_argument, 0, 'L' },
		{ "engagement", required_argument, 0, 'e' }, { "payload", required_argument, 0, 'P' },
		{ "ref", required_argument, 0, 'r' },      { "priority", required_argument, 0, 'p' },
		{ "state", required_argument, 0, 's' },    { "client", required_argument, 0, 'c' },
		{ "help", no_argument, 0, 'h' },           { 0, 0, 0, 0 }
	};
	static const char *const cols[] = { "id", "engagement_id", "client_id", "state", "priority",
					    "due_at", NULL };
	struct cli_noun w;
	struct cmd cm = { .type = CMD_ITEM_CREATE };
	const char *payload = NULL;
	enum item_state st;
	json_error_t jerr;
	json_t *out = NULL, *pj;
	long n;
	int c, rc;

	if ((rc = cli_noun_begin(&w, argc, argv, "item")))
		return rc;
	if (strcmp(w.verb, "create") && strcmp(w.verb, "list"))
		goto help;
	while ((c = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (c) {
		case 'e':
			if (cli_parse_id(optarg, &cm.u.item_create.engagement_id))
				return cli_fail("item", 2, "--engagement: an engagement id");
			w.pg.engagement_id = cm.u.item_create.engagement_id;
			break;
		case 'P': payload = optarg; break;
		case 'r':
			if (cli_copy(cm.u.item_create.external_ref, MODEL_REF_MAX, optarg))
				return cli_fail("item", 2, "--ref: 1 to %d bytes", MODEL_REF_MAX - 1);
			break;
		case 'p':
			if (cli_parse_int(optarg, 1, 9, &n))
				return cli_fail("item", 2, "--priority: 1 (low) to 9 (urgent)");
			cm.u.item_create.priority = (int)n;
			break;
		case 's':
			if (item_state_parse(optarg, &st))
				return cli_fail("item", 2, "--state: queued, assigned, submitted, in_review, done, cancelled or failed");
			w.pg.state = (int)st + 1;
			break;
		case 'c':
			if (cli_parse_id(optarg, &w.pg.client_id))
				return cli_fail("item", 2, "--client: a client id");
			break;
		case 'h': goto help;
		default: return 2;
		}
	}
	if (!strcmp(w.verb, "list")) {
		if ((rc = cli_noun_open(&w, CLI_READ)))
			return rc;
		rc = wire_item_list(w.ctx.store, &w.pg, &out);
		rc = cli_noun_list(&w, rc, out, cols);
		goto out;
	}
	if (!cm.u.item_create.engagement_id || !payload)
		return cli_fail("item create", 2, "--engagement and --payload are required");
	pj = json_loads(payload, JSON_REJECT_DUPLICATES, &jerr);
	if (!pj || (!json_is_object(pj) && !json_is_array(pj))) {
		json_decref(pj);
		return cli_fail("item create", 2, "--payload: a JSON object or array (%s)", jerr.text);
	}
	json_decref(pj);
	cm.u.item_create.payload = payload;
	if ((rc = cli_noun_open(&w, CLI_WRITE)))
		return rc;
	rc = cli_noun_created(&w, &cm);
out:
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya item create --engagement ID --payload JSON [--ref REF] [--priority 1-9]\n"
	       "       alihdaya item list [--engagement ID] [--client ID] [--state STATE] [--json]\n"
	       "           [--after ID] [--limit N] [--data DIR]\n\n"
	       "An item is one unit of work; it is due the engagement's SLA after it arrives.\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}
