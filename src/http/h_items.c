/* h_items.c - items and work over HTTP: input parsed, app/items.h asked, records rendered. */
#include <stdlib.h>
#include <string.h>

#include "app/items.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/wire.h"

/*
 * The rules of the input and every access decision are the use cases'
 * (app/items.c, the engine's scope.c): a handler only turns JSON into typed
 * input and records into JSON.
 */

/* The error of a use case, with its line when it gave one. Releases err; returns rc. */
static int app_fail(struct req *r, int rc, struct buf *err)
{
	if (err->len)
		http__fail(r, rc, "%s", buf_str(err));
	else
		http__fail(r, rc, NULL);
	buf_release(err);
	return rc;
}

/* A read's answer: 200 with j (stolen) when rc is 0, else the use case's error. */
static int answer(struct req *r, int rc, struct buf *err, json_t *j)
{
	if (rc) {
		json_decref(j);
		return app_fail(r, rc, err);
	}
	buf_release(err);
	return http__read(r, 0, j);
}

/* Serialized JSON of any value, or 503. OUT: *out (free()). */
static int dump_json(struct req *r, const char *field, json_t *v, char **out)
{
	*out = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!*out)
		return http__fail(r, ERR_NOMEM, "cannot serialize %s", field);
	return 0;
}

/*
 * A write the use case prepared in c (rc: its answer): its refusal, or the
 * Idempotency-Key read and the command run (ERR_SUSPENDED on the first run).
 */
static int run_write(struct req *r, int rc, struct buf *err, struct cmd *c)
{
	if (rc)
		return app_fail(r, rc, err);
	if ((rc = http__idem(r, c)))
		return rc;
	return http__engine(r, c);
}

/*
 * POST /v1/items {engagement_id, payload: object | array, external_ref?, priority?: 1..9,
 *   due_at?: RFC 3339, type?: one of the engagement's item_types}  [Idempotency-Key]
 * A client user may only create for its own client's engagements; the engine
 * asks the policy with the engagement's client and answers 404 otherwise.
 */
int h_items_create(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_ITEM_CREATE);
	struct item_create_in in = ITEM_CREATE_IN_INIT;
	json_int_t engagement_id = 0, prio = 0;
	json_t *body = NULL, *payload = NULL;
	struct buf err = BUF_INIT;
	char *payload_text = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s:I, s:o, s?s, s?I, s?s, s?s}", "engagement_id",
			       &engagement_id, "payload", &payload, "external_ref",
			       &in.external_ref, "priority", &prio, "due_at", &in.due_at, "type",
			       &in.type)) ||
	    (rc = dump_json(r, "payload", payload, &payload_text)))
		goto out;
	in.engagement_id = engagement_id;
	in.payload = payload_text;
	if (json_object_get(body, "priority"))
		in.priority = (double)prio;
	rc = run_write(r, app_item_create(&r->srv->app, &r->actor, &in, c, &err), &err, c);
out:
	free(payload_text);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* The searches of an item list: the query string's texts, the use case checks them. */
static int list_filters(struct req *r, struct item_list_in *in)
{
	in->due_before = http__query(r, "due_before");
	in->due_after = http__query(r, "due_after");
	in->created_before = http__query(r, "created_before");
	in->created_after = http__query(r, "created_after");
	in->external_ref = http__query(r, "external_ref");
	in->ref_contains = http__query(r, "ref_contains");
	int rc = http__query_bool(r, "late", &in->late);

	return rc ? rc : http__query_id(r, "worker_id", &in->worker_id);
}

/*
 * GET /v1/items?after=&limit=&state=&engagement_id=&client_id=&worker_id=
 *   &due_before=&due_after=&late=true&external_ref=&ref_contains=
 *   &created_before=&created_after=
 * The policy narrows the list: client users see their client's items,
 * workers the items leased to them. Lists never carry payloads.
 */
int h_items_list(struct req *r)
{
	struct item_list_in in = {.state = http__query(r, "state")};
	struct buf err = BUF_INIT;
	int64_t next = 0;
	json_t *data;
	int rc;

	if ((rc = http__page(r, &in.page)) ||
	    (rc = http__query_id(r, "client_id", &in.client_id)) ||
	    (rc = http__query_id(r, "engagement_id", &in.engagement_id)) ||
	    (rc = list_filters(r, &in)))
		return rc;
	if (!(data = json_array()))
		return http__fail(r, ERR_NOMEM, NULL);
	rc = app_item_list(&r->srv->app, &r->actor, &in, wire_item_add, data, &next, &err);
	return answer(r, rc, &err, rc ? data : wire_page(data, next));
}

/* An item read, ordinary or unmasked (the use case's begin tells them apart). */
static int item_read(struct req *r, bool unmask)
{
	const struct app *app = &r->srv->app;
	struct item_read rd = {0};
	struct buf err = BUF_INIT;
	struct cmd *audit;
	json_t *j = NULL;
	int rc;

	if (!(audit = http__cmd_new(r, CMD_AUDIT)))
		return ERR_NOMEM;
	rc = unmask ? app_item_unmask_begin(app, &r->actor, r->param[0], &rd, audit, &err)
		    : app_item_get_begin(app, &r->actor, r->param[0], &rd, audit, &err);
	if (!rc && rd.with_payload) {
		/* Suspends on the first run; the handler runs again once it is durable. */
		rc = http__engine(r, audit);
		if (rc == ERR_SUSPENDED)
			goto out;
		rc = app_item_get_end(app, &r->actor, rc, &rd, &err);
	}
	/* Rendering fails for memory, or for a stored payload or result that is not JSON. */
	if (!rc && !(j = wire_item(&rd.item, rd.with_payload)))
		rc = rd.with_payload ? ERR_IO : ERR_NOMEM;
	rc = answer(r, rc, &err, j);
out:
	buf_release(&err);
	item_read_release(&rd);
	http__cmd_free(audit);
	return rc;
}

/*
 * GET /v1/items/:id
 * A payload read is audited ("item.read") durably before the payload is
 * read; roles that may not read payloads (auditors) get the item without it,
 * and an engagement's sensitive fields come masked unless the policy shows
 * them (item.cleartext).
 */
int h_items_get(struct req *r)
{
	return item_read(r, false);
}

/*
 * GET /v1/items/:id/unmasked
 * The item with every sensitive field in clear (item.unmask: staff, the
 * client), recorded first as an "item.unmask" event naming the fields.
 */
int h_items_unmasked(struct req *r)
{
	return item_read(r, true);
}

/*
 * POST /v1/purge {dry_run?=false} -> {dry_run, items, events, more}
 * Finished items past their engagement's retention_days, deleted with their
 * item events (at most 2000 a request: "more" says to send it again).
 */
int h_purge(struct req *r)
{
	struct buf err = BUF_INIT;
	struct http_write w;
	int dry = 0, rc;

	if (http__write_begin(r, &w, CMD_ITEM_PURGE, "{s?b}", "dry_run", &dry))
		return w.rc;
	rc = app_item_purge(&r->srv->app, &r->actor, dry, w.c, &err);
	if (rc)
		rc = http__app_fail(r, rc, &err);
	else
		rc = http__engine(r, w.c);
	buf_release(&err);
	buf_release(&w.err);
	http__cmd_free(w.c);
	json_decref(w.body);
	return rc;
}

/* GET /v1/items/:id/history -> [events, oldest first] */
int h_items_history(struct req *r)
{
	struct buf err = BUF_INIT;
	json_t *events = json_array();
	int rc;

	if (!events)
		return http__fail(r, ERR_NOMEM, NULL);
	rc = app_item_history(&r->srv->app, &r->actor, r->param[0], wire_event_add, events, &err);
	return answer(r, rc, &err, events);
}

/*
 * The engine answers get-next with the item as its lease wrote it (written:
 * no read here), or, replayed, without the payload; the batch is committed,
 * and the read is of the lease it answered (its id, worker and epoch, from
 * the answer itself, so a replayed answer reads the same lease): the lease
 * may have run out meanwhile under load, and the worker must still learn
 * its epoch. The engine's fields win over the read. A lease given to
 * someone else since is a 409 to ask again on.
 */
int http__next_with_payload(struct req *r, struct item_rec *written)
{
	json_t *lease = json_object_get(r->out, "lease");
	struct work_lease wl = {
	    .item_id = json_integer_value(json_object_get(r->out, "id")),
	    .worker_id = json_integer_value(json_object_get(lease, "worker_id")),
	    .epoch = json_integer_value(json_object_get(r->out, "epoch")),
	};
	struct item_rec it = {0};
	struct buf err = BUF_INIT;
	json_t *full = NULL;
	int rc;

	if (wl.item_id <= 0)
		return 0;
	/* The engine's own write of this lease: the same item, id and epoch (else read). */
	if (written && written->id == wl.item_id && written->epoch == wl.epoch)
		wl.written = written;
	rc = app_work_next_item(&r->srv->app, &r->actor, &wl, &it, &err);
	if (rc == ERR_STALE) {
		item_rec_release(&it);
		return app_fail(r, rc, &err);
	}
	if (!rc && !(full = wire_item(&it, true)))
		rc = it.payload || it.result ? ERR_IO : ERR_NOMEM;
	item_rec_release(&it);
	buf_release(&err);
	if (rc || !json_is_object(full)) {
		json_decref(full);
		return http__fail(r, rc ? rc : ERR_INTERNAL,
				  "the item was leased but could not be read; see GET /v1/items");
	}
	json_object_update(full, r->out);
	lease = json_object_get(full, "lease");
	if (json_is_object(lease) && !json_object_get(lease, "epoch"))
		json_object_set(lease, "epoch", json_object_get(full, "epoch"));
	json_decref(r->out);
	r->out = full;
	return 0;
}

/*
 * POST /v1/work/next {worker_id?}  [Idempotency-Key]
 * A worker asks for itself; staff name the worker. 200 with the item, its
 * payload and "lease"; or, when nothing is eligible, 200 with
 * {"id": null, "reason", "message"} (req.c: result_json()).
 */
int h_work_next(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_ITEM_NEXT);
	json_int_t worker_id = 0;
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	c->want_leased = true; /* answered below from the engine's own copy */
	if (!(rc = http__body(r, true, &body)) &&
	    !(rc = http__unpack(r, body, "{s?I}", "worker_id", &worker_id))) {
		rc = app_work_next(&r->srv->app, &r->actor, worker_id, c, &err);
		if (!(rc = run_write(r, rc, &err, c)) && r->status == 200)
			rc = http__next_with_payload(r, c->result.leased);
	}
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* ================================================================
 * Transitions: the body unpacked into an item_op_in, the use case fills
 * the command, the engine decides scope, lease epoch and state (404, 409).
 * ================================================================ */

struct op_route {
	app_item_op_fn fn;
	const char *fmt; /* the body's fields: {epoch, result} for submit, else at most reason */
	bool empty_ok;	 /* an empty body is {} */
};

static int transition(struct req *r, const struct op_route *o)
{
	/* The use case sets the command's type. */
	struct cmd *c = http__cmd_new(r, CMD__COUNT);
	struct item_op_in in = {.item_id = r->param[0]};
	json_t *body = NULL, *result = NULL;
	struct buf err = BUF_INIT;
	json_int_t epoch = 0;
	char *text = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = http__body(r, o->empty_ok, &body)))
		goto out;
	/* jansson reads only the arguments its format names. */
	if (o->fn == app_item_submit || o->fn == app_item_renew)
		rc = http__unpack(r, body, o->fmt, "epoch", &epoch, "result", &result);
	else if (o->fn == app_item_rework)
		rc = http__unpack(r, body, o->fmt, "reason", &in.reason, "defect", &in.defect,
				  "field", &in.field);
	else
		rc = http__unpack(r, body, o->fmt, "reason", &in.reason);
	if (rc || (result && (rc = dump_json(r, "result", result, &text))))
		goto out;
	in.epoch = epoch;
	in.result = text;
	rc = run_write(r, o->fn(&r->srv->app, &r->actor, &in, c, &err), &err, c);
out:
	http__cmd_free(c);
	json_decref(body);
	free(text);
	return rc;
}

/*
 * One handler per route, each an op_route:
 *   POST /v1/items/:id/submit {epoch, result: any JSON}  [Idempotency-Key]
 *   POST /v1/items/:id/accept {reason?}  [Idempotency-Key] (reason: the approver's comments)
 *   POST /v1/items/:id/rework {reason, defect?, field?}  [Idempotency-Key]
 *   POST /v1/items/:id/cancel {reason?}  [Idempotency-Key]
 *   POST /v1/items/:id/review {reason?}  [Idempotency-Key]
 *   POST /v1/items/:id/fail {reason}  [Idempotency-Key]
 *   POST /v1/items/:id/renew {epoch}  [Idempotency-Key]
 */
#define OP_ROUTE(VERB, FMT, EMPTY_OK)                                                              \
	int h_items_##VERB(struct req *r)                                                          \
	{                                                                                          \
		static const struct op_route o = {app_item_##VERB, FMT, EMPTY_OK};                 \
		return transition(r, &o);                                                          \
	}

OP_ROUTE(submit, "{s:I, s:o}", false)
OP_ROUTE(accept, "{s?s}", true)
OP_ROUTE(rework, "{s:s, s?s, s?s}", false)
OP_ROUTE(cancel, "{s?s}", true)
OP_ROUTE(review, "{s?s}", true)
OP_ROUTE(fail, "{s:s}", false)
OP_ROUTE(renew, "{s:I}", false)

#undef OP_ROUTE
