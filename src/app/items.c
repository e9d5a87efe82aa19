/* items.c - item and work use cases: input rules, the policy's read decisions, commands filled. */
#include "app/items.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/input.h"
#include "core/item.h"
#include "util/err.h"

/* ================================================================
 * Shared rules
 * ================================================================ */

/* The role's question alone: may it take act on some record at all? */
static int role_may(const struct actor *actor, enum policy_action act, struct buf *err)
{
	if (policy_check(actor, act, NULL) == POLICY_ALLOW)
		return 0;
	return buf_error(err, ERR_FORBIDDEN, "role %s may not take %s", role_name(actor->role),
			 policy_action_name(act));
}

/* A positive id; the API's words for an out-of-range one. */
static int id_ok(const char *field, int64_t v, struct buf *err)
{
	if (v >= 1)
		return 0;
	return buf_error(err, ERR_INVALID, "%s must be between 1 and %lld", field,
			 (long long)INT64_MAX);
}

/* An optional text of 1..max-1 bytes (NULL: not given). */
static int text_ok(const char *field, const char *s, size_t max, struct buf *err)
{
	size_t n = s ? strlen(s) : 1;

	if (n == 0)
		return buf_error(err, ERR_INVALID, "%s must not be empty", field);
	return n < max ? 0
		       : buf_error(err, ERR_INVALID, "%s is longer than %zu bytes", field, max - 1);
}

/* JSON text (already parsed by the adapter) that holds an object or an array. */
static bool json_text_is_container(const char *t)
{
	t += strspn(t, " \t\r\n");
	return *t == '{' || *t == '[';
}

/* What the policy is asked about an item: its client and, while assigned, its lease holder. */
static struct policy_scope item_scope(const struct item_rec *it)
{
	return (struct policy_scope){
	    .client_id = it->client_id,
	    .lease_worker_id = it->state == ITEM_ASSIGNED ? it->worker_id : 0,
	};
}

/* A store error as the API words it ("no such record", "storage error"). */
static int store_fail(int rc, struct buf *err)
{
	return buf_error(err, rc, "%s", err_message(rc));
}

/* ERR_NOTFOUND if item id is an instance of a gold item (docs/api.md "Gold items"), else 0. */
static int gold_hidden(const struct app *app, int64_t id, struct buf *err)
{
	int64_t gold = 0;
	int rc = store_item_gold(app->store, id, &gold);

	if (rc)
		return store_fail(rc, err);
	return gold ? store_fail(ERR_NOTFOUND, err) : 0;
}

/*
 * The item if the actor may read it (POL_ITEM_READ with its scope); an item
 * it may not see is ERR_NOTFOUND, as one that does not exist. OUT: *out
 * (item_rec_release(), also on error).
 */
static int read_scoped(const struct app *app, const struct actor *actor, int64_t id,
		       bool with_payload, struct item_rec *out, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_item_get(app->store, id, with_payload, out)))
		return store_fail(rc, err);
	sc = item_scope(out);
	if ((rc = policy_require(actor, POL_ITEM_READ, &sc)))
		return store_fail(rc, err);
	/* An instance of a gold item is the provider's check, never the client's: as if absent. */
	if (actor->role == ROLE_CLIENT && (rc = gold_hidden(app, id, err)))
		return rc;
	return 0;
}

/* ================================================================
 * Masks: the sensitive fields of a payload as the policy shows them
 * ================================================================ */

/* The sensitive fields of an item's engagement, each with the mask this actor reads it with. */
struct item_masks {
	size_t n;
	struct mask_field f[MODEL_MAX_SENSITIVE];
	char names[MODEL_MAX_SENSITIVE][MODEL_CODE_MAX];
	enum mask_kind given[MODEL_MAX_SENSITIVE]; /* the engagement's mask */
};

/*
 * The masks of it's payload fields for actor in a read by act (POL_ITEM_PAYLOAD
 * or POL_ITEM_UNMASK): the engagement's sensitive fields, a worker's clearance
 * terms now, asked of the policy field by field. OUT: *m.
 */
static int item_masks(const struct app *app, const struct actor *actor, const struct item_rec *it,
		      enum policy_action act, struct item_masks *m, struct buf *err)
{
	struct engagement_rec *e = malloc(sizeof(*e));
	struct worker_rec *w = NULL;
	struct policy_scope sc = item_scope(it);
	int rc;

	m->n = 0;
	if (!e)
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	rc = store_engagement_get(app->store, it->engagement_id, e);
	/* The worker's clearance decides only per-field masks: none to decide, no read. */
	if (!rc && e->n_sensitive && actor->role == ROLE_WORKER && actor->worker_id) {
		if (!(w = malloc(sizeof(*w))))
			rc = ERR_NOMEM;
		else if ((rc = store_worker_get(app->store, actor->worker_id, w)) == ERR_NOTFOUND)
			rc = 0, free(w), w = NULL;
	}
	if (rc) {
		rc = store_fail(rc, err);
		goto out;
	}
	policy_scope_worker(&sc, w, app_now_ms(app));
	for (size_t i = 0; i < e->n_sensitive && i < MODEL_MAX_SENSITIVE; i++) {
		memcpy(m->names[i], e->sensitive[i].field, MODEL_CODE_MAX);
		m->given[i] = e->sensitive[i].mask;
		m->f[i].name = m->names[i];
		m->f[i].mask =
		    policy_field_mask(actor, act, &sc, e->sensitive[i].field, e->sensitive[i].mask);
		m->n++;
	}
out:
	free(w);
	free(e);
	return rc;
}

/* The payload of it (loaded) with the masks of m; the result is the worker's own and stays. */
static int apply_masks(struct item_rec *it, const struct item_masks *m, struct buf *err)
{
	char *masked = NULL;
	bool any = false;
	int rc;

	for (size_t i = 0; i < m->n; i++)
		any |= m->f[i].mask != MASK_NONE;
	if (!any || !it->payload)
		return 0;
	rc = mask_payload(it->payload, m->f, m->n, &masked);
	if (rc) {
		/* Fail closed: a payload that cannot be masked is not shown at all. */
		free(it->payload);
		it->payload = NULL;
		return buf_error(err, rc == ERR_NOMEM ? ERR_NOMEM : ERR_IO,
				 "the payload could not be masked");
	}
	free(it->payload);
	it->payload = masked;
	return 0;
}

/* The item's payload as actor may see it in a read by act. */
static int mask_item(const struct app *app, const struct actor *actor, struct item_rec *it,
		     enum policy_action act, struct buf *err)
{
	struct item_masks *m = malloc(sizeof(*m));
	int rc;

	if (!m)
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	rc = item_masks(app, actor, it, act, m, err);
	if (!rc)
		rc = apply_masks(it, m, err);
	free(m);
	return rc;
}

/* ================================================================
 * Writes
 * ================================================================ */

int app_item_create(const struct app *app, const struct actor *actor,
		    const struct item_create_in *in, struct cmd *c, struct buf *err)
{
	double prio = in->priority;
	int64_t due = 0;
	int rc;

	(void)app;
	if ((rc = role_may(actor, POL_ITEM_CREATE, err)) ||
	    (rc = id_ok("engagement_id", in->engagement_id, err)) ||
	    (rc = text_ok("external_ref", in->external_ref, MODEL_REF_MAX, err)))
		return rc;
	if (!isnan(prio) && (prio < 1 || prio > 9 || prio != floor(prio)))
		return buf_error(err, ERR_INVALID, "priority must be between 1 and 9");
	if (!in->payload)
		return buf_error(err, ERR_INVALID, "payload is required");
	if (!json_text_is_container(in->payload))
		return buf_error(err, ERR_INVALID, "payload must be a JSON object or array");
	if (in->due_at && clock_parse_rfc3339(in->due_at, &due))
		return buf_error(err, ERR_INVALID,
				 "due_at must be an RFC 3339 time like 2026-01-31T17:00:00Z");
	c->type = CMD_ITEM_CREATE;
	c->actor = actor;
	memset(&c->u.item_create, 0, sizeof(c->u.item_create));
	c->u.item_create.engagement_id = in->engagement_id;
	if (in->external_ref)
		memcpy(c->u.item_create.external_ref, in->external_ref,
		       strlen(in->external_ref) + 1);
	c->u.item_create.priority = isnan(prio) ? 0 : (int)prio;
	c->u.item_create.due_at = due;
	c->u.item_create.payload = in->payload;
	/* checked against the engagement's declared types by the engine (a patch may race) */
	if (in->type && (!in->type[0] || strlen(in->type) >= MODEL_ITEM_TYPE_MAX))
		return buf_error(err, ERR_INVALID, "type must be 1..%d bytes",
				 MODEL_ITEM_TYPE_MAX - 1);
	if (in->type)
		memcpy(c->u.item_create.type, in->type, strlen(in->type) + 1);
	return 0;
}

/* What each transition asks of its input. */
struct op_rule {
	enum cmd_type type;
	enum policy_action act;
	bool epoch, result; /* submit */
	bool reason, reason_required;
};

static int item_op(const struct actor *actor, const struct op_rule *o, const struct item_op_in *in,
		   struct cmd *c, struct buf *err)
{
	const char *reason = o->reason ? in->reason : NULL;
	int rc;

	if ((rc = role_may(actor, o->act, err)) || (rc = id_ok("item id", in->item_id, err)))
		return rc;
	if (o->epoch && (rc = id_ok("epoch", in->epoch, err)))
		return rc;
	if (o->result && !in->result)
		return buf_error(err, ERR_INVALID, "result is required");
	if (o->reason_required && (!reason || !*reason))
		return buf_error(err, ERR_INVALID, "reason is required");
	if (reason && strlen(reason) > ITEM_REASON_MAX)
		return buf_error(err, ERR_INVALID, "reason is longer than %d bytes",
				 ITEM_REASON_MAX);
	c->type = o->type;
	c->actor = actor;
	memset(&c->u.op, 0, sizeof(c->u.op));
	c->u.op.item_id = in->item_id;
	c->u.op.epoch = o->epoch ? in->epoch : 0;
	c->u.op.result_json = o->result ? in->result : NULL;
	c->u.op.reason = reason;
	if (o->type == CMD_ITEM_REWORK) {
		char field[MODEL_CODE_MAX];

		if (in->field && *in->field &&
		    (rc = app_in_code("field", in->field, field, sizeof(field), true, err)))
			return rc;
		c->u.op.defect = in->defect && *in->defect ? in->defect : NULL;
		c->u.op.field = in->field && *in->field ? in->field : NULL;
	}
	return 0;
}

/* One use case per verb; the engine asks the policy with the item's live scope. */
#define ITEM_OP(VERB, ...)                                                                         \
	int app_item_##VERB(const struct app *app, const struct actor *actor,                      \
			    const struct item_op_in *in, struct cmd *c, struct buf *err)           \
	{                                                                                          \
		static const struct op_rule o = {__VA_ARGS__};                                     \
                                                                                                   \
		(void)app;                                                                         \
		return item_op(actor, &o, in, c, err);                                             \
	}

ITEM_OP(submit, .type = CMD_ITEM_SUBMIT, .act = POL_ITEM_SUBMIT, .epoch = true, .result = true)
ITEM_OP(review, .type = CMD_ITEM_REVIEW, .act = POL_ITEM_REVIEW, .reason = true)
ITEM_OP(accept, .type = CMD_ITEM_ACCEPT, .act = POL_ITEM_REVIEW, .reason = true)
ITEM_OP(rework, .type = CMD_ITEM_REWORK, .act = POL_ITEM_REVIEW, .reason = true,
	.reason_required = true)
ITEM_OP(cancel, .type = CMD_ITEM_CANCEL, .act = POL_ITEM_CANCEL, .reason = true)
ITEM_OP(fail, .type = CMD_ITEM_FAIL, .act = POL_ITEM_FAIL, .reason = true, .reason_required = true)
ITEM_OP(renew, .type = CMD_ITEM_RENEW, .act = POL_ITEM_RENEW, .epoch = true)

#undef ITEM_OP

int app_work_next(const struct app *app, const struct actor *actor, int64_t worker_id,
		  struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = role_may(actor, POL_WORK_NEXT, err)))
		return rc;
	if (actor->role == ROLE_WORKER) {
		struct policy_scope sc = { .worker_id = worker_id ? worker_id : actor->worker_id };

		if (!actor->worker_id)
			return buf_error(err, ERR_NOTFOUND, "this user has no worker record");
		/* A worker takes work for itself only: another worker is hidden (404). */
		if ((rc = policy_require(actor, POL_WORK_NEXT, &sc)))
			return buf_error(err, rc, "no worker %lld", (long long)sc.worker_id);
		worker_id = 0; /* the engine takes the actor's own */
	} else if ((rc = id_ok("worker_id", worker_id, err))) {
		return rc;
	}
	c->type = CMD_ITEM_NEXT;
	c->actor = actor;
	memset(&c->u.op, 0, sizeof(c->u.op));
	c->u.op.worker_id = worker_id;
	return 0;
}

int app_item_purge(const struct app *app, const struct actor *actor, bool dry_run, struct cmd *c,
		   struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = role_may(actor, POL_ITEM_PURGE, err)))
		return rc;
	c->type = CMD_ITEM_PURGE;
	c->actor = actor;
	memset(&c->u.purge, 0, sizeof(c->u.purge));
	c->u.purge.dry_run = dry_run;
	return 0;
}

int app_work_next_item(const struct app *app, const struct actor *actor,
		       const struct work_lease *lease, struct item_rec *out, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (lease->written) {
		/* The strings move: the engine's copy is released empty. */
		*out = *lease->written;
		lease->written->payload = lease->written->result = NULL;
	} else if ((rc = store_item_get(app->store, lease->item_id, true, out))) {
		return store_fail(rc, err);
	}
	/* An epoch is one lease: another epoch is a later lease, someone else's. */
	if (out->epoch != lease->epoch ||
	    (out->state == ITEM_ASSIGNED && out->worker_id != lease->worker_id)) {
		item_rec_release(out);
		return buf_error(err, ERR_STALE,
				 "the lease on item %lld ran out and the item was leased again "
				 "before it could be read; ask for work again",
				 (long long)lease->item_id);
	}
	/* The engine's answer: leased, as granted (it may have expired since). */
	out->state = ITEM_ASSIGNED;
	out->worker_id = lease->worker_id;
	if (lease->lease_expires)
		out->lease_expires = lease->lease_expires;
	if (lease->lease_started)
		out->lease_started = lease->lease_started;
	sc = item_scope(out); /* the lease the engine just granted */
	if ((rc = policy_require(actor, POL_ITEM_READ, &sc))) {
		item_rec_release(out);
		return store_fail(rc, err);
	}
	if (!policy_sees_payload(actor, &sc)) {
		free(out->payload);
		free(out->result);
		out->payload = out->result = NULL;
		return 0;
	}
	return mask_item(app, actor, out, POL_ITEM_PAYLOAD, err);
}

int app_item_review_read(const struct app *app, const struct actor *actor, int64_t item_id,
			 int64_t reviewer_id, struct item_rec *out, struct buf *err)
{
	struct policy_scope sc;
	enum item_state st;
	int64_t worker;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_item_get(app->store, item_id, true, out)))
		return store_fail(rc, err);
	/* The policy is asked as for the holder of a lease; the item is answered as it is. */
	st = out->state;
	worker = out->worker_id;
	out->state = ITEM_ASSIGNED;
	out->worker_id = reviewer_id;
	sc = item_scope(out);
	if ((rc = policy_require(actor, POL_ITEM_READ, &sc))) {
		rc = store_fail(rc, err);
	} else if (!policy_sees_payload(actor, &sc)) {
		free(out->payload);
		free(out->result);
		out->payload = out->result = NULL;
	} else {
		rc = mask_item(app, actor, out, POL_ITEM_PAYLOAD, err);
	}
	out->state = st;
	out->worker_id = worker;
	if (rc)
		item_rec_release(out);
	return rc;
}

/* ================================================================
 * Reads
 * ================================================================ */

void item_read_release(struct item_read *rd)
{
	item_rec_release(&rd->item);
	rd->with_payload = false;
	rd->unmask = false;
}

int app_item_get_begin(const struct app *app, const struct actor *actor, int64_t id,
		       struct item_read *rd, struct cmd *audit, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	rd->with_payload = false;
	if ((rc = role_may(actor, POL_ITEM_READ, err)) ||
	    (rc = read_scoped(app, actor, id, false, &rd->item, err)))
		return rc;
	sc = item_scope(&rd->item);
	rd->with_payload = policy_sees_payload(actor, &sc);
	if (!rd->with_payload)
		return 0;
	audit->type = CMD_AUDIT;
	audit->actor = actor;
	memset(&audit->u.audit, 0, sizeof(audit->u.audit));
	memcpy(audit->u.audit.action, "item.read", sizeof("item.read"));
	memcpy(audit->u.audit.record_type, "item", sizeof("item"));
	audit->u.audit.record_id = id;
	audit->u.audit.client_id = rd->item.client_id;
	return 0;
}

int app_item_get_end(const struct app *app, const struct actor *actor, int audit_rc,
		     struct item_read *rd, struct buf *err)
{
	int64_t id = rd->item.id;
	int rc;

	if (!rd->with_payload)
		return 0;
	if (audit_rc)
		return buf_error(err, audit_rc == ERR_SHUTDOWN ? ERR_SHUTDOWN : ERR_BUSY,
				 "the read could not be recorded in the audit trail; retry");
	item_rec_release(&rd->item);
	if ((rc = read_scoped(app, actor, id, true, &rd->item, err)))
		return rc;
	if (rd->unmask) {
		/* The lease or the client may have moved since step 1: asked again. */
		struct policy_scope sc = item_scope(&rd->item);

		if ((rc = policy_require(actor, POL_ITEM_UNMASK, &sc)))
			return store_fail(rc, err);
	}
	return mask_item(app, actor, &rd->item, rd->unmask ? POL_ITEM_UNMASK : POL_ITEM_PAYLOAD,
			 err);
}

int app_item_unmask_begin(const struct app *app, const struct actor *actor, int64_t id,
			  struct item_read *rd, struct cmd *audit, struct buf *err)
{
	const char *revealed[MODEL_MAX_SENSITIVE];
	struct item_masks *plain = NULL, *clear = NULL;
	struct policy_scope sc;
	size_t n = 0;
	int rc;

	rd->with_payload = false;
	rd->unmask = true;
	if ((rc = role_may(actor, POL_ITEM_UNMASK, err)) ||
	    (rc = read_scoped(app, actor, id, false, &rd->item, err)))
		return rc;
	sc = item_scope(&rd->item);
	if ((rc = policy_require(actor, POL_ITEM_UNMASK, &sc)))
		return store_fail(rc, err);
	plain = malloc(sizeof(*plain));
	clear = malloc(sizeof(*clear));
	if (!plain || !clear) {
		rc = buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
		goto out;
	}
	/* Revealed: the fields an ordinary read by this actor would have masked. */
	if ((rc = item_masks(app, actor, &rd->item, POL_ITEM_PAYLOAD, plain, err)) ||
	    (rc = item_masks(app, actor, &rd->item, POL_ITEM_UNMASK, clear, err)))
		goto out;
	for (size_t i = 0; i < plain->n && i < clear->n; i++)
		if (plain->f[i].mask != MASK_NONE && clear->f[i].mask == MASK_NONE)
			revealed[n++] = plain->names[i];
	rd->with_payload = true;
	audit->type = CMD_AUDIT;
	audit->actor = actor;
	memset(&audit->u.audit, 0, sizeof(audit->u.audit));
	memcpy(audit->u.audit.action, "item.unmask", sizeof("item.unmask"));
	memcpy(audit->u.audit.record_type, "item", sizeof("item"));
	audit->u.audit.record_id = id;
	audit->u.audit.client_id = rd->item.client_id;
	if ((rc = mask_fields_detail(revealed, n, audit->u.audit.detail,
				     sizeof(audit->u.audit.detail))))
		rc = buf_error(err, rc, "%s", err_message(rc));
out:
	free(plain);
	free(clear);
	return rc;
}

int app_item_get(const struct app *app, const struct actor *actor, int64_t id, struct item_read *rd,
		 struct buf *err)
{
	struct cmd *audit = calloc(1, sizeof(*audit));
	int rc;

	memset(rd, 0, sizeof(*rd));
	if (!audit)
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	rc = app_item_get_begin(app, actor, id, rd, audit, err);
	if (!rc && rd->with_payload)
		rc = app_item_get_end(app, actor, app_call(app, audit), rd, err);
	cmd_release(audit);
	free(audit);
	return rc;
}

/* An optional RFC 3339 filter into ms (0: not given; a time at the epoch is 1 ms later). */
static int time_filter(const char *field, const char *v, int64_t *out, struct buf *err)
{
	*out = 0;
	if (!v)
		return 0;
	if (clock_parse_rfc3339(v, out))
		return buf_error(err, ERR_INVALID,
				 "%s must be an RFC 3339 time like 2026-01-31T17:00:00Z", field);
	if (*out <= 0)
		*out = 1;
	return 0;
}

/* The searches of a list, checked, into f. */
static int item_filter(const struct app *app, const struct item_list_in *in,
		       struct store_item_filter *f, struct buf *err)
{
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = time_filter("due_before", in->due_before, &f->due_before, err)) ||
	    (rc = time_filter("due_after", in->due_after, &f->due_after, err)) ||
	    (rc = time_filter("created_before", in->created_before, &f->created_before, err)) ||
	    (rc = time_filter("created_after", in->created_after, &f->created_after, err)) ||
	    (rc = text_ok("external_ref", in->external_ref, MODEL_REF_MAX, err)) ||
	    (rc = text_ok("ref_contains", in->ref_contains, MODEL_REF_MAX, err)))
		return rc;
	if (in->worker_id < 0)
		return id_ok("worker_id", in->worker_id, err);
	f->late_at = in->late ? app_now_ms(app) : 0;
	f->external_ref = in->external_ref;
	f->ref_contains = in->ref_contains;
	return 0;
}

int app_item_list(const struct app *app, const struct actor *actor, const struct item_list_in *in,
		  store_item_cb cb, void *ctx, int64_t *next_after, struct buf *err)
{
	struct store_page pg = {.after = in->page.after, .limit = in->page.limit};
	struct store_item_filter f;
	int64_t client_id, worker_id;
	enum item_state st;
	int rc;

	*next_after = 0;
	if ((rc = role_may(actor, POL_ITEM_READ, err)))
		return rc;
	if (in->state) {
		if (item_state_parse(in->state, &st))
			return buf_error(err, ERR_INVALID,
					 "state must be queued, assigned, submitted, in_review, "
					 "done, cancelled or failed");
		pg.state = (int)st + 1;
	}
	if (pg.limit < 1 || pg.limit > STORE_PAGE_MAX)
		return buf_error(err, ERR_INVALID, "limit must be between 1 and %d",
				 STORE_PAGE_MAX);
	if ((rc = item_filter(app, in, &f, err)))
		return rc;
	rc = policy_list_filter(actor, POL_ITEM_READ, &client_id, &worker_id);
	if (rc == ERR_NOTFOUND)
		return 0; /* an actor without its record sees nothing: worker_id 0 is no filter */
	if (rc)
		return store_fail(rc, err);
	/* A client naming another client sees nothing, as if it had none. */
	if (client_id && in->client_id && in->client_id != client_id)
		return 0;
	/* A worker naming another worker sees nothing: its list is its own leases. */
	if (worker_id && in->worker_id && in->worker_id != worker_id)
		return 0;
	/*
	 * Its leases only, as item.read allows one by one: an item keeps the worker_id
	 * of its last lease after the submit, and a list by worker_id alone would show
	 * the worker what it handed in, even of a client it is no longer cleared for.
	 */
	if (worker_id) {
		if (pg.state && pg.state != (int)ITEM_ASSIGNED + 1)
			return 0;
		pg.state = (int)ITEM_ASSIGNED + 1;
	}
	pg.client_id = client_id ? client_id : in->client_id;
	pg.worker_id = worker_id ? worker_id : in->worker_id;
	pg.engagement_id = in->engagement_id;
	/* A worker's own leases include gold instances, as its work.next gave them. */
	pg.with_gold = worker_id != 0;
	if ((rc = store_item_find(app->store, &pg, &f, cb, ctx, next_after)))
		return store_fail(rc, err);
	return 0;
}

int app_item_history(const struct app *app, const struct actor *actor, int64_t id,
		     store_event_cb cb, void *ctx, struct buf *err)
{
	struct item_rec it;
	int rc;

	if ((rc = role_may(actor, POL_ITEM_READ, err)))
		return rc;
	rc = read_scoped(app, actor, id, false, &it, err);
	item_rec_release(&it);
	if (rc)
		return rc;
	if ((rc = store_item_history(app->store, id, cb, ctx)))
		return store_fail(rc, err);
	return 0;
}

/*
 * An export's read of one item (app/exports.c): step 3 of an item read
 * without its own audit event, because the export recorded the whole read
 * first (item.export). The same scope, payload rule and masks as a GET.
 */
int app_item_export_read(const struct app *app, const struct actor *actor, int64_t id,
			 struct item_rec *out, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	if ((rc = read_scoped(app, actor, id, true, out, err)))
		return rc;
	sc = item_scope(out);
	if (!policy_sees_payload(actor, &sc))
		return store_fail(ERR_NOTFOUND, err);
	return mask_item(app, actor, out, POL_ITEM_PAYLOAD, err);
}
