/* test_gold.c - gold items in the engine: the mixing rate, suspension at the Wilson bound,
 * re-qualification, hidden from clients. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit.h"
// clang-format on

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/gold.h"
#include "app/items.h"
#include "core/gold.h"
#include "core/route.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1700000000000LL
#define LEASE_MS 60000
#define KNOWN "{\"v\":1}"
#define WRONG "{\"v\":2}"

static atomic_llong fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return (int64_t)atomic_load(&fake_now);
}

struct fx {
	char dir[64], path[128];
	struct store *s;
	struct engine *e;
	struct app app;
	int64_t client, engagement;
	struct actor w1, w2, client_user;
};

static int run(struct fx *f, struct cmd *c, const struct actor *a)
{
	c->actor = a;
	return engine_call(f->e, c);
}

static int64_t create(struct fx *f, struct cmd *c)
{
	assert_int_equal(run(f, c, &AUTH_LOCAL_ADMIN), 0);
	return c->result.id;
}

static void worker(struct fx *f, const char *login, struct actor *out)
{
	unit_worker(f->e, f->s, f->client, login, 1, out);
}

static void start(struct fx *f)
{
	struct engine_opts o = {.batch_max = 64, .tick_ms = 20, .clock = fake_clock};
	struct buf err = BUF_INIT;

	assert_int_equal(engine_start(f->s, &o, &f->e, &err), 0);
	buf_release(&err);
	f->app.engine = f->e;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;
	struct cmd c;

	assert_non_null(f);
	atomic_store(&fake_now, T0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_gold_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	buf_release(&err);
	f->app.store = f->s;
	f->app.clock = fake_clock;
	start(f);
	unit_bpo_world(f->e, LEASE_MS, &f->client, &f->engagement);
	worker(f, "w1", &f->w1);
	worker(f, "w2", &f->w2);
	c = (struct cmd){.type = CMD_USER_CREATE};
	snprintf(c.u.user.name, sizeof(c.u.user.name), "acme-user");
	c.u.user.role = ROLE_CLIENT;
	c.u.user.client_id = f->client;
	f->client_user.user_id = create(f, &c);
	f->client_user.role = ROLE_CLIENT;
	f->client_user.client_id = f->client;
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

/* ---------------------------------------------------------------- helpers */

static void items_in(struct fx *f, int n)
{
	for (int i = 0; i < n; i++) {
		struct cmd c = {.type = CMD_ITEM_CREATE};

		c.u.item_create.engagement_id = f->engagement;
		c.u.item_create.payload = "{\"form\":1}";
		assert_int_equal(run(f, &c, &f->client_user), 0);
	}
}

/* n gold items whose known result is KNOWN, through the use case as the API loads them. */
static int64_t gold_in(struct fx *f, size_t n)
{
	struct gold_in in[64];
	struct buf err = BUF_INIT;
	struct cmd c;

	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++)
		in[i] = (struct gold_in){"{\"form\":\"gold-canary\"}", KNOWN, NULL};
	memset(&c, 0, sizeof(c));
	assert_int_equal(app_gold_add(&f->app, &AUTH_LOCAL_ADMIN, f->engagement, in, n, &c, &err),
			 0);
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	assert_int_equal(c.result.outcome, CMD_OUT_CREATED);
	app_gold_cmd_release(&c);
	buf_release(&err);
	return c.result.id;
}

static void settings(struct fx *f, double rate, double threshold, double min_answers,
		     double qualification, double prefer_seconds)
{
	struct gold_settings_in in = {rate,	     threshold, min_answers,
				      qualification, 0.1,	prefer_seconds};
	struct buf err = BUF_INIT;
	struct cmd c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(
	    app_gold_settings_put(&f->app, &AUTH_LOCAL_ADMIN, f->engagement, &in, &c, &err), 0);
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	buf_release(&err);
}

/* get-next for w: the item (0: none; *reason then says why). OUT: *epoch. */
static int64_t next(struct fx *f, const struct actor *w, int64_t *epoch, int *reason)
{
	struct cmd c = {.type = CMD_ITEM_NEXT};

	assert_int_equal(run(f, &c, w), 0);
	if (c.result.outcome == CMD_OUT_NONE) {
		if (reason)
			*reason = c.result.none_reason;
		return 0;
	}
	assert_int_equal(c.result.item.state, ITEM_ASSIGNED);
	*epoch = c.result.item.epoch;
	return c.result.id;
}

static bool is_gold(struct fx *f, int64_t item, int64_t *gold_id)
{
	int64_t g = 0;

	assert_int_equal(store_item_gold(f->s, item, &g), 0);
	if (gold_id)
		*gold_id = g;
	return g != 0;
}

static void submit(struct fx *f, const struct actor *w, int64_t id, int64_t epoch,
		   const char *result)
{
	struct cmd c = {.type = CMD_ITEM_SUBMIT};

	c.u.op.item_id = id;
	c.u.op.epoch = epoch;
	c.u.op.result_json = result;
	assert_int_equal(run(f, &c, w), 0);
	/* The worker's answer is an ordinary submit's, gold or not. */
	assert_int_equal(c.result.item.state, ITEM_SUBMITTED);
	cmd_release(&c);
}

/* The worker's row of quality on the engagement, read as the API reads it. */
static struct gold_quality quality(struct fx *f, const struct actor *w)
{
	struct gold_quality *q = NULL, one;
	struct buf err = BUF_INIT;
	size_t n = 0;

	memset(&one, 0, sizeof(one));
	assert_int_equal(app_worker_quality(&f->app, &AUTH_LOCAL_ADMIN, w->worker_id, &q, &n, &err),
			 0);
	for (size_t i = 0; i < n; i++)
		if (q[i].engagement_id == f->engagement)
			one = q[i];
	free(q);
	buf_release(&err);
	return one;
}

/* The Wilson score lower bound, written out here from its formula (z for 95 %). */
static double wilson_lo(double k, double n)
{
	const double z = 1.959963984540054;
	double p, d, c, h;

	if (n == 0)
		return 0;
	p = k / n;
	d = 1 + z * z / n;
	c = p + z * z / (2 * n);
	h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
	return (c - h) / d;
}

/* ------------------------------------------------------------------ tests */

/* Rate 0.1 over 1,000 assignments: exactly 100 gold, at varying places, no repeat while unseen ones
 * are left. */
static void test_mixing_rate(void **state)
{
	struct fx *f = *state;
	int64_t seen[100], offsets[10] = {0};
	int n_gold = 0, distinct_offsets = 0;

	gold_in(f, 40);
	settings(f, 0.1, 0.5, 10, 0, 0);
	items_in(f, 1000);
	for (int i = 0; i < 1000; i++) {
		int64_t epoch = 0, gid = 0, id = next(f, &f->w1, &epoch, NULL);

		assert_true(id > 0);
		if (is_gold(f, id, &gid)) {
			/* The first 40 gold items given are 40 different ones. */
			for (int j = 0; j < n_gold && n_gold < 40; j++)
				assert_true(seen[j] != gid);
			seen[n_gold++] = gid;
			offsets[i % 10]++;
			submit(f, &f->w1, id, epoch, KNOWN);
		} else {
			submit(f, &f->w1, id, epoch, "{\"v\":7}");
		}
	}
	assert_int_equal(n_gold, 100);
	for (int k = 0; k < 10; k++)
		distinct_offsets += offsets[k] > 0;
	/* The keyed jitter moves the gold place within its block of 10. */
	assert_true(distinct_offsets >= 5);
	/* Every ordinary item is still one of the client's: 900 given, 100 queued. */
	{
		struct gold_quality q = quality(f, &f->w1);

		assert_int_equal(q.t.n, 100);
		assert_int_equal(q.t.k, 100);
		assert_int_equal(q.t.state, GOLD_QUALIFIED);
	}
}

/*
 * A worker answering gold right, then wrong: it is suspended at exactly the
 * answer where the Wilson lower bound (computed here) falls under the
 * threshold once min_answers are in, and from then on work.next says so.
 */
static void test_suspension_at_the_bound(void **state)
{
	struct fx *f = *state;
	/* 1 = right, 0 = wrong */
	static const int answers[] = {1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
	double k = 0, n = 0;
	size_t a = 0;
	bool suspended = false;
	int reason = -1, steps = 0;

	gold_in(f, 30);
	settings(f, 0.5, 0.45, 5, 0, 0);
	items_in(f, 60);
	while (!suspended && a < sizeof(answers) / sizeof(answers[0])) {
		int64_t epoch = 0, id = next(f, &f->w1, &epoch, &reason);
		struct gold_quality q;
		bool want;

		assert_true(id > 0);
		assert_true(++steps < 100);
		if (!is_gold(f, id, NULL)) {
			submit(f, &f->w1, id, epoch, WRONG);
			continue;
		}
		submit(f, &f->w1, id, epoch, answers[a] ? KNOWN : WRONG);
		k += answers[a++];
		n++;
		want = n >= 5 && wilson_lo(k, n) < 0.45;
		q = quality(f, &f->w1);
		assert_int_equal((int)q.t.n, (int)n);
		assert_true(fabs(q.lower - wilson_lo(k, n)) < 1e-9);
		assert_int_equal(q.t.state != GOLD_QUALIFIED, want);
		suspended = want;
	}
	assert_true(suspended);
	/*
	 * Not at the first wrong answer: 6 of 7 (0.487) and 7 of 9 (0.452) stay above
	 * 0.45; 7 of 10 (0.397) is the first under it.
	 */
	assert_int_equal(a, 10);
	/* Suspended: no work of the engagement, with the reason; w2 still gets it. */
	assert_int_equal(next(f, &f->w1, &(int64_t){0}, &reason), 0);
	assert_int_equal(reason, ROUTE_GOLD_SUSPENDED);
	assert_true(next(f, &f->w2, &(int64_t){0}, NULL) > 0);
	/* The suspension survives a restart: the tally is rebuilt from the observations. */
	engine_stop(f->e);
	start(f);
	reason = -1;
	assert_int_equal(next(f, &f->w1, &(int64_t){0}, &reason), 0);
	assert_int_equal(reason, ROUTE_GOLD_SUSPENDED);
	/* A manager re-qualifies it by hand: a fresh window, work again. */
	{
		struct buf err = BUF_INIT;
		struct cmd c;

		memset(&c, 0, sizeof(c));
		assert_int_equal(app_gold_requalify(&f->app, &AUTH_LOCAL_ADMIN, f->w1.worker_id,
						    f->engagement, &c, &err),
				 0);
		assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
		buf_release(&err);
	}
	assert_int_equal(quality(f, &f->w1).t.state, GOLD_QUALIFIED);
	assert_int_equal(quality(f, &f->w1).t.n, 0);
	assert_true(next(f, &f->w1, &(int64_t){0}, NULL) > 0);
}

/* Suspended with a qualification of 3: only gold until 3 are answered right, then work again. */
static void test_requalification(void **state)
{
	struct fx *f = *state;
	int64_t epoch = 0, id;

	gold_in(f, 20);
	settings(f, 0.5, 0.7, 3, 3, 0);
	items_in(f, 40);
	/* Answer every gold wrong until suspended. */
	while (quality(f, &f->w1).t.state == GOLD_QUALIFIED) {
		id = next(f, &f->w1, &epoch, NULL);
		assert_true(id > 0);
		submit(f, &f->w1, id, epoch, WRONG);
	}
	assert_int_equal(quality(f, &f->w1).t.state, GOLD_QUALIFYING);
	/* Ordinary work is queued, yet w1 is given only qualification items, 3 of them. */
	for (int i = 0; i < 3; i++) {
		id = next(f, &f->w1, &epoch, NULL);
		assert_true(id > 0);
		assert_true(is_gold(f, id, NULL));
		submit(f, &f->w1, id, epoch, KNOWN);
	}
	assert_int_equal(quality(f, &f->w1).t.state, GOLD_QUALIFIED);
	assert_int_equal(quality(f, &f->w1).t.n, 0); /* a fresh window */
	id = next(f, &f->w1, &epoch, NULL);
	assert_true(id > 0);
}

/* store_item_cb: counts the items and the gold instances among them. */
struct seen_items {
	struct fx *f;
	int n, gold;
};

static int count_item(void *ctx, const struct item_rec *it)
{
	struct seen_items *s = ctx;

	s->n++;
	s->gold += is_gold(s->f, it->id, NULL);
	return 0;
}

/* A gold instance is in no client's list, count or read, and a client's cancel finds nothing. */
static void test_gold_hidden_from_client(void **state)
{
	struct fx *f = *state;
	struct item_list_in in = {.page = {.limit = 500}};
	struct seen_items s = {f, 0, 0};
	struct store_queue q;
	struct item_read rd;
	struct buf err = BUF_INIT;
	int64_t epoch = 0, id, gold_item = 0, next_after = 0;
	struct cmd c = {.type = CMD_ITEM_CANCEL};

	gold_in(f, 5);
	settings(f, 0.5, 0.5, 10, 0, 0);
	items_in(f, 10);
	/* w1 takes work until a gold instance comes (period 2: within two), and keeps its lease. */
	for (int i = 0; i < 2 && !gold_item; i++) {
		id = next(f, &f->w1, &epoch, NULL);
		if (is_gold(f, id, NULL))
			gold_item = id;
		else
			submit(f, &f->w1, id, epoch, WRONG);
	}
	assert_true(gold_item > 0);
	assert_int_equal(
	    app_item_list(&f->app, &f->client_user, &in, count_item, &s, &next_after, &err), 0);
	assert_int_equal(s.n, 10);
	assert_int_equal(s.gold, 0);
	/* The staff's list too: the client's items only. */
	s = (struct seen_items){f, 0, 0};
	assert_int_equal(
	    app_item_list(&f->app, &AUTH_LOCAL_ADMIN, &in, count_item, &s, &next_after, &err), 0);
	assert_int_equal(s.gold, 0);
	/* The queue's counts: the client's 10 items, not the gold one leased now. */
	assert_int_equal(
	    store_engagement_queue(f->s, f->engagement, T0, 3600000, &q, NULL, NULL, NULL), 0);
	assert_int_equal(
	    q.by_state[ITEM_QUEUED] + q.by_state[ITEM_ASSIGNED] + q.by_state[ITEM_SUBMITTED], 10);
	assert_int_equal(q.by_state[ITEM_ASSIGNED], 0);
	/* The client reads it as a missing item, and cannot cancel it. */
	memset(&rd, 0, sizeof(rd));
	assert_int_equal(app_item_get(&f->app, &f->client_user, gold_item, &rd, &err),
			 ERR_NOTFOUND);
	item_read_release(&rd);
	c.u.op.item_id = gold_item;
	assert_int_equal(run(f, &c, &f->client_user), ERR_NOTFOUND);
	/* The worker holding it lists it among its leases, as any item, and reads it. */
	s = (struct seen_items){f, 0, 0};
	assert_int_equal(app_item_list(&f->app, &f->w1, &in, count_item, &s, &next_after, &err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.gold, 1);
	memset(&rd, 0, sizeof(rd));
	assert_int_equal(app_item_get(&f->app, &f->w1, gold_item, &rd, &err), 0);
	item_read_release(&rd);
	buf_release(&err);
}

/*
 * The routing preference: w2 answered gold well (lower bound over threshold +
 * margin), w1 has no record yet. An item goes to w1 only once it waited
 * prefer_seconds, while w2 (available, with room) could take it.
 */
static void test_preference(void **state)
{
	struct fx *f = *state;
	int64_t epoch = 0, id;
	int reason = -1;

	gold_in(f, 10);
	settings(f, 0.5, 0.3, 5, 0, 60);
	/* Enough for w2's 10 assignments (5 gold) with one left: w1 answers 2 gold at most. */
	items_in(f, 6);
	while (quality(f, &f->w2).t.n < 5) {
		id = next(f, &f->w2, &epoch, NULL);
		assert_true(id > 0);
		submit(f, &f->w2, id, epoch, is_gold(f, id, NULL) ? KNOWN : WRONG);
	}
	assert_true(quality(f, &f->w2).lower >= 0.4);
	/* w2 could take the item left (of T0): w1 waits for it. */
	assert_int_equal(next(f, &f->w1, &epoch, &reason), 0);
	assert_int_equal(reason, ROUTE_GOLD_PREFERRED);
	atomic_store(&fake_now, T0 + 59999);
	reason = -1;
	assert_int_equal(next(f, &f->w1, &epoch, &reason), 0);
	assert_int_equal(reason, ROUTE_GOLD_PREFERRED);
	atomic_store(&fake_now, T0 + 60000);
	assert_true(next(f, &f->w1, &epoch, NULL) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_mixing_rate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_suspension_at_the_bound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_requalification, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gold_hidden_from_client, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_preference, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
