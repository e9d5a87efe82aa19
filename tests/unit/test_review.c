/* test_review.c - review sampling: the keyed share, the review queue's exclusions, defect codes,
 * lots. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit.h"
// clang-format on

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/aql.h"
#include "core/keying.h"
#include "core/review.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1700000000000LL
#define LEASE_MS 60000

static atomic_llong fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return (int64_t)atomic_load(&fake_now);
}

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct engine *e;
	int64_t client, engagement;
	struct actor w1, w2, w3;
};

static int run(struct fx *f, struct cmd *c, const struct actor *a)
{
	c->actor = a;
	return engine_call(f->e, c);
}

static int64_t create(struct fx *f, struct cmd *c)
{
	assert_int_equal(run(f, c, &AUTH_LOCAL_ADMIN), 0);
	assert_true(c->result.id > 0);
	return c->result.id;
}

static void worker(struct fx *f, const char *login, struct actor *out)
{
	unit_worker(f->e, f->s, f->client, login, 1, out);
}

static int setup(void **state)
{
	struct engine_opts o = {.batch_max = 64, .tick_ms = 20, .clock = fake_clock};
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;

	assert_non_null(f);
	atomic_store(&fake_now, T0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_review_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	assert_int_equal(engine_start(f->s, &o, &f->e, &err), 0);
	buf_release(&err);
	unit_bpo_world(f->e, LEASE_MS, &f->client, &f->engagement);
	worker(f, "w1", &f->w1);
	worker(f, "w2", &f->w2);
	worker(f, "w3", &f->w3);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	engine_stop(f->e);
	store_close(f->s);
	unit_store_dir_remove(f->dir);
	free(f);
	return 0;
}

static void sampling(struct fx *f, enum sampling_mode mode, int share, int64_t lot)
{
	struct cmd c = {.type = CMD_SAMPLING_SET};

	c.u.sampling.engagement_id = f->engagement;
	c.u.sampling.mode = mode;
	c.u.sampling.share_pct = share;
	c.u.sampling.lot_size = lot;
	c.u.sampling.level = AQL_GII;
	c.u.sampling.aql_centi = 250;
	c.u.sampling.qa.level = 1;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
}

/* A new item keyed and submitted by w. Returns its id; *st its state after the submit. */
static int64_t keyed(struct fx *f, const struct actor *w, int *st)
{
	struct cmd c = {.type = CMD_ITEM_CREATE};
	int64_t id, epoch;

	c.u.item_create.engagement_id = f->engagement;
	c.u.item_create.payload = "{\"form\":1}";
	id = create(f, &c);
	c = (struct cmd){.type = CMD_ITEM_NEXT};
	assert_int_equal(run(f, &c, w), 0);
	assert_int_equal(c.result.id, id);
	epoch = c.result.item.epoch;
	c = (struct cmd){.type = CMD_ITEM_SUBMIT};
	c.u.op.item_id = id;
	c.u.op.epoch = epoch;
	c.u.op.result_json = "{\"ok\":true}";
	assert_int_equal(run(f, &c, w), 0);
	cmd_release(&c);
	if (st) {
		struct item_rec r;

		assert_int_equal(store_item_get(f->s, id, false, &r), 0);
		*st = (int)r.state;
	}
	return id;
}

/* review.next for w: the item id leased for review (0: none), its review epoch in *epoch. */
static int64_t review_next(struct fx *f, const struct actor *w, int64_t *epoch)
{
	struct cmd c = {.type = CMD_REVIEW_NEXT};

	assert_int_equal(run(f, &c, w), 0);
	if (c.result.outcome == CMD_OUT_NONE)
		return 0;
	assert_true(c.result.has_review);
	assert_int_equal(c.result.review.reviewer_id, w->worker_id);
	assert_int_equal(c.result.item.state, ITEM_IN_REVIEW);
	if (epoch)
		*epoch = c.result.review.epoch;
	return c.result.review.item_id;
}

static int decide(struct fx *f, const struct actor *w, int64_t id, int64_t epoch, bool reject,
		  const char *defect)
{
	struct cmd c = {.type = CMD_REVIEW_DECISION};

	c.u.review.item_id = id;
	c.u.review.epoch = epoch;
	c.u.review.reject = reject;
	c.u.review.defect = defect;
	return run(f, &c, w);
}

/* ------------------------------------------------------------------ tests */

/* SipHash-2-4 against the reference vector (key 00..0f, message 00..07). */
static void test_siphash_vector(void **state)
{
	unsigned char key[SAMPLING_KEY_BYTES];

	(void)state;
	for (int i = 0; i < SAMPLING_KEY_BYTES; i++)
		key[i] = (unsigned char)i;
	assert_true(sampling_hash(key, 0x0706050403020100LL) == 0x93f5f5799a932462ULL);
}

/*
 * The share chooses about share_pct of the items (binomial: 10,000 items at
 * 20 % have a standard deviation of 40), never 0 % or 100 % wrong, and a
 * different key chooses different items: the worker cannot tell which.
 */
static void test_share_picks_its_share(void **state)
{
	struct sampling_rec a = {.mode = SAMPLING_SHARE, .share_pct = 20};
	struct sampling_rec b = a;
	int n = 0, both = 0, none = 0, all = 0;

	(void)state;
	memset(a.key, 0x5a, sizeof(a.key));
	memset(b.key, 0xa5, sizeof(b.key));
	for (int64_t id = 1; id <= 10000; id++) {
		bool ca = sampling_chosen(&a, id);

		n += ca;
		both += ca && sampling_chosen(&b, id);
		a.share_pct = 0;
		none += sampling_chosen(&a, id);
		a.share_pct = 100;
		all += sampling_chosen(&a, id);
		a.share_pct = 20;
	}
	assert_in_range(n, 1800, 2200);
	assert_int_equal(none, 0);
	assert_int_equal(all, 10000);
	/* Independent choices overlap in 4 % of the items, not in 20 %. */
	assert_in_range(both, 250, 550);
}

/* In the engine: a share of 30 % of 200 submissions waits for review, the rest are done. */
static void test_engine_share(void **state)
{
	struct fx *f = *state;
	int chosen = 0, done = 0, st;

	sampling(f, SAMPLING_SHARE, 30, 0);
	for (int i = 0; i < 200; i++) {
		keyed(f, i % 2 ? &f->w1 : &f->w2, &st);
		chosen += st == ITEM_SUBMITTED;
		done += st == ITEM_DONE;
	}
	assert_int_equal(chosen + done, 200);
	assert_in_range(chosen, 35, 85); /* 60 expected, standard deviation 6.5 */
}

/* A reviewer is never given its own work, and only a leased reviewer with its epoch decides. */
static void test_never_own_work(void **state)
{
	struct fx *f = *state;
	int64_t id, e1 = 0, e2 = 0;

	sampling(f, SAMPLING_SHARE, 100, 0);
	id = keyed(f, &f->w1, NULL);
	assert_int_equal(review_next(f, &f->w1, NULL), 0);
	assert_int_equal(review_next(f, &f->w2, &e1), id);
	assert_int_equal(decide(f, &f->w1, id, e1, false, NULL), ERR_STALE);
	atomic_store(&fake_now, T0 + LEASE_MS);
	assert_int_equal(review_next(f, &f->w1, NULL), 0); /* lapsed, but still its own */
	assert_int_equal(review_next(f, &f->w2, &e2), id);
	assert_true(e2 > e1);
	assert_int_equal(decide(f, &f->w2, id, e1, false, NULL), ERR_STALE);
	assert_int_equal(decide(f, &f->w2, id, e2, false, NULL), 0);
}

/* w takes the next item (it must be id) and submits result. */
static void take_submit(struct fx *f, const struct actor *w, int64_t id, const char *result)
{
	struct cmd c = {.type = CMD_ITEM_NEXT};
	int64_t epoch;

	assert_int_equal(run(f, &c, w), 0);
	assert_int_equal(c.result.id, id);
	epoch = c.result.item.epoch;
	c = (struct cmd){.type = CMD_ITEM_SUBMIT};
	c.u.op.item_id = id;
	c.u.op.epoch = epoch;
	c.u.op.result_json = result;
	assert_int_equal(run(f, &c, w), 0);
	cmd_release(&c);
}

/*
 * Double keying then review: the first keyer is not the item's last
 * submitter, yet reviewing it would be reviewing its own work. Neither
 * keyer gets it; a third worker does.
 */
static void test_never_review_own_keying(void **state)
{
	struct fx *f = *state;
	struct cmd c = {.type = CMD_KEYING_SET};
	int64_t id;

	c.u.keying.engagement_id = f->engagement;
	c.u.keying.mode = KEYING_DOUBLE;
	c.u.keying.k = 2;
	c.u.keying.max_k = 2;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	sampling(f, SAMPLING_SHARE, 100, 0);
	c = (struct cmd){.type = CMD_ITEM_CREATE};
	c.u.item_create.engagement_id = f->engagement;
	c.u.item_create.payload = "{\"form\":1}";
	id = create(f, &c);
	take_submit(f, &f->w1, id, "{\"ok\":true}");
	take_submit(f, &f->w2, id, "{\"ok\":true}"); /* agreed: submitted, sampled */
	assert_int_equal(review_next(f, &f->w1, NULL), 0);
	assert_int_equal(review_next(f, &f->w2, NULL), 0);
	assert_int_equal(review_next(f, &f->w3, NULL), id);
}

/* With defect codes, a rejection without one (decision or rework) is refused. */
static void test_rejection_needs_code(void **state)
{
	struct fx *f = *state;
	struct defect_rec d[2] = {{.code = "wrong_value", .severity = SEV_MAJOR},
				  {.code = "illegible", .severity = SEV_MINOR}};
	struct cmd c = {.type = CMD_DEFECTS_SET};
	int64_t id, epoch = 0;

	c.u.defects.engagement_id = f->engagement;
	c.u.defects.n = 2;
	c.u.defects.codes = d;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	sampling(f, SAMPLING_SHARE, 100, 0);
	id = keyed(f, &f->w1, NULL);
	assert_int_equal(review_next(f, &f->w2, &epoch), id);
	assert_int_equal(decide(f, &f->w2, id, epoch, true, NULL), ERR_INVALID);
	assert_int_equal(decide(f, &f->w2, id, epoch, true, "smudged"), ERR_INVALID);
	c = (struct cmd){.type = CMD_ITEM_REWORK};
	c.u.op.item_id = id;
	c.u.op.reason = "no";
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), ERR_INVALID);
	assert_non_null(strstr(c.result.message, "wrong_value, illegible"));
	assert_int_equal(decide(f, &f->w2, id, epoch, true, "illegible"), 0);
}

static int on_lot(void *ctx, const struct lot_rec *l)
{
	*(struct lot_rec *)ctx = *l;
	return 0;
}

/* A full lot is sampled by the ISO 2859-1 plan of core/aql.h. */
static void test_lot_plan(void **state)
{
	struct fx *f = *state;
	struct store_page pg = {.limit = 10, .engagement_id = f->engagement};
	struct lot_rec l = {0};
	struct aql_plan p;
	int64_t next_after;

	sampling(f, SAMPLING_AQL, 0, 20);
	for (int i = 0; i < 20; i++)
		keyed(f, i % 2 ? &f->w1 : &f->w2, NULL);
	assert_int_equal(store_lot_list(f->s, &pg, on_lot, &l, &next_after), 0);
	assert_int_equal(l.state, LOT_SAMPLING);
	assert_int_equal(aql_plan(20, AQL_GII, 250, &p), 0);
	assert_int_equal(l.n, p.n < 20 ? p.n : 20);
	assert_int_equal(l.ac, p.ac);
	assert_int_equal(l.re, p.re);
	assert_int_equal(l.code, p.code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_siphash_vector),
	    cmocka_unit_test(test_share_picks_its_share),
	    cmocka_unit_test_setup_teardown(test_engine_share, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_never_own_work, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_never_review_own_keying, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rejection_needs_code, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lot_plan, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
