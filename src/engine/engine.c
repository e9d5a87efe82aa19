/* engine.c - the engine thread: takes every waiting command, applies it, commits once, answers. */
#include "engine/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine_int.h"
#include "sec/audit.h"
#include "sec/audit_head.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void deadline_to_timespec(int64_t ms, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ms / 1000);
	ts->tv_nsec = (long)(ms % 1000) * 1000000L;
}

/*
 * A failed commit leaves memory ahead of the store. Rather than undo each
 * command, rebuild the live state from the store, which is the truth.
 * The reload can fail too (the store still failing, out of memory): the
 * state is then empty, need_reload stays set, and every batch tries again
 * before it applies anything, failing its commands until a reload works.
 * Applying them to the empty state would refuse good commands (404) and
 * let memory diverge from the store.
 */
static int engine_reload(struct engine *e)
{
	struct buf err = BUF_INIT;
	uint64_t expired = e->st.leases_expired;
	int rc;

	engine_state_release(&e->st);
	rc = engine_state_load(&e->st, e->store, &err);
	if (rc) {
		log_error("engine: reloading the live state failed: %s", buf_str(&err));
		e->st.need_reload = 1;
	}
	e->st.leases_expired = expired;
	buf_release(&err);
	return rc;
}

static void leased_free(struct cmd_result *r)
{
	if (r->leased)
		item_rec_release(r->leased);
	free(r->leased);
	r->leased = NULL;
}

static void result_reset(struct cmd_result *r)
{
	leased_free(r);
	free(r->replay_text);
	memset(r, 0, sizeof(*r));
	r->state = -1;
}

/* Nothing of a failed batch is durable: no command keeps an answer but rc. */
static void fail_batch(struct cmd *batch, int rc)
{
	for (struct cmd *c = batch; c; c = c->next) {
		result_reset(&c->result);
		c->rc = rc;
	}
}

void cmd_release(struct cmd *c)
{
	free(c->result.replay_text);
	c->result.replay_text = NULL;
	free(c->result.problems);
	c->result.problems = NULL;
	leased_free(&c->result);
}

static int64_t wall_clock(void *arg)
{
	(void)arg;
	return clock_now_ms();
}

int64_t engine__now(const struct engine *e)
{
	return e->opts.clock(e->opts.clock_arg);
}

int engine__tree_add(struct engine *e, const struct audit_rec *a)
{
	if (!e->opts.signer)
		return 0;
	if (e->n_pending == e->cap_pending) {
		size_t cap = e->cap_pending ? 2 * e->cap_pending : 64;
		merkle_hash *p = realloc(e->pending, cap * sizeof(*p));

		if (!p)
			return ERR_NOMEM;
		e->pending = p;
		e->cap_pending = cap;
	}
	audit_leaf(a, e->pending[e->n_pending++]);
	return 0;
}

/*
 * Before the commit: one signed head for the tree with the batch's events
 * (the frontier and the batch's leaves, O(log n) hashes, one signature),
 * stored in the batch's transaction. OUT: *signed_ when there is one.
 * 0, or the store's error (the batch then fails).
 */
static int tree_sign(struct engine *e, int64_t now, struct audit_head *h, bool *signed_)
{
	struct merkle_frontier f;
	merkle_hash root;

	*signed_ = false;
	if (!e->opts.signer || !e->n_pending)
		return 0;
	f = e->tree;
	for (size_t i = 0; i < e->n_pending; i++)
		merkle_frontier_append(&f, e->pending[i]);
	merkle_frontier_root(&f, root);
	if (!audit_signer_sign(e->opts.signer, (int64_t)f.size, now, root, h))
		return 0;
	*signed_ = true;
	return store_audit_head_insert(e->store, h);
}

/*
 * The batch is durable: its leaves join the tree, and its signed head goes
 * to the publisher, which writes it outside the store just after (a second
 * fsync on the batch's path halved the throughput of durable changes); the
 * head is in the batch's transaction too (audit_heads). A head that cannot
 * be written is logged; the previous one stays true, a newer one follows.
 */
static void tree_commit(struct engine *e, const struct audit_head *h)
{
	struct buf err = BUF_INIT;

	for (size_t i = 0; i < e->n_pending; i++)
		merkle_frontier_append(&e->tree, e->pending[i]);
	e->n_pending = 0;
	if (h && audit_signer_post(e->opts.signer, h, &err))
		log_error("engine: cannot write the audit tree head: %s", buf_str(&err));
	buf_release(&err);
}

/* The audit chain's tail as it was when the batch began. */
struct tail_mark {
	int64_t seq;
	unsigned char hash[32];
};

/*
 * Undoes a batch: the transaction, the audit tail its commands advanced,
 * and the live state (rebuilt from the store); its commands fail with rc.
 */
static void batch_undo(struct engine *e, const struct tail_mark *t, struct cmd *batch, int rc)
{
	store_rollback(e->store);
	e->n_pending = 0;
	e->st.audit_seq = t->seq;
	memcpy(e->st.audit_hash, t->hash, 32);
	engine_reload(e);
	fail_batch(batch, rc);
}

/* True when tokens' last uses wait and the last write of them is a minute old (or force). */
static bool uses_due(const struct engine *e, bool force)
{
	return (force || clock_now_ms() - e->uses_at >= AUTH_USES_FLUSH_MS) &&
	       auth_uses_pending(e->store);
}

/*
 * The last uses of tokens that sec/auth.c noted since the last time,
 * written in the batch's transaction at most once every AUTH_USES_FLUSH_MS
 * (and when the engine stops), so no request writes. In a savepoint of
 * their own: a failure loses these hints, never the batch's commands.
 */
static void engine_token_uses(struct engine *e, bool force)
{
	struct auth_use u[256];
	size_t n = 0;
	int rc;

	if (!uses_due(e, force))
		return;
	e->uses_at = clock_now_ms();
	if ((rc = store_savepoint(e->store)))
		goto out;
	do {
		auth_uses_take(e->store, u, sizeof(u) / sizeof(u[0]), &n);
		for (size_t i = 0; i < n && !rc; i++)
			rc = u[i].session
				 ? store_session_touch(e->store, u[i].token_id, u[i].at)
				 : store_token_touch(e->store, u[i].token_id, u[i].at);
	} while (!rc && n == sizeof(u) / sizeof(u[0]));
	if (rc)
		store_rollback_to(e->store);
	else
		rc = store_release(e->store);
out:
	if (rc)
		log_warn("engine: could not record tokens' last use: %s", store_errmsg(e->store));
}

static bool is_bulk(const struct cmd *c)
{
	return c->type == CMD_IMPORT && c->u.import.op == IMPORT_OP_BATCH;
}

/* The queue's first n commands, up to last, taken off it (under e->mu). */
static void queue_cut(struct engine *e, struct cmd *last, size_t n)
{
	e->head = last->next;
	if (!e->head)
		e->tail = NULL;
	last->next = NULL;
	e->npending -= n;
}

/*
 * The commands that came while an import's batch was applied (it stopped at
 * its budget for them, cmd_import.c) join its transaction, up to batch_max,
 * until the next import batch: they were waiting for its rows already, and
 * so wait for one commit (an fsync) instead of two, and a million rows beside
 * other users' writes cost about 0.6 of the commits (bench/README.md). A
 * store failure of either fails both, as in any group commit. Appended to
 * bulk, so they are answered with it. Returns how many joined.
 */
static size_t join_bulk(struct engine *e, struct cmd *bulk, int64_t now)
{
	struct cmd *first, *last = NULL;
	size_t n = 0;

	pthread_mutex_lock(&e->mu);
	first = e->head;
	for (struct cmd *c = e->head; c && n + 1 < (size_t)e->opts.batch_max && !is_bulk(c);
	     c = c->next) {
		last = c;
		n++;
	}
	if (last)
		queue_cut(e, last, n);
	pthread_mutex_unlock(&e->mu);
	if (!last)
		return 0;
	bulk->next = first;
	for (struct cmd *c = first; c; c = c->next)
		engine_apply(e, c, now);
	return n;
}

/*
 * One batch: one transaction for every command in it. The audit tail is
 * the one in memory: the engine is the only writer of the store. final:
 * the engine stops after it (tokens' last uses are written whatever their age).
 */
static void engine_run_batch(struct engine *e, struct cmd *batch, size_t n, bool final)
{
	int64_t now = engine__now(e);
	uint64_t t_start = mono_us(), t_apply = t_start, t_commit = t_start;
	uint64_t expired_before = e->st.leases_expired;
	struct tail_mark tail;
	struct audit_head head;
	bool head_signed = false;
	int64_t purge_next = e->purge_next;
	bool purge_armed = e->purge_armed;
	int rc, auth_changed = 0;

	/*
	 * An import's batch keeps a savepoint per command: running it again (the
	 * redo below) would count its rows twice, and the commands that join it
	 * are then undone alone without a redo.
	 */
	e->cmd_savepoints = batch && is_bulk(batch);
again:
	e->batch_redo = false;
	if (e->st.need_reload && (rc = engine_reload(e))) {
		fail_batch(batch, rc == ERR_BUSY ? ERR_BUSY : ERR_IO);
		goto out;
	}
	tail.seq = e->st.audit_seq;
	memcpy(tail.hash, e->st.audit_hash, 32);
	engine__dash_begin(e); /* the dashboard's requests this batch answers */
	rc = store_begin(e->store);
	if (!rc)
		rc = engine_expire_leases(e, now);
	if (!rc)
		rc = engine__purge_tick(e, now);
	if (!rc)
		rc = engine__sla_tick(e, now);
	if (rc) {
		log_error("engine: cannot start batch: %s (%s)", err_message(rc),
			  store_errmsg(e->store));
		batch_undo(e, &tail, batch, rc == ERR_BUSY ? ERR_BUSY : ERR_IO);
		goto out;
	}
	for (struct cmd *c = batch; c; c = c->next)
		engine_apply(e, c, now);
	if (batch && is_bulk(batch))
		n += join_bulk(e, batch, now);
	if (e->batch_redo && !e->st.batch_failed) {
		/*
		 * A command failed after it had written (apply.c): nothing of this
		 * pass stays (the transaction, the audit tail, memory rebuilt from the
		 * store, the purge's schedule) and the batch runs again, each command
		 * in a savepoint, so that one's writes are undone alone.
		 */
		store_rollback(e->store);
		e->n_pending = 0;
		e->st.audit_seq = tail.seq;
		memcpy(e->st.audit_hash, tail.hash, 32);
		e->st.leases_expired = expired_before;
		e->purge_next = purge_next;
		e->purge_armed = purge_armed;
		for (struct cmd *c = batch; c; c = c->next) {
			cmd_release(c);
			result_reset(&c->result);
			c->rc = 0;
		}
		e->cmd_savepoints = true;
		e->st.need_reload = 1; /* the reload at the top of the batch */
		goto again;
	}
	/* Offers (offer.c): expiries, and waiting push work offered once the commands are in. */
	if (!e->st.batch_failed && (rc = engine__offers_tick(e, now)))
		e->st.batch_failed = rc;
	engine_token_uses(e, final);
	t_apply = mono_us();
	/* Kept here: a reload below starts the live state afresh. */
	auth_changed = e->st.auth_changed;
	e->st.auth_changed = 0;
	if (!e->st.batch_failed && (rc = tree_sign(e, now, &head, &head_signed)))
		e->st.batch_failed = rc;
	if (e->st.batch_failed) {
		rc = e->st.batch_failed;
		log_error("engine: a command of the batch failed in the store: %s (%s); rolling "
			  "back %zu commands",
			  err_message(rc), store_errmsg(e->store), n);
		batch_undo(e, &tail, batch, rc == ERR_NOMEM || rc == ERR_BUSY ? rc : ERR_IO);
		goto out;
	}
	rc = store_commit(e->store);
	t_commit = mono_us();
	if (rc) {
		log_error("engine: commit of %zu commands failed: %s (%s)", n, err_message(rc),
			  store_errmsg(e->store));
		batch_undo(e, &tail, batch, rc == ERR_BUSY ? ERR_BUSY : ERR_IO);
	} else {
		tree_commit(e, head_signed ? &head : NULL);
		if (e->st.need_reload) {
			log_warn("engine: memory fell behind the store; reloading live state");
			engine_reload(e);
		}
	}
out:
	/* Before anyone is answered: the next request presents its token to an empty cache. */
	if (auth_changed)
		auth_cache_clear();
	pthread_mutex_lock(&e->mu);
	e->stats.commands += n;
	e->stats.batches++;
	e->stats.apply_us += t_apply - t_start;
	e->stats.commit_us += t_commit - t_apply;
	if (rc)
		e->stats.commit_failures++;
	e->stats.leases_expired = e->st.leases_expired;
	e->stats.queued_items = e->st.n_queued;
	e->stats.leased_items = e->st.n_assigned;
	pthread_mutex_unlock(&e->mu);
	/* Before anyone is answered: a reader asking next sees the dashboard out of date. */
	if (n || e->st.leases_expired != expired_before)
		atomic_store(&e->dash_dirty, true);
	while (batch) {
		struct cmd *next = batch->next; /* the caller owns c once it is told */

		if (batch->on_done)
			batch->on_done(batch, batch->on_done_arg);
		else
			sem_post(&batch->done);
		batch = next;
	}
	/* After the answers: the dashboard's snapshot, when one is due (dash.c). */
	engine__dash_tick(e, now, n || e->st.leases_expired != expired_before);
}

static void *engine_main(void *arg)
{
	struct engine *e = arg;

	/*
	 * The routing index at once, not at the first work.next: recovery left
	 * it to be built (route_index.c), and at 10 million queued items that
	 * is 0.6 s the first caller would wait. Out of memory: built at first use.
	 */
	(void)engine__rindex(&e->st, engine__now(e));
	pthread_mutex_lock(&e->mu);
	for (;;) {
		struct cmd *batch, *last;
		size_t n = 0;

		while (!e->head && !e->stopping && !e->woken) {
			int64_t due = engine_next_deadline(e);
			int64_t now = engine__now(e);
			struct timespec ts;

			if (due <= now || uses_due(e, false))
				break;
			/*
			 * The engine's clock need not be the wall clock: wait
			 * the time left by the engine's clock, measured on the
			 * wall clock the condition variable uses, at most a tick.
			 */
			if (due - now > e->opts.tick_ms)
				due = now + e->opts.tick_ms;
			deadline_to_timespec(clock_now_ms() + (due - now), &ts);
			pthread_cond_timedwait(&e->wake, &e->mu, &ts);
		}
		e->woken = 0;
		if (!e->head && e->stopping) {
			if (uses_due(e, true)) {
				pthread_mutex_unlock(&e->mu);
				engine_run_batch(e, NULL, 0, true);
				pthread_mutex_lock(&e->mu);
			}
			break;
		}
		/*
		 * Take up to batch_max commands, oldest first. An import's batch
		 * (cmd_import.c, up to its time budget) begins a transaction: the
		 * commands before it go in one of their own instead of waiting for
		 * its rows, those that come during it join it (join_bulk).
		 */
		batch = e->head;
		last = NULL;
		for (struct cmd *c = e->head; c && n < (size_t)e->opts.batch_max; c = c->next) {
			bool bulk = is_bulk(c);

			if (bulk && n)
				break;
			last = c;
			n++;
			if (bulk)
				break;
		}
		if (last) {
			queue_cut(e, last, n);
		} else {
			batch = NULL;
		}
		pthread_mutex_unlock(&e->mu);
		if (batch) {
			engine_run_batch(e, batch, n, false);
		} else {
			/* Woken only by a lease deadline (or uses to write): a batch of its own. */
			engine_run_batch(e, NULL, 0, false);
		}
		pthread_mutex_lock(&e->mu);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

int engine_start(struct store *s, const struct engine_opts *o, struct engine **out,
		 struct buf *err)
{
	struct engine *e;
	int rc;

	e = calloc(1, sizeof(*e));
	if (!e)
		return ERR_NOMEM;
	e->store = s;
	e->uses_at = clock_now_ms();
	e->opts.batch_max = o && o->batch_max > 0 ? o->batch_max : 512;
	e->opts.tick_ms = o && o->tick_ms > 0 ? o->tick_ms : 200;
	e->opts.clock = o && o->clock ? o->clock : wall_clock;
	e->opts.clock_arg = o && o->clock ? o->clock_arg : NULL;
	e->opts.signer = o ? o->signer : NULL;
	e->opts.purge_job = o && o->purge_job;
	engine__dash_init(e);
	rc = engine_state_load(&e->st, s, err);
	if (rc)
		goto fail;
	if (e->opts.signer) {
		struct buf why = BUF_INIT;

		rc = audit_signer_resume(e->opts.signer, s, engine__now(e), &e->tree, &why);
		if (!rc && audit_signer_halted(e->opts.signer))
			log_error("engine: audit tree heads are not signed: %s (run: alihdaya audit "
				  "verify)",
				  buf_str(&why));
		else if (rc)
			buf_error(err, rc, "cannot resume the audit tree: %s", buf_str(&why));
		buf_release(&why);
		if (rc)
			goto fail;
	}
	engine__dash_seed(e, engine__now(e));
	/* One purge at start: it arms the next ones if any engagement retains for a time. */
	e->purge_armed = e->opts.purge_job;
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->wake, NULL);
	if (pthread_create(&e->thread, NULL, engine_main, e)) {
		rc = buf_error(err, ERR_NOMEM, "cannot start the engine thread");
		pthread_mutex_destroy(&e->mu);
		pthread_cond_destroy(&e->wake);
		goto fail;
	}
	*out = e;
	return 0;
fail:
	engine_state_release(&e->st);
	engine__dash_release(e);
	free(e);
	return rc;
}

static int engine_enqueue(struct engine *e, struct cmd *c)
{
	c->rc = 0;
	memset(&c->result, 0, sizeof(c->result));
	c->result.state = -1;
	c->next = NULL;
	pthread_mutex_lock(&e->mu);
	if (e->stopping) {
		pthread_mutex_unlock(&e->mu);
		c->rc = ERR_SHUTDOWN;
		return c->rc;
	}
	if (e->tail)
		e->tail->next = c;
	else
		e->head = c;
	e->tail = c;
	e->npending++;
	pthread_cond_signal(&e->wake);
	pthread_mutex_unlock(&e->mu);
	return 0;
}

int engine_submit(struct engine *e, struct cmd *c, void (*on_done)(struct cmd *c, void *arg),
		  void *arg)
{
	c->on_done = on_done;
	c->on_done_arg = arg;
	return engine_enqueue(e, c);
}

int engine_call(struct engine *e, struct cmd *c)
{
	c->on_done = NULL;
	sem_init(&c->done, 0, 0);
	if (engine_enqueue(e, c)) {
		sem_destroy(&c->done);
		return c->rc;
	}
	while (sem_wait(&c->done) && errno == EINTR)
		;
	sem_destroy(&c->done);
	return c->rc;
}

void engine_wake(struct engine *e)
{
	pthread_mutex_lock(&e->mu);
	e->woken = 1;
	pthread_cond_signal(&e->wake);
	pthread_mutex_unlock(&e->mu);
}

void engine_stop(struct engine *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->mu);
	e->stopping = 1;
	pthread_cond_signal(&e->wake);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->thread, NULL);
	/* Every committed batch's head is in the head file when the engine has stopped. */
	audit_signer_flush(e->opts.signer);
	engine_state_release(&e->st);
	engine__dash_release(e);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->wake);
	free(e->pending);
	free(e);
}

void engine_get_stats(struct engine *e, struct engine_stats *out)
{
	pthread_mutex_lock(&e->mu);
	*out = e->stats;
	pthread_mutex_unlock(&e->mu);
}

void engine_audit_flush(struct engine *e)
{
	if (e)
		audit_signer_flush(e->opts.signer);
}
