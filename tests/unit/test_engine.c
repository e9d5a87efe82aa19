/* test_engine.c - the engine on a temporary SQLite store, driven by a clock the test moves. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit.h"
// clang-format on

#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/item.h"
#include "engine/engine.h"
#include "sec/audit.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1700000000000LL /* 2023-11-14T22:13:20.000Z */
#define LEASE_MS 60000

/* ---------------------------------------------------------------- fixture */

static atomic_llong fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return (int64_t)atomic_load(&fake_now);
}

/* The store with one callback that fails on demand (a store I/O error). */
static atomic_bool user_get_fails;
static struct store_ops wrapped_ops;
static const struct store_ops *real_ops;

static int failing_user_rec_get(struct store *s, int64_t id, struct user_rec *out)
{
	if (atomic_load(&user_get_fails))
		return ERR_IO;
	return real_ops->user_rec_get(s, id, out);
}

/* An event insert that refuses one item's events (not an I/O error: the command alone fails). */
static atomic_llong event_refused_item;

static int refusing_event_insert(struct store *s, struct event_rec *ev)
{
	if (ev->item_id == atomic_load(&event_refused_item))
		return ERR_NOTFOUND;
	return real_ops->event_insert(s, ev);
}

/* Reads of the audit tail: the engine makes them at recovery only. */
static atomic_int tail_reads;

static int counting_audit_tail(struct store *s, int64_t *seq, unsigned char hash[32])
{
	atomic_fetch_add(&tail_reads, 1);
	return real_ops->audit_tail(s, seq, hash);
}

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct engine *e;
	int64_t client, engagement, kpo_engagement;
	struct actor w1, w2; /* two workers cleared for the client */
	struct actor client_user;
};

/* Runs c as actor a. Returns c->rc; the result stays in c (cmd_release() it). */
static int run(struct fx *f, struct cmd *c, const struct actor *a)
{
	c->actor = a;
	return engine_call(f->e, c);
}

static int64_t create(struct fx *f, struct cmd *c)
{
	assert_int_equal(run(f, c, &AUTH_LOCAL_ADMIN), 0);
	assert_int_equal(c->result.outcome, CMD_OUT_CREATED);
	assert_true(c->result.id > 0);
	return c->result.id;
}

static void worker(struct fx *f, const char *login, struct actor *out)
{
	struct cmd c = {.type = CMD_WORKER_CREATE};
	struct user_rec u;

	snprintf(c.u.worker.login, sizeof(c.u.worker.login), "%s", login);
	snprintf(c.u.worker.rec.name, sizeof(c.u.worker.rec.name), "%s", login);
	c.u.worker.rec.capacity = 1;
	c.u.worker.rec.n_clear = 1;
	c.u.worker.rec.clear[0] = f->client;
	memset(out, 0, sizeof(*out));
	out->worker_id = create(f, &c);
	assert_int_equal(store_user_by_name(f->s, login, &u), 0);
	out->user_id = u.id;
	out->role = ROLE_WORKER;
	snprintf(out->name, sizeof(out->name), "%s", login);
}

static int64_t engagement(struct fx *f, int64_t service)
{
	struct cmd c = {.type = CMD_ENGAGEMENT_CREATE};

	c.u.engagement.client_id = f->client;
	c.u.engagement.service_id = service;
	snprintf(c.u.engagement.name, sizeof(c.u.engagement.name), "eng %lld", (long long)service);
	c.u.engagement.sla_ms = 3600000;
	c.u.engagement.default_priority = 5;
	c.u.engagement.lease_ms = LEASE_MS;
	snprintf(c.u.engagement.time_zone, sizeof(c.u.engagement.time_zone), "UTC");
	return create(f, &c);
}

static int setup(void **state)
{
	struct engine_opts o = {.batch_max = 64, .tick_ms = 20, .clock = fake_clock};
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;
	struct cmd c;
	int64_t bpo, kpo;

	assert_non_null(f);
	atomic_store(&fake_now, T0);
	atomic_store(&user_get_fails, false);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_engine_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	real_ops = f->s->ops;
	wrapped_ops = *real_ops;
	wrapped_ops.user_rec_get = failing_user_rec_get;
	wrapped_ops.audit_tail = counting_audit_tail;
	wrapped_ops.event_insert = refusing_event_insert;
	atomic_store(&event_refused_item, 0);
	atomic_store(&tail_reads, 0);
	f->s->ops = &wrapped_ops;
	assert_int_equal(engine_start(f->s, &o, &f->e, &err), 0);
	buf_release(&err);

	c = (struct cmd){.type = CMD_CLIENT_CREATE};
	snprintf(c.u.client.code, sizeof(c.u.client.code), "acme");
	snprintf(c.u.client.name, sizeof(c.u.client.name), "Acme");
	snprintf(c.u.client.time_zone, sizeof(c.u.client.time_zone), "UTC");
	f->client = create(f, &c);
	c = (struct cmd){.type = CMD_SERVICE_CREATE};
	snprintf(c.u.service.code, sizeof(c.u.service.code), "forms");
	c.u.service.kind = KIND_BPO;
	bpo = create(f, &c);
	c = (struct cmd){.type = CMD_SERVICE_CREATE};
	snprintf(c.u.service.code, sizeof(c.u.service.code), "legal");
	c.u.service.kind = KIND_KPO;
	kpo = create(f, &c);
	f->engagement = engagement(f, bpo);
	f->kpo_engagement = engagement(f, kpo);
	worker(f, "w1", &f->w1);
	worker(f, "w2", &f->w2);
	c = (struct cmd){.type = CMD_USER_CREATE};
	snprintf(c.u.user.name, sizeof(c.u.user.name), "acme-reviewer");
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
	f->s->ops = real_ops;
	store_close(f->s);
	unit_store_dir_remove(f->dir);
	free(f);
	return 0;
}

/* ---------------------------------------------------------------- helpers */

static int64_t item_in(struct fx *f, int64_t engagement_id)
{
	struct cmd c = {.type = CMD_ITEM_CREATE};

	c.u.item_create.engagement_id = engagement_id;
	c.u.item_create.payload = "{\"form\":1}";
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	assert_int_equal(c.result.outcome, CMD_OUT_CREATED);
	assert_true(c.result.has_item);
	assert_int_equal(c.result.item.state, ITEM_QUEUED);
	return c.result.id;
}

/* get-next for worker w. OUT: the item leased (0: none) and its epoch. */
static int64_t next(struct fx *f, const struct actor *w, int64_t *epoch)
{
	struct cmd c = {.type = CMD_ITEM_NEXT};

	assert_int_equal(run(f, &c, w), 0);
	if (c.result.outcome == CMD_OUT_NONE)
		return 0;
	assert_int_equal(c.result.outcome, CMD_OUT_OK);
	assert_int_equal(c.result.item.state, ITEM_ASSIGNED);
	assert_int_equal(c.result.item.worker_id, w->worker_id);
	if (epoch)
		*epoch = c.result.item.epoch;
	return c.result.id;
}

/* An item op; returns rc, with the result's state (error or item) in *st. */
static int op(struct fx *f, enum cmd_type t, const struct actor *a, int64_t id, int64_t epoch,
	      const char *reason, int *st)
{
	struct cmd c = {.type = t};
	int rc;

	c.u.op.item_id = id;
	c.u.op.epoch = epoch;
	c.u.op.reason = reason;
	c.u.op.result_json = t == CMD_ITEM_SUBMIT ? "{\"ok\":true}" : NULL;
	rc = run(f, &c, a);
	if (st)
		*st = rc ? c.result.state : (int)c.result.item.state;
	cmd_release(&c);
	return rc;
}

/* ------------------------------------------------------------------ tests */

/* A lease returns its item to the queue at exactly its deadline, not a millisecond before. */
static void test_lease_expires_at_deadline(void **state)
{
	struct fx *f = *state;
	int64_t id = item_in(f, f->engagement), epoch = 0, epoch2 = 0;
	int st;

	assert_int_equal(next(f, &f->w1, &epoch), id);
	assert_int_equal(epoch, 1);
	atomic_store(&fake_now, T0 + LEASE_MS - 1);
	assert_int_equal(next(f, &f->w2, NULL), 0); /* still leased to w1 */
	atomic_store(&fake_now, T0 + LEASE_MS);
	assert_int_equal(next(f, &f->w2, &epoch2), id);
	assert_int_equal(epoch2, 2);
	/* w1's late submit is refused: its lease is stale. */
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w1, id, epoch, NULL, &st), ERR_STALE);
	assert_int_equal(st, ITEM_ASSIGNED);
}

/* A submit with a stale epoch, or after the deadline, is refused; in time it is taken. */
static void test_submit_stale_or_late(void **state)
{
	struct fx *f = *state;
	int64_t id = item_in(f, f->engagement), epoch = 0;
	int st;

	assert_int_equal(next(f, &f->w1, &epoch), id);
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w1, id, epoch + 1, NULL, &st), ERR_STALE);
	assert_int_equal(st, ITEM_ASSIGNED);
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w2, id, epoch, NULL, &st), ERR_STALE);
	atomic_store(&fake_now, T0 + LEASE_MS); /* at the deadline: too late */
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w1, id, epoch, NULL, &st), ERR_STALE);
	assert_int_equal(st, ITEM_QUEUED);

	/* Taken again; submitted a millisecond before the deadline. */
	assert_int_equal(next(f, &f->w1, &epoch), id);
	assert_int_equal(epoch, 2);
	atomic_store(&fake_now, T0 + 2 * LEASE_MS - 1);
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w1, id, epoch, NULL, &st), 0);
	assert_int_equal(st, ITEM_SUBMITTED);
	/* A submitted item does not expire. */
	atomic_store(&fake_now, T0 + 10 * LEASE_MS);
	assert_int_equal(next(f, &f->w2, NULL), 0);
}

/* submitted -> in_review -> done and -> queued; staff fail an open item with a reason. */
static void test_review_and_fail(void **state)
{
	struct fx *f = *state;
	int64_t a = item_in(f, f->engagement), b, k, epoch;
	int st;

	/* Review before submission: refused with the state. */
	assert_int_equal(op(f, CMD_ITEM_REVIEW, &AUTH_LOCAL_ADMIN, a, 0, NULL, &st), ERR_CONFLICT);
	assert_int_equal(st, ITEM_QUEUED);
	assert_int_equal(next(f, &f->w1, &epoch), a);
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w1, a, epoch, NULL, &st), 0);
	/* A BPO item is reviewed by staff, not the client. */
	assert_int_equal(op(f, CMD_ITEM_REVIEW, &f->client_user, a, 0, NULL, &st), ERR_FORBIDDEN);
	assert_int_equal(op(f, CMD_ITEM_REVIEW, &f->w1, a, 0, NULL, &st), ERR_FORBIDDEN);
	assert_int_equal(op(f, CMD_ITEM_REVIEW, &AUTH_LOCAL_ADMIN, a, 0, NULL, &st), 0);
	assert_int_equal(st, ITEM_IN_REVIEW);
	assert_int_equal(op(f, CMD_ITEM_REVIEW, &AUTH_LOCAL_ADMIN, a, 0, NULL, &st), ERR_CONFLICT);
	assert_int_equal(st, ITEM_IN_REVIEW);
	/* Rework from in_review: back to the queue, then accepted from in_review. */
	assert_int_equal(op(f, CMD_ITEM_REWORK, &AUTH_LOCAL_ADMIN, a, 0, "fix it", &st), 0);
	assert_int_equal(st, ITEM_QUEUED);
	assert_int_equal(next(f, &f->w1, &epoch), a);
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w1, a, epoch, NULL, &st), 0);
	assert_int_equal(op(f, CMD_ITEM_REVIEW, &AUTH_LOCAL_ADMIN, a, 0, NULL, &st), 0);
	assert_int_equal(op(f, CMD_ITEM_ACCEPT, &AUTH_LOCAL_ADMIN, a, 0, NULL, &st), 0);
	assert_int_equal(st, ITEM_DONE);

	/*
	 * KPO: the review chain (core/kpo.h). The senior review comes first: the
	 * client may not review, accept nor return submitted work (409, its state);
	 * staff may not accept it at once; a senior reviewer who is the analyst
	 * (here a manager acting as w2's user) is refused; then staff approve and
	 * only the client's user gives the last approval.
	 */
	k = item_in(f, f->kpo_engagement);
	assert_int_equal(next(f, &f->w2, &epoch), k);
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w2, k, epoch, NULL, &st), 0);
	assert_int_equal(op(f, CMD_ITEM_REVIEW, &f->client_user, k, 0, NULL, &st), ERR_CONFLICT);
	assert_int_equal(st, ITEM_SUBMITTED);
	assert_int_equal(op(f, CMD_ITEM_ACCEPT, &f->client_user, k, 0, NULL, &st), ERR_CONFLICT);
	assert_int_equal(st, ITEM_SUBMITTED);
	assert_int_equal(op(f, CMD_ITEM_REWORK, &f->client_user, k, 0, "no", &st), ERR_CONFLICT);
	assert_int_equal(op(f, CMD_ITEM_ACCEPT, &AUTH_LOCAL_ADMIN, k, 0, NULL, &st), ERR_CONFLICT);
	{
		struct actor self = f->w2;

		self.role = ROLE_MANAGER;
		self.worker_id = 0;
		assert_int_equal(op(f, CMD_ITEM_REVIEW, &self, k, 0, NULL, &st), ERR_FORBIDDEN);
		assert_int_equal(op(f, CMD_ITEM_REWORK, &self, k, 0, "mine", &st), ERR_FORBIDDEN);
	}
	assert_int_equal(op(f, CMD_ITEM_REVIEW, &AUTH_LOCAL_ADMIN, k, 0, "sound", &st), 0);
	assert_int_equal(st, ITEM_IN_REVIEW);
	assert_int_equal(op(f, CMD_ITEM_ACCEPT, &AUTH_LOCAL_ADMIN, k, 0, NULL, &st), ERR_FORBIDDEN);

	/* Fail: staff only, with a reason, from an open state; then it is closed. */
	b = item_in(f, f->engagement);
	assert_int_equal(op(f, CMD_ITEM_FAIL, &AUTH_LOCAL_ADMIN, b, 0, NULL, &st), ERR_INVALID);
	assert_int_equal(op(f, CMD_ITEM_FAIL, &f->client_user, b, 0, "x", &st), ERR_FORBIDDEN);
	assert_int_equal(op(f, CMD_ITEM_FAIL, &AUTH_LOCAL_ADMIN, b, 0, "scan \"unreadable\"", &st),
			 0);
	assert_int_equal(st, ITEM_FAILED);
	assert_int_equal(op(f, CMD_ITEM_FAIL, &AUTH_LOCAL_ADMIN, b, 0, "again", &st), ERR_CONFLICT);
	assert_int_equal(st, ITEM_FAILED);
	assert_int_equal(op(f, CMD_ITEM_FAIL, &AUTH_LOCAL_ADMIN, k, 0, "out of scope", &st), 0);
	assert_int_equal(st, ITEM_FAILED);
}

static int encode_calls;

static int encode_test(const struct cmd *c, char **out_text)
{
	char text[64];

	encode_calls++;
	snprintf(text, sizeof(text), "answer %d %lld", (int)c->result.outcome,
		 (long long)c->result.id);
	*out_text = strdup(text);
	return *out_text ? 0 : ERR_NOMEM;
}

static int idem_cmd(struct fx *f, struct cmd *c, enum cmd_type t, const char *key,
		    unsigned char hash_byte, const struct actor *a)
{
	memset(c, 0, sizeof(*c));
	c->type = t;
	c->idem_key = key;
	memset(c->req_hash, hash_byte, sizeof(c->req_hash));
	c->encode = encode_test;
	if (t == CMD_ITEM_CREATE) {
		c->u.item_create.engagement_id = f->engagement;
		c->u.item_create.payload = "{}";
	}
	return run(f, c, a);
}

/* A retry answers with the stored text and outcome; another request with the key is refused. */
static void test_idempotent_replay(void **state)
{
	struct fx *f = *state;
	char first[64];
	struct cmd c;

	encode_calls = 0;
	assert_int_equal(idem_cmd(f, &c, CMD_ITEM_CREATE, "k1", 1, &AUTH_LOCAL_ADMIN), 0);
	assert_false(c.result.replayed);
	assert_int_equal(encode_calls, 1);
	snprintf(first, sizeof(first), "answer %d %lld", CMD_OUT_CREATED, (long long)c.result.id);

	assert_int_equal(idem_cmd(f, &c, CMD_ITEM_CREATE, "k1", 1, &AUTH_LOCAL_ADMIN), 0);
	assert_true(c.result.replayed);
	assert_int_equal(c.result.outcome, CMD_OUT_CREATED);
	assert_non_null(c.result.replay_text);
	assert_string_equal(c.result.replay_text, first);
	assert_int_equal(encode_calls, 1); /* not applied again */
	cmd_release(&c);
	assert_null(c.result.replay_text);

	assert_int_equal(idem_cmd(f, &c, CMD_ITEM_CREATE, "k1", 2, &AUTH_LOCAL_ADMIN), ERR_IDEM);
	assert_false(c.result.replayed);
	assert_non_null(strstr(c.result.message, "k1"));

	/* "No work" is an outcome that is replayed too. */
	assert_int_equal(idem_cmd(f, &c, CMD_ITEM_NEXT, "n1", 3, &f->w1), 0);
	assert_int_equal(c.result.outcome, CMD_OUT_OK); /* the item created above */
	assert_int_equal(idem_cmd(f, &c, CMD_ITEM_NEXT, "n2", 4, &f->w1), 0);
	assert_int_equal(c.result.outcome, CMD_OUT_NONE); /* capacity 1: no room */
	assert_int_equal(idem_cmd(f, &c, CMD_ITEM_NEXT, "n2", 4, &f->w1), 0);
	assert_true(c.result.replayed);
	assert_int_equal(c.result.outcome, CMD_OUT_NONE);
	assert_string_equal(c.result.replay_text, "answer 2 0");
	cmd_release(&c);

	/* A key without an encoder is a caller's bug, not a silent non-idempotent write. */
	memset(&c, 0, sizeof(c));
	c.type = CMD_ITEM_CREATE;
	c.idem_key = "k2";
	c.u.item_create.engagement_id = f->engagement;
	c.u.item_create.payload = "{}";
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), ERR_INTERNAL);
}

/* A token for a missing user is not-found; a store error is a store error. */
static void test_token_user_lookup(void **state)
{
	struct fx *f = *state;
	struct cmd c = {.type = CMD_TOKEN_CREATE};

	c.u.token.user_id = 999999;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), ERR_NOTFOUND);
	assert_non_null(strstr(c.result.message, "no user 999999"));
	assert_string_equal(c.result.token, "");

	c = (struct cmd){.type = CMD_TOKEN_CREATE};
	c.u.token.user_id = f->w1.user_id;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
	assert_int_equal(c.result.outcome, CMD_OUT_CREATED);
	assert_int_equal(c.result.id, f->w1.user_id);
	assert_int_equal(strncmp(c.result.token, "ahd_", 4), 0);

	atomic_store(&user_get_fails, true);
	c = (struct cmd){.type = CMD_TOKEN_CREATE};
	c.u.token.user_id = f->w1.user_id;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), ERR_IO);
	assert_string_equal(c.result.message, "");
	assert_string_equal(c.result.token, "");
	atomic_store(&user_get_fails, false);
	/* The engine recovers: the next batch works. */
	c = (struct cmd){.type = CMD_TOKEN_CREATE};
	c.u.token.user_id = f->w1.user_id;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), 0);
}

static int last_event(void *ctx, const struct event_rec *ev)
{
	char *detail = ctx;

	snprintf(detail, 128, "%s", ev->detail ? ev->detail : "(null)");
	return 0;
}

/*
 * The audit tail is read once, at recovery, and then kept in memory: batches
 * do not read it again. A failed batch rolls it back (and reloads, which reads
 * it): the chain stays whole and goes on from the last durable event.
 */
static void test_audit_tail_in_memory(void **state)
{
	struct fx *f = *state;
	struct cmd c = {.type = CMD_TOKEN_CREATE};
	int64_t checked = 0, bad = -1, a;
	char detail[128];
	int st;

	assert_int_equal(atomic_load(&tail_reads), 1); /* recovery, in setup */
	a = item_in(f, f->engagement);
	item_in(f, f->engagement);
	assert_int_equal(op(f, CMD_ITEM_CANCEL, &AUTH_LOCAL_ADMIN, a, 0, "dup \"of\" CLM-1\n", &st),
			 0);
	assert_int_equal(atomic_load(&tail_reads), 1);

	/* The event's reason is stored as the detail JSON, escaped by jansson. */
	assert_int_equal(store_item_history(f->s, a, last_event, detail), 0);
	assert_string_equal(detail, "{\"reason\":\"dup \\\"of\\\" CLM-1\\n\"}");

	atomic_store(&user_get_fails, true);
	c.u.token.user_id = f->w1.user_id;
	assert_int_equal(run(f, &c, &AUTH_LOCAL_ADMIN), ERR_IO);
	atomic_store(&user_get_fails, false);
	assert_int_equal(atomic_load(&tail_reads), 2); /* the reload after the failed batch */
	item_in(f, f->engagement);
	assert_int_equal(atomic_load(&tail_reads), 2);
	assert_int_equal(audit_verify(f->s, &checked, &bad), 0);
	assert_int_equal(bad, 0);
	assert_true(checked > 10);
}

static void posted(struct cmd *c, void *arg)
{
	(void)c;
	sem_post(arg);
}

/*
 * A command that fails after it wrote leaves nothing of itself, and the
 * commands of its batch stay: a batch runs without a savepoint per command
 * and runs again with them when one fails having written (engine.c). The
 * submit below writes the item's new state, then its event is refused.
 */
static void test_failed_after_write(void **state)
{
	struct fx *f = *state;
	struct cmd sub = {.type = CMD_ITEM_SUBMIT}, add = {.type = CMD_ITEM_CREATE};
	int64_t a, epoch = 0, checked = 0, bad = -1;
	struct item_rec it;
	sem_t done;
	int st;

	a = item_in(f, f->engagement);
	assert_int_equal(next(f, &f->w1, &epoch), a);
	atomic_store(&event_refused_item, a);
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w1, a, epoch, NULL, &st), ERR_NOTFOUND);
	memset(&it, 0, sizeof(it));
	assert_int_equal(store_item_get(f->s, a, false, &it), 0);
	assert_int_equal(it.state, ITEM_ASSIGNED); /* the update is undone with the event */
	item_rec_release(&it);

	/* With another command, likely in the same batch: it stays, the submit does not. */
	sem_init(&done, 0, 0);
	sub.actor = &f->w1;
	sub.u.op.item_id = a;
	sub.u.op.epoch = epoch;
	sub.u.op.result_json = "{\"ok\":true}";
	add.actor = &AUTH_LOCAL_ADMIN;
	add.u.item_create.engagement_id = f->engagement;
	add.u.item_create.payload = "{\"form\":2}";
	assert_int_equal(engine_submit(f->e, &add, posted, &done), 0);
	assert_int_equal(engine_submit(f->e, &sub, posted, &done), 0);
	sem_wait(&done);
	sem_wait(&done);
	sem_destroy(&done);
	assert_int_equal(add.rc, 0);
	assert_int_equal(sub.rc, ERR_NOTFOUND);
	memset(&it, 0, sizeof(it));
	assert_int_equal(store_item_get(f->s, add.result.id, false, &it), 0);
	assert_int_equal(it.state, ITEM_QUEUED);
	item_rec_release(&it);
	assert_int_equal(store_item_get(f->s, a, false, &it), 0);
	assert_int_equal(it.state, ITEM_ASSIGNED);
	item_rec_release(&it);
	cmd_release(&add);
	cmd_release(&sub);

	/* Refused no more: the same lease submits, and the audit chain is whole. */
	atomic_store(&event_refused_item, 0);
	assert_int_equal(op(f, CMD_ITEM_SUBMIT, &f->w1, a, epoch, NULL, &st), 0);
	assert_int_equal(st, ITEM_SUBMITTED);
	assert_int_equal(audit_verify(f->s, &checked, &bad), 0);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lease_expires_at_deadline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_submit_stale_or_late, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_review_and_fail, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idempotent_replay, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_token_user_lookup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_tail_in_memory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_after_write, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
