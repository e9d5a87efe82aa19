/* h_items.c - items: create, list, get, history; get-next; submit, accept, rework, cancel, review, fail. */
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/wire.h"

#define REASON_MAX 2000

/* Answers to writes carry the item without its payload. */
static int item_get_brief(struct store *s, int64_t id, json_t **out)
{
	return wire_item_read(s, id, false, out);
}

/* Only an assigned item has a lease holder (the wire shows "lease": null otherwise). */
static bool item_visible(const struct req *r, const struct item_rec *it)
{
	return auth_item_visible(&r->actor, it->client_id,
				 it->state == ITEM_ASSIGNED ? it->worker_id : 0);
}

/* Serialized JSON of any value, or 400/503. OUT: *out (free()). */
static int dump_json(struct req *r, const char *field, json_t *v, char **out)
{
	*out = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!*out)
		return http__fail(r, ERR_NOMEM, "cannot serialize %s", field);
	return 0;
}

/*
 * POST /v1/items {engagement_id, payload: object | array, external_ref?, priority?: 1..9,
 *   due_at?: RFC 3339}  [Idempotency-Key]
 * A client user may only create for its own client's engagements; the engine
 * checks that with the actor and answers 404 otherwise.
 */
int h_items_create(struct req *r)
{
	const char *ref = NULL, *due = NULL;
	json_int_t engagement_id = 0, prio = 0;
	json_t *in = NULL, *payload = NULL;
	char *payload_text = NULL;
	struct cmd *c = NULL;
	int rc;

	if ((rc = http__body(r, false, &in)) ||
	    (rc = http__unpack(r, in, "{s:I, s:o, s?s, s?I, s?s}", "engagement_id", &engagement_id,
			       "payload", &payload, "external_ref", &ref, "priority", &prio,
			       "due_at", &due)))
		goto out;
	if (!(c = http__cmd_new(r, CMD_ITEM_CREATE))) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = http__idem(r, c)) ||
	    (rc = http__range(r, "engagement_id", engagement_id, 1, INT64_MAX)) ||
	    (rc = http__str(r, "external_ref", ref, c->u.item_create.external_ref,
			    sizeof(c->u.item_create.external_ref), false)) ||
	    (json_object_get(in, "priority") && (rc = http__range(r, "priority", prio, 1, 9))))
		goto out;
	if (!json_is_object(payload) && !json_is_array(payload)) {
		rc = http__fail(r, ERR_INVALID, "payload must be a JSON object or array");
		goto out;
	}
	if (due && clock_parse_rfc3339(due, &c->u.item_create.due_at)) {
		rc = http__fail(r, ERR_INVALID,
				"due_at must be an RFC 3339 time like 2026-01-31T17:00:00Z");
		goto out;
	}
	if ((rc = dump_json(r, "payload", payload, &payload_text)))
		goto out;
	c->u.item_create.engagement_id = engagement_id;
	c->u.item_create.priority = (int)prio;
	c->u.item_create.payload = payload_text;
	if (!(rc = http__engine(r, c)))
		http__expand(r, item_get_brief);
out:
	free(payload_text);
	http__cmd_free(c);
	json_decref(in);
	return rc;
}

static json_t *empty_page(void)
{
	return wire_page(json_array(), 0);
}

/*
 * GET /v1/items?after=&limit=&state=&engagement_id=&client_id=
 * Client users see their client's items, workers the items leased to them.
 * Lists never carry payloads.
 */
int h_items_list(struct req *r)
{
	const char *state = http__query(r, "state");
	int64_t client_id, engagement_id;
	struct store_page pg;
	enum item_state st;
	json_t *j = NULL;
	int rc;

	if ((rc = http__page(r, &pg)) || (rc = http__query_id(r, "client_id", &client_id)) ||
	    (rc = http__query_id(r, "engagement_id", &engagement_id)))
		return rc;
	if (state) {
		if (item_state_parse(state, &st))
			return http__fail(r, ERR_INVALID,
					  "state must be queued, assigned, submitted, in_review, "
					  "done, cancelled or failed");
		pg.state = (int)st + 1;
	}
	pg.client_id = client_id;
	pg.engagement_id = engagement_id;
	switch (r->actor.role) {
	case ROLE_CLIENT:
		if (client_id && client_id != r->actor.client_id)
			return http__read(r, 0, empty_page());
		pg.client_id = r->actor.client_id;
		break;
	case ROLE_WORKER:
		/* worker_id 0 would mean "no filter": a worker without a record sees nothing. */
		if (!r->actor.worker_id)
			return http__read(r, 0, empty_page());
		pg.worker_id = r->actor.worker_id;
		break;
	default:
		break;
	}
	rc = wire_item_list(r->srv->store, &pg, &j);
	return http__read(r, rc, j);
}

/*
 * GET /v1/items/:id
 * A payload read is audited ("item.read") durably before the payload leaves;
 * roles that may not read payloads (auditors) get the item without it.
 */
int h_items_get(struct req *r)
{
	bool with_payload = auth_payload_readable(&r->actor);
	struct item_rec it = { 0 };
	struct cmd *c = NULL;
	json_t *j;
	int rc;

	rc = store_item_get(r->srv->store, r->param[0], with_payload, &it);
	if (rc)
		goto out;
	if (!item_visible(r, &it)) {
		rc = ERR_NOTFOUND;
		goto out;
	}
	if (with_payload) {
		if (!(c = http__cmd_new(r, CMD_AUDIT))) {
			item_rec_release(&it);
			return ERR_NOMEM;
		}
		memcpy(c->u.audit.action, "item.read", sizeof("item.read"));
		memcpy(c->u.audit.record_type, "item", sizeof("item"));
		c->u.audit.record_id = r->param[0];
		c->u.audit.client_id = it.client_id;
		/* Suspends on the first run; the handler runs again once it is durable. */
		rc = http__engine(r, c);
		http__cmd_free(c);
		if (rc == ERR_SUSPENDED) {
			item_rec_release(&it);
			return rc;
		}
		if (rc) {
			item_rec_release(&it);
			return http__fail(
			    r, rc == ERR_SHUTDOWN ? rc : ERR_BUSY,
			    "the read could not be recorded in the audit trail; retry");
		}
	}
	j = wire_item(&it, with_payload);
	/* Rendering fails for memory, or for a stored payload or result that is not JSON. */
	rc = j ? 0 : with_payload ? ERR_IO : ERR_NOMEM;
out:
	item_rec_release(&it);
	return rc ? http__fail(r, rc, NULL) : http__read(r, 0, j);
}

/* GET /v1/items/:id/history -> [events, oldest first] */
int h_items_history(struct req *r)
{
	struct item_rec it;
	json_t *ev = NULL;
	int rc;

	rc = store_item_get(r->srv->store, r->param[0], false, &it);
	if (rc)
		return http__fail(r, rc, NULL);
	if (!item_visible(r, &it))
		return http__fail(r, ERR_NOTFOUND, NULL);
	rc = wire_history_read(r->srv->store, r->param[0], &ev);
	return http__read(r, rc, ev);
}

/*
 * POST /v1/work/next {worker_id?}  [Idempotency-Key]
 * A worker asks for itself; staff name the worker. 200 with the item, its
 * payload and "lease", or 204 when nothing is eligible.
 */
int h_work_next(struct req *r)
{
	json_int_t worker_id = 0;
	json_t *in = NULL, *full = NULL, *lease;
	struct cmd *c = NULL;
	int64_t item_id;
	int rc;

	if ((rc = http__body(r, true, &in)) ||
	    (rc = http__unpack(r, in, "{s?I}", "worker_id", &worker_id)))
		goto out;
	if (r->actor.role == ROLE_WORKER) {
		if (worker_id && worker_id != r->actor.worker_id) {
			rc = http__fail(r, ERR_FORBIDDEN, "a worker can only ask work for itself");
			goto out;
		}
		if (!r->actor.worker_id) {
			rc = http__fail(r, ERR_NOTFOUND, "this user has no worker record");
			goto out;
		}
	} else if ((rc = http__range(r, "worker_id", worker_id, 1, INT64_MAX))) {
		goto out;
	}
	if (!(c = http__cmd_new(r, CMD_ITEM_NEXT))) {
		rc = ERR_NOMEM;
		goto out;
	}
	c->u.op.worker_id = r->actor.role == ROLE_WORKER ? 0 : worker_id;
	if ((rc = http__idem(r, c)) || (rc = http__engine(r, c)) || r->status != 200)
		goto out;
	/*
	 * The engine answers without the payload; the batch is committed, so
	 * the reader sees the lease. The engine's fields win over the read.
	 */
	item_id = json_integer_value(json_object_get(r->out, "id"));
	if (item_id <= 0)
		goto out;
	rc = wire_item_read(r->srv->store, item_id, true, &full);
	if (rc || !json_is_object(full)) {
		json_decref(full);
		rc = http__fail(r, rc ? rc : ERR_INTERNAL,
				"the item was leased but could not be read; see GET /v1/items");
		goto out;
	}
	json_object_update(full, r->out);
	lease = json_object_get(full, "lease");
	if (json_is_object(lease) && !json_object_get(lease, "epoch"))
		json_object_set(lease, "epoch", json_object_get(full, "epoch"));
	json_decref(r->out);
	r->out = full;
out:
	http__cmd_free(c);
	json_decref(in);
	return rc;
}

/*
 * The item transitions share one shape: fill u.op, pass the Idempotency-Key,
 * and let the engine decide scope, lease epoch and state (404, 409).
 */
static int transition(struct req *r, enum cmd_type t, const char *reason, bool reason_required,
		      const char *result_json, int64_t epoch)
{
	struct cmd *c;
	int rc;

	if (reason_required && (!reason || !*reason))
		return http__fail(r, ERR_INVALID, "reason is required");
	if (reason && strlen(reason) > REASON_MAX)
		return http__fail(r, ERR_INVALID, "reason is longer than %d bytes", REASON_MAX);
	if (!(c = http__cmd_new(r, t)))
		return ERR_NOMEM;
	c->u.op.item_id = r->param[0];
	c->u.op.epoch = epoch;
	c->u.op.reason = reason;
	c->u.op.result_json = result_json;
	if (!(rc = http__idem(r, c)) && !(rc = http__engine(r, c)))
		http__expand(r, item_get_brief);
	http__cmd_free(c);
	return rc;
}

/* POST /v1/items/:id/submit {epoch, result: any JSON}  [Idempotency-Key] */
int h_items_submit(struct req *r)
{
	json_int_t epoch = 0;
	json_t *in = NULL, *result = NULL;
	char *text = NULL;
	int rc;

	if ((rc = http__body(r, false, &in)) ||
	    (rc = http__unpack(r, in, "{s:I, s:o}", "epoch", &epoch, "result", &result)) ||
	    (rc = http__range(r, "epoch", epoch, 1, INT64_MAX)) ||
	    (rc = dump_json(r, "result", result, &text)))
		goto out;
	rc = transition(r, CMD_ITEM_SUBMIT, NULL, false, text, epoch);
out:
	free(text);
	json_decref(in);
	return rc;
}

/* POST /v1/items/:id/accept {}  [Idempotency-Key] */
int h_items_accept(struct req *r)
{
	json_t *in = NULL;
	int rc;

	if (!(rc = http__body(r, true, &in)) && !(rc = http__unpack(r, in, "{}")))
		rc = transition(r, CMD_ITEM_ACCEPT, NULL, false, NULL, 0);
	json_decref(in);
	return rc;
}

/* POST /v1/items/:id/rework {reason}  [Idempotency-Key] */
int h_items_rework(struct req *r)
{
	const char *reason = NULL;
	json_t *in = NULL;
	int rc;

	if (!(rc = http__body(r, false, &in)) &&
	    !(rc = http__unpack(r, in, "{s:s}", "reason", &reason)))
		rc = transition(r, CMD_ITEM_REWORK, reason, true, NULL, 0);
	json_decref(in);
	return rc;
}

/* POST /v1/items/:id/cancel {reason?}  [Idempotency-Key] */
int h_items_cancel(struct req *r)
{
	const char *reason = NULL;
	json_t *in = NULL;
	int rc;

	if (!(rc = http__body(r, true, &in)) &&
	    !(rc = http__unpack(r, in, "{s?s}", "reason", &reason)))
		rc = transition(r, CMD_ITEM_CANCEL, reason, false, NULL, 0);
	json_decref(in);
	return rc;
}

/* POST /v1/items/:id/review {}  [Idempotency-Key] */
int h_items_review(struct req *r)
{
	json_t *in = NULL;
	int rc;

	if (!(rc = http__body(r, true, &in)) && !(rc = http__unpack(r, in, "{}")))
		rc = transition(r, CMD_ITEM_REVIEW, NULL, false, NULL, 0);
	json_decref(in);
	return rc;
}

/* POST /v1/items/:id/fail {reason}  [Idempotency-Key] */
int h_items_fail(struct req *r)
{
	const char *reason = NULL;
	json_t *in = NULL;
	int rc;

	if (!(rc = http__body(r, false, &in)) &&
	    !(rc = http__unpack(r, in, "{s:s}", "reason", &reason)))
		rc = transition(r, CMD_ITEM_FAIL, reason, true, NULL, 0);
	json_decref(in);
	return rc;
}
