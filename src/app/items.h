/* items.h - item and work use cases: create, read, list, history, take next and the transitions. */
#ifndef ALIHDAYA_APP_ITEMS_H
#define ALIHDAYA_APP_ITEMS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/model.h"
#include "sec/auth.h"
#include "store/store.h"
#include "util/buf.h"

/*
 * Every rule about an item's input is checked here once, with the API's
 * messages; every access decision is the policy's (sec/policy.h): reads ask
 * it here with the item's scope, writes ask it in the engine, which alone
 * knows the lease holder and the worker's clearances now. Conventions:
 * app/app.h. JSON: wire_item(), wire_event() (src/wire/).
 */

#define ITEM_REASON_MAX 2000 /* bytes of a rework, fail or cancel reason */

/* ================================================================
 * Writes: each fills c (type, actor, u) and leaves idem_key, req_hash
 * and encode as the adapter set them; the adapter runs it (app_call,
 * app_submit) and renders c->result.item.
 * ================================================================ */

/* A new item, as given. */
struct item_create_in {
	int64_t engagement_id;	  /* required, > 0 */
	const char *payload;	  /* required: JSON text the adapter parsed; an object or array */
	const char *external_ref; /* NULL: none; else 1..MODEL_REF_MAX-1 bytes */
	double priority;	  /* APP_ABSENT: the engagement's default; else whole, 1..9 */
	const char *due_at;	  /* NULL: arrival + SLA; else RFC 3339 */
	const char *type;	  /* NULL: default; else one of the engagement's item_types */
};

#define ITEM_CREATE_IN_INIT                                                                        \
	{                                                                                          \
		.priority = APP_ABSENT                                                             \
	}

/* c points to in->payload: it must live until the command has run. */
int app_item_create(const struct app *app, const struct actor *actor,
		    const struct item_create_in *in, struct cmd *c, struct buf *err);

/* A transition of an existing item, as given. Only the fields of the verb are read. */
struct item_op_in {
	int64_t item_id;
	int64_t epoch;	    /* submit: required, >= 1 (0: not given) */
	const char *result; /* submit: JSON text the adapter parsed (any value) */
	const char *reason; /* rework, fail: required; cancel: optional; <= ITEM_REASON_MAX */
	const char *defect, *field; /* rework: the defect code and field (app/review.h), or NULL */
};

/*
 * The signature every transition shares (the HTTP adapter's table holds
 * them). Each points c to in's strings: they must live until the command has
 * run. item.renew: the worker holding the lease, with its epoch: the lease
 * runs the engagement's lease length from now, up to lease_max_seconds from
 * its start (409 past it, or for a stale epoch).
 */
typedef int app_item_op(const struct app *app, const struct actor *actor,
			const struct item_op_in *in, struct cmd *c, struct buf *err);
typedef app_item_op *app_item_op_fn;

app_item_op app_item_submit, app_item_review, app_item_accept, app_item_rework, app_item_cancel,
	app_item_fail, app_item_renew;

/*
 * Take next: the best eligible item for a worker. A worker asks for itself
 * (worker_id 0 or its own; ERR_FORBIDDEN for another, ERR_NOTFOUND when the
 * user has no worker record); staff name the worker (> 0). c->result.item
 * is the item leased, without payload (CMD_OUT_NONE: nothing eligible):
 * app_work_next_item() reads it whole.
 */
int app_work_next(const struct app *app, const struct actor *actor, int64_t worker_id,
		  struct cmd *c, struct buf *err);

/* The lease a take-next's answer granted, as the engine (or its replayed answer) gave it. */
struct work_lease {
	int64_t item_id;
	int64_t worker_id;     /* the lease holder */
	int64_t epoch;	       /* the lease's epoch */
	int64_t lease_expires; /* ms; 0: not known (the read's is kept) */
	int64_t lease_started; /* ms; 0: not known */
	/* The item as the lease wrote it (the engine's c->result.leased), NULL: read it. Its
	 * payload and result move to the answer. */
	struct item_rec *written;
};

/*
 * The item a take-next answered, with payload and result as the policy lets
 * the actor see them. The read is the lease's, not the item's now: the
 * engine's answer is committed, but its clock may pass the deadline (or staff
 * may move the item) before this read, and the worker must still learn what
 * it was given. While the item's epoch is the lease's, it is answered as
 * leased with the lease's fields and the policy is asked with the lease the
 * engine granted as the scope. Once the item has been leased again (a later
 * epoch), ERR_STALE (409): the answer is stale, ask for work again. The lease
 * is this read's audit event (item.assign), so no item.read is recorded.
 * With lease->written there is no read: the item is the one the lease wrote.
 * OUT: *out (item_rec_release(), also on error).
 */
int app_work_next_item(const struct app *app, const struct actor *actor,
		       const struct work_lease *lease, struct item_rec *out, struct buf *err);

/*
 * item.purge (admin): fills c (CMD_ITEM_PURGE): the finished items past
 * their engagement's retention_days, at most 2000 a command (result.purge_more
 * says to send it again), deleted with their item events; dry_run counts.
 */
int app_item_purge(const struct app *app, const struct actor *actor, bool dry_run, struct cmd *c,
		   struct buf *err);

/*
 * The item under review by reviewer_id (the worker the engine gave the
 * review lease), with payload and result as that reviewer may see them: the
 * review lease reads as a lease. OUT: *out (item_rec_release(), also on error).
 */
int app_item_review_read(const struct app *app, const struct actor *actor, int64_t item_id,
			 int64_t reviewer_id, struct item_rec *out, struct buf *err);

/* ================================================================
 * Reads
 * ================================================================ */

/*
 * An item read in two steps, because a payload may only be read once its
 * "item.read" audit event is durable:
 *   1. app_item_get_begin(): the item without payload, its scope checked.
 *      If rd->with_payload, *audit is a CMD_AUDIT to run first.
 *   2. the adapter runs *audit (app_call, app_submit) when with_payload;
 *   3. app_item_get_end(): the payload read, given the audit's rc.
 * Without with_payload, rd->item is the answer and step 3 is not needed.
 */
struct item_read {
	struct item_rec item; /* step 1: without payload; step 3: with it */
	bool with_payload;    /* the actor sees payload and result */
	bool unmask;          /* item.unmask: every sensitive field in clear (else masked by policy) */
};

/* OUT: *rd (item_read_release()). ERR_NOTFOUND for an item the actor may not see. */
int app_item_get_begin(const struct app *app, const struct actor *actor, int64_t id,
		       struct item_read *rd, struct cmd *audit, struct buf *err);
/*
 * audit_rc: the audit command's rc. ERR_BUSY (retry) or ERR_SHUTDOWN when it
 * failed; else rd->item is read again with payload and result, its scope
 * checked again (a lease may have moved meanwhile).
 */
int app_item_get_end(const struct app *app, const struct actor *actor, int audit_rc,
		     struct item_read *rd, struct buf *err);
/*
 * item.unmask (GET /v1/items/:id/unmasked): as app_item_get_begin, for the
 * read that shows every sensitive field in clear; *audit is always run: an
 * "item.unmask" event whose detail names the fields revealed. Step 3 is
 * app_item_get_end().
 */
int app_item_unmask_begin(const struct app *app, const struct actor *actor, int64_t id,
			  struct item_read *rd, struct cmd *audit, struct buf *err);
/* The three steps for a caller that may block (the CLI, tests): app_call() for the audit. */
int app_item_get(const struct app *app, const struct actor *actor, int64_t id, struct item_read *rd,
		 struct buf *err);
void item_read_release(struct item_read *rd);

/* A list's filters, as given. */
struct item_list_in {
	struct store_page page; /* after and limit (checked by the adapter's parser); rest unused */
	const char *state;	/* NULL: any; else an item state's name */
	int64_t engagement_id;	/* 0: any */
	int64_t client_id;	/* 0: any */
	/* The searches (docs/api.md "Finding items"); NULL or 0: no filter. */
	const char *due_before, *due_after;	    /* RFC 3339 */
	const char *created_before, *created_after; /* RFC 3339 */
	bool late;		  /* past due and still open, at the app's clock now */
	int64_t worker_id;	  /* the lease holder (or last worker once submitted) */
	const char *external_ref; /* exactly */
	const char *ref_contains; /* text within external_ref (ASCII case-insensitive) */
};

/*
 * The items the actor may see, filtered, without payloads: each passed to
 * cb(ctx, it); OUT: *next_after (0: the last page). A client naming another
 * client, or a worker without a worker record, sees an empty list.
 */
int app_item_list(const struct app *app, const struct actor *actor, const struct item_list_in *in,
		  store_item_cb cb, void *ctx, int64_t *next_after, struct buf *err);

/* The item's events, oldest first, each passed to cb(ctx, ev), if the actor may see the item. */
int app_item_history(const struct app *app, const struct actor *actor, int64_t id,
		     store_event_cb cb, void *ctx, struct buf *err);

/*
 * One item with payload and result as the actor may see them, for a use
 * case that recorded the read in the audit trail itself (app/exports.c:
 * one item.export event for the whole export). ERR_NOTFOUND for an item
 * hidden from the actor or whose payload it may not read. OUT: *out
 * (item_rec_release(), also on error).
 */
int app_item_export_read(const struct app *app, const struct actor *actor, int64_t id,
			 struct item_rec *out, struct buf *err);

#endif
