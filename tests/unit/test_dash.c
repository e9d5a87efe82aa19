/* test_dash.c - the dashboard: its counters against brute force, and the engine's snapshots
 * against the store's items after random work on a moved clock. */
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
#include <time.h>
#include <unistd.h>

#include "core/dash.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define MIN 60000LL
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

/* ---------------------------------------------------------------- counters */

/* A counter's three answers, recomputed from every event kept (the reference). */
struct ref_ev {
	int64_t at;
	bool late;
};

static void counter_vs_brute_force(void **state)
{
	struct dash_counter c = {0};
	static struct ref_ev ev[5000];
	size_t n = 0;
	int64_t now = T0 + 23 * HOUR; /* an hour before midnight: the day turns during the run */
	unsigned seed = 7;

	(void)state;
	for (int step = 0; step < 5000; step++) {
		uint64_t hour = 0, today = 0, late = 0;

		now += (int64_t)(rand_r(&seed) % 50000); /* up to 50 s on */
		if (rand_r(&seed) % 3) {
			ev[n] = (struct ref_ev){now, rand_r(&seed) % 4 == 0};
			dash_counter_add(&c, now, ev[n].late);
			n++;
		}
		for (size_t i = 0; i < n; i++) {
			/* the last 60 minutes by whole minutes, the current one included */
			if (ev[i].at / MIN > now / MIN - 60)
				hour++;
			if (ev[i].at / DAY == now / DAY) {
				today++;
				late += ev[i].late;
			}
		}
		assert_int_equal(c.total, n);
		assert_int_equal(dash_counter_hour(&c, now), hour);
		assert_int_equal(dash_counter_today(&c, now, false), today);
		assert_int_equal(dash_counter_today(&c, now, true), late);
	}
	/* Two hours later nothing counts in the hour; the next day nothing today. */
	assert_int_equal(dash_counter_hour(&c, now + 2 * HOUR), 0);
	assert_int_equal(dash_counter_today(&c, now + DAY, false), 0);
}

static void open_rules(void **state)
{
	struct dash_open o = {0};
	int64_t now = T0;

	(void)state;
	dash_open_add(&o, ITEM_QUEUED, 5, T0 - 10, now - 1, now);	/* late */
	dash_open_add(&o, ITEM_QUEUED, 3, T0 - 10, now, now);		/* due now: soon, not late */
	dash_open_add(&o, ITEM_ASSIGNED, 1, T0 - 99, now + HOUR - 1, now); /* soon */
	dash_open_add(&o, ITEM_SUBMITTED, 2, T0, now + HOUR, now);	/* an hour away: neither */
	dash_open_add(&o, ITEM_DONE, 4, T0 - 999, now - HOUR, now);	/* closed: not counted */
	assert_int_equal(o.queued, 2);
	assert_int_equal(o.assigned, 1);
	assert_int_equal(o.submitted, 1);
	assert_int_equal(o.breached, 1);
	assert_int_equal(o.due_next_hour, 2);
	/* the oldest queued: the earliest arrival, the smaller id on a tie (not the assigned 1) */
	assert_int_equal(o.oldest_id, 3);
	assert_int_equal(o.oldest_created, T0 - 10);
}

/* ---------------------------------------------------------------- engine */

static int print_ev(void *ctx, const struct event_rec *ev)
{
	(void)ctx;
	fprintf(stderr, "  ev %s at %lld worker %lld epoch %lld\n", ev->action,
		(long long)(ev->at - 1767225600000LL), (long long)ev->worker_id, (long long)ev->epoch);
	return 0;
}

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
	struct actor w[3];
};

static int run(struct fx *f, struct cmd *c, const struct actor *a)
{
	c->actor = a;
	return engine_call(f->e, c);
}

static int setup(void **state)
{
	struct engine_opts o = {.batch_max = 64, .tick_ms = 20, .clock = fake_clock};
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;

	assert_non_null(f);
	atomic_store(&fake_now, T0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_dash_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	assert_int_equal(engine_start(f->s, &o, &f->e, &err), 0);
	buf_release(&err);
	unit_bpo_world(f->e, 10 * MIN, &f->client, &f->engagement);
	unit_worker(f->e, f->s, f->client, "w1", 2, &f->w[0]);
	unit_worker(f->e, f->s, f->client, "w2", 1, &f->w[1]);
	unit_worker(f->e, f->s, f->client, "w3", 3, &f->w[2]);
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

/* The reference: every item of the engagement read back from the store, counted by hand. */
struct ref {
	int64_t now;
	uint64_t queued, assigned, submitted, soon, late;
	int64_t oldest_id, oldest_at;
};

static int ref_item(void *ctx, const struct item_rec *it)
{
	struct ref *r = ctx;
	bool open = it->state == ITEM_QUEUED || it->state == ITEM_ASSIGNED ||
		    it->state == ITEM_SUBMITTED || it->state == ITEM_IN_REVIEW;

	if (!open)
		return 0;
	r->queued += it->state == ITEM_QUEUED;
	r->assigned += it->state == ITEM_ASSIGNED;
	r->submitted += it->state == ITEM_SUBMITTED;
	if (it->due_at < r->now)
		r->late++;
	else if (it->due_at < r->now + HOUR)
		r->soon++;
	if (it->state == ITEM_QUEUED && (!r->oldest_id || it->created_at < r->oldest_at)) {
		r->oldest_id = it->id;
		r->oldest_at = it->created_at;
	}
	return 0;
}

static void reference(struct fx *f, int64_t n_items, struct ref *r)
{
	memset(r, 0, sizeof(*r));
	r->now = fake_clock(NULL);
	for (int64_t id = 1; id <= n_items; id++) {
		struct item_rec it;

		if (store_item_get(f->s, id, false, &it))
			continue;
		if (it.engagement_id == f->engagement)
			ref_item(r, &it);
		item_rec_release(&it);
	}
}

static void snapshot_vs_store(void **state)
{
	struct fx *f = *state;
	unsigned seed = 11;
	int64_t last_id = 0, done = 0, late_done = 0, assigned = 0;
	int64_t held[3][3] = {{0}}, epochs[3][3] = {{0}};
	uint64_t version = 0;

	for (int round = 0; round < 12; round++) {
		const struct dash_snapshot *s;
		const struct dash_engagement *d = NULL;
		struct ref r;

		for (int i = 0; i < 8; i++) {
			struct cmd c = {.type = CMD_ITEM_CREATE};

			c.u.item_create.engagement_id = f->engagement;
			c.u.item_create.payload = "{\"n\":1}";
			/* due from 30 min ago to 3 h ahead; some priority 9 */
			c.u.item_create.due_at =
			    fake_clock(NULL) - 30 * MIN + (int64_t)(rand_r(&seed) % (210 * MIN));
			c.u.item_create.priority = rand_r(&seed) % 4 == 0 ? 9 : 0;
			assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
			last_id = c.result.id;
		}
		/* Each worker fills up to its capacity, then submits one and the admin accepts it. */
		for (int w = 0; w < 3; w++) {
			for (int k = 0; k < 3; k++) {
				struct cmd c = {.type = CMD_ITEM_NEXT};

				if (held[w][k])
					continue;
				assert_int_equal(run(f, &c, &f->w[w]), 0);
				if (c.result.outcome != CMD_OUT_OK)
					break;
				held[w][k] = c.result.id;
				epochs[w][k] = c.result.item.epoch;
				assigned++;
			}
			for (int k = 0; k < 3; k++) {
				struct cmd c = {.type = CMD_ITEM_SUBMIT};
				struct item_rec it;

				if (!held[w][k] || rand_r(&seed) % 2)
					continue;
				c.u.op.item_id = held[w][k];
				c.u.op.epoch = epochs[w][k];
				c.u.op.result_json = "{}";
				if (run(f, &c, &f->w[w])) {
					assert_int_equal(store_item_get(f->s, held[w][k], false, &it), 0);
					store_item_history(f->s, held[w][k], print_ev, NULL);
					fail_msg("round %d worker %d item %lld epoch %lld: %s; store: state %d epoch %lld worker %lld expires %lld now %lld",
						 round, w, (long long)held[w][k], (long long)epochs[w][k],
						 c.result.message, it.state, (long long)it.epoch, (long long)it.worker_id, (long long)(it.lease_expires - T0), (long long)(fake_clock(NULL) - T0));
				}
				cmd_release(&c);
				c = (struct cmd){.type = CMD_ITEM_ACCEPT};
				c.u.op.item_id = held[w][k];
				assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
				assert_int_equal(store_item_get(f->s, held[w][k], false, &it), 0);
				done++;
				late_done += it.due_at < fake_clock(NULL);
				item_rec_release(&it);
				held[w][k] = 0;
				break;
			}
		}
		atomic_fetch_add(&fake_now, (long long)(7 * MIN));
		engine_wake(f->e);
		s = engine_dash_get(f->e, true);
		assert_non_null(s);
		assert_int_equal(s->at, fake_clock(NULL));
		assert_true(s->version > version);
		version = s->version;
		for (size_t i = 0; i < s->n_eng; i++)
			if (s->eng[i].id == f->engagement)
				d = &s->eng[i];
		assert_non_null(d);
		reference(f, last_id, &r);
		/* Leases may run out as the clock moves (10 min): the store says what is leased. */
		assert_int_equal(d->open.queued, r.queued);
		assert_int_equal(d->open.assigned, r.assigned);
		assert_int_equal(d->open.submitted, r.submitted);
		assert_int_equal(d->open.due_next_hour, r.soon);
		assert_int_equal(d->open.breached, r.late);
		assert_int_equal(d->open.oldest_id, r.oldest_id);
		assert_int_equal(d->done_total, done);
		assert_int_equal(d->done_late_today, late_done);
		assert_int_equal(d->assigned_total, assigned);
		assert_int_equal(s->workers_busy + s->workers_available + s->workers_away +
				     s->workers_offline,
				 3);
		engine_dash_put(f->e, s);
		/* A lease that ran out was counted; its item is queued again and held no more. */
		for (int w = 0; w < 3; w++)
			for (int k = 0; k < 3; k++) {
				struct item_rec it;

				if (!held[w][k])
					continue;
				assert_int_equal(store_item_get(f->s, held[w][k], false, &it), 0);
				if (it.state != ITEM_ASSIGNED || it.epoch != epochs[w][k])
					held[w][k] = 0;
				item_rec_release(&it);
			}
	}
}

static void unchanged_keeps_version(void **state)
{
	struct fx *f = *state;
	const struct dash_snapshot *a, *b, *c;
	struct cmd cmd = {.type = CMD_ITEM_CREATE};

	a = engine_dash_get(f->e, true);
	assert_non_null(a);
	atomic_fetch_add(&fake_now, 5000LL);
	b = engine_dash_get(f->e, true); /* older by the clock: built again, the same figures */
	assert_non_null(b);
	assert_true(b != a);
	assert_int_equal(b->version, a->version);
	assert_int_equal(b->at, a->at + 5000);
	cmd.u.item_create.engagement_id = f->engagement;
	cmd.u.item_create.payload = "{}";
	assert_int_equal(run(f, &cmd, &AUTH_LOCAL_ADMIN), 0);
	c = engine_dash_get(f->e, true);
	assert_int_equal(c->version, a->version + 1);
	assert_int_equal(c->eng[0].open.queued, a->eng[0].open.queued + 1);
	/* The old snapshots stay whole while referenced. */
	assert_int_equal(a->eng[0].open.queued + 1, c->eng[0].open.queued);
	engine_dash_put(f->e, a);
	engine_dash_put(f->e, b);
	engine_dash_put(f->e, c);
}

/* A watcher gets a new snapshot after a change without asking, within about a second. */
static void watched_publishes(void **state)
{
	struct fx *f = *state;
	const struct dash_snapshot *a, *b = NULL;
	struct cmd cmd = {.type = CMD_ITEM_CREATE};
	uint64_t v;

	engine_dash_watch(f->e, +1);
	a = engine_dash_get(f->e, true);
	v = a->version;
	engine_dash_put(f->e, a);
	cmd.u.item_create.engagement_id = f->engagement;
	cmd.u.item_create.payload = "{}";
	assert_int_equal(run(f, &cmd, &AUTH_LOCAL_ADMIN), 0);
	for (int i = 0; i < 300; i++) {
		struct timespec d = {0, 10 * 1000000L};

		b = engine_dash_get(f->e, false);
		if (b && b->version > v)
			break;
		engine_dash_put(f->e, b);
		b = NULL;
		nanosleep(&d, NULL);
	}
	assert_non_null(b);
	assert_int_equal(b->eng[0].open.queued, 1);
	engine_dash_put(f->e, b);
	engine_dash_watch(f->e, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counter_vs_brute_force),
	    cmocka_unit_test(open_rules),
	    cmocka_unit_test_setup_teardown(snapshot_vs_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(unchanged_keeps_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(watched_publishes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
