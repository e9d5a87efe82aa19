/* engine_int.h - the engine's live state and internal API, shared by the files of src/engine/. */
#ifndef ALIHDAYA_ENGINE_INT_H
#define ALIHDAYA_ENGINE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "core/lease.h"
#include "core/rindex.h"
#include "core/item.h"
#include "engine/engine.h"
#include "sec/merkle.h"
#include "sec/policy.h"
#include "store/store.h"
#include "util/idmap.h"
#include "util/idtable.h"

/*
 * An open item. ri must stay first: the routing index's entries are cast
 * back to items. While queued it sits in the index (route_index.c): one
 * copy of every queue, in the index's ring heaps.
 */
struct live_item {
	/* id, priority, due_at, weight held, heap positions; ri.since is its created_at (one
	 * copy: a re-queued item keeps its arrival, so the two never differed) */
	struct rindex_item ri;
	int64_t engagement_id;
	int64_t client_id;
	enum item_state state;
	/*
	 * An instance of this gold item (engine/gold.c), 0 for ordinary work. 32
	 * bits beside the state (gold items are a provider's checks, far fewer
	 * than 2^32; gold.c refuses a larger id): the record is 120 bytes, a
	 * 128-byte malloc chunk per open item, not 144.
	 */
	uint32_t gold_id;
	int64_t worker_id; /* current lease holder, or last worker once submitted */
	int64_t epoch;
	int64_t lease_expires;
	int64_t lease_started; /* when the current lease began; renewals count from it */
	char *external_ref; /* NULL when none; owned */
	struct live_keying *keying; /* multi-keyed: its answers so far (keying.c); NULL: none */
};
_Static_assert(sizeof(struct live_item) <= 120, "an open item's record: 120 bytes of a slab");
#define ENGINE_ITEMS_INIT IDTABLE_INIT(struct live_item, ri.id)

struct live_gold; /* engine/gold.c */
struct fieldset;  /* core/fields.h */

struct live_engagement {
	struct engagement_rec rec;
	/* Its widening rings and item weight (PUT .../routing, route_index.c); NULL: none, weight 1. */
	struct rindex_conf *routing;
	/* keying.c: settings. Items waiting for another answer queue in the index's second
	 * engagement for it (ENGINE_REKEY_ID), so the first answers never hide fresh work. */
	struct keying_conf *keying; /* NULL: single keying */
	/* Declared payload and result fields (core/fields.h), NULL: any JSON. Owned. */
	struct fieldset *payload_fs, *result_fs;
	struct live_gold *gold; /* its gold items, settings and workers' tallies; NULL: none */
};

/* The most clients a worker's memory of its past work keeps (the oldest gives way). */
#define WORKED_MAX 64

struct live_worker {
	struct worker_rec rec;
	int load; /* the weights of the leases held (route_index.c: also the index's load) */
	/* The ethical wall: when it last worked (assigned, submitted) for each client. */
	size_t n_worked;
	struct worked {
		int64_t client_id, at;
	} worked[WORKED_MAX];
};

/* Notes that lw worked for client_id at `at` (wall.c). */
void engine__worked(struct live_worker *lw, int64_t client_id, int64_t at);
/* True if the engagement's wall keeps lw out at now (it worked for a named client lately). */
bool engine__walled(const struct live_worker *lw, const struct engagement_rec *e, int64_t now);

struct live_service {
	struct service_rec rec;
};

struct live_client {
	struct client_rec rec;
};

/* Everything the engine thread owns. Only that thread reads or writes it. */
struct engine_state {
	struct idmap clients;     /* id -> struct live_client */
	struct idmap services;    /* id -> struct live_service */
	struct idmap engagements; /* id -> struct live_engagement */
	struct idmap workers;     /* id -> struct live_worker */
	/*
	 * id -> struct live_item, open items only. The table owns the records
	 * (engine__item_new, engine__item_free): cut from slabs, 120 bytes each
	 * with an 8-byte slot, not a malloc chunk of 128 and a 16-byte slot.
	 */
	struct idtable items;
	struct lease_heap leases;
	/*
	 * The audit chain's tail: read from the store once, at recovery (and at
	 * a reload), then advanced in memory by every audit event. The engine is
	 * the one writer (docs/architecture.md "One writer"), so nothing else
	 * moves it. A command that fails restores it (engine_apply); a batch that
	 * fails restores it and reloads.
	 */
	int64_t audit_seq;
	unsigned char audit_hash[32];
	uint64_t leases_expired;
	uint64_t n_queued;
	uint64_t n_assigned;
	/* Recovery: leases read without their weight (engine__routing_load weighs them). */
	uint64_t n_unweighed;
	/* Set when memory could not follow a durable change (out of memory):
	 * the batch thread rebuilds the live state from the store after commit. */
	int need_reload;
	/*
	 * Set when a command of the open batch failed in the store (I/O, out of
	 * memory) or its savepoint could not be rolled back: the transaction
	 * may hold half a command, or SQLite may have rolled it back already.
	 * The rest of the batch is refused and the whole batch rolled back.
	 */
	int batch_failed;
	/*
	 * Set by a command that changes who a token stands for (a user edited,
	 * deactivated or reactivated): once the batch is durable, the token
	 * cache (sec/auth.h) is cleared before any caller is answered, so the
	 * very next request sees the change.
	 */
	int auth_changed;
	/* Review sampling's live state (engine/review.h), owned by review.c. */
	struct review_live *review;
	/* Release exclusions, worker states, work settings and offers (engine/states_int.h). */
	struct states_live *states;
	/* route_index.c: the routing index, holding every queue; rebuilt (with them) when stale. */
	struct rindex *rx;
	int rx_stale;
	/*
	 * sla.c: the sla.breach watermark: every open item at or below (due, id)
	 * has been announced. Read from the store at the first tick (loaded); a
	 * reload (a failed batch among them) zeroes it, so the next tick reads
	 * the committed one again. next: when the tick runs next.
	 */
	struct {
		bool loaded;
		int64_t due, id, next;
	} sla;
};

struct engine {
	struct store *store;
	struct engine_opts opts;
	struct engine_state st;

	pthread_t thread;
	pthread_mutex_t mu; /* guards pending, stopping, stats */
	pthread_cond_t wake;     /* engine waits for commands */
	struct cmd *head, *tail;
	size_t npending;
	int stopping;
	int woken; /* engine_wake(): read the clock again */
	int64_t uses_at; /* wall clock of the last write of tokens' last uses (sec/auth.h) */
	/*
	 * Retention (purge.c): the next time the background purge runs, and
	 * whether the engine wakes for it (some engagement keeps items for a
	 * limited time). Outside engine_state: a reload does not move it.
	 */
	int64_t purge_next;
	bool purge_armed;
	/*
	 * The open batch's mode (engine.c, apply.c). A batch first runs its
	 * commands without a savepoint each (the statement journal of a
	 * savepoint copies every page a command touches: a tenth of a change's
	 * CPU). A command that fails without having written needs none; one that
	 * fails after it wrote sets batch_redo: the batch is undone and applied
	 * again with cmd_savepoints, a savepoint per command, as it always was.
	 * Outside engine_state: the undo's reload does not reset them.
	 */
	bool cmd_savepoints;
	bool batch_redo;
	struct engine_stats stats;
	/*
	 * The audit Merkle tree (only with opts.signer): the frontier of the
	 * committed events, and the leaves the open batch added, folded in once
	 * it commits. A command that fails drops its leaves (engine_apply), a
	 * batch that fails all of them; the frontier only moves at a commit.
	 */
	struct merkle_frontier tree;
	merkle_hash *pending;
	size_t n_pending, cap_pending;
	/*
	 * The dashboard (dash.c). Its counters per engagement (id -> struct
	 * dash_metrics) live outside engine_state, so a reload does not reset
	 * them. The published snapshot, its version and the readers waiting
	 * for one are guarded by dash_mu; dirty (the live state changed since
	 * the last build), want (a reader waits for a fresh one) and watchers
	 * (event streams open) are atomics the readers set.
	 */
	struct idmap dash_m;
	int64_t dash_built, dash_built_wall; /* the last build: engine clock, wall clock */
	int64_t dash_build_ms;		      /* how long the last build's pass took */
	pthread_mutex_t dash_mu;
	pthread_cond_t dash_cv;
	struct dash_snapshot *dash_cur;
	uint64_t dash_version;
	/*
	 * Fresh snapshots asked for (dash_req, counted by the readers), the count
	 * when the open batch began (dash_req_batch, engine thread) and the count
	 * answered (dash_served, under dash_mu): a request is answered only by a
	 * batch that began after it, so its snapshot holds every command answered
	 * before it, and the time it was asked.
	 */
	atomic_uint_fast64_t dash_req;
	uint64_t dash_req_batch, dash_served;
	atomic_bool dash_dirty;
	atomic_int dash_watchers;
};

/*
 * dash.c: the dashboard's counters and snapshots. engine__dash_step() is
 * told of every item transition before memory moves (engine__step_apply);
 * engine__dash_offer_expired() counts an offer that ran out (the offers of
 * issue 13 call it); engine__dash_begin() runs as a batch begins and
 * engine__dash_tick() after it (now: the batch's time; changed:
 * it applied commands or expired leases) and builds a snapshot when one is
 * due; engine__dash_deadline() is when the next one is due, for the engine's
 * wait (INT64_MAX: none).
 */
void engine__dash_init(struct engine *e);
/*
 * At start, after the load: today's (UTC) and the last hour's done steps read
 * back from the store, so a restart keeps done_today, done_late_today and
 * throughput_hour (done_total stays "since the server started"). A failure
 * is logged and the counters start at zero.
 */
void engine__dash_seed(struct engine *e, int64_t now);
void engine__dash_release(struct engine *e);
void engine__dash_step(struct engine *e, const struct live_item *it, enum item_action act,
		       enum item_state to, int64_t now);
void engine__dash_offer_expired(struct engine *e, int64_t engagement_id);
void engine__dash_begin(struct engine *e);
void engine__dash_tick(struct engine *e, int64_t now, bool changed);
int64_t engine__dash_deadline(const struct engine *e);

/* The leaf of an audit event just written, for the batch's signed head. 0 or ERR_NOMEM. */
int engine__tree_add(struct engine *e, const struct audit_rec *a);

/* Time in the engine: always through this, never the wall clock directly. */
int64_t engine__now(const struct engine *e);

/*
 * recover.c: an open item's record, zeroed, owned by st->items (in it once
 * idtable_add()ed under its id); NULL when out of memory. engine__item_free
 * takes it out of the table and frees what it owns (external_ref, keying).
 */
struct live_item *engine__item_new(struct engine_state *st);
void engine__item_free(struct engine_state *st, struct live_item *it);

/* recover.c: the live state from the store */
int engine_state_load(struct engine_state *st, struct store *s, struct buf *err);
/*
 * The same, the open items read in at most `parts` parts at once, two from
 * split_min open items on (0: the store's choice). Tests load a store both
 * ways (parts 1: one scan) and compare.
 */
int engine__state_load_parts(struct engine_state *st, struct store *s, int parts,
			     int64_t split_min, struct buf *err);
void engine_state_release(struct engine_state *st);

/* apply.c: the command table and the per-command savepoint */
void engine_apply(struct engine *e, struct cmd *c, int64_t now);

/* One row per command type. */
struct cmd_def {
	const char *name;                                   /* for logs: "item.submit" */
	int (*apply)(struct engine *e, struct cmd *c, int64_t now);
	bool idempotent;                                    /* an Idempotency-Key applies */
};
/* The row for t, or NULL for a value outside the table. */
const struct cmd_def *engine__cmd_def(enum cmd_type t);

/* cmd_records.c, cmd_items.c: the commands (the table's apply functions) */
int engine__client_create(struct engine *e, struct cmd *c, int64_t now);
int engine__service_create(struct engine *e, struct cmd *c, int64_t now);
int engine__engagement_create(struct engine *e, struct cmd *c, int64_t now);
int engine__user_create(struct engine *e, struct cmd *c, int64_t now);
int engine__token_create(struct engine *e, struct cmd *c, int64_t now);
int engine__token_revoke(struct engine *e, struct cmd *c, int64_t now);
/* cmd_session.c: sign-in, sign-out, passwords */
int engine__session_create(struct engine *e, struct cmd *c, int64_t now);
int engine__session_end(struct engine *e, struct cmd *c, int64_t now);
int engine__password_set(struct engine *e, struct cmd *c, int64_t now);
int engine__password_link(struct engine *e, struct cmd *c, int64_t now);
int engine__worker_create(struct engine *e, struct cmd *c, int64_t now);
int engine__worker_status(struct engine *e, struct cmd *c, int64_t now);
/* cmd_edit.c: edits and switching records off and on */
/* CMD_CLIENT_UPDATE, CMD_SERVICE_UPDATE, CMD_ENGAGEMENT_UPDATE, CMD_WORKER_UPDATE */
int engine__record_update(struct engine *e, struct cmd *c, int64_t now);
int engine__user_update(struct engine *e, struct cmd *c, int64_t now);
int engine__record_active(struct engine *e, struct cmd *c, int64_t now);
int engine__item_renew(struct engine *e, struct cmd *c, int64_t now);
/* True if the engagement hands out work and takes items: it and its client are active. */
bool engine__engagement_open(const struct engine *e, const struct live_engagement *le);
int engine__audit(struct engine *e, struct cmd *c, int64_t now);
/* An item's type among its engagement's item_types ("" / "default": always); 400 else. */
int engine__item_type_check(struct cmd *c, const struct engagement_rec *e, const char *type);
int engine__item_create(struct engine *e, struct cmd *c, int64_t now);
int engine__item_next(struct engine *e, struct cmd *c, int64_t now);
int engine__item_submit(struct engine *e, struct cmd *c, int64_t now);
int engine__item_review(struct engine *e, struct cmd *c, int64_t now);
int engine__item_accept(struct engine *e, struct cmd *c, int64_t now);
int engine__item_rework(struct engine *e, struct cmd *c, int64_t now);
int engine__item_fail(struct engine *e, struct cmd *c, int64_t now);
int engine__item_cancel(struct engine *e, struct cmd *c, int64_t now);
/*
 * The first steps of a command on one item (cmd_items.c): 403 for a role
 * that may never take act, 404 for a missing or hidden item. On 0: *out the
 * live item or NULL when closed (*closed: its state), *verdict the policy's.
 */
int engine__item_scope(struct engine *e, struct cmd *c, enum policy_action act, int64_t id,
		       struct live_item **out, enum item_state *closed, enum policy_verdict *verdict);

/*
 * keying.c: double keying and overlap (docs/architecture.md "Keying").
 * An item's answers so far, while it is keyed by more than one worker.
 */
struct live_keying {
	enum keying_phase phase;
	int n;				/* answers (keyings) */
	size_t n_by;
	int64_t by[KEYING_K_MAX + 1];	/* the workers who answered: never routed it again */
	char *decided;			/* the decided result while its submit is written */
};
struct item_step;
int engine__keying_set(struct engine *e, struct cmd *c, int64_t now);
/*
 * item.submit's keying step, after the lease was checked: 0 = an ordinary
 * submit follows (single keying, or the result decided: s->result may now
 * be the decided one), 1 = handled (an answer recorded, the item back in
 * its queue), < 0 an error.
 */
int engine__keying_submit(struct engine *e, struct cmd *c, struct live_item *it,
			  struct item_step *s, int64_t now);
/* True if worker_id gave one of its answers (it NULL or not multi-keyed: false). */
bool engine__keying_answered(const struct live_item *it, int64_t worker_id);
/* True while it waits for (or is held by) its adjudicator. */
bool engine__keying_adjudicating(const struct live_item *it);
/* True when a queued item waits for more answers (the index's second engagement, route_index.c). */
bool engine__keying_rekey(const struct live_item *it);
/* Frees what keying keeps of an item (it leaves memory). */
void engine__keying_forget(struct live_item *it);
/* Recovery: settings and open items' answers (the index is built after it). */
int engine__keying_load(struct engine_state *st, struct store *s);
void engine__keying_release(struct live_engagement *le);
/* fields.c: declared fields (core/fields.h) */
int engine__engagement_fields(struct engine *e, struct cmd *c, int64_t now);
/*
 * A payload (item create) or result (item submit) checked against the
 * engagement's declaration (NULL: none, anything goes). 0, or ERR_INVALID
 * with every problem in c->result (message, problems).
 */
int engine__fields_check(struct cmd *c, const struct fieldset *fs, const char *what,
			 const char *doc);
/* recovery: every engagement's declared fields compiled into live state. */
int engine__fields_load(struct engine_state *st, struct store *s);
/*
 * kpo.c: KPO deliverables. The review chain's check of a review, accept or
 * rework of it (0 for BPO work and for the steps the chain allows, else the
 * refusal with its message), called once by item_op() in cmd_items.c; the
 * milestone commands.
 */
int engine__kpo_check(struct engine *e, struct cmd *c, const struct live_item *it,
		      enum item_action act);
/* True if the engagement is KPO work (the chain applies; review sampling keeps out of it). */
bool engine__kpo_engagement(const struct engine *e, int64_t engagement_id);
int engine__milestone_create(struct engine *e, struct cmd *c, int64_t now);
int engine__milestone_update(struct engine *e, struct cmd *c, int64_t now);
/*
 * gold.c: gold items (docs/api.md "Gold items"). The commands; the two calls
 * of work.next: engine__gold_route() in the choice (false: this worker may
 * not take this engagement's head now: suspended, or held by the routing
 * preference) and engine__gold_next() once it chose (*le, *it; may be NULL):
 * a qualification item or the mixing rule's gold instance replaces the choice
 * (the instance is made, queued and ready to assign); engine__gold_explain()
 * says why nothing was taken when gold was the reason (1: c's none answer
 * set). engine__gold_submit(): 1 when it handled the submit of an instance.
 * engine__gold_hidden(): true if item_id is an instance (hidden from clients).
 */
int engine__gold_add(struct engine *e, struct cmd *c, int64_t now);
int engine__gold_active(struct engine *e, struct cmd *c, int64_t now);
int engine__gold_settings(struct engine *e, struct cmd *c, int64_t now);
int engine__gold_requalify(struct engine *e, struct cmd *c, int64_t now);
/* Webhooks (outbox.c): the endpoints' commands, and the outbox rows of an item step. */
int engine__webhook_create(struct engine *e, struct cmd *c, int64_t now);
int engine__webhook_rotate(struct engine *e, struct cmd *c, int64_t now);
int engine__webhook_active(struct engine *e, struct cmd *c, int64_t now);
int engine__webhook_attempt(struct engine *e, struct cmd *c, int64_t now);
int engine__webhook_redeliver(struct engine *e, struct cmd *c, int64_t now);
int engine__outbox_item(struct engine *e, const struct live_item *it, enum item_action act,
			enum item_state to, int64_t now);
/* outbox.c: an import's end as the event import.finished (its counts only). */
int engine__outbox_import(struct engine *e, const struct import_rec *r, int64_t now);
/*
 * work.next, once per engagement: 0 the worker takes none of its work now
 * (suspended), 1 any of it, 2 only items that waited at least
 * *min_wait_ms (the preference for better workers holds the younger ones).
 */
int engine__gold_route(struct engine *e, const struct live_worker *lw,
		       const struct live_engagement *le, int64_t now, int64_t *min_wait_ms);
int engine__gold_next(struct engine *e, struct cmd *c, struct live_worker *lw,
		      struct live_engagement **le, struct live_item **it, int64_t now);
int engine__gold_explain(struct engine *e, struct cmd *c, const struct live_worker *lw,
			 int64_t now);
int engine__gold_submit(struct engine *e, struct cmd *c, int64_t now);
bool engine__gold_hidden(struct engine *e, const struct live_item *it, int64_t item_id);
/* recovery: settings, items, counters, instances and tallies (from the quality observations). */
int engine__gold_load(struct engine_state *st, struct store *s);
void engine__gold_release(struct engine_state *st);

/*
 * time.c: time entries (docs/api.md "Time and periods"). The work entry of
 * a lease that ends now: call it in the command's savepoint, before
 * engine__step_apply(), with the item still as it was (state ITEM_ASSIGNED,
 * its worker, lease_started and lease_expires). engine__step() calls it for
 * every transition out of ITEM_ASSIGNED but a renewal, so a new route that
 * ends a lease through engine__step() (release) needs nothing more; a path
 * that ends a lease without engine__step() calls it itself. 0 for an item
 * not leased (nothing written), or the store's error (the command fails).
 */
int engine__time_lease_end(struct engine *e, const struct live_item *it, int64_t now);
/* The commands CMD_TIME_*, CMD_PERIOD_*, CMD_ASSESSMENT_CREATE. */
int engine__time_log(struct engine *e, struct cmd *c, int64_t now);
int engine__time_start(struct engine *e, struct cmd *c, int64_t now);
int engine__time_stop(struct engine *e, struct cmd *c, int64_t now);
int engine__time_correct(struct engine *e, struct cmd *c, int64_t now);
int engine__period_create(struct engine *e, struct cmd *c, int64_t now);
int engine__period_advance(struct engine *e, struct cmd *c, int64_t now);
int engine__assessment_create(struct engine *e, struct cmd *c, int64_t now);

/* expire.c: lease expiry */
/* Returns expired leases to their queues. 0 or a store error (batch must fail). */
int engine_expire_leases(struct engine *e, int64_t now);
/* The earliest lease deadline, or INT64_MAX. */
int64_t engine_next_deadline(const struct engine *e);

/*
 * sla.c: the sla.breach webhook. The tick (every batch; it works at most once a
 * second, and at once while a backlog remains) announces the open items whose
 * due time passed; an item created already late is announced by its create.
 */
int engine__sla_tick(struct engine *e, int64_t now);
int engine__sla_created(struct engine *e, const struct live_item *it, int64_t now);
/* outbox.c: the sla.breach event of an open item, in the caller's savepoint. */
int engine__outbox_sla(struct engine *e, const struct live_item *it, int64_t now);

/* purge.c: the background purge, run in every batch (it does its work once a minute). */
int engine__purge_tick(struct engine *e, int64_t now);
int engine__item_purge(struct engine *e, struct cmd *c, int64_t now);
/* An engagement's retention changed: the next batch purges, and the engine wakes for it. */
void engine__purge_soon(struct engine *e);

/* idem.c: idempotency */
/* Answers c from its idempotency record if the key was seen. 1 = answered (*rc set). */
int engine__idem_replay(struct engine *e, struct cmd *c, int *rc);
/* Records c's answer (outcome and encoding) under its key, if it has one. */
int engine__idem_record(struct engine *e, struct cmd *c, int64_t now);

/*
 * step.c: the steps every command shares. Every command follows the same
 * order, so that a failure leaves no trace:
 *   1. check against live state (no writes yet);
 *   2. write every effect (record, item event, audit event) to the store;
 *   3. engine__done() / engine__step(): set the result and record the
 *      idempotent answer;
 *   4. change memory: nothing after this point may fail the command.
 * engine_apply() wraps each command in a savepoint and rolls back to it if
 * any of steps 1-3 fails; the other commands of the batch still commit.
 */

/* Sets the error message of c's result and returns rc. */
int engine__fail(struct cmd *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A command refused because of the item's state: rc, with that state and why. */
int engine__conflict(struct cmd *c, int rc, enum item_state st, const char *why);
/* Appends an audit event to the chain (c NULL: the engine itself, actor 0). */
int engine__audit_append(struct engine *e, const struct cmd *c, const char *action,
			 const char *rtype, int64_t rid, int64_t client_id, int64_t now);
/* The same with a detail (a JSON text, or NULL), which the event's hash covers. */
int engine__audit_append_detail(struct engine *e, const struct cmd *c, const char *action,
				const char *rtype, int64_t rid, int64_t client_id,
				const char *detail, int64_t now);
/* Step 3 for a command that is not an item transition: outcome, id, idempotent answer. */
int engine__done(struct engine *e, struct cmd *c, enum cmd_outcome out, int64_t id, int64_t now);
/*
 * Steps 2 (its audit event) and 3 of a command on the record (rtype, id): what a
 * command not an item transition ends with once its own writes are done.
 */
int engine__record_done(struct engine *e, struct cmd *c, enum cmd_outcome out, const char *action,
			const char *rtype, int64_t id, int64_t client_id, int64_t now);

/* An item transition: what changes besides the state (item_transition() decides that). */
struct item_step {
	enum item_action act;
	int64_t worker_id;     /* ACT_ASSIGN: the new lease holder */
	int64_t epoch;         /* ACT_ASSIGN: the new epoch */
	int64_t lease_expires; /* ACT_ASSIGN: the new deadline */
	int64_t lease_started; /* ACT_ASSIGN, ACT_RENEW: when the lease began */
	const char *result;    /* ACT_SUBMIT: the result JSON to store */
	const char *reason;    /* the event's reason, plain text, or NULL: the store encodes it */
	const char *refused;   /* the message when the item's state refuses the action */
	const char *detail;    /* the event's detail as JSON text instead of {"reason"}, or NULL */
};

/*
 * Steps 2 and 3 of an item transition, written once: checks the transition
 * against the table (core/item.c), writes the item update, the item event
 * and the audit event ("item.<action>"), and, for a command (c non-NULL),
 * sets c->result (the item after the step) and records the idempotent
 * answer. OUT: *to, the item's new state. Memory is not changed: call
 * engine__step_apply() after it succeeds.
 */
int engine__step(struct engine *e, struct cmd *c, struct live_item *it, const struct item_step *s,
		 int64_t now, enum item_state *to);
/*
 * Step 4 of an item transition: moves the item in memory to `to` (queues,
 * leases, worker load, counters); a closed item is freed. Cannot fail; if
 * memory cannot follow, need_reload is set.
 */
void engine__step_apply(struct engine *e, struct live_item *it, const struct item_step *s,
			enum item_state to);
/* The event of an item's creation, its audit event, result and idempotent answer. */
int engine__step_create(struct engine *e, struct cmd *c, struct live_item *it, int64_t now);

/* The live item as an item_rec in state `to` (no payload, no result). */
void engine__item_rec(const struct live_item *it, struct item_rec *out);

/*
 * scope.c: the engine's questions to the access policy (sec/policy.h), one
 * function per question, with the scope only live state knows. Each returns
 * 0 or the refusal (with c->result.message when it says more than the
 * error's own message).
 */
int engine__scope_item_create(struct cmd *c, const struct live_engagement *le);
/* cmd_import.c: CMD_IMPORT (begin, a batch of rows, end) */
int engine__import(struct engine *e, struct cmd *c, int64_t now);
/* billing.c: rate cards, invoices (draft, issue, pay, credit), a client's billing settings */
int engine__rates_set(struct engine *e, struct cmd *c, int64_t now);
int engine__invoice_draft(struct engine *e, struct cmd *c, int64_t now);
int engine__invoice_issue(struct engine *e, struct cmd *c, int64_t now);
int engine__invoice_pay(struct engine *e, struct cmd *c, int64_t now);
int engine__invoice_credit(struct engine *e, struct cmd *c, int64_t now);
int engine__client_billing(struct engine *e, struct cmd *c, int64_t now);
int engine__scope_worker_status(struct cmd *c, const struct live_worker *lw);
/*
 * The policy's verdict on act for an item of client_id in engagement_id,
 * leased now to lease_worker_id (0: to nobody).
 */
enum policy_verdict engine__scope_item(const struct engine *e, const struct cmd *c,
				       enum policy_action act, int64_t client_id,
				       int64_t engagement_id, int64_t lease_worker_id);
/* The refusal for POLICY_FORBID on act (ERR_FORBIDDEN, with a message where it helps). */
int engine__scope_forbidden(struct cmd *c, enum policy_action act);
/* work.next: the worker it is for: the actor itself, or the one staff name. */
int engine__scope_next(struct cmd *c, int64_t *worker_id);

/*
 * release.c, offer.c: release, worker states and offers (issue 13,
 * docs/offers.md). The commands; the calls of work.next (engine__states_next
 * before the choice: 1 = answered none, wrap-up or away with its reason;
 * engine__states_route: false for a push engagement, whose work is only
 * offered; engine__states_excluded: an item this
 * worker released for good, skipped by work.next's filter); engine__states_step, the last call of every
 * item step (a lease ended: idle since, wrap-up after a submit, an item
 * closed forgets its exclusions and withdraws its offer); engine__states_worker
 * after a status change (offline: every lease released; away, offline: open
 * offers withdrawn); the offer tick of every batch and its deadline.
 */
struct states_live;
int engine__item_release(struct engine *e, struct cmd *c, int64_t now);
int engine__work_conf_set(struct engine *e, struct cmd *c, int64_t now);
int engine__offer_answer(struct engine *e, struct cmd *c, int64_t now);
int engine__states_next(struct engine *e, struct cmd *c, const struct live_worker *lw, int64_t now);
bool engine__states_route(const struct engine *e, const struct live_engagement *le);
/* True if the worker released the item for good (work.next's filter skips it). */
bool engine__states_excluded(const struct engine *e, int64_t item_id, int64_t worker_id);
int engine__states_step(struct engine *e, const struct live_item *it, const struct item_step *s,
			enum item_state to, int64_t now);
int engine__states_worker(struct engine *e, struct cmd *c, struct live_worker *lw, int64_t now);
int engine__offers_tick(struct engine *e, int64_t now);
int64_t engine__offers_deadline(const struct engine *e);
int engine__states_load(struct engine_state *st, struct store *s);
void engine__states_release(struct engine_state *st);
/* route_index.c: the routing index (core/rindex.h) of work.next */
struct rindex;
/* After command c (rc its result) at now: the records it may have changed set again. */
void engine__rindex_touch(struct engine_state *st, const struct cmd *c, int rc, int64_t now);
/* The index, rebuilt first when stale (with every queued item); NULL: out of memory. */
struct rindex *engine__rindex(struct engine_state *st, int64_t now);
void engine__rindex_release(struct engine_state *st);
/* The index's id of an engagement's second queue (keying's items waiting for answers). */
#define ENGINE_REKEY_BIT ((int64_t)1 << 62)
#define ENGINE_REKEY_ID(id) ((id) | ENGINE_REKEY_BIT)
/*
 * Queues a queued item in the index at now (its engagement's, or the second
 * one while it waits for answers); a stale index takes it at its rebuild.
 * 0 or ERR_NOMEM (the caller reloads).
 */
int engine__queue_push(struct engine_state *st, struct live_item *it, int64_t now);
void engine__queue_remove(struct engine_state *st, struct live_item *it);
/* The engagement's best queued item (both its queues), or NULL. */
struct live_item *engine__queue_head(struct engine_state *st, const struct live_engagement *le,
				     int64_t now);
size_t engine__queue_len(struct engine_state *st, const struct live_engagement *le, int64_t now);
/* A record changed outside engine__rindex_touch's commands: set again in the index. */
void engine__rindex_engagement(struct engine_state *st, const struct live_engagement *le,
			       int64_t now);
void engine__rindex_worker(struct engine_state *st, const struct live_worker *lw);
/* Adds delta to the worker's load, here and in the index. */
void engine__load_add(struct engine_state *st, struct live_worker *lw, int delta);
/* engagement.routing: stored, audited with the text, set in the index (route_index.c). */
int engine__routing_set(struct engine *e, struct cmd *c, int64_t now);
/* Recovery: every engagement's routing configuration, and the weights of the leases held. */
int engine__routing_load(struct engine_state *st, struct store *s);
/* What one of its items weighs on a worker of this capacity (1..capacity); le NULL: 1. */
int engine__item_weight(const struct live_engagement *le, int capacity);

#endif
