/* test_edit_routing.c - edits interleaved with work at random, every routing invariant checked. */
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

#include "core/route.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/err.h"

/*
 * The engine runs on a real temporary store with a clock the test moves.
 * The test keeps its own model of every record and item, changes it as each
 * command should, and after every command checks the engine against it:
 *  - a lease goes only to a worker that met the engagement's requirements
 *    (skills, languages, clearance) as they were at that moment, was active,
 *    available and under capacity, for an engagement and client that were
 *    active;
 *  - when work/next hands out nothing, no queued item was eligible (so the
 *    engine's load counts match the leases held: a load too high would
 *    starve, one too low would overfill);
 *  - an item's epoch only grows; a submit or renew with the current epoch
 *    before the deadline succeeds, whatever edit came in between;
 *  - at the end, every item is in the store exactly as in the model, none
 *    lost or duplicated, and each worker holds exactly the leases counted.
 */

#define T0 1700000000000LL
#define LEASE_MS 60000
#define N_CLIENTS 3
#define N_ENG 4
#define N_WORKERS 6
#define MAX_ITEMS 400
#define STEPS 1500

static atomic_llong fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return (int64_t)atomic_load(&fake_now);
}

static const char *const skill_codes[] = { "typing", "claims", "en" };

struct m_item {
	int64_t id;
	int eng;
	enum item_state state;
	int worker; /* index, -1 none */
	int64_t epoch, expires, started;
};

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct engine *e;
	unsigned seed;
	int64_t client_id[N_CLIENTS];
	bool client_active[N_CLIENTS];
	struct engagement_rec eng[N_ENG];
	struct worker_rec *w; /* [N_WORKERS], several KiB each */
	struct actor wa[N_WORKERS];
	struct m_item it[MAX_ITEMS];
	size_t n_items;
	struct cmd *c; /* one command, reused */
	long leases, nones, edits;
};

static unsigned rnd(struct fx *f, unsigned n)
{
	f->seed = f->seed * 1103515245u + 12345u;
	return (f->seed >> 16) % n;
}

static int64_t now(void)
{
	return (int64_t)atomic_load(&fake_now);
}

/* Runs f->c as a; returns its rc. */
static int run(struct fx *f, enum cmd_type t, const struct actor *a)
{
	cmd_release(f->c);
	f->c->type = t;
	f->c->actor = a;
	memset(&f->c->result, 0, sizeof(f->c->result));
	return engine_call(f->e, f->c);
}

static void clear_u(struct fx *f)
{
	memset(&f->c->u, 0, sizeof(f->c->u));
}

/* Random requirements or skills: each code absent or at a level 1..3. */
static void random_levels(struct fx *f, struct skill_level *sl, size_t *n, bool langs)
{
	*n = 0;
	for (size_t i = 0; i < 3; i++) {
		if ((i == 2) != langs || rnd(f, 3) == 0)
			continue;
		snprintf(sl[*n].code, MODEL_CODE_MAX, "%s", skill_codes[i]);
		sl[*n].level = 1 + (int)rnd(f, 3);
		(*n)++;
	}
}

static void random_clear(struct fx *f, struct worker_rec *w)
{
	w->n_clear = 0;
	for (int k = 0; k < N_CLIENTS; k++)
		if (rnd(f, 3))
			w->clear[w->n_clear++] = f->client_id[k]; /* ascending: ids grow */
}

/* The model expires leases whose deadline has come: the engine does before each batch. */
static void model_expire(struct fx *f)
{
	for (size_t i = 0; i < f->n_items; i++) {
		struct m_item *m = &f->it[i];

		if (m->state == ITEM_ASSIGNED && m->expires <= now()) {
			m->state = ITEM_QUEUED;
			m->worker = -1;
		}
	}
}

static int load_of(const struct fx *f, int w)
{
	int n = 0;

	for (size_t i = 0; i < f->n_items; i++)
		n += f->it[i].state == ITEM_ASSIGNED && f->it[i].worker == w;
	return n;
}

static bool eng_open(const struct fx *f, int e)
{
	for (int k = 0; k < N_CLIENTS; k++)
		if (f->client_id[k] == f->eng[e].client_id)
			return f->eng[e].active && f->client_active[k];
	return false;
}

/* May worker w take work of engagement e now (the model's answer)? */
static bool eligible(const struct fx *f, int w, int e)
{
	return f->w[w].active && load_of(f, w) < f->w[w].capacity && eng_open(f, e) &&
	       route_qualified(&f->w[w], &f->eng[e], 0);
}

static struct m_item *item_by_id(struct fx *f, int64_t id)
{
	for (size_t i = 0; i < f->n_items; i++)
		if (f->it[i].id == id)
			return &f->it[i];
	return NULL;
}

/* ---------------------------------------------------------------- steps */

static void step_create(struct fx *f)
{
	int e = (int)rnd(f, N_ENG);
	int rc;

	if (f->n_items == MAX_ITEMS)
		return;
	clear_u(f);
	f->c->u.item_create.engagement_id = f->eng[e].id;
	f->c->u.item_create.payload = "{}";
	rc = run(f, CMD_ITEM_CREATE, &AUTH_LOCAL_ADMIN);
	if (!eng_open(f, e)) {
		assert_int_equal(rc, ERR_CONFLICT); /* paused: no new items */
		return;
	}
	assert_int_equal(rc, 0);
	assert_null(item_by_id(f, f->c->result.id)); /* never an id twice */
	f->it[f->n_items++] = (struct m_item){.id = f->c->result.id, .eng = e,
					      .state = ITEM_QUEUED, .worker = -1};
}

static void step_next(struct fx *f)
{
	int w = (int)rnd(f, N_WORKERS);
	struct m_item *m;
	int rc;

	clear_u(f);
	rc = run(f, CMD_ITEM_NEXT, &f->wa[w]);
	assert_int_equal(rc, 0);
	if (f->c->result.outcome == CMD_OUT_NONE) {
		f->nones++;
		for (size_t i = 0; i < f->n_items; i++)
			if (f->it[i].state == ITEM_QUEUED && eligible(f, w, f->it[i].eng))
				fail_msg("worker %d got nothing while item %lld was eligible", w,
					 (long long)f->it[i].id);
		return;
	}
	m = item_by_id(f, f->c->result.id);
	assert_non_null(m);
	if (m->state != ITEM_QUEUED)
		fail_msg("item %lld leased while %d", (long long)m->id, (int)m->state);
	if (!eligible(f, w, m->eng))
		fail_msg("worker %d leased item %lld of engagement %d without meeting it", w,
			 (long long)m->id, m->eng);
	assert_true(f->c->result.item.epoch > m->epoch); /* epochs only grow */
	assert_int_equal(f->c->result.item.lease_expires, now() + f->eng[m->eng].lease_ms);
	m->state = ITEM_ASSIGNED;
	m->worker = w;
	m->epoch = f->c->result.item.epoch;
	m->expires = f->c->result.item.lease_expires;
	m->started = now();
	f->leases++;
}

/* A random leased item, or NULL. */
static struct m_item *leased(struct fx *f)
{
	size_t start = f->n_items ? rnd(f, (unsigned)f->n_items) : 0;

	for (size_t k = 0; k < f->n_items; k++) {
		struct m_item *m = &f->it[(start + k) % f->n_items];

		if (m->state == ITEM_ASSIGNED)
			return m;
	}
	return NULL;
}

static void step_submit(struct fx *f)
{
	struct m_item *m = leased(f);
	bool stale = rnd(f, 8) == 0;
	int rc;

	if (!m)
		return;
	clear_u(f);
	f->c->u.op.item_id = m->id;
	f->c->u.op.epoch = stale ? m->epoch - 1 : m->epoch;
	f->c->u.op.result_json = "{}";
	rc = run(f, CMD_ITEM_SUBMIT, &f->wa[m->worker]);
	if (stale) {
		assert_int_equal(rc, ERR_STALE);
		return;
	}
	/* Whatever was edited since (skills, clearances, suspension), the lease holds. */
	assert_int_equal(rc, 0);
	m->state = ITEM_SUBMITTED;
}

static void step_renew(struct fx *f)
{
	struct m_item *m = leased(f);
	int64_t until;
	int rc;

	if (!m)
		return;
	clear_u(f);
	f->c->u.op.item_id = m->id;
	f->c->u.op.epoch = m->epoch;
	rc = run(f, CMD_ITEM_RENEW, &f->wa[m->worker]);
	until = now() + f->eng[m->eng].lease_ms;
	if (until > m->started + f->eng[m->eng].lease_max_ms)
		until = m->started + f->eng[m->eng].lease_max_ms;
	if (until <= m->expires) {
		assert_int_equal(rc, ERR_CONFLICT); /* at its maximum */
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(f->c->result.item.epoch, m->epoch); /* a renewal keeps the epoch */
	assert_int_equal(f->c->result.item.lease_expires, until);
	m->expires = until;
}

static void step_edit_worker(struct fx *f)
{
	int w = (int)rnd(f, N_WORKERS);
	struct worker_rec *r = &f->c->u.upd.r.worker;

	clear_u(f);
	r->id = f->w[w].id;
	switch (rnd(f, 4)) {
	case 0:
		random_levels(f, r->skills, &r->n_skills, false);
		f->c->u.upd.fields = UPD_SKILLS;
		break;
	case 1:
		random_levels(f, r->langs, &r->n_langs, true);
		f->c->u.upd.fields = UPD_LANGS;
		break;
	case 2:
		random_clear(f, r);
		f->c->u.upd.fields = UPD_CLEAR;
		break;
	default:
		r->capacity = 1 + (int)rnd(f, 3);
		f->c->u.upd.fields = UPD_CAPACITY;
	}
	assert_int_equal(run(f, CMD_WORKER_UPDATE, &AUTH_LOCAL_ADMIN), 0);
	if (f->c->u.upd.fields == UPD_SKILLS) {
		f->w[w].n_skills = r->n_skills;
		memcpy(f->w[w].skills, r->skills, sizeof(r->skills));
	} else if (f->c->u.upd.fields == UPD_LANGS) {
		f->w[w].n_langs = r->n_langs;
		memcpy(f->w[w].langs, r->langs, sizeof(r->langs));
	} else if (f->c->u.upd.fields == UPD_CLEAR) {
		f->w[w].n_clear = r->n_clear;
		memcpy(f->w[w].clear, r->clear, sizeof(r->clear));
	} else {
		f->w[w].capacity = r->capacity;
	}
	f->edits++;
}

static void step_edit_engagement(struct fx *f)
{
	int e = (int)rnd(f, N_ENG);
	struct engagement_rec *r = &f->c->u.upd.r.engagement;

	clear_u(f);
	r->id = f->eng[e].id;
	if (rnd(f, 2)) {
		random_levels(f, r->skills, &r->n_skills, false);
		f->c->u.upd.fields = UPD_SKILLS;
	} else {
		random_levels(f, r->langs, &r->n_langs, true);
		f->c->u.upd.fields = UPD_LANGS;
	}
	assert_int_equal(run(f, CMD_ENGAGEMENT_UPDATE, &AUTH_LOCAL_ADMIN), 0);
	if (f->c->u.upd.fields == UPD_SKILLS) {
		f->eng[e].n_skills = r->n_skills;
		memcpy(f->eng[e].skills, r->skills, sizeof(r->skills));
	} else {
		f->eng[e].n_langs = r->n_langs;
		memcpy(f->eng[e].langs, r->langs, sizeof(r->langs));
	}
	f->edits++;
}

static void step_switch(struct fx *f)
{
	unsigned what = rnd(f, 3);
	int i;

	clear_u(f);
	f->c->u.active.active = rnd(f, 3) != 0; /* mostly on: work flows */
	if (what == 0) {
		i = (int)rnd(f, N_WORKERS);
		f->c->u.active.kind = ACTIVE_WORKER;
		f->c->u.active.id = f->w[i].id;
		assert_int_equal(run(f, CMD_RECORD_ACTIVE, &AUTH_LOCAL_ADMIN), 0);
		f->w[i].active = f->c->u.active.active;
	} else if (what == 1) {
		i = (int)rnd(f, N_ENG);
		f->c->u.active.kind = ACTIVE_ENGAGEMENT;
		f->c->u.active.id = f->eng[i].id;
		assert_int_equal(run(f, CMD_RECORD_ACTIVE, &AUTH_LOCAL_ADMIN), 0);
		f->eng[i].active = f->c->u.active.active;
	} else {
		i = (int)rnd(f, N_CLIENTS);
		f->c->u.active.kind = ACTIVE_CLIENT;
		f->c->u.active.id = f->client_id[i];
		assert_int_equal(run(f, CMD_RECORD_ACTIVE, &AUTH_LOCAL_ADMIN), 0);
		f->client_active[i] = f->c->u.active.active;
	}
}

/* ---------------------------------------------------------------- the run */

static void setup_world(struct fx *f)
{
	char code[32];
	int64_t svc;

	for (int k = 0; k < N_CLIENTS; k++) {
		clear_u(f);
		snprintf(code, sizeof(code), "c%d", k);
		snprintf(f->c->u.client.code, MODEL_CODE_MAX, "%s", code);
		snprintf(f->c->u.client.time_zone, MODEL_TZ_MAX, "UTC");
		assert_int_equal(run(f, CMD_CLIENT_CREATE, &AUTH_LOCAL_ADMIN), 0);
		f->client_id[k] = f->c->result.id;
		f->client_active[k] = true;
	}
	clear_u(f);
	snprintf(f->c->u.service.code, MODEL_CODE_MAX, "forms");
	f->c->u.service.kind = KIND_BPO;
	assert_int_equal(run(f, CMD_SERVICE_CREATE, &AUTH_LOCAL_ADMIN), 0);
	svc = f->c->result.id;
	for (int e = 0; e < N_ENG; e++) {
		struct engagement_rec *r = &f->c->u.engagement;

		clear_u(f);
		r->client_id = f->client_id[e % N_CLIENTS];
		r->service_id = svc;
		r->sla_ms = 3600000;
		r->default_priority = 5;
		r->lease_ms = LEASE_MS;
		r->lease_max_ms = (int64_t)(1 + rnd(f, 3)) * LEASE_MS;
		random_levels(f, r->skills, &r->n_skills, false);
		random_levels(f, r->langs, &r->n_langs, true);
		snprintf(r->time_zone, MODEL_TZ_MAX, "UTC");
		assert_int_equal(run(f, CMD_ENGAGEMENT_CREATE, &AUTH_LOCAL_ADMIN), 0);
		f->eng[e] = *r;
		f->eng[e].id = f->c->result.id;
		f->eng[e].active = true;
	}
	for (int w = 0; w < N_WORKERS; w++) {
		struct worker_rec *r = &f->c->u.worker.rec;
		struct user_rec u;

		clear_u(f);
		snprintf(f->c->u.worker.login, MODEL_CODE_MAX, "w%d", w);
		r->capacity = 1 + (int)rnd(f, 2);
		random_levels(f, r->skills, &r->n_skills, false);
		random_levels(f, r->langs, &r->n_langs, true);
		random_clear(f, r);
		assert_int_equal(run(f, CMD_WORKER_CREATE, &AUTH_LOCAL_ADMIN), 0);
		f->w[w] = *r;
		f->w[w].id = f->c->result.id;
		f->w[w].active = true;
		assert_int_equal(store_user_by_name(f->s, f->c->u.worker.login, &u), 0);
		f->wa[w] = (struct actor){.user_id = u.id, .role = ROLE_WORKER,
					  .worker_id = f->w[w].id};
	}
}

/* The store agrees with the model: every item exactly once, as modelled. */
static void check_store(struct fx *f)
{
	struct item_rec r;
	int held[N_WORKERS] = {0};

	for (size_t i = 0; i < f->n_items; i++) {
		struct m_item *m = &f->it[i];

		assert_int_equal(store_item_get(f->s, m->id, false, &r), 0);
		if ((int)r.state != (int)m->state)
			fail_msg("item %lld: store %d, model %d", (long long)m->id, (int)r.state,
				 (int)m->state);
		assert_int_equal(r.epoch, m->epoch);
		if (m->state == ITEM_ASSIGNED) {
			assert_int_equal(r.worker_id, f->w[m->worker].id);
			assert_int_equal(r.lease_expires, m->expires);
			held[m->worker]++;
		}
	}
	assert_int_equal(store_item_get(f->s, f->it[f->n_items - 1].id + 1, false, &r),
			 ERR_NOTFOUND);
	for (int w = 0; w < N_WORKERS; w++)
		assert_int_equal(held[w], load_of(f, w));
}

static void run_seed(unsigned seed)
{
	struct engine_opts o = {.batch_max = 64, .tick_ms = 20, .clock = fake_clock};
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;

	assert_non_null(f);
	f->w = calloc(N_WORKERS, sizeof(*f->w));
	f->c = calloc(1, sizeof(*f->c));
	assert_non_null(f->w);
	assert_non_null(f->c);
	f->seed = seed;
	atomic_store(&fake_now, T0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_editr_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	assert_int_equal(engine_start(f->s, &o, &f->e, &err), 0);
	buf_release(&err);
	setup_world(f);

	for (int i = 0; i < STEPS; i++) {
		unsigned op = rnd(f, 20);

		if (op < 2)
			atomic_fetch_add(&fake_now, (long long)rnd(f, 40000));
		model_expire(f);
		if (op < 6)
			step_create(f);
		else if (op < 11)
			step_next(f);
		else if (op < 13)
			step_submit(f);
		else if (op < 15)
			step_renew(f);
		else if (op < 17)
			step_edit_worker(f);
		else if (op < 19)
			step_edit_engagement(f);
		else
			step_switch(f);
	}
	/* The live state, rebuilt from the store, routes the same way. */
	engine_stop(f->e);
	assert_int_equal(engine_start(f->s, &o, &f->e, &err), 0);
	buf_release(&err);
	for (int i = 0; i < 200; i++) {
		model_expire(f);
		step_next(f);
	}
	if (f->n_items)
		check_store(f);
	/* The walk saw each case it checks. */
	assert_true(f->leases > 0 && f->nones > 0 && f->edits > 0);

	cmd_release(f->c);
	unit_house_close(f->e, f->s, f->dir);
	free(f->c);
	free(f->w);
	free(f);
}

static void test_random_edits(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 3; seed++)
		run_seed(seed * 7919u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
