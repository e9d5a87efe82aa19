/* queue.c - `engagement queue ID`: the queue summary (app/queue.h) as text or JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/queue.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/item.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/queue.h"

static const char queue_usage[] =
    "usage: alihdaya engagement queue ID [--json] [--data DIR]\n\n"
    "The engagement's queue now: items by state, the one waiting longest, how many\n"
    "are due in the next hour and how many are late, who holds which item until\n"
    "when, and every worker who meets the engagement's requirements with its load,\n"
    "capacity and status. --json prints the API's object (GET /v1/engagements/ID/queue).\n";

static void print_text(const struct engagement_queue *q)
{
	const struct store_queue *s = &q->q;
	char t[40];

	printf("engagement %lld %s\n", (long long)q->eng.id, q->eng.name);
	printf("depth:");
	for (int i = 0; i < ITEM_STATE__COUNT; i++)
		printf(" %s %lld", item_state_name((enum item_state)i), (long long)s->by_state[i]);
	printf("\n");
	if (s->oldest_id) {
		clock_format_ms(s->oldest_created_at, t, sizeof(t));
		printf("oldest waiting: item %lld since %s (%lld s)\n", (long long)s->oldest_id, t,
		       (long long)((q->at - s->oldest_created_at) / 1000));
	} else {
		printf("oldest waiting: none\n");
	}
	printf("due in the next hour: %lld\nlate: %lld\n", (long long)s->due_soon,
	       (long long)s->late);
	printf("held (%zu):\n", q->n_held);
	for (size_t i = 0; i < q->n_held; i++) {
		clock_format_ms(q->held[i].lease_expires, t, sizeof(t));
		printf("  item %-8lld %-24s (worker %lld) until %s\n",
		       (long long)q->held[i].item_id, q->held[i].worker_name,
		       (long long)q->held[i].worker_id, t);
	}
	printf("eligible workers (%zu%s):\n", q->n_workers, q->workers_truncated ? ", more" : "");
	for (size_t i = 0; i < q->n_workers; i++)
		printf("  %-6lld %-24s %-9s load %lld/%d\n", (long long)q->workers[i].id,
		       q->workers[i].name, worker_status_name(q->workers[i].status),
		       (long long)q->workers[i].load, q->workers[i].capacity);
}

int cli_engagement_queue(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, 0, 'd'},
					     {"json", no_argument, 0, 'j'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct engagement_queue q = ENGAGEMENT_QUEUE_INIT;
	struct buf err = BUF_INIT;
	const char *idtext = NULL;
	struct cli_noun w;
	int64_t id = 0;
	int opt, rc = cli_noun_begin(&w, argc, argv, "engagement queue");

	if (rc)
		return rc;
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		if (opt == 'h') {
			fputs(queue_usage, stdout);
			return 0;
		}
		fputs(queue_usage, stderr);
		return 2;
	}
	/* getopt ran over argv + 1 (the verb is its argv[0]) and moved the id to its end. */
	for (int i = optind + 1; i < argc; i++)
		if (!idtext)
			idtext = argv[i];
		else
			return cli_fail("engagement queue", 2, "one engagement id, not %s",
					argv[i]);
	if (!idtext || cli_parse_id(idtext, &id))
		return cli_fail("engagement queue", 2, "an engagement id is required (see --help)");
	if (cli_noun_open(&w, CLI_READ))
		return 1;
	rc = app_engagement_queue(&w.ctx.app, &AUTH_LOCAL_ADMIN, id, &q, &err);
	if (rc) {
		rc = cli_fail("engagement queue", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	} else if (w.json) {
		json_t *j = wire_engagement_queue(&q);

		if (j)
			cli_print_json(j);
		else
			rc = cli_fail("engagement queue", 1, "%s", err_message(ERR_NOMEM));
		json_decref(j);
	} else {
		print_text(&q);
	}
	buf_release(&err);
	engagement_queue_release(&q);
	cli_close(&w.ctx);
	return rc;
}
