/* test_keying.c - double keying and overlap in the engine, on a real store and a clock the test moves. */
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

#include "core/item.h"
#include "core/keying.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1700000000000LL
#define LEASE_MS 60000
#define NW 5

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
	struct actor w[NW];
};

static int run(struct fx *f, struct cmd *c, const struct actor *a)
{
	c->actor = a;
	return engine_call(f->e, c);
}

static int64_t create(struct fx *f, struct cmd *c)
{
	assert_int_equal(run(f, c, &AUTH_LOCAL_ADMIN), 0);
	assert_int_equal(c->result.outcome, CMD_OUT_CREATED);
	return c->result.id;
}

static void start(struct fx *f)
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
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_keying_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	buf_release(&err);
	start(f);
	unit_bpo_world(f->e, LEASE_MS, &f->client, &f->engagement);
	for (int i = 0; i < NW; i++) {
		char login[16];

		snprintf(login, sizeof(login), "w%d", i);
		unit_worker(f->e, f->s, f->client, login, 2, &f->w[i]);
		snprintf(f->w[i].name, sizeof(f->w[i].name), "%s", login);
	}
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

static void keying(struct fx *f, enum keying_mode m, int k, int max_k, double min_conf,
		   const char *field, enum keying_agg agg)
{
	struct cmd c = {.type = CMD_KEYING_SET};
	struct buf err = BUF_INIT;

	c.u.keying.engagement_id = f->engagement;
	c.u.keying.mode = m;
	c.u.keying.k = k;
	c.u.keying.max_k = max_k;
	c.u.keying.min_confidence = min_conf;
	snprintf(c.u.keying.field, sizeof(c.u.keying.field), "%s", field);
	c.u.keying.aggregate = agg;
	assert_int_equal(keying_conf_check(&c.u.keying, &err), 0);
	buf_release(&err);
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	cmd_release(&c);
}

static int64_t item_in(struct fx *f)
{
	struct cmd c = {.type = CMD_ITEM_CREATE};

	c.u.item_create.engagement_id = f->engagement;
	c.u.item_create.payload = "{\"form\":1}";
	return create(f, &c);
}

/* get-next for worker i: the item leased (0: none), its epoch. */
static int64_t next(struct fx *f, int i, int64_t *epoch)
{
	struct cmd c = {.type = CMD_ITEM_NEXT};

	assert_int_equal(run(f, &c, &f->w[i]), 0);
	if (c.result.outcome == CMD_OUT_NONE)
		return 0;
	if (epoch)
		*epoch = c.result.item.epoch;
	return c.result.id;
}

/* Submits result as worker i; returns rc, the item's state after (or the refusing one). */
static int submit(struct fx *f, int i, int64_t id, int64_t epoch, const char *result, int *st)
{
	struct cmd c = {.type = CMD_ITEM_SUBMIT};
	int rc;

	c.u.op.item_id = id;
	c.u.op.epoch = epoch;
	c.u.op.result_json = result;
	rc = run(f, &c, &f->w[i]);
	if (st)
		*st = rc ? c.result.state : (int)c.result.item.state;
	cmd_release(&c);
	return rc;
}

/* Takes item id as worker i (it must be the one routed) and submits result. OUT: state. */
static int key(struct fx *f, int i, int64_t id, const char *result)
{
	int64_t epoch = 0;
	int st = -1;

	assert_int_equal(next(f, i, &epoch), id);
	assert_int_equal(submit(f, i, id, epoch, result, &st), 0);
	return st;
}

static char *result_of(struct fx *f, int64_t id)
{
	struct item_rec r;
	char *t;

	assert_int_equal(store_item_get(f->s, id, true, &r), 0);
	t = r.result ? strdup(r.result) : NULL;
	item_rec_release(&r);
	return t;
}

struct obs_count {
	int n, ok;
};

static int count_obs(void *ctx, const struct quality_obs *o)
{
	struct obs_count *c = ctx;

	if (o->kind == QOBS_AGREE) {
		c->n++;
		c->ok += o->ok;
	}
	return 0;
}

static int count_answers(void *ctx, const struct answer_rec *a)
{
	(void)a;
	(*(int *)ctx)++;
	return 0;
}

/* ------------------------------------------------------------------ tests */

/* The best-first walk of a heap returns the best entry that is not skipped. */
static bool skip_even(const struct queue_entry *e, void *ctx)
{
	(void)ctx;
	return e->id % 2 == 0;
}

static void test_queue_best(void **state)
{
	struct queue q = QUEUE_INIT;
	struct queue_entry e[40];

	(void)state;
	for (int i = 0; i < 40; i++) {
		/* ids 40..1 pushed so the heap is not sorted: priority equal, due equal */
		e[i] = (struct queue_entry){.id = 40 - i, .priority = 1, .due_at = 0};
		assert_int_equal(queue_push(&q, &e[i]), 0);
	}
	assert_int_equal(keying_queue_best(&q, skip_even, NULL, 64)->id, 1);
	for (int i = 0; i < 40; i++)
		if (e[i].id == 1)
			queue_remove(&q, &e[i]);
	assert_int_equal(keying_queue_best(&q, skip_even, NULL, 64)->id, 3);
	/* Bounded: the first two visited (2, 3) with a bound of 1 finds nothing. */
	assert_null(keying_queue_best(&q, skip_even, NULL, 1));
	queue_release(&q);
}

static void test_conf_check(void **state)
{
	struct keying_conf c = {.mode = KEYING_DOUBLE, .k = 3};
	struct buf err = BUF_INIT;

	(void)state;
	assert_int_equal(keying_conf_check(&c, &err), ERR_INVALID);
	assert_non_null(strstr(buf_str(&err), "k:"));
	buf_reset(&err);
	c = (struct keying_conf){.mode = KEYING_OVERLAP, .k = 3, .max_k = 2};
	assert_int_equal(keying_conf_check(&c, &err), ERR_INVALID);
	assert_non_null(strstr(buf_str(&err), "max_k"));
	buf_reset(&err);
	c = (struct keying_conf){.mode = KEYING_OVERLAP, .k = 16};
	assert_int_equal(keying_conf_check(&c, &err), ERR_INVALID);
	buf_reset(&err);
	c = (struct keying_conf){.mode = KEYING_OVERLAP, .k = 3, .min_confidence = 1.5};
	assert_int_equal(keying_conf_check(&c, &err), ERR_INVALID);
	buf_reset(&err);
	c = (struct keying_conf){.mode = KEYING_OVERLAP, .k = 3, .min_confidence = 0.6};
	snprintf(c.field, sizeof(c.field), "Bad-Name");
	assert_int_equal(keying_conf_check(&c, &err), ERR_INVALID);
	buf_reset(&err);
	c = (struct keying_conf){.mode = KEYING_OVERLAP, .k = 3};
	assert_int_equal(keying_conf_check(&c, &err), 0);
	assert_int_equal(c.max_k, 3);
	buf_release(&err);
}

/*
 * A worker who answered an item never gets it again: not at once, not
 * after another worker's lease on it expired and it was leased again, not
 * after the engine restarted; it takes the next eligible item instead.
 */
static void test_exclusion_after_expiry(void **state)
{
	struct fx *f = *state;
	int64_t x, y, epoch = 0, e2 = 0;
	int st;

	keying(f, KEYING_DOUBLE, 0, 0, 0, "", KEYING_MAJORITY);
	x = item_in(f);
	y = item_in(f);
	assert_int_equal(key(f, 0, x, "{\"a\":1}"), ITEM_QUEUED);
	/* x comes first in queue order, but w0 answered it: it gets y. */
	assert_int_equal(next(f, 0, &epoch), y);
	/* The restart rebuilds the exclusion from the store. */
	engine_stop(f->e);
	start(f);
	assert_int_equal(next(f, 0, NULL), 0);
	/* w1 takes x and lets its lease run out. */
	assert_int_equal(next(f, 1, &e2), x);
	atomic_store(&fake_now, T0 + LEASE_MS + 1);
	engine_wake(f->e);
	/* y's lease (w0) ran out as well; w0 gets y again but never x. */
	assert_int_equal(next(f, 0, &epoch), y);
	assert_int_equal(next(f, 0, NULL), 0);
	/* w1's old lease is stale. */
	assert_int_equal(submit(f, 1, x, e2, "{\"a\":1}", &st), ERR_STALE);
	assert_int_equal(key(f, 2, x, "{\"a\":1}"), ITEM_SUBMITTED);
	/* One answer per worker and item, in the store too. */
	{
		int n = 0;

		assert_int_equal(store_answer_walk(f->s, false, 0, x, 0, count_answers, &n), 0);
		assert_int_equal(n, 2);
	}
}

/* Two keyings agree: the item is submitted with that result; agreement per field recorded. */
static void test_agree(void **state)
{
	struct fx *f = *state;
	struct obs_count oc = {0};
	struct item_keying_rec r;
	int64_t x;
	char *res;

	keying(f, KEYING_DOUBLE, 2, 0, 0, "", KEYING_MAJORITY);
	x = item_in(f);
	assert_int_equal(key(f, 0, x, "{\"a\":1,\"b\":\"x\"}"), ITEM_QUEUED);
	/* Until decided the result stays empty. */
	res = result_of(f, x);
	assert_null(res);
	assert_int_equal(key(f, 1, x, "{\"b\":\"x\",\"a\":1}"), ITEM_SUBMITTED);
	res = result_of(f, x);
	assert_non_null(res);
	assert_non_null(strstr(res, "\"b\":\"x\""));
	free(res);
	assert_int_equal(store_item_keying_get(f->s, x, &r), 0);
	assert_int_equal(r.phase, KPHASE_DECIDED);
	assert_string_equal(r.method, "double");
	free(r.label);
	free(r.diff);
	assert_int_equal(store_quality_obs_walk(f->s, f->engagement, count_obs, &oc), 0);
	assert_int_equal(oc.n, 4); /* a and b, for both workers */
	assert_int_equal(oc.ok, 4);
}

/*
 * Two keyings disagree on b: a third worker (not one of the two) gets the
 * item, reads both answers and the differing field, and sends only b.
 */
static void test_disagree_adjudicated(void **state)
{
	struct fx *f = *state;
	struct obs_count oc = {0};
	struct item_keying_rec r;
	int64_t x;
	int n = 0;
	char *res;

	keying(f, KEYING_DOUBLE, 2, 0, 0, "", KEYING_MAJORITY);
	x = item_in(f);
	assert_int_equal(key(f, 0, x, "{\"a\":1,\"b\":\"x\"}"), ITEM_QUEUED);
	assert_int_equal(key(f, 1, x, "{\"a\":1,\"b\":\"y\"}"), ITEM_QUEUED);
	assert_int_equal(next(f, 0, NULL), 0);
	assert_int_equal(next(f, 1, NULL), 0);
	assert_int_equal(store_item_keying_get(f->s, x, &r), 0);
	assert_int_equal(r.phase, KPHASE_ADJUDICATING);
	assert_non_null(r.diff);
	assert_string_equal(r.diff, "[\"b\"]");
	free(r.label);
	free(r.diff);
	assert_int_equal(store_answer_walk(f->s, false, 0, x, 0, count_answers, &n), 0);
	assert_int_equal(n, 2);
	assert_null(result_of(f, x));
	assert_int_equal(key(f, 2, x, "{\"b\":\"y\"}"), ITEM_SUBMITTED);
	res = result_of(f, x);
	assert_non_null(res);
	assert_string_equal(res, "{\"a\":1,\"b\":\"y\"}");
	free(res);
	assert_int_equal(store_item_keying_get(f->s, x, &r), 0);
	assert_int_equal(r.phase, KPHASE_DECIDED);
	assert_string_equal(r.method, "adjudicated");
	assert_string_equal(r.diff, "[\"b\"]"); /* kept with the decision */
	free(r.label);
	free(r.diff);
	assert_int_equal(store_quality_obs_walk(f->s, f->engagement, count_obs, &oc), 0);
	assert_int_equal(oc.n, 4);
	assert_int_equal(oc.ok, 2); /* a agreed for both, b for neither */
}

/*
 * Declared result fields hold for every answer: a keyer's answer that breaks
 * them is refused (nothing recorded, the lease kept); an adjudicator may send
 * only the differing fields, checked once merged over the agreed ones.
 */
static void test_answers_checked_against_fields(void **state)
{
	struct fx *f = *state;
	struct cmd c = {.type = CMD_ENGAGEMENT_FIELDS};
	int64_t x, epoch = 0;
	int n = 0, st = -1;
	char *res;

	c.u.fields.engagement_id = f->engagement;
	c.u.fields.result = "[{\"name\":\"a\",\"type\":\"integer\",\"required\":true},"
			    "{\"name\":\"b\",\"type\":\"text\",\"required\":true}]";
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	cmd_release(&c);
	keying(f, KEYING_DOUBLE, 2, 0, 0, "", KEYING_MAJORITY);
	x = item_in(f);
	assert_int_equal(next(f, 0, &epoch), x);
	assert_int_equal(submit(f, 0, x, epoch, "{\"a\":\"one\"}", NULL), ERR_INVALID);
	assert_int_equal(store_answer_walk(f->s, false, 0, x, 0, count_answers, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(submit(f, 0, x, epoch, "{\"a\":1,\"b\":\"x\"}", &st), 0);
	assert_int_equal(st, ITEM_QUEUED);
	assert_int_equal(key(f, 1, x, "{\"a\":1,\"b\":\"y\"}"), ITEM_QUEUED);
	assert_int_equal(next(f, 2, &epoch), x);
	/* the adjudicator's part merged: {"a":1,"b":7} breaks b's type */
	assert_int_equal(submit(f, 2, x, epoch, "{\"b\":7}", NULL), ERR_INVALID);
	assert_int_equal(submit(f, 2, x, epoch, "{\"b\":\"y\"}", &st), 0);
	assert_int_equal(st, ITEM_SUBMITTED);
	res = result_of(f, x);
	assert_non_null(res);
	assert_string_equal(res, "{\"a\":1,\"b\":\"y\"}");
	free(res);
}

/* Overlap: low confidence asks for more answers up to max_k, then decides. */
static void test_overlap_more_answers(void **state)
{
	struct fx *f = *state;
	struct item_keying_rec r;
	int64_t x;
	char *res;

	keying(f, KEYING_OVERLAP, 2, 4, 0.7, "label", KEYING_MAJORITY);
	x = item_in(f);
	assert_int_equal(key(f, 0, x, "{\"label\":\"cat\",\"n\":1}"), ITEM_QUEUED);
	assert_int_equal(key(f, 1, x, "{\"label\":\"dog\"}"), ITEM_QUEUED); /* 1/2 < 0.7 */
	assert_int_equal(key(f, 2, x, "{\"label\":\"cat\"}"), ITEM_QUEUED); /* 2/3 < 0.7 */
	assert_int_equal(key(f, 3, x, "{\"label\":\"cat\"}"), ITEM_SUBMITTED); /* 3/4 */
	res = result_of(f, x);
	assert_string_equal(res, "{\"label\":\"cat\",\"n\":1}");
	free(res);
	assert_int_equal(store_item_keying_get(f->s, x, &r), 0);
	assert_int_equal(r.phase, KPHASE_DECIDED);
	assert_int_equal(r.answers, 4);
	assert_string_equal(r.label, "\"cat\"");
	assert_true(r.confidence >= 0.7);
	free(r.label);
	free(r.diff);
	/* max_k reached with low confidence: decided anyway. */
	keying(f, KEYING_OVERLAP, 2, 2, 0.9, "label", KEYING_MAJORITY);
	x = item_in(f);
	assert_int_equal(key(f, 0, x, "{\"label\":\"cat\"}"), ITEM_QUEUED);
	assert_int_equal(key(f, 4, x, "{\"label\":\"dog\"}"), ITEM_SUBMITTED);
}

/* Dawid-Skene decides as well (with the consensus library; majority without it). */
static void test_overlap_dawid_skene(void **state)
{
	struct fx *f = *state;
	struct item_keying_rec r;
	int64_t x;

	keying(f, KEYING_OVERLAP, 3, 3, 0, "", KEYING_DAWID_SKENE);
	x = item_in(f);
	assert_int_equal(key(f, 0, x, "{\"c\":\"a\"}"), ITEM_QUEUED);
	assert_int_equal(key(f, 1, x, "{\"c\":\"a\"}"), ITEM_QUEUED);
	assert_int_equal(key(f, 2, x, "{\"c\":\"b\"}"), ITEM_SUBMITTED);
	assert_int_equal(store_item_keying_get(f->s, x, &r), 0);
	assert_string_equal(r.label, "{\"c\":\"a\"}");
	free(r.label);
	free(r.diff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_best),
	    cmocka_unit_test(test_conf_check),
	    cmocka_unit_test_setup_teardown(test_exclusion_after_expiry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agree, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_disagree_adjudicated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answers_checked_against_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlap_more_answers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlap_dawid_skene, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
