/* test_offers.c - release, worker states and offers in the engine on a clock the test moves; the
 * pure order of experts (core/offer.h) against a brute-force reference. */
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

#include "core/item.h"
#include "core/offer.h"
#include "core/release.h"
#include "core/route.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1700000000000LL
#define LEASE_MS 600000

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
	int64_t client, eng;
	struct actor w1, w2;
};

static void fx_start(struct fx *f)
{
	struct engine_opts o = {.batch_max = 64, .tick_ms = 20, .clock = fake_clock};
	struct buf err = BUF_INIT;

	assert_int_equal(engine_start(f->s, &o, &f->e, &err), 0);
	buf_release(&err);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;

	assert_non_null(f);
	atomic_store(&fake_now, T0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_offers_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	buf_release(&err);
	fx_start(f);
	unit_bpo_world(f->e, LEASE_MS, &f->client, &f->eng);
	unit_worker(f->e, f->s, f->client, "w1", 2, &f->w1);
	unit_worker(f->e, f->s, f->client, "w2", 1, &f->w2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unit_house_close(f->e, f->s, f->dir);
	free(f);
	return 0;
}

/* A restart: the engine stopped and started again on the same store (recovery). */
static void restart(struct fx *f)
{
	engine_stop(f->e);
	fx_start(f);
}

static int run(struct fx *f, struct cmd *c, const struct actor *a)
{
	c->actor = a;
	return engine_call(f->e, c);
}

static int64_t item_in(struct fx *f, int priority)
{
	struct cmd c = {.type = CMD_ITEM_CREATE};

	c.u.item_create.engagement_id = f->eng;
	c.u.item_create.priority = priority;
	c.u.item_create.payload = "{\"n\":1}";
	return unit_create(f->e, &c);
}

/* work.next for w: the item (0: none, *reason why). */
static int64_t next(struct fx *f, const struct actor *w, int64_t *epoch, int *reason)
{
	struct cmd c = {.type = CMD_ITEM_NEXT};

	assert_int_equal(run(f, &c, w), 0);
	if (reason)
		*reason = c.result.outcome == CMD_OUT_NONE ? c.result.none_reason : -1;
	if (c.result.outcome == CMD_OUT_NONE)
		return 0;
	if (epoch)
		*epoch = c.result.item.epoch;
	return c.result.id;
}

static int release(struct fx *f, const struct actor *w, int64_t id, int64_t epoch,
		   enum release_reason r)
{
	struct cmd c = {.type = CMD_ITEM_RELEASE};

	c.u.release.item_id = id;
	c.u.release.epoch = epoch;
	c.u.release.reason = (int)r;
	return run(f, &c, w);
}

static int status(struct fx *f, const struct actor *w, enum worker_status st, enum away_reason r)
{
	struct cmd c = {.type = CMD_WORKER_STATUS};

	c.u.wstatus.worker_id = w->worker_id;
	c.u.wstatus.status = st;
	c.u.wstatus.away_reason = (int)r;
	return run(f, &c, &AUTH_LOCAL_ADMIN);
}

static enum item_state state_of(struct fx *f, int64_t id)
{
	struct item_rec r = {0};

	assert_int_equal(store_item_state_get(f->s, id, &r), 0);
	item_rec_release(&r);
	return r.state;
}

/* A batch of its own (an audit record): what the engine does at a moved clock is done after it. */
static void sync_engine(struct fx *f)
{
	struct cmd c = {.type = CMD_AUDIT};

	snprintf(c.u.audit.action, sizeof(c.u.audit.action), "test.sync");
	snprintf(c.u.audit.record_type, sizeof(c.u.audit.record_type), "test");
	c.u.audit.record_id = 1;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
}

static void advance(struct fx *f, int64_t ms)
{
	atomic_fetch_add(&fake_now, ms);
	engine_wake(f->e);
	sync_engine(f); /* the clock's batch, or this one: either ticks */
	sync_engine(f);
}

/* ------------------------------------------------------------------ release */

/* A release puts the item back at its old place; exclusion holds, across a restart too. */
static void test_release_place_and_exclusion(void **state)
{
	struct fx *f = *state;
	int64_t a = item_in(f, 7), b = item_in(f, 5), ea, eb, eb2;
	int reason;

	assert_int_equal(next(f, &f->w1, &ea, NULL), a);
	assert_int_equal(release(f, &f->w1, a, ea + 1, RELEASE_BREAK), ERR_STALE);
	assert_int_equal(release(f, &f->w2, a, ea, RELEASE_BREAK), ERR_STALE);
	assert_int_equal(release(f, &f->w1, a, ea, RELEASE_BREAK), 0);
	assert_int_equal(state_of(f, a), ITEM_QUEUED);
	/* Its old place: ahead of b, which arrived later with a lower priority. */
	assert_int_equal(next(f, &f->w1, &ea, NULL), a);
	assert_int_equal(release(f, &f->w1, a, ea, RELEASE_CONFLICT_OF_INTEREST), 0);
	assert_int_equal(next(f, &f->w1, &eb, NULL), b);
	assert_int_equal(next(f, &f->w1, NULL, &reason), 0);
	assert_int_equal(reason, ROUTE_NO_WORK); /* a is there, but never again for w1 */
	assert_int_equal(release(f, &f->w1, b, eb, RELEASE_ILLEGIBLE), 0);
	restart(f);
	assert_int_equal(next(f, &f->w1, &eb2, NULL), b);
	assert_true(eb2 > eb);
	assert_int_equal(next(f, &f->w1, NULL, NULL), 0);
	assert_int_equal(next(f, &f->w2, NULL, NULL), a); /* others still get a */
}

/* Offline ends every lease of the worker at once; away keeps them and gets no new work. */
static void test_offline_and_away(void **state)
{
	struct fx *f = *state;
	int64_t a = item_in(f, 5), b = item_in(f, 5), c = item_in(f, 5);
	int reason;

	assert_int_equal(next(f, &f->w1, NULL, NULL), a);
	assert_int_equal(status(f, &f->w1, WORKER_AWAY, AWAY_BREAK), 0);
	assert_int_equal(state_of(f, a), ITEM_ASSIGNED);
	assert_int_equal(next(f, &f->w1, NULL, &reason), 0);
	assert_int_equal(reason, ROUTE_NOT_AVAILABLE);
	assert_int_equal(status(f, &f->w1, WORKER_AVAILABLE, AWAY_NONE), 0);
	assert_int_equal(next(f, &f->w1, NULL, NULL), b);
	assert_int_equal(status(f, &f->w1, WORKER_OFFLINE, AWAY_NONE), 0);
	assert_int_equal(state_of(f, a), ITEM_QUEUED);
	assert_int_equal(state_of(f, b), ITEM_QUEUED);
	/* Back in their places: w2 takes a first, then (after submitting) b, then c. */
	assert_int_equal(next(f, &f->w2, NULL, NULL), a);
	(void)c;
	assert_int_equal(status(f, &f->w1, WORKER_AVAILABLE, AWAY_NONE), 0);
	assert_int_equal(next(f, &f->w1, NULL, NULL), b); /* its load went back to 0 */
	assert_int_equal(next(f, &f->w1, NULL, NULL), c);
}

/* Wrap-up: after a submit, nothing for wrap_up_ms, the time left in the answer. */
static void test_wrap_up(void **state)
{
	struct fx *f = *state;
	struct cmd c = {.type = CMD_WORK_CONF};
	int64_t a = item_in(f, 5), b = item_in(f, 5), ea = 0;
	int reason;

	c.u.work_conf = (struct work_conf){.engagement_id = f->eng, .mode = OFFER_PULL,
					   .timeout_ms = 60000, .wrap_up_ms = 15000};
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	assert_int_equal(next(f, &f->w1, &ea, NULL), a);
	c = (struct cmd){.type = CMD_ITEM_SUBMIT};
	c.u.op.item_id = a;
	c.u.op.epoch = ea;
	c.u.op.result_json = "{}";
	assert_int_equal(run(f, &c, &f->w1), 0);
	cmd_release(&c);
	c = (struct cmd){.type = CMD_ITEM_NEXT};
	assert_int_equal(run(f, &c, &f->w1), 0);
	assert_int_equal(c.result.outcome, CMD_OUT_NONE);
	assert_int_equal(c.result.none_reason, ROUTE_WRAP_UP);
	assert_int_equal(c.result.none_retry_ms, 15000);
	atomic_fetch_add(&fake_now, 14999);
	assert_int_equal(next(f, &f->w1, NULL, &reason), 0);
	assert_int_equal(reason, ROUTE_WRAP_UP);
	atomic_fetch_add(&fake_now, 1);
	assert_int_equal(next(f, &f->w1, NULL, NULL), b);
}

/* ------------------------------------------------------------------ offers */

struct offers_seen {
	int n_open;
	struct offer_rec open; /* the last open one */
	int n_state[OFFER_STATE__COUNT];
};

static int seen(void *ctx, const struct offer_rec *o)
{
	struct offers_seen *s = ctx;

	s->n_state[o->state]++;
	if (o->state == OFFER_OPEN) {
		s->n_open++;
		s->open = *o;
	}
	return 0;
}

static struct offers_seen offers(struct fx *f)
{
	struct offers_seen s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_offer_list(f->s, 0, false, 1000, seen, &s), 0);
	return s;
}

static int answer(struct fx *f, const struct actor *w, int64_t offer, bool accept,
		  struct cmd *out)
{
	struct cmd c = {.type = CMD_OFFER_ANSWER};

	c.u.offer.offer_id = offer;
	c.u.offer.accept = accept;
	c.actor = w;
	int rc = engine_call(f->e, &c);
	if (out)
		*out = c;
	return rc;
}

static void push(struct fx *f, int64_t timeout_ms, int max_no_answer)
{
	struct cmd c = {.type = CMD_WORK_CONF};

	c.u.work_conf = (struct work_conf){.engagement_id = f->eng, .mode = OFFER_PUSH,
					   .timeout_ms = timeout_ms,
					   .max_no_answer = max_no_answer};
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
}

/* Offer, decline, timeout, accept: one open offer at a time, each one ends. */
static void test_offer_decline_timeout_accept(void **state)
{
	struct fx *f = *state;
	struct offers_seen s;
	struct cmd c;
	int64_t a;
	int reason;

	push(f, 10000, 5);
	a = item_in(f, 5);
	sync_engine(f);
	s = offers(f);
	assert_int_equal(s.n_open, 1);
	/* Both idle since ever, holding nothing, no levels required: the smaller id. */
	assert_int_equal(s.open.worker_id, f->w1.worker_id);
	assert_int_equal(s.open.item_id, a);
	assert_int_equal(next(f, &f->w2, NULL, &reason), 0); /* push work is not taken */
	assert_int_equal(answer(f, &f->w2, s.open.id, true, NULL), ERR_NOTFOUND);
	assert_int_equal(answer(f, &f->w1, s.open.id, false, NULL), 0);
	s = offers(f);
	assert_int_equal(s.n_open, 1);
	assert_int_equal(s.open.worker_id, f->w2.worker_id);
	assert_int_equal(s.n_state[OFFER_DECLINED], 1);
	/* w2 lets it run out: w1 declined a timeout ago, so it comes round to w1. */
	advance(f, 9999);
	assert_int_equal(offers(f).open.worker_id, f->w2.worker_id);
	advance(f, 1);
	s = offers(f);
	assert_int_equal(s.n_state[OFFER_EXPIRED], 1);
	assert_int_equal(s.n_open, 1);
	assert_int_equal(s.open.worker_id, f->w1.worker_id);
	assert_int_equal(answer(f, &f->w1, s.open.id, true, &c), 0);
	assert_true(c.result.has_item);
	assert_int_equal(c.result.item.state, ITEM_ASSIGNED);
	assert_int_equal(c.result.item.worker_id, f->w1.worker_id);
	cmd_release(&c);
	s = offers(f);
	assert_int_equal(s.n_open, 0);
	assert_int_equal(s.n_state[OFFER_ACCEPTED], 1);
	assert_int_equal(state_of(f, a), ITEM_ASSIGNED);
}

/* max_no_answer expiries in a row set the worker away (no_answer); offers survive a restart. */
static void test_no_answer_away_and_recovery(void **state)
{
	struct fx *f = *state;
	struct worker_rec w;
	struct worker_state_rec ws;
	struct offers_seen s;

	push(f, 10000, 1);
	item_in(f, 5);
	sync_engine(f);
	assert_int_equal(offers(f).open.worker_id, f->w1.worker_id);
	restart(f);
	s = offers(f);
	assert_int_equal(s.n_open, 1);
	advance(f, 10000);
	assert_int_equal(store_worker_get(f->s, f->w1.worker_id, &w), 0);
	assert_int_equal(w.status, WORKER_AWAY);
	assert_int_equal(store_worker_state_get(f->s, f->w1.worker_id, &ws), 0);
	assert_int_equal(ws.away_reason, AWAY_NO_ANSWER);
	s = offers(f);
	assert_int_equal(s.n_open, 1);
	assert_int_equal(s.open.worker_id, f->w2.worker_id);
	/* An away worker's open offer is withdrawn: nobody is left to ask now. */
	assert_int_equal(status(f, &f->w2, WORKER_AWAY, AWAY_MEETING), 0);
	s = offers(f);
	assert_int_equal(s.n_open, 0);
	assert_int_equal(s.n_state[OFFER_WITHDRAWN], 1);
}

/* An offered item that leaves the queue (cancelled) withdraws its offer: every offer ends. */
static void test_offer_withdrawn_on_cancel(void **state)
{
	struct fx *f = *state;
	struct cmd c = {.type = CMD_ITEM_CANCEL};
	struct offers_seen s;
	int64_t a, b;

	push(f, 10000, 3);
	a = item_in(f, 5);
	b = item_in(f, 5);
	sync_engine(f);
	s = offers(f);
	assert_int_equal(s.n_open, 2); /* one item each: w1 and w2, never one item to both */
	c.u.op.item_id = a;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	cmd_release(&c);
	sync_engine(f);
	s = offers(f);
	assert_int_equal(s.n_state[OFFER_WITHDRAWN], 1);
	assert_int_equal(s.n_open, 1);
	assert_int_equal(s.open.item_id, b);
}

/* ------------------------------------------------------------------ the pure order */

/* Reference: the lexicographic key (-levels, load, idle_since, id), compared field by field. */
static int ref_cmp(const struct offer_candidate *a, const struct offer_candidate *b)
{
	int64_t ka[4] = {-a->levels, a->load, a->idle_since, a->worker_id};
	int64_t kb[4] = {-b->levels, b->load, b->idle_since, b->worker_id};

	for (int i = 0; i < 4; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

static void test_offer_order(void **state)
{
	struct offer_candidate c[64];
	unsigned seed = 7;

	(void)state;
	for (int round = 0; round < 200; round++) {
		size_t best = 0, ref = 0;

		for (size_t i = 0; i < 64; i++) {
			seed = seed * 1103515245u + 12345u;
			c[i] = (struct offer_candidate){.worker_id = (int64_t)i + 1,
							.levels = (int)(seed >> 16) % 4,
							.load = (int)(seed >> 20) % 3,
							.idle_since = (int64_t)((seed >> 24) % 3) * 1000};
		}
		for (size_t i = 1; i < 64; i++) {
			if (offer_better(&c[i], &c[best]))
				best = i;
			if (ref_cmp(&c[i], &c[ref]) < 0)
				ref = i;
		}
		assert_int_equal(best, ref);
	}
}

static void test_no_answer_rule(void **state)
{
	bool away;

	(void)state;
	assert_int_equal(offer_no_answer_next(0, OFFER_EXPIRED, 3, &away), 1);
	assert_false(away);
	assert_int_equal(offer_no_answer_next(1, OFFER_WITHDRAWN, 3, &away), 1);
	assert_int_equal(offer_no_answer_next(1, OFFER_DECLINED, 3, &away), 0);
	assert_int_equal(offer_no_answer_next(2, OFFER_EXPIRED, 3, &away), 0);
	assert_true(away);
	assert_int_equal(offer_no_answer_next(5, OFFER_EXPIRED, 0, &away), 6); /* 0: never */
	assert_false(away);
	assert_true(release_reason_excludes(RELEASE_CONFLICT_OF_INTEREST));
	assert_true(release_reason_excludes(RELEASE_SKILL_MISMATCH));
	assert_false(release_reason_excludes(RELEASE_BREAK));
	{
		enum release_reason r;
		enum away_reason ar;

		assert_int_equal(release_reason_parse("offline", &r), ERR_INVALID);
		assert_int_equal(away_reason_parse("no_answer", &ar), ERR_INVALID);
		assert_int_equal(away_reason_parse("lunch", &ar), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_release_place_and_exclusion, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_offline_and_away, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrap_up, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_offer_decline_timeout_accept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_answer_away_and_recovery, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_offer_withdrawn_on_cancel, setup, teardown),
	    cmocka_unit_test(test_offer_order),
	    cmocka_unit_test(test_no_answer_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
