/* store.h - the storage interface: a table of backend callbacks (SQLite now, PostgreSQL later). */
#ifndef ALIHDAYA_STORE_H
#define ALIHDAYA_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/keying.h"
#include "core/kpo.h"
#include "core/gold.h"
#include "core/import.h"
#include "core/invoice.h"
#include "core/model.h"
#include "core/offer.h"
#include "core/review.h"
#include "core/timeentry.h"
#include "util/buf.h"

/*
 * Threading contract:
 *  - "writer" functions (begin/commit/rollback, *_insert, *_update, idem_*,
 *    audit_tail and load) are called only from the engine thread. They use
 *    the one writer connection; everything between store_begin() and
 *    store_commit() is one transaction, durable once commit returns 0.
 *  - "reader" functions (*_get, *_list, token_lookup) may be called from any
 *    thread at once; the backend gives each call a read-only connection from
 *    a pool, so readers never block the writer (SQLite WAL).
 *
 * Errors: 0 on success or a negative ERR_* (ERR_NOTFOUND, ERR_EXISTS for a
 * unique-key clash, ERR_IO for anything the database reports, ERR_NOMEM,
 * ERR_BUSY). A description may be appended to the backend's last-error
 * buffer, read with store_errmsg().
 *
 * Reads answer with the records of core/model.h, never with wire JSON (the
 * adapters render records: src/wire/). Ownership and lifetimes:
 *  - a *_get fills a caller's record; only an item's payload and result
 *    texts are heap memory, owned by the caller (item_rec_release()).
 *  - walks (*_list, *_each, load, item_history) pass each record to a
 *    callback, in id (or seq) order. The record and every pointer in it
 *    (an event's detail) are valid only during that call: copy what you
 *    keep. A callback returning non-zero stops the walk, and the walk
 *    returns that value. A walk holds one reader connection (writer for
 *    load) for its whole duration: a callback must not call the store.
 */

struct store;

/* Filter and cursor for list reads. Zero fields mean "no filter". */
struct store_page {
	int64_t after;         /* cursor: return ids > after */
	int limit;             /* 1..STORE_PAGE_MAX, caller-validated */
	int64_t client_id;     /* items, engagements, users: only this client */
	int64_t engagement_id; /* items */
	int64_t worker_id;     /* items: only leased to this worker */
	int state;             /* items: enum item_state + 1, 0 = any */
	int64_t user_id;       /* tokens: only this user's */
	/*
	 * items: also the instances of gold items (items.gold_id != 0). Only a
	 * worker's list of its own items sets it: every other list, count and
	 * search leaves them out, so a client never sees one (docs/api.md "Gold items").
	 */
	bool with_gold;
	/*
	 * audit events (sqlite_audit.c): only this actor's (actor_user_id); this
	 * action, or with action_family every action of the family (the part up
	 * to and with the first '.', "item."; borrowed for the call); from <= at
	 * < to (ms, 0 = unbounded). Zero and NULL: no filter.
	 */
	int64_t actor_user_id;
	const char *action;
	bool action_family;
	int64_t at_from, at_to;
};

/*
 * The filters of an item search beyond struct store_page's (store_item_find).
 * Zero or NULL fields mean "no filter"; times are ms since the epoch, bounds
 * exclusive.
 */
struct store_item_filter {
	int64_t due_before, due_after;	       /* due_at < due_before, due_at > due_after */
	int64_t created_before, created_after; /* created_at likewise */
	int64_t late_at;	 /* open (queued .. in_review) and due_at < late_at */
	const char *external_ref; /* exactly this reference */
	const char *ref_contains; /* the reference holds this text (no wildcards: taken literally) */
};

/* An engagement's queue as the store holds it at one moment (store_engagement_queue). */
struct store_queue {
	int64_t by_state[ITEM_STATE__COUNT]; /* items of the engagement in each state */
	int64_t oldest_id;		      /* the queued item waiting longest (0: none) */
	int64_t oldest_created_at;
	int64_t due_soon; /* open, now <= due_at < now + soon_ms */
	int64_t late;	  /* open, due_at < now */
};

/* A worker's leases held now, across every engagement (store_engagement_queue). */
typedef int (*store_load_cb)(void *ctx, int64_t worker_id, int64_t leases);

/* An engagement's declared fields (store_engagement_fields_each); NULL: that side is not declared. */
typedef int (*store_fields_cb)(void *ctx, int64_t engagement_id, const char *payload,
			       const char *result);

#define STORE_PAGE_MAX 500
#define STORE_PAGE_DEFAULT 50

/*
 * An API token as the store keeps it: never its text, and its hash only in
 * the store. Times are ms since the epoch; 0 = never (expires_at: no expiry,
 * last_used_at: not used yet, or before uses were recorded, revoked_at: not
 * revoked). prefix is the text's first STORE_TOKEN_PREFIX bytes ("ahd_" and
 * 8 hex digits), "" for tokens made before prefixes were kept.
 */
#define STORE_TOKEN_PREFIX 12
struct token_rec {
	int64_t id;
	int64_t user_id;
	char user_name[MODEL_CODE_MAX]; /* reads only */
	char prefix[STORE_TOKEN_PREFIX + 1];
	int64_t created_at, expires_at, last_used_at, revoked_at;
};

/*
 * A browser session as the store keeps it: never its cookie text, only the
 * text's hash (as tokens). Times are ms since the epoch: last_seen_at is
 * its last use as last written (at most once a minute), expires_at its
 * absolute end, ended_at 0 while it was not ended (sign-out, revoke).
 */
struct session_rec {
	int64_t id;
	int64_t user_id;
	int64_t created_at, last_seen_at, expires_at, ended_at;
};

/* Idempotency record: the answer given to the first request with a key. */
struct idem_rec {
	int64_t user_id;
	char key[MODEL_REF_MAX];
	unsigned char request_hash[32]; /* method, path and body */
	int status;                     /* the engine's outcome of the first answer (cmd_outcome) */
	char *body;                     /* the adapter's encoding of the first answer, owned */
	int64_t created_at;
};

typedef int (*store_client_cb)(void *ctx, const struct client_rec *c);
typedef int (*store_service_cb)(void *ctx, const struct service_rec *sv);
typedef int (*store_engagement_cb)(void *ctx, const struct engagement_rec *e);
typedef int (*store_worker_cb)(void *ctx, const struct worker_rec *w);
typedef int (*store_item_cb)(void *ctx, const struct item_rec *it);
typedef int (*store_user_cb)(void *ctx, const struct user_rec *u);
typedef int (*store_event_cb)(void *ctx, const struct event_rec *ev);
typedef int (*store_audit_cb)(void *ctx, const struct audit_rec *a);
/* A done step: the item's engagement, the step's moment and the item's due time. */
typedef int (*store_done_cb)(void *ctx, int64_t engagement_id, int64_t at, int64_t due_at);
typedef int (*store_token_cb)(void *ctx, const struct token_rec *t);
typedef int (*store_audit_head_cb)(void *ctx, const struct audit_head *h);
typedef int (*store_milestone_cb)(void *ctx, const struct milestone_rec *m);
typedef int (*store_gold_cb)(void *ctx, const struct gold_rec *g);
typedef int (*store_gold_settings_cb)(void *ctx, const struct gold_settings *gs);
/* A worker's counter of assignments of a gold-checked engagement and its last hand re-qualification. */
struct gold_worker_rec {
	int64_t engagement_id, worker_id;
	int64_t assigned; /* assignments of the engagement's work so far (the mixing rule's counter) */
	int64_t reset_at; /* the last re-qualification by hand (0: never) */
};
typedef int (*store_gold_worker_cb)(void *ctx, const struct gold_worker_rec *w);
/* An item made from a gold item: its engagement, its (last) worker, the gold item. */
typedef int (*store_gold_inst_cb)(void *ctx, int64_t item_id, int64_t engagement_id,
				  int64_t worker_id, int64_t gold_id);
/* When a worker last worked (an item assigned to or submitted by it) for a client. */
typedef int (*store_worked_cb)(void *ctx, int64_t worker_id, int64_t client_id, int64_t at);
/* Review sampling (core/review.h): one engagement's defect codes, settings, tasks and lots. */
typedef int (*store_defect_cb)(void *ctx, int64_t engagement_id, const struct defect_rec *d);
typedef int (*store_sampling_cb)(void *ctx, const struct sampling_rec *r);
typedef int (*store_review_task_cb)(void *ctx, const struct review_task *t);
typedef int (*store_lot_cb)(void *ctx, const struct lot_rec *l);
/* Webhooks (docs/api.md "Webhooks"; sqlite_webhooks.c): an endpoint and its outbox rows. */
#define WEBHOOK_URL_MAX 2048
#define WEBHOOK_SECRET_TEXT 71 /* "whsec_" + 64 hex + NUL */
#define WEBHOOK_ERROR_MAX 200
enum webhook_event_bit {
	WH_ITEM_DONE = 1u << 0,
	WH_ITEM_REJECTED = 1u << 1,
	WH_SLA_BREACH = 1u << 2,
	WH_IMPORT_FINISHED = 1u << 3,
	WH_INVOICE_ISSUED = 1u << 4,
};
struct webhook_rec {
	int64_t id, client_id, engagement_id; /* engagement 0: every one of the client */
	char url[WEBHOOK_URL_MAX + 1];
	unsigned events; /* enum webhook_event_bit */
	bool active;
	int64_t created_at, created_by, rotated_at;
	int64_t old_until; /* the old secret signs beside the new one until then (0: none) */
	/* Sealed at rest (record "webhook", fields "secret" and "old_secret"); "" when not read. */
	char secret[WEBHOOK_SECRET_TEXT], old_secret[WEBHOOK_SECRET_TEXT];
};
enum webhook_dstate { WHD_PENDING = 0, WHD_DELIVERED = 1, WHD_FAILED = 2 };
/* One (event, endpoint) row of the outbox: its body is built by the engine (no payload). */
struct webhook_delivery {
	int64_t id, webhook_id, item_id, client_id, created_at;
	char event_id[40], type[32];
	const char *body; /* borrowed during a walk */
	enum webhook_dstate state;
	int64_t attempts, next_at, last_at, last_status;
	char last_error[WEBHOOK_ERROR_MAX + 1];
};
typedef int (*store_webhook_cb)(void *ctx, const struct webhook_rec *w);
/* Release, worker states, offers (issue 13). */
typedef int (*store_exclusion_cb)(void *ctx, int64_t item_id, int64_t worker_id);
typedef int (*store_worker_state_cb)(void *ctx, const struct worker_state_rec *w);
typedef int (*store_work_conf_cb)(void *ctx, const struct work_conf *w);
typedef int (*store_offer_cb)(void *ctx, const struct offer_rec *o);
/* An engagement's routing configuration (core/rindex_json.h's canonical text). */
/* An open item past its due time (store_sla_due_each). */
typedef int (*store_sla_cb)(void *ctx, int64_t item_id, int64_t due_at);
typedef int (*store_routing_cb)(void *ctx, int64_t engagement_id, const char *conf,
				int64_t updated_at);
/* A due delivery with its endpoint (secrets opened). */
typedef int (*store_delivery_cb)(void *ctx, const struct webhook_delivery *d,
				 const struct webhook_rec *w);

/*
 * Time entries and billing periods (core/timeentry.h; sqlite_time.c). The
 * filter of a walk of entries: zero fields are "no filter". Entries come
 * in id order, keyset-paged by `after` (ids > after) and `limit` (0: no
 * limit, the whole range in one walk, for billing); next_after is the last
 * id passed when the walk stopped at the limit (0: no more).
 */
struct time_filter {
	int64_t engagement_id, client_id, worker_id, item_id;
	int64_t from, to;	/* started_at in [from, to); to 0: no upper bound */
	int64_t after;		/* cursor: ids > after */
	int limit;		/* 0: all */
	bool with_superseded;	/* also entries a correction replaced (default: current only) */
	bool with_note;		/* open the sealed notes (a walk for billing leaves them) */
};
typedef int (*store_time_cb)(void *ctx, const struct time_entry *t);
typedef int (*store_period_cb)(void *ctx, const struct billing_period *p);
/*
 * A stored process-fit assessment (core/assess.h): its answers and its
 * result as JSON texts, both sealed at rest (record "assessment", fields
 * "answers" and "result", the client's key; client 0: a prospect's).
 */
#define ASSESS_REC_MAX 16
#define ASSESS_TEXT_MAX 3072 /* bytes of its answers or result text */
struct assessment_rec {
	int64_t id, client_id, created_at, created_by;
	char recommendation[ASSESS_REC_MAX]; /* "bpo", "kpo", "in_house" */
	char *answers, *result; /* JSON texts; reads: malloc'd (assessment_rec_release), NULL: not read */
};
void assessment_rec_release(struct assessment_rec *a);
typedef int (*store_assessment_cb)(void *ctx, const struct assessment_rec *a);
/* Billing (sqlite_billing.c): invoices, their lines and what each line bills. */
typedef int (*store_invoice_cb)(void *ctx, const struct invoice_rec *r);
typedef int (*store_invoice_line_cb)(void *ctx, const struct invoice_line *l);
typedef int (*store_invoice_ref_cb)(void *ctx, const struct invoice_ref *r);
/* An item done (or a milestone submitted) in a billing window: its id, due time and when. */
/* type: an item's type ("" or "default": default); NULL for a milestone */
typedef int (*store_bill_item_cb)(void *ctx, int64_t id, int64_t due_at, int64_t done_at,
				  const char *type);
/* A billable current time entry of a billing window: whose, how long. */
typedef int (*store_bill_time_cb)(void *ctx, int64_t worker_id, int64_t duration_ms);

/*
 * An open item as recovery reads it: the columns the live state keeps (no
 * payload, result or type, which it never holds).
 */
struct item_open_rec {
	int64_t id;
	int64_t engagement_id;
	int64_t client_id;
	int64_t created_at;
	int64_t due_at;
	int64_t worker_id; /* 0: none */
	int64_t epoch;
	int64_t lease_expires;
	int64_t lease_started;
	int priority;
	int lease_weight;
	enum item_state state;
	const char *external_ref; /* NULL: none; borrowed for the callback */
};

/* The most parts store_load() reads the open items in at once (struct store_load). */
#define STORE_LOAD_PARTS_MAX 2

/* The callbacks of a recovery load (store_load()), one per kind of record. */
struct store_load {
	store_client_cb client;
	store_service_cb service;
	store_engagement_cb engagement;
	store_worker_cb worker;
	/*
	 * The open items, read in up to parts_max parts (ranges of ids, in id
	 * order; 0 or 1: one). open_items_count is called first, once, with how
	 * many items each part has (n[0..parts)); then open_item(ctx, part, k, r)
	 * for each item, the k-th of its part, from one thread per part, the
	 * parts at once (part 0 on the calling thread). Every part is read from
	 * the same state of the store: nothing commits while they read. Each is
	 * called for exactly the count it was given, or the load fails.
	 * split_min: the fewest open items read in two parts (0: the backend's
	 * choice, where a thread begins to pay; tests set 1).
	 */
	int parts_max;
	int64_t split_min;
	int (*open_items_count)(void *ctx, const int64_t *n, int parts);
	int (*open_item)(void *ctx, int part, int64_t k, const struct item_open_rec *r);
};

/*
 * Every backend callback, listed once: X(name, params, args). The list makes
 * the fields of struct store_ops, the wrappers store_<name>(params), each of
 * which is s->ops-><name>(args) (store.c), and a backend's prototypes. Each
 * returns 0 or a negative ERR_* (see the threading contract above).
 */
#define STORE_OPS(X)                                                                               \
	/* writer: transactions */                                                                 \
	X(begin, (struct store *s), (s))                                                          \
	X(commit, (struct store *s), (s))                                                         \
	X(rollback, (struct store *s), (s))                                                       \
	/*                                                                                         \
	 * writer: one savepoint per command inside the batch transaction, so a                   \
	 * command that fails half-way leaves no trace while the others commit.                   \
	 * Not nested: savepoint, then release or rollback_to.                                     \
	 */                                                                                        \
	X(savepoint, (struct store *s), (s))                                                      \
	X(release, (struct store *s), (s))                                                        \
	X(rollback_to, (struct store *s), (s))                                                    \
	/* writer: rows inserted, updated or deleted since it opened (triggers' too, and rows a \
	 * rollback undid): a command that moved it has written. */                                \
	X(changes, (struct store *s, int64_t *n), (s, n))                                         \
	/* writer: inserts set the record's id (and keep every other field). */                    \
	X(client_insert, (struct store *s, struct client_rec *c), (s, c)) /* ERR_EXISTS: code */ \
	X(service_insert, (struct store *s, struct service_rec *sv), (s, sv)) /* ERR_EXISTS */   \
	X(engagement_insert, (struct store *s, struct engagement_rec *e), (s, e))                \
	X(user_insert, (struct store *s, struct user_rec *u), (s, u)) /* ERR_EXISTS: name */     \
	/* t: user_id, prefix, created_at, expires_at; sets t->id. ERR_EXISTS: the hash. */        \
	X(token_insert, (struct store *s, struct token_rec *t, const unsigned char hash[32]),     \
	  (s, t, hash))                                                                            \
	/* Marks token id revoked at `at` (a revoked one keeps its time). ERR_NOTFOUND: none. */   \
	X(token_revoke, (struct store *s, int64_t id, int64_t at), (s, id, at))                   \
	/* Records a use of token id at `at` (a later use already recorded stays). */              \
	X(token_touch, (struct store *s, int64_t id, int64_t at), (s, id, at))                    \
	/* A user's password hash (an Argon2id string), replacing any. ERR_NOTFOUND: no user. */ \
	X(password_set, (struct store *s, int64_t user_id, const char *hash, int64_t at),         \
	  (s, user_id, hash, at))                                                                  \
	/* se: user_id, created_at, last_seen_at, expires_at; sets se->id. ERR_EXISTS: hash. */   \
	X(session_insert, (struct store *s, struct session_rec *se, const unsigned char hash[32]), \
	  (s, se, hash))                                                                           \
	/* Ends session id at `at` (an ended one keeps its time). ERR_NOTFOUND: none. */          \
	X(session_end, (struct store *s, int64_t id, int64_t at), (s, id, at))                    \
	/* Ends every session of the user that is not ended yet. */                               \
	X(session_end_user, (struct store *s, int64_t user_id, int64_t at), (s, user_id, at))    \
	/* Records a use of session id at `at` (a later use already recorded stays). */            \
	X(session_touch, (struct store *s, int64_t id, int64_t at), (s, id, at))                  \
	/* A one-time set-password link of the user: its token's hash, usable until expires_at. */ \
	X(link_insert,                                                                             \
	  (struct store *s, int64_t user_id, const unsigned char hash[32], int64_t at,            \
	   int64_t expires_at),                                                                    \
	  (s, user_id, hash, at, expires_at))                                                      \
	/* Uses the link up at `at`: ERR_NOTFOUND if unknown, used or expired. OUT: *user_id. */  \
	X(link_take, (struct store *s, const unsigned char hash[32], int64_t at, int64_t *user_id), \
	  (s, hash, at, user_id))                                                                  \
	X(worker_insert, (struct store *s, struct worker_rec *w), (s, w)) /* with clearances */  \
	X(worker_set_status, (struct store *s, int64_t worker_id, enum worker_status st),         \
	  (s, worker_id, st))                                                                      \
	/*                                                                                         \
	 * writer: edits of a record's changeable fields (and its active flag); its                \
	 * id, code, kind and created_at stay. A worker's clearances are replaced.                 \
	 * ERR_NOTFOUND when there is no such record.                                              \
	 */                                                                                        \
	X(client_update, (struct store *s, const struct client_rec *c), (s, c))                  \
	X(service_update, (struct store *s, const struct service_rec *sv), (s, sv))              \
	X(engagement_update, (struct store *s, const struct engagement_rec *e), (s, e))          \
	X(user_update, (struct store *s, const struct user_rec *u), (s, u))                      \
	X(worker_update, (struct store *s, const struct worker_rec *w), (s, w))                  \
	X(item_insert, (struct store *s, struct item_rec *it), (s, it)) /* payload required */   \
	/* Writes state, worker_id, epoch, lease_expires, lease_started, and result if non-NULL. */ \
	X(item_update, (struct store *s, const struct item_rec *it), (s, it))                     \
	/* item_update for a step that keeps the item's worker_id: the items' worker index is \
	 * not rewritten (its entry stays where it is). */                                         \
	X(item_update_state, (struct store *s, const struct item_rec *it), (s, it))               \
	/* item_update, then the item as written, payload and result opened, into *out        \
	 * (item_rec_release() it), read in the open transaction: get-next's answer. */          \
	X(item_update_read, (struct store *s, const struct item_rec *it, struct item_rec *out),   \
	  (s, it, out))                                                                            \
	/* An item without payload or result (writer connection, sees the open txn). */            \
	X(item_state_get, (struct store *s, int64_t id, struct item_rec *out), (s, id, out))      \
	/* A user (writer connection, sees the open txn). ERR_NOTFOUND if there is none. */        \
	X(user_rec_get, (struct store *s, int64_t id, struct user_rec *out), (s, id, out))        \
	/*                                                                                         \
	 * Sets ev->id. ev->reason (plain text, or NULL or "" for none) is stored                  \
	 * as the detail {"reason": reason}; without a reason ev->detail (a JSON                   \
	 * text or NULL) is stored as it is. ERR_INVALID: a reason not UTF-8.                      \
	 */                                                                                        \
	X(event_insert, (struct store *s, struct event_rec *ev), (s, ev))                        \
	X(audit_insert, (struct store *s, struct audit_rec *a), (s, a)) /* a->seq by caller */   \
	/* Last audit seq and hash; 0 and all-zero hash when the trail is empty. */                \
	X(audit_tail, (struct store *s, int64_t *seq, unsigned char hash[32]), (s, seq, hash))   \
	/*                                                                                         \
	 * writer: retention. The finished items (done, cancelled, failed) of the                  \
	 * engagement whose last event is before `before`, at most limit of them,                  \
	 * oldest id first, deleted with their item events (dry_run: only counted).               \
	 * Audit events stay. OUT: *items, *events, the counts.                                    \
	 */                                                                                        \
	X(item_purge,                                                                              \
	  (struct store *s, int64_t engagement_id, int64_t before, int limit, bool dry_run,       \
	   int64_t *items, int64_t *events),                                                       \
	  (s, engagement_id, before, limit, dry_run, items, events))                               \
	/*                                                                                         \
	 * writer: housekeeping. At most limit rows each of: sessions ended or expired            \
	 * before sessions_before, and idempotency keys recorded before idem_before.              \
	 * OUT: *sessions, *keys, the rows deleted.                                               \
	 */                                                                                        \
	X(housekeep,                                                                               \
	  (struct store *s, int64_t sessions_before, int64_t idem_before, int limit,             \
	   int64_t *sessions, int64_t *keys),                                                      \
	  (s, sessions_before, idem_before, limit, sessions, keys))                               \
	/* ERR_NOTFOUND when the key is new. OUT: out->body (free()). */                           \
	X(idem_get, (struct store *s, int64_t user_id, const char *key, struct idem_rec *out),    \
	  (s, user_id, key, out))                                                                  \
	X(idem_put, (struct store *s, const struct idem_rec *r), (s, r))                          \
	/*                                                                                         \
	 * writer: recovery at start. Walks clients, services, engagements, workers               \
	 * and the open items (queued, assigned, submitted or in_review), in that                 \
	 * order, each to its callback in l (NULL: not walked; the open items as                  \
	 * struct store_load says). A callback returning non-zero stops the load                  \
	 * and is returned.                                                                       \
	 */                                                                                        \
	X(load, (struct store *s, const struct store_load *l, void *ctx), (s, l, ctx))             \
	/*                                                                                         \
	 * writer: recovery, the ethical wall. For every worker and client, the last              \
	 * time the worker was assigned an item of the client or submitted one.                   \
	 */                                                                                        \
	X(worked_each, (struct store *s, store_worked_cb cb, void *ctx), (s, cb, ctx))            \
	/* reader: the same for one worker and client (OUT: *at, 0 = never). */                   \
	X(worked_last, (struct store *s, int64_t worker_id, int64_t client_id, int64_t *at),      \
	  (s, worker_id, client_id, at))                                                           \
	/* reader */                                                                               \
	/*                                                                                         \
	 * The token with this hash and its user, revoked and expired ones too (the                \
	 * caller decides). OUT: *out, *tok (without user_name). ERR_NOTFOUND if none.             \
	 */                                                                                        \
	X(token_lookup,                                                                            \
	  (struct store *s, const unsigned char hash[32], struct user_rec *out,                    \
	   struct token_rec *tok),                                                                 \
	  (s, hash, out, tok))                                                                     \
	X(token_get, (struct store *s, int64_t id, struct token_rec *out), (s, id, out))          \
	/* A user's password hash. ERR_NOTFOUND: the user has none. OUT: out. */                 \
	X(password_get, (struct store *s, int64_t user_id, char out[128]), (s, user_id, out))    \
	/*                                                                                         \
	 * The session with this hash and its user, ended and expired ones too (the               \
	 * caller decides). ERR_NOTFOUND if none. OUT: *u, *se.                                    \
	 */                                                                                        \
	X(session_lookup,                                                                          \
	  (struct store *s, const unsigned char hash[32], struct user_rec *u,                      \
	   struct session_rec *se),                                                                \
	  (s, hash, u, se))                                                                        \
	/* The user of a link usable at `at`: ERR_NOTFOUND if unknown, used or expired. */        \
	X(link_lookup, (struct store *s, const unsigned char hash[32], int64_t at, int64_t *user_id), \
	  (s, hash, at, user_id))                                                                  \
	X(token_list, STORE_LIST_PARAMS(token), (s, pg, cb, ctx, next_after)) /* pg->user_id */   \
	X(user_by_name, (struct store *s, const char *name, struct user_rec *out), (s, name, out)) \
	X(worker_by_user, (struct store *s, int64_t user_id, struct worker_rec *out),             \
	  (s, user_id, out))                                                                       \
	X(service_by_code, (struct store *s, const char *code, struct service_rec *out),          \
	  (s, code, out))                                                                          \
	/*                                                                                         \
	 * Gets: ERR_NOTFOUND when there is no record with that id. OUT: *out.                     \
	 * Lists: the records of one page (ids > pg->after, at most pg->limit, the                 \
	 * page's filters) passed to cb in id order. OUT: *next_after, the cursor of               \
	 * the next page: the last id passed when the page is full, 0 when this page               \
	 * is the last one.                                                                        \
	 */                                                                                        \
	X(client_get, (struct store *s, int64_t id, struct client_rec *out), (s, id, out))        \
	X(client_list, STORE_LIST_PARAMS(client), (s, pg, cb, ctx, next_after))                    \
	X(service_get, (struct store *s, int64_t id, struct service_rec *out), (s, id, out))      \
	X(service_list, STORE_LIST_PARAMS(service), (s, pg, cb, ctx, next_after))                  \
	X(engagement_get, (struct store *s, int64_t id, struct engagement_rec *out), (s, id, out)) \
	X(engagement_list, STORE_LIST_PARAMS(engagement), (s, pg, cb, ctx, next_after))            \
	X(user_get, (struct store *s, int64_t id, struct user_rec *out), (s, id, out))            \
	X(user_list, STORE_LIST_PARAMS(user), (s, pg, cb, ctx, next_after)) /* pg->client_id */    \
	/* With clearances. A worker_rec is several KiB: keep it off small stacks. */              \
	X(worker_get, (struct store *s, int64_t id, struct worker_rec *out), (s, id, out))        \
	X(worker_list, STORE_LIST_PARAMS(worker), (s, pg, cb, ctx, next_after))                    \
	/*                                                                                         \
	 * with_payload loads the payload and result texts (JSON, NULL when absent)                \
	 * into out, owned by the caller: item_rec_release(out). Without it they are               \
	 * NULL and nothing needs releasing.                                                       \
	 */                                                                                        \
	X(item_get, (struct store *s, int64_t id, bool with_payload, struct item_rec *out),       \
	  (s, id, with_payload, out))                                                              \
	/* Filters: client_id, engagement_id, worker_id, state. Records never carry payloads. */   \
	X(item_list, STORE_LIST_PARAMS(item), (s, pg, cb, ctx, next_after))                        \
	/* As item_list, and every filter of f (NULL: none) at once. */                              \
	X(item_find,                                                                               \
	  (struct store *s, const struct store_page *pg, const struct store_item_filter *f,        \
	   store_item_cb cb, void *ctx, int64_t *next_after),                                      \
	  (s, pg, f, cb, ctx, next_after))                                                          \
	/*                                                                                         \
	 * writer (sees the open txn): the first item of the engagement whose                      \
	 * external_ref is ref, open or closed. OUT: *id. ERR_NOTFOUND if none.                    \
	 */                                                                                        \
	X(item_by_ref, (struct store *s, int64_t engagement_id, const char *ref, int64_t *id),    \
	  (s, engagement_id, ref, id))                                                              \
	/*                                                                                         \
	 * reader, one snapshot: the engagement's counts at now (OUT: *q), its                     \
	 * assigned items oldest lease first to held (NULL: not walked), then every                \
	 * worker holding a lease anywhere, with the number held, to load (NULL:                   \
	 * not walked). A callback returning non-zero stops and is returned.                       \
	 */                                                                                        \
	X(engagement_queue,                                                                        \
	  (struct store *s, int64_t engagement_id, int64_t now, int64_t soon_ms,                   \
	   struct store_queue *q, store_item_cb held, store_load_cb load, void *ctx),              \
	  (s, engagement_id, now, soon_ms, q, held, load, ctx))                                    \
	/*                                                                                         \
	 * The item's events, oldest first; ERR_NOTFOUND if there is no such item.                 \
	 * A "create" event has from_state ITEM_STATE__COUNT (none). ev->detail is                 \
	 * a JSON text or NULL, borrowed for the call; ev->reason is NULL.                         \
	 */                                                                                        \
	X(item_history, (struct store *s, int64_t item_id, store_event_cb cb, void *ctx),         \
	  (s, item_id, cb, ctx))                                                                   \
	/*                                                                                         \
	 * reader, one snapshot: every step to done with at >= since of the items                  \
	 * that are not gold instances, oldest first (the index item_events_done):                 \
	 * the dashboard's done counters at start (engine/dash.c).                                 \
	 */                                                                                        \
	X(done_since, (struct store *s, int64_t since, store_done_cb cb, void *ctx),              \
	  (s, since, cb, ctx))                                                                     \
	/* Audit events by seq (the cursor is a seq). Filter: pg->client_id. */                    \
	X(audit_list, STORE_LIST_PARAMS(audit), (s, pg, cb, ctx, next_after))                      \
	/* Every audit event with seq > after_seq, in seq order, in one snapshot (sec/ verifies). */ \
	X(audit_each, (struct store *s, int64_t after_seq, store_audit_cb cb, void *ctx),         \
	  (s, after_seq, cb, ctx))                                                                 \
	/*                                                                                         \
	 * writer, at open with the cipher installed, before the engine: seals the                 \
	 * values of the sealed columns still in plain (a database from before                     \
	 * encryption), at most batch rows per transaction. OUT: *n values sealed.                 \
	 */                                                                                        \
	X(seal_plain, (struct store *s, int batch, int64_t *n), (s, batch, n))                     \
	/* writer: whether that pass has run, i.e. the store's values are sealed. OUT: *done. */    \
	X(seal_done, (struct store *s, bool *done), (s, done))                                     \
	/* A signed tree head, in the engine's batch (one tree_size once: a later one replaces). */ \
	X(audit_head_insert, (struct store *s, const struct audit_head *h), (s, h))               \
	/* Every stored signed tree head by tree_size, in one snapshot. */                         \
	X(audit_head_each, (struct store *s, store_audit_head_cb cb, void *ctx), (s, cb, ctx))    \
	/* Online backup of the whole store to path (SQLite backup API). */                        \
	X(backup, (struct store *s, const char *path), (s, path))                                 \
	/*                                                                                         \
	 * reader: inputs of a staffing plan (docs/staffing.md). Every worker, with                \
	 * clearances, and every engagement, in id order, as any walk.                             \
	 */                                                                                        \
	X(workers_each, (struct store *s, store_worker_cb cb, void *ctx), (s, cb, ctx))           \
	X(engagements_each, (struct store *s, store_engagement_cb cb, void *ctx), (s, cb, ctx))   \
	/*                                                                                         \
	 * Items of the engagement created in [from_ms, to_ms), counted per interval               \
	 * of interval_ms from from_ms. n must be (to_ms - from_ms) / interval_ms                  \
	 * exactly. OUT: counts[n]. ERR_INVALID for a bad window.                                  \
	 */                                                                                        \
	X(arrivals,                                                                                \
	  (struct store *s, int64_t engagement_id, int64_t from_ms, int64_t to_ms,                \
	   int64_t interval_ms, double *counts, size_t n),                                         \
	  (s, engagement_id, from_ms, to_ms, interval_ms, counts, n))                              \
	/* writer (issue 10): one quality observation, in the command's batch. ERR_INVALID: kind. */ \
	X(quality_obs_add, (struct store *s, const struct quality_obs *o), (s, o))                 \
	/*                                                                                         \
	 * reader: every quality observation of the engagement (0: of every one), in the order    \
	 * they were added, in one snapshot. A callback returning non-zero stops the walk.        \
	 */                                                                                        \
	X(quality_obs_walk,                                                                        \
	  (struct store *s, int64_t engagement_id, int (*fn)(void *ctx, const struct quality_obs *o), \
	   void *ctx),                                                                             \
	  (s, engagement_id, fn, ctx))                                                             \
	/* keying (issue 10, sqlite_keying.c): writer: an engagement's settings (replaced). */     \
	X(keying_put, (struct store *s, const struct keying_conf *c), (s, c))                     \
	/* reader: the settings of one engagement; ERR_NOTFOUND: none (single keying). */         \
	X(keying_get, (struct store *s, int64_t engagement_id, struct keying_conf *out),          \
	  (s, engagement_id, out))                                                                 \
	/* writer: one answer of an item; ERR_EXISTS: this worker answered it already. OUT: id. */ \
	X(answer_add, (struct store *s, struct answer_rec *a), (s, a))                            \
	/*                                                                                         \
	 * Answers with their results opened: of item_id (> 0) in id order, else the newest      \
	 * `limit` of engagement_id, newest first. writer: on the engine's connection (sees the   \
	 * open batch), else a reader. Each to fn, its result valid during the call.              \
	 */                                                                                        \
	X(answer_walk,                                                                             \
	  (struct store *s, bool writer, int64_t engagement_id, int64_t item_id, int limit,       \
	   int (*fn)(void *ctx, const struct answer_rec *a), void *ctx),                          \
	  (s, writer, engagement_id, item_id, limit, fn, ctx))                                     \
	/* writer: an item's keying phase and decision (label, diff NULL: kept as they are). */  \
	X(item_keying_put, (struct store *s, const struct item_keying_rec *r), (s, r))            \
	/* reader: an item's; label and diff malloc'd (item_keying_release). ERR_NOTFOUND. */     \
	X(item_keying_get, (struct store *s, int64_t item_id, struct item_keying_rec *out),       \
	  (s, item_id, out))                                                                       \
	/* reader: an engagement's items' keying by item id, a page (next_after 0: the last). */  \
	X(item_keying_list,                                                                        \
	  (struct store *s, int64_t engagement_id, int64_t after, int limit,                     \
	   int (*fn)(void *ctx, const struct item_keying_rec *r), void *ctx, int64_t *next_after), \
	  (s, engagement_id, after, limit, fn, ctx, next_after))                                   \
	/* writer, at recovery: every engagement's settings, open items' keying and answers       \
	 * (answers without their results). */                                                    \
	X(keying_load, (struct store *s, const struct store_keying_load *l, void *ctx),           \
	  (s, l, ctx))                                                                             \
	/* writer: an engagement's declared fields (JSON texts, NULL: none), replaced whole */    \
	X(engagement_fields_set,                                                                   \
	  (struct store *s, int64_t engagement_id, const char *payload, const char *result,       \
	   int64_t at),                                                                            \
	  (s, engagement_id, payload, result, at))                                                 \
	/* reader: OUT: *payload, *result (malloc'd, NULL: none), *at (0: never declared) */      \
	X(engagement_fields_get,                                                                   \
	  (struct store *s, int64_t engagement_id, char **payload, char **result, int64_t *at),   \
	  (s, engagement_id, payload, result, at))                                                 \
	/* writer: recovery: every engagement's declared fields, by engagement id */              \
	X(engagement_fields_each, (struct store *s, store_fields_cb cb, void *ctx), (s, cb, ctx))  \
	/*                                                                                         \
	 * KPO milestones (sqlite_milestones.c). Title and deliverable are sealed                  \
	 * (record "milestone", fields "title" and "deliverable", m->client_id).                   \
	 * writer: insert sets m->id (ids are never given twice); update writes the                \
	 * deliverable (NULL keeps it), the submitted mark and its time and user, updated_at.      \
	 * state_get: the record without its texts (writer: sees the open txn).                    \
	 */                                                                                        \
	X(milestone_insert, (struct store *s, struct milestone_rec *m), (s, m))                   \
	X(milestone_update, (struct store *s, const struct milestone_rec *m), (s, m))             \
	X(milestone_state_get, (struct store *s, int64_t id, struct milestone_rec *out),          \
	  (s, id, out))                                                                            \
	X(milestone_count, (struct store *s, int64_t item_id, int64_t *n), (s, item_id, n))       \
	/* reader: one with its texts opened (milestone_rec_release()); an item's, by id. */       \
	X(milestone_get, (struct store *s, int64_t id, struct milestone_rec *out), (s, id, out))  \
	X(milestone_list, (struct store *s, int64_t item_id, store_milestone_cb cb, void *ctx),   \
	  (s, item_id, cb, ctx))                                                                   \
	/* Imports (sqlite_imports.c): writer: a job inserted (r->id set), its counters and state; \
	 * a rejected row (column and reason sealed: record "import_error"). reader: one job,      \
	 * its rejected rows in line order (a callback's non-zero stops the walk). */              \
	X(import_insert, (struct store *s, struct import_rec *r), (s, r))                          \
	X(import_update, (struct store *s, const struct import_rec *r), (s, r))                    \
	X(import_get, (struct store *s, int64_t id, struct import_rec *out), (s, id, out))         \
	X(import_error_add, (struct store *s, int64_t client_id, const struct import_error_rec *e), \
	  (s, client_id, e))                                                                       \
	/* writer: a batch of import_id created items first..last, none with a stored create      \
	 * event: item_history shows each one's create from this (id 0, the import's actor). */   \
	X(import_batch_add, (struct store *s, int64_t import_id, int64_t first, int64_t last),    \
	  (s, import_id, first, last))                                                             \
	/* writer: every job still receiving or running marked failed at `at` ("the server         \
	 * stopped during the import"); a server's start, when no import can be live. */           \
	X(import_fail_open, (struct store *s, int64_t at, int64_t *n), (s, at, n))                 \
	X(import_errors_each,                                                                      \
	  (struct store *s, int64_t import_id, int64_t client_id,                                  \
	   int (*fn)(void *ctx, const struct import_error_rec *e), void *ctx),                     \
	  (s, import_id, client_id, fn, ctx))                                                      \
	/*                                                                                         \
	 * Review sampling (docs/api.md "Review and sampling"). writer: an                          \
	 * engagement's defect codes replaced by n (in their order); its sampling                   \
	 * settings replaced; a review task or lot inserted (id 0: sets its id) or                   \
	 * replaced whole. reader: the codes in order (engagement 0: every one's, by                 \
	 * engagement), the settings (0: all), the tasks and lots still in the flow                  \
	 * (recovery: tasks held, waiting or leased, and the decided ones of an undecided           \
	 * lot; lots open or sampling), and pages of tasks (pg->engagement_id, pg->state           \
	 * = enum review_state + 1, pg->worker_id: the reviewer) and of lots                        \
	 * (pg->engagement_id). A task read carries its item's rework count.                        \
	 */                                                                                        \
	X(defects_set,                                                                             \
	  (struct store *s, int64_t engagement_id, const struct defect_rec *d, size_t n),          \
	  (s, engagement_id, d, n))                                                                \
	X(defects_each, (struct store *s, int64_t engagement_id, store_defect_cb cb, void *ctx),  \
	  (s, engagement_id, cb, ctx))                                                             \
	X(sampling_set, (struct store *s, const struct sampling_rec *r), (s, r))                  \
	X(sampling_each, (struct store *s, int64_t engagement_id, store_sampling_cb cb, void *ctx), \
	  (s, engagement_id, cb, ctx))                                                             \
	X(review_task_put, (struct store *s, struct review_task *t), (s, t))                      \
	X(review_task_each_open, (struct store *s, store_review_task_cb cb, void *ctx), (s, cb, ctx)) \
	X(review_task_list, STORE_LIST_PARAMS(review_task), (s, pg, cb, ctx, next_after))         \
	X(lot_put, (struct store *s, struct lot_rec *l), (s, l))                                  \
	X(lot_each_open, (struct store *s, store_lot_cb cb, void *ctx), (s, cb, ctx))             \
	X(lot_list, STORE_LIST_PARAMS(lot), (s, pg, cb, ctx, next_after))                          \
	/*                                                                                         \
	 * Gold items (sqlite_gold.c). writer: a gold item (payload and result                     \
	 * sealed, record "gold_item"); OUT: g->id. Its switch; the item by id in                   \
	 * the open transaction (with_payload: the caller's texts, gold_rec_release).              \
	 */                                                                                        \
	X(gold_insert, (struct store *s, struct gold_rec *g), (s, g))                             \
	X(gold_set_active, (struct store *s, int64_t id, bool active), (s, id, active))           \
	X(gold_get, (struct store *s, int64_t id, bool with_payload, struct gold_rec *out),       \
	  (s, id, with_payload, out))                                                              \
	/* reader: a page of an engagement's gold items (pg->engagement_id) with their texts. */   \
	X(gold_list, STORE_LIST_PARAMS(gold), (s, pg, cb, ctx, next_after))                        \
	/* reader: every gold item without texts, by id (recovery). */                             \
	X(gold_each, (struct store *s, store_gold_cb cb, void *ctx), (s, cb, ctx))                \
	/* writer: an engagement's settings, replaced whole. reader: ERR_NOTFOUND when none. */    \
	X(gold_settings_put, (struct store *s, const struct gold_settings *gs), (s, gs))          \
	X(gold_settings_get, (struct store *s, int64_t engagement_id, struct gold_settings *out), \
	  (s, engagement_id, out))                                                                 \
	X(gold_settings_each, (struct store *s, store_gold_settings_cb cb, void *ctx), (s, cb, ctx)) \
	/* writer: a worker's row, replaced whole. reader: every row (engagement_id 0) or one's. */ \
	X(gold_worker_put, (struct store *s, const struct gold_worker_rec *w), (s, w))            \
	X(gold_workers_each,                                                                       \
	  (struct store *s, int64_t engagement_id, store_gold_worker_cb cb, void *ctx),            \
	  (s, engagement_id, cb, ctx))                                                             \
	/* writer: marks an item as an instance of a gold item, with its external_ref. reader: its gold item (0: none). */ \
	X(item_set_gold, (struct store *s, int64_t item_id, int64_t gold_id), (s, item_id, gold_id)) \
	X(item_gold, (struct store *s, int64_t item_id, int64_t *gold_id), (s, item_id, gold_id)) \
	/* reader: every instance of a gold item, by id (recovery: who saw which). */             \
	X(gold_instances_each, (struct store *s, store_gold_inst_cb cb, void *ctx), (s, cb, ctx)) \
	/*                                                                                         \
	 * Webhooks (sqlite_webhooks.c). writer: insert sets w->id; update writes url-less state  \
	 * (active, secrets, old_until, rotated_at); enqueue writes one outbox row per active      \
	 * endpoint of d->client_id (engagement 0 or d's) whose events have bit; attempt writes a  \
	 * row's state, attempts, next_at, last_*; redeliver makes a row pending at next_at.       \
	 * state_get: writer, secrets opened. reader: get (secrets opened when with_secret), a client's (0: all) by id, an endpoint's  \
	 * deliveries newest first (body NULL), the due rows in order per (endpoint, item).        \
	 */                                                                                        \
	X(webhook_insert, (struct store *s, struct webhook_rec *w), (s, w))                       \
	X(webhook_update, (struct store *s, const struct webhook_rec *w), (s, w))                 \
	X(webhook_enqueue,                                                                         \
	  (struct store *s, const struct webhook_delivery *d, int64_t engagement_id, unsigned bit, \
	   int64_t *n),                                                                            \
	  (s, d, engagement_id, bit, n))                                                           \
	X(webhook_attempt, (struct store *s, const struct webhook_delivery *d), (s, d))           \
	X(webhook_redeliver, (struct store *s, int64_t webhook_id, int64_t id, int64_t at),       \
	  (s, webhook_id, id, at))                                                                 \
	X(webhook_get, (struct store *s, int64_t id, bool with_secret, struct webhook_rec *out),  \
	  (s, id, with_secret, out))                                                               \
	X(webhook_state_get, (struct store *s, int64_t id, struct webhook_rec *out), (s, id, out)) \
	X(webhook_list, (struct store *s, int64_t client_id, store_webhook_cb cb, void *ctx),     \
	  (s, client_id, cb, ctx))                                                                 \
	X(webhook_deliveries,                                                                      \
	  (struct store *s, int64_t webhook_id, int limit, store_delivery_cb cb, void *ctx),       \
	  (s, webhook_id, limit, cb, ctx))                                                         \
	X(webhook_due, (struct store *s, int64_t now, int limit, store_delivery_cb cb, void *ctx), \
	  (s, now, limit, cb, ctx))                                                                \
	/*                                                                                         \
	 * Release, worker states and offers (issue 13, sqlite_offers.c). writer: an item's        \
	 * exclusion of a worker (for good), a worker's state, an engagement's work settings, an   \
	 * offer inserted (sets o->id) and ended; the walks of recovery (exclusions and offers of  \
	 * open items, every state and setting). reader: a worker's state, an engagement's         \
	 * settings (ERR_NOTFOUND: never set), the offers of a worker (0: all; open_only), newest  \
	 * first, at most limit.                                                                   \
	 */                                                                                        \
	X(exclusion_add, (struct store *s, int64_t item_id, int64_t worker_id, const char *reason, \
			  int64_t at), (s, item_id, worker_id, reason, at))                        \
	X(exclusion_each, (struct store *s, store_exclusion_cb cb, void *ctx), (s, cb, ctx))      \
	X(worker_state_put, (struct store *s, const struct worker_state_rec *w), (s, w))          \
	X(worker_state_get, (struct store *s, int64_t worker_id, struct worker_state_rec *out),   \
	  (s, worker_id, out))                                                                     \
	X(worker_state_each, (struct store *s, store_worker_state_cb cb, void *ctx), (s, cb, ctx)) \
	X(work_conf_put, (struct store *s, const struct work_conf *w), (s, w))                    \
	X(work_conf_get, (struct store *s, int64_t engagement_id, struct work_conf *out),         \
	  (s, engagement_id, out))                                                                 \
	X(work_conf_each, (struct store *s, store_work_conf_cb cb, void *ctx), (s, cb, ctx))      \
	X(offer_insert, (struct store *s, struct offer_rec *o), (s, o))                           \
	X(offer_end, (struct store *s, int64_t id, enum offer_state st, int64_t at), (s, id, st, at)) \
	X(offer_each_live, (struct store *s, store_offer_cb cb, void *ctx), (s, cb, ctx))         \
	X(offer_list, (struct store *s, int64_t worker_id, bool open_only, int limit,             \
		       store_offer_cb cb, void *ctx), (s, worker_id, open_only, limit, cb, ctx)) \
	/*                                                                                         \
	 * Time (sqlite_time.c). writer: an entry inserted (t->id set; its note sealed when not    \
	 * ""; the work entry of a lease end is one cached INSERT); update writes ended_at,        \
	 * duration_ms, billable and superseded_by; state_get the entry without its note;          \
	 * running_get a worker's running timer (ERR_NOTFOUND: none). reader: one entry with its   \
	 * note; a walk by struct time_filter (id order, keyset).                                  \
	 */                                                                                        \
	X(time_entry_insert, (struct store *s, struct time_entry *t), (s, t))                      \
	X(time_entry_update, (struct store *s, const struct time_entry *t), (s, t))                \
	X(time_entry_state_get, (struct store *s, int64_t id, struct time_entry *out), (s, id, out)) \
	X(time_running_get, (struct store *s, int64_t worker_id, struct time_entry *out),          \
	  (s, worker_id, out))                                                                     \
	X(time_entry_get, (struct store *s, int64_t id, struct time_entry *out), (s, id, out))     \
	X(time_entries_each,                                                                       \
	  (struct store *s, const struct time_filter *f, store_time_cb cb, void *ctx,              \
	   int64_t *next_after),                                                                   \
	  (s, f, cb, ctx, next_after))                                                             \
	/*                                                                                         \
	 * Billing periods. writer: insert sets p->id; update writes state and the approved and    \
	 * locked marks; find: the engagement's period overlapping [from, to) (the earliest;       \
	 * ERR_NOTFOUND: none), find_id: one by id, both in the open transaction. reader: one; a page of an engagement's    \
	 * (pg->engagement_id; pg->client_id narrows) by id; the period holding `at` (ERR_NOTFOUND). \
	 */                                                                                        \
	X(period_insert, (struct store *s, struct billing_period *p), (s, p))                      \
	X(period_update, (struct store *s, const struct billing_period *p), (s, p))                \
	X(period_find,                                                                             \
	  (struct store *s, int64_t engagement_id, int64_t from, int64_t to,                       \
	   struct billing_period *out),                                                            \
	  (s, engagement_id, from, to, out))                                                       \
	X(period_find_id, (struct store *s, int64_t id, struct billing_period *out), (s, id, out)) \
	/* writer: how many timers of the engagement started before `before` still run. */        \
	X(time_running_count, (struct store *s, int64_t engagement_id, int64_t before, int64_t *n), \
	  (s, engagement_id, before, n))                                                           \
	X(period_get, (struct store *s, int64_t id, struct billing_period *out), (s, id, out))     \
	X(period_list, STORE_LIST_PARAMS(period), (s, pg, cb, ctx, next_after))                    \
	X(period_at, (struct store *s, int64_t engagement_id, int64_t at, struct billing_period *out), \
	  (s, engagement_id, at, out))                                                             \
	/* Assessments: writer: insert sets a->id (texts sealed). reader: one with its texts;      \
	 * a page (pg->client_id narrows; 0: all) by id, without texts. */                         \
	X(assessment_insert, (struct store *s, struct assessment_rec *a), (s, a))                  \
	X(assessment_get, (struct store *s, int64_t id, struct assessment_rec *out), (s, id, out)) \
	X(assessment_list, STORE_LIST_PARAMS(assessment), (s, pg, cb, ctx, next_after))            \
	/*                                                                                         \
	 * Billing (sqlite_billing.c; core/rates.h, core/invoice.h). writer: an engagement's rate  \
	 * card put (the canonical JSON text); an invoice inserted with its lines and refs (r->id  \
	 * set); a period's drafts dropped; an invoice's state, number and marks updated; the      \
	 * next gap-free seq of a series and year (max + 1, in the open transaction); the issued   \
	 * or paid invoice of a period (ERR_NOTFOUND: none); a credit note's lines and refs copied \
	 * from the invoice it credits, amounts negated; a client's billing settings put.          \
	 * reader: the card (*card malloc'd, free(); ERR_NOTFOUND: none), an invoice, a list       \
	 * (engagement 0 / client 0: any) newest first, its lines, its refs (line 0: all), the     \
	 * items done in [from, to) in (done_at, id) order, the milestones submitted, a client's   \
	 * billing settings (ERR_NOTFOUND: none).                                                  \
	 */                                                                                        \
	X(rate_card_put,                                                                           \
	  (struct store *s, int64_t engagement_id, const char *card, int64_t at, int64_t by),     \
	  (s, engagement_id, card, at, by))                                                        \
	X(rate_card_get, (struct store *s, int64_t engagement_id, char **card, int64_t *at),      \
	  (s, engagement_id, card, at))                                                            \
	X(invoice_insert,                                                                          \
	  (struct store *s, struct invoice_rec *r, const struct invoice_line *lines, size_t n,    \
	   const struct invoice_ref *refs, size_t n_refs),                                         \
	  (s, r, lines, n, refs, n_refs))                                                          \
	X(invoice_drafts_drop, (struct store *s, int64_t period_id, int64_t *dropped),            \
	  (s, period_id, dropped))                                                                 \
	X(invoice_update, (struct store *s, const struct invoice_rec *r), (s, r))                 \
	X(invoice_state_get, (struct store *s, int64_t id, struct invoice_rec *out), (s, id, out)) \
	X(invoice_seq_next, (struct store *s, int kind, int64_t year, int64_t *seq),              \
	  (s, kind, year, seq))                                                                    \
	X(invoice_billed, (struct store *s, int64_t period_id, int64_t *id), (s, period_id, id))  \
	X(invoice_credit_copy, (struct store *s, int64_t from_id, int64_t to_id),                 \
	  (s, from_id, to_id))                                                                     \
	X(client_billing_put, (struct store *s, const struct client_billing *b), (s, b))          \
	X(invoice_get, (struct store *s, int64_t id, struct invoice_rec *out), (s, id, out))      \
	X(invoice_list,                                                                            \
	  (struct store *s, int64_t engagement_id, int64_t client_id, store_invoice_cb cb,        \
	   void *ctx),                                                                             \
	  (s, engagement_id, client_id, cb, ctx))                                                  \
	X(invoice_lines_each, (struct store *s, int64_t id, store_invoice_line_cb cb, void *ctx), \
	  (s, id, cb, ctx))                                                                        \
	X(invoice_refs_each,                                                                       \
	  (struct store *s, int64_t id, int line_no, store_invoice_ref_cb cb, void *ctx),         \
	  (s, id, line_no, cb, ctx))                                                               \
	X(bill_items_done,                                                                         \
	  (struct store *s, int64_t engagement_id, int64_t from, int64_t to,                      \
	   store_bill_item_cb cb, void *ctx),                                                      \
	  (s, engagement_id, from, to, cb, ctx))                                                   \
	X(bill_milestones,                                                                         \
	  (struct store *s, int64_t engagement_id, int64_t from, int64_t to,                      \
	   store_bill_item_cb cb, void *ctx),                                                      \
	  (s, engagement_id, from, to, cb, ctx))                                                   \
	X(client_billing_get, (struct store *s, int64_t client_id, struct client_billing *out),   \
	  (s, client_id, out)) \
	/* Partial credit notes: writer: an invoice's lines (at most cap) and what its notes      \
	 * credited per line, in the open transaction; reader: the per-line sums alone. */         \
	X(invoice_credit_state,                                                                    \
	  (struct store *s, int64_t id, struct invoice_line *lines, size_t cap, size_t *n,        \
	   struct credited *out),                                                                  \
	  (s, id, lines, cap, n, out))                                                             \
	X(invoice_credited, (struct store *s, int64_t id, struct credited *out), (s, id, out))    \
	/*                                                                                         \
	 * reader: the billable current entries (superseded_by 0, billable, ended) of an          \
	 * engagement started in [from, to) as (worker, ms) pairs in no order, summed in any      \
	 * way: the running sums per hour and worker for the window's whole hours, the entries    \
	 * of the cut hours (sqlite: time_sums). What each worker gets adds up to its entries.    \
	 */                                                                                        \
	X(bill_time_each,                                                                          \
	  (struct store *s, int64_t engagement_id, int64_t from, int64_t to,                      \
	   store_bill_time_cb cb, void *ctx),                                                      \
	  (s, engagement_id, from, to, cb, ctx))                                                   \
	/*                                                                                         \
	 * Routing (issue 13, sqlite_routing.c). writer: an engagement's routing configuration     \
	 * put (its canonical text), the walk of recovery. reader: one (ERR_NOTFOUND: never set;   \
	 * ERR_TOOBIG: longer than n - 1).                                                         \
	 */                                                                                        \
	X(routing_put, (struct store *s, int64_t engagement_id, const char *conf, int64_t at),    \
	  (s, engagement_id, conf, at))                                                            \
	X(routing_get,                                                                             \
	  (struct store *s, int64_t engagement_id, char *conf, size_t n, int64_t *updated_at),     \
	  (s, engagement_id, conf, n, updated_at))                                                 \
	X(routing_each, (struct store *s, store_routing_cb cb, void *ctx), (s, cb, ctx))         \
	/*                                                                                         \
	 * SLA breaches (issue 11's sla.breach, sqlite_sla.c), all on the writer (the engine's     \
	 * batch): the watermark (due_at, item_id) up to which open items were announced, and the  \
	 * open items above it due by upto, by (due_at, id), at most limit; the earliest due_at    \
	 * of an open item after `after` (INT64_MAX: none).                                        \
	 */                                                                                        \
	X(sla_mark_get, (struct store *s, int64_t *due_at, int64_t *item_id), (s, due_at, item_id)) \
	X(sla_mark_put, (struct store *s, int64_t due_at, int64_t item_id), (s, due_at, item_id)) \
	X(sla_due_each,                                                                            \
	  (struct store *s, int64_t after_due, int64_t after_id, int64_t upto, int limit,          \
	   store_sla_cb cb, void *ctx),                                                            \
	  (s, after_due, after_id, upto, limit, cb, ctx))                                          \
	X(sla_next_due, (struct store *s, int64_t after, int64_t *due_at), (s, after, due_at))

/* What store_keying_load() passes each row to (engine recovery). */
struct store_keying_load {
	int (*conf)(void *ctx, const struct keying_conf *c);
	int (*item)(void *ctx, const struct item_keying_rec *r);
	int (*answer)(void *ctx, const struct answer_rec *a);
};

/* The parameters of a page read of NAME records (see client_get/client_list above). */
#define STORE_LIST_PARAMS(NAME)                                                                    \
	(struct store *s, const struct store_page *pg, store_##NAME##_cb cb, void *ctx,           \
	 int64_t *next_after)

/* The table a backend fills in: a name, close, errmsg, and one field per STORE_OPS entry. */
struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	const char *(*errmsg)(struct store *s);
#define X(name, params, args) int(*name) params;
	STORE_OPS(X)
#undef X
};

/*
 * Sealing of the columns that can hold a client's payload text: an item's
 * payload and result, an item event's detail (a reason written by a
 * person). The store seals them on write and opens them on read through a
 * cipher its opener installs (sec/keys.h implements it: the store knows no
 * keys). The additional data binds the value to where it lives, so a
 * sealed value copied to another row, field or client does not open. Any
 * new column of client text (comments, attachments) names its own
 * record_type and field and goes through the same two calls.
 */
struct store_seal_ad {
	int64_t client_id;
	const char *record_type; /* "item", "item_event", ... */
	int64_t record_id;
	const char *field; /* "payload", "result", "detail", ... */
};

struct store_cipher {
	void *ctx;
	/*
	 * Seals len bytes of plain. OUT: *out (malloc'd), *out_len. 0 or
	 * ERR_SHREDDED (the client's key was destroyed), ERR_CRYPTO, ERR_NOMEM,
	 * ERR_IO (the keyring file), with why in err.
	 */
	int (*seal)(void *ctx, const struct store_seal_ad *ad, const void *plain, size_t len,
		    unsigned char **out, size_t *out_len, struct buf *err);
	/*
	 * Opens a sealed value. OUT: *plain, a NUL-terminated text (malloc'd).
	 * ERR_SHREDDED, or ERR_CRYPTO for a value that does not open here (moved,
	 * altered, another key), with why in err; never garbage.
	 */
	int (*open)(void *ctx, const struct store_seal_ad *ad, const unsigned char *blob,
		    size_t len, char **plain, struct buf *err);
};

/* Every backend's struct begins with this. */
struct store {
	const struct store_ops *ops;
	/* NULL: the sealed columns are written in plain (unit tests, the benchmark's "off"). */
	const struct store_cipher *cipher;
};

/*
 * Installs the cipher of the sealed columns (NULL: none). Call before the
 * engine starts and before any read; c must outlive the store.
 */
void store_set_cipher(struct store *s, const struct store_cipher *c);

/*
 * Opens the store named by `url`: a path to a SQLite file (created with its
 * schema if missing; migrations applied). `readers` is the size of the read
 * connection pool. On failure returns an error and writes why into err.
 * OUT: *out, released with store_close().
 */
int store_open(const char *url, int readers, struct store **out, struct buf *err);
void store_close(struct store *s);
const char *store_errmsg(struct store *s);

/* Sets *out to the default catalogue (BPO and KPO services of DESIGN.md). */
size_t store_default_catalogue(const struct service_rec **out);

/* store_<name>(...): s->ops-><name>(...), for every entry of STORE_OPS. */
#define X(name, params, args) int store_##name params;
STORE_OPS(X)
#undef X

#endif
