/* release.c - `alihdaya work release ITEM --reason CODE`: a worker hands its item back. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/offers.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/item.h"
#include "util/err.h"

// clang-format off
static const struct option release_opts[] = {
	{"data", required_argument, 0, 'd'}, {"reason", required_argument, 0, 'W'},
	{"note", required_argument, 0, 'N'}, {"epoch", required_argument, 0, 'E'},
	{"help", no_argument, 0, 'h'}, {"json", no_argument, 0, 'j'},
	{ 0, 0, 0, 0 },
};
// clang-format on

/* The lease's epoch when not given: the item as the store has it now (the engine checks it). */
static int epoch_now(struct cli_noun *w, int64_t id, int64_t *epoch)
{
	struct item_rec it = {0};
	int rc = store_item_state_get(w->ctx.store, id, &it);

	*epoch = rc ? 0 : it.epoch;
	item_rec_release(&it);
	return rc == ERR_NOTFOUND ? cli_fail("work release", 1, "no item %lld", (long long)id)
	       : rc		  ? cli_fail("work release", 1, "%s", store_errmsg(w->ctx.store))
				  : 0;
}

static int work_release(struct cli_noun *w, struct item_release_in *in)
{
	struct cmd *cm = calloc(1, sizeof(*cm));
	struct buf err = BUF_INIT;
	int rc;

	if (!cm)
		return cli_fail("work release", 1, "%s", err_message(ERR_NOMEM));
	if ((rc = cli_noun_open(w, CLI_WRITE)) || (rc = cli_as_token(&w->ctx, "work release")))
		goto out;
	if (!in->epoch && (rc = epoch_now(w, in->item_id, &in->epoch)))
		goto out;
	if ((rc = app_item_release(&w->ctx.app, cli_actor(&w->ctx), in, cm, &err))) {
		rc = cli_fail("work release", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
		goto out;
	}
	if ((rc = cli_engine(&w->ctx, "work release", cm)))
		goto out;
	printf("item %lld released (%s): %s\n", (long long)in->item_id, in->reason,
	       cm->result.has_item ? item_state_name(cm->result.item.state) : "queued");
out:
	buf_release(&err);
	cmd_release(cm);
	free(cm);
	return rc;
}

/* work release ID --reason CODE [--note TEXT] [--epoch N] */
int cli_work(int argc, char **argv)
{
	struct item_release_in in = {0};
	struct cli_noun w;
	int opt, rc, k;

	if ((rc = cli_noun_begin(&w, argc, argv, "work")))
		return rc;
	if (!w.verb || strcmp(w.verb, "release"))
		goto help;
	while ((opt = cli_noun_getopt(&w, argc, argv, release_opts)) != -1) {
		if (opt == 'h' || opt == '?')
			goto help;
		if (opt == 'W')
			in.reason = optarg;
		else if (opt == 'N')
			in.note = optarg;
		else if (opt == 'E' && cli_parse_id(optarg, &in.epoch))
			return cli_fail("work release", 2, "--epoch must be a positive integer");
	}
	k = 1 + optind;
	if (k != argc - 1 || cli_parse_id(argv[k], &in.item_id))
		return cli_fail("work release", 2, "work release takes one item id (see --help)");
	rc = work_release(&w, &in);
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya work release ID --reason CODE [--note TEXT] [--epoch N]\n"
	       "       (also takes --data DIR)\n\n"
	       "Hands the item whose lease you hold back to its queue, at its old place\n"
	       "(POST /v1/items/:id/release). CODE: break, skill_mismatch,\n"
	       "conflict_of_interest, illegible, other (with --note). skill_mismatch and\n"
	       "conflict_of_interest keep you from that item for good. --epoch defaults to\n"
	       "the item's current lease; run with ALIHDAYA_TOKEN set to act as the worker.\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}
