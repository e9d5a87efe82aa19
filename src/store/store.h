/* store.h - the storage interface: a table of backend callbacks (SQLite now, PostgreSQL later). */
#ifndef ALIHDAYA_STORE_H
#define ALIHDAYA_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"
#include "util/buf.h"

/*
 * Threading contract:
 *  - "writer" functions (begin/commit/rollback, *_insert, *_update, idem_*,
 *    audit_tail and load_*) are called only from the engine thread. They use
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
 *  - walks (*_list, *_each, load_*, item_history) pass each record to a
 *    callback, in id (or seq) order. The record and every pointer in it
 *    (an event's detail) are valid only during that call: copy what you
 *    keep. A callback returning non-zero stops the walk, and the walk
 *    returns that value. A walk holds one reader connection (writer for
 *    load_*) for its whole duration: a callback must not call the store.
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
};

#define STORE_PAGE_MAX 500
#define STORE_PAGE_DEFAULT 50

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

/* The table a backend fills in. See the store_* wrappers for contracts. */
struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	const char *(*errmsg)(struct store *s);

	/* writer */
	int (*begin)(struct store *s);
	int (*commit)(struct store *s);
	int (*rollback)(struct store *s);
	int (*client_insert)(struct store *s, struct client_rec *c);
	int (*service_insert)(struct store *s, struct service_rec *sv);
	int (*engagement_insert)(struct store *s, struct engagement_rec *e);
	int (*user_insert)(struct store *s, struct user_rec *u);
	int (*token_insert)(struct store *s, int64_t user_id, const unsigned char hash[32],
			    int64_t created_at);
	int (*worker_insert)(struct store *s, struct worker_rec *w);
	int (*worker_set_status)(struct store *s, int64_t worker_id, enum worker_status st);
	int (*item_insert)(struct store *s, struct item_rec *it);
	int (*item_update)(struct store *s, const struct item_rec *it);
	int (*item_state_get)(struct store *s, int64_t id, struct item_rec *out);
	int (*user_rec_get)(struct store *s, int64_t id, struct user_rec *out);
	int (*event_insert)(struct store *s, struct event_rec *ev);
	int (*audit_insert)(struct store *s, struct audit_rec *a);
	int (*audit_tail)(struct store *s, int64_t *seq, unsigned char hash[32]);
	int (*idem_get)(struct store *s, int64_t user_id, const char *key, struct idem_rec *out);
	int (*idem_put)(struct store *s, const struct idem_rec *r);
	int (*savepoint)(struct store *s);
	int (*release)(struct store *s);
	int (*rollback_to)(struct store *s);
	int (*load_clients)(struct store *s, store_client_cb cb, void *ctx);
	int (*load_services)(struct store *s, store_service_cb cb, void *ctx);
	int (*load_engagements)(struct store *s, store_engagement_cb cb, void *ctx);
	int (*load_workers)(struct store *s, store_worker_cb cb, void *ctx);
	int (*load_open_items)(struct store *s, store_item_cb cb, void *ctx);

	/* reader */
	int (*token_lookup)(struct store *s, const unsigned char hash[32], struct user_rec *out);
	int (*user_by_name)(struct store *s, const char *name, struct user_rec *out);
	int (*worker_by_user)(struct store *s, int64_t user_id, struct worker_rec *out);
	int (*service_by_code)(struct store *s, const char *code, struct service_rec *out);
	int (*client_get)(struct store *s, int64_t id, struct client_rec *out);
	int (*client_list)(struct store *s, const struct store_page *pg, store_client_cb cb,
			   void *ctx, int64_t *next_after);
	int (*service_get)(struct store *s, int64_t id, struct service_rec *out);
	int (*service_list)(struct store *s, const struct store_page *pg, store_service_cb cb,
			    void *ctx, int64_t *next_after);
	int (*engagement_get)(struct store *s, int64_t id, struct engagement_rec *out);
	int (*engagement_list)(struct store *s, const struct store_page *pg,
			       store_engagement_cb cb, void *ctx, int64_t *next_after);
	int (*user_get)(struct store *s, int64_t id, struct user_rec *out);
	int (*user_list)(struct store *s, const struct store_page *pg, store_user_cb cb, void *ctx,
			 int64_t *next_after);
	int (*worker_get)(struct store *s, int64_t id, struct worker_rec *out);
	int (*worker_list)(struct store *s, const struct store_page *pg, store_worker_cb cb,
			   void *ctx, int64_t *next_after);
	int (*item_get)(struct store *s, int64_t id, bool with_payload, struct item_rec *out);
	int (*item_list)(struct store *s, const struct store_page *pg, store_item_cb cb, void *ctx,
			 int64_t *next_after);
	int (*item_history)(struct store *s, int64_t item_id, store_event_cb cb, void *ctx);
	int (*audit_list)(struct store *s, const struct store_page *pg, store_audit_cb cb,
			  void *ctx, int64_t *next_after);
	int (*audit_each)(struct store *s, int64_t after_seq, store_audit_cb cb, void *ctx);
	int (*backup)(struct store *s, const char *path);
	int (*workers_each)(struct store *s, store_worker_cb cb, void *ctx);
	int (*engagements_each)(struct store *s, store_engagement_cb cb, void *ctx);
	int (*arrivals)(struct store *s, int64_t engagement_id, int64_t from_ms, int64_t to_ms,
			int64_t interval_ms, double *counts, size_t n);
};

/* Every backend's struct begins with this. */
struct store {
	const struct store_ops *ops;
};

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

/*
 * The functions below are thin wrappers: store_x(s, ...) calls s->ops->x.
 */

/* writer: transactions */
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/*
 * writer: one savepoint per command inside the batch transaction, so a
 * command that fails half-way leaves no trace while the others commit.
 * Not nested: savepoint, then release or rollback_to.
 */
int store_savepoint(struct store *s);
int store_release(struct store *s);
int store_rollback_to(struct store *s);

/* writer: inserts set the record's id (and keep every other field). */
int store_client_insert(struct store *s, struct client_rec *c);          /* ERR_EXISTS: code */
int store_service_insert(struct store *s, struct service_rec *sv);       /* ERR_EXISTS: code */
int store_engagement_insert(struct store *s, struct engagement_rec *e);
int store_user_insert(struct store *s, struct user_rec *u);              /* ERR_EXISTS: name */
int store_token_insert(struct store *s, int64_t user_id, const unsigned char hash[32],
		       int64_t created_at);
int store_worker_insert(struct store *s, struct worker_rec *w);         /* with clearances */
int store_worker_set_status(struct store *s, int64_t worker_id, enum worker_status st);
int store_item_insert(struct store *s, struct item_rec *it);            /* payload required */
/* Writes state, worker_id, epoch, lease_expires, and result if non-NULL. */
int store_item_update(struct store *s, const struct item_rec *it);
/* Loads an item's fields without payload or result (writer connection, sees the open txn). */
int store_item_state_get(struct store *s, int64_t id, struct item_rec *out);
/* Loads a user (writer connection, sees the open txn). ERR_NOTFOUND if there is none. */
int store_user_rec_get(struct store *s, int64_t id, struct user_rec *out);
int store_event_insert(struct store *s, struct event_rec *ev);          /* sets ev->id */
int store_audit_insert(struct store *s, struct audit_rec *a);           /* a->seq set by caller */
/* Last audit seq and hash; 0 and all-zero hash when the trail is empty. */
int store_audit_tail(struct store *s, int64_t *seq, unsigned char hash[32]);
/* ERR_NOTFOUND when the key is new. OUT: out->body (free()). */
int store_idem_get(struct store *s, int64_t user_id, const char *key, struct idem_rec *out);
int store_idem_put(struct store *s, const struct idem_rec *r);

/* writer: recovery at start. A callback returning non-zero stops the walk and is returned. */
int store_load_clients(struct store *s, store_client_cb cb, void *ctx);
int store_load_services(struct store *s, store_service_cb cb, void *ctx);
int store_load_engagements(struct store *s, store_engagement_cb cb, void *ctx);
int store_load_workers(struct store *s, store_worker_cb cb, void *ctx);
/* Items in queued, assigned, submitted or in_review; payload and result NULL. */
int store_load_open_items(struct store *s, store_item_cb cb, void *ctx);

/* reader */
int store_token_lookup(struct store *s, const unsigned char hash[32], struct user_rec *out);
int store_user_by_name(struct store *s, const char *name, struct user_rec *out);
int store_worker_by_user(struct store *s, int64_t user_id, struct worker_rec *out);
int store_service_by_code(struct store *s, const char *code, struct service_rec *out);
/*
 * Gets: ERR_NOTFOUND when there is no record with that id. OUT: *out.
 * Lists: the records of one page (ids > pg->after, at most pg->limit, the
 * page's filters) passed to cb in id order. OUT: *next_after, the cursor of
 * the next page: the last id passed when the page is full, 0 when this page
 * is the last one.
 */
int store_client_get(struct store *s, int64_t id, struct client_rec *out);
int store_client_list(struct store *s, const struct store_page *pg, store_client_cb cb,
		      void *ctx, int64_t *next_after);
int store_service_get(struct store *s, int64_t id, struct service_rec *out);
int store_service_list(struct store *s, const struct store_page *pg, store_service_cb cb,
		       void *ctx, int64_t *next_after);
int store_engagement_get(struct store *s, int64_t id, struct engagement_rec *out);
/* Filter: pg->client_id. */
int store_engagement_list(struct store *s, const struct store_page *pg, store_engagement_cb cb,
			  void *ctx, int64_t *next_after);
int store_user_get(struct store *s, int64_t id, struct user_rec *out);
/* Filter: pg->client_id. */
int store_user_list(struct store *s, const struct store_page *pg, store_user_cb cb, void *ctx,
		    int64_t *next_after);
/* With clearances. A worker_rec is several KiB: keep it off small stacks. */
int store_worker_get(struct store *s, int64_t id, struct worker_rec *out);
int store_worker_list(struct store *s, const struct store_page *pg, store_worker_cb cb,
		      void *ctx, int64_t *next_after);
/*
 * with_payload loads the payload and result texts (JSON, NULL when absent)
 * into out, owned by the caller: item_rec_release(out). Without it they are
 * NULL and nothing needs releasing.
 */
int store_item_get(struct store *s, int64_t id, bool with_payload, struct item_rec *out);
/* Filters: client_id, engagement_id, worker_id, state. Records never carry payloads. */
int store_item_list(struct store *s, const struct store_page *pg, store_item_cb cb, void *ctx,
		    int64_t *next_after);
/*
 * The item's events, oldest first; ERR_NOTFOUND if there is no such item.
 * A "create" event has from_state ITEM_STATE__COUNT (none). ev->detail is
 * a JSON text or NULL, borrowed for the call.
 */
int store_item_history(struct store *s, int64_t item_id, store_event_cb cb, void *ctx);
/* Audit events by seq (the cursor is a seq). Filter: pg->client_id. */
int store_audit_list(struct store *s, const struct store_page *pg, store_audit_cb cb, void *ctx,
		     int64_t *next_after);
/* Every audit event with seq > after_seq, in seq order, in one snapshot (sec/audit.c verifies). */
int store_audit_each(struct store *s, int64_t after_seq, store_audit_cb cb, void *ctx);
/* Online backup of the whole store to path (SQLite backup API). */
int store_backup(struct store *s, const char *path);

/* reader: inputs of a staffing plan (docs/staffing.md) */

/*
 * Walks every worker, with clearances, in id order. The record passed to cb
 * is valid only during the call. A callback returning non-zero stops the
 * walk and is returned.
 */
int store_workers_each(struct store *s, store_worker_cb cb, void *ctx);
/*
 * Walks every engagement in id order on a reader connection (the per-skill
 * plan). As store_workers_each(): the record is valid only during the call,
 * a non-zero return from cb stops the walk and is returned.
 */
int store_engagements_each(struct store *s, store_engagement_cb cb, void *ctx);
/*
 * Items of the engagement created in [from_ms, to_ms), counted per interval
 * of interval_ms from from_ms. n must be (to_ms - from_ms) / interval_ms
 * exactly. OUT: counts[n]. ERR_INVALID for a bad window.
 */
int store_arrivals(struct store *s, int64_t engagement_id, int64_t from_ms, int64_t to_ms,
		   int64_t interval_ms, double *counts, size_t n);

#endif
