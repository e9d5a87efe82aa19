/* apply.c - one function per engine command: check, write to the open transaction, then change memory. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "core/route.h"
#include "engine/engine_int.h"
#include "sec/audit.h"
#include "sec/auth.h"
#include "util/err.h"
#include "util/log.h"
#include "wire/wire.h"

/*
 * Every command follows the same order, so that a failure leaves no trace:
 *   1. check against live state (no writes yet);
 *   2. write every effect (record, item event, audit event) to the store;
 *   3. commit_point(): record the idempotent answer;
 *   4. change memory — nothing after this point may fail the command.
 * engine_apply() wraps each command in a savepoint and rolls back to it if
 * any of steps 1-3 fails; the other commands of the batch still commit.
 */

/* ------------------------------------------------------------------ */
/* Recovery: the live state from the store                             */
/* ------------------------------------------------------------------ */

static int load_client(void *ctx, const struct client_rec *c)
{
	struct engine_state *st = ctx;

	return idmap_put(&st->clients, c->id, (void *)1);
}

/* A zeroed value of `size` bytes stored under id. OUT: *out. */
static int put_new(struct idmap *m, int64_t id, size_t size, void **out)
{
	void *v = calloc(1, size);

	if (!v)
		return ERR_NOMEM;
	if (idmap_put(m, id, v)) {
		free(v);
		return ERR_NOMEM;
	}
	*out = v;
	return 0;
}

static int load_service(void *ctx, const struct service_rec *sv)
{
	struct engine_state *st = ctx;
	struct live_service *ls;
	int rc = put_new(&st->services, sv->id, sizeof(*ls), (void **)&ls);

	if (!rc) {
		ls->id = sv->id;
		ls->kind = sv->kind;
	}
	return rc;
}

static int load_engagement(void *ctx, const struct engagement_rec *e)
{
	struct engine_state *st = ctx;
	struct live_engagement *le;
	int rc = put_new(&st->engagements, e->id, sizeof(*le), (void **)&le);

	if (!rc)
		le->rec = *e;
	return rc;
}

static int load_worker(void *ctx, const struct worker_rec *w)
{
	struct engine_state *st = ctx;
	struct live_worker *lw;
	int rc = put_new(&st->workers, w->id, sizeof(*lw), (void **)&lw);

	if (!rc)
		lw->rec = *w;
	return rc;
}

static int load_item(void *ctx, const struct item_rec *r)
{
	struct engine_state *st = ctx;
	struct live_engagement *le = idmap_get(&st->engagements, r->engagement_id);
	struct live_item *it;
	int rc;

	if (!le)
		return ERR_INTERNAL;
	it = calloc(1, sizeof(*it));
	if (!it)
		return ERR_NOMEM;
	it->qe.id = r->id;
	it->qe.priority = r->priority;
	it->qe.due_at = r->due_at;
	it->qe.heap_idx = QUEUE_NOT_QUEUED;
	it->engagement_id = r->engagement_id;
	it->client_id = r->client_id;
	it->created_at = r->created_at;
	it->state = r->state;
	it->worker_id = r->worker_id;
	it->epoch = r->epoch;
	it->lease_expires = r->lease_expires;
	if (r->external_ref[0] && !(it->external_ref = strdup(r->external_ref))) {
		free(it);
		return ERR_NOMEM;
	}
	rc = idmap_put(&st->items, r->id, it);
	if (rc) {
		free(it->external_ref);
		free(it);
		return rc;
	}
	if (it->state == ITEM_QUEUED) {
		st->n_queued++;
		return queue_push(&le->q, &it->qe);
	}
	if (it->state == ITEM_ASSIGNED) {
		struct live_worker *lw = idmap_get(&st->workers, it->worker_id);
		struct lease_deadline d = { it->lease_expires, it->qe.id, it->epoch };

		st->n_assigned++;
		if (lw)
			lw->load++;
		return lease_heap_push(&st->leases, d);
	}
	return 0;
}

int engine_state_load(struct engine_state *st, struct store *s, struct buf *err)
{
	int rc;

	memset(st, 0, sizeof(*st));
	rc = store_load_clients(s, load_client, st);
	if (!rc)
		rc = store_load_services(s, load_service, st);
	if (!rc)
		rc = store_load_engagements(s, load_engagement, st);
	if (!rc)
		rc = store_load_workers(s, load_worker, st);
	if (!rc)
		rc = store_load_open_items(s, load_item, st);
	if (!rc)
		rc = store_audit_tail(s, &st->audit_seq, st->audit_hash);
	if (rc) {
		buf_error(err, rc, "cannot recover live state: %s (%s)", err_message(rc),
			  store_errmsg(s));
		engine_state_release(st);
	}
	return rc;
}

static void free_all(struct idmap *m)
{
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(m, &i, &id, &v);)
		free(v);
	idmap_release(m);
}

void engine_state_release(struct engine_state *st)
{
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(&st->engagements, &i, &id, &v);)
		queue_release(&((struct live_engagement *)v)->q);
	for (size_t i = 0; idmap_next(&st->items, &i, &id, &v);)
		free(((struct live_item *)v)->external_ref);
	idmap_release(&st->clients); /* values are markers, not allocations */
	free_all(&st->services);
	free_all(&st->engagements);
	free_all(&st->workers);
	free_all(&st->items);
	lease_heap_release(&st->leases);
	memset(st, 0, sizeof(*st));
}

/* ------------------------------------------------------------------ */
/* Shared steps                                                        */
/* ------------------------------------------------------------------ */

/* Sets the error detail message and returns rc. */
static int fail(struct cmd *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct cmd *c, int rc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(c->reply);
	c->reply = json_pack("{s:s}", "message", msg);
	return rc;
}

/* A transition refused because of the item's state: 409 with that state. */
static int conflict(struct cmd *c, int rc, enum item_state st, const char *why)
{
	json_decref(c->reply);
	c->reply = json_pack("{s:s,s:s}", "message", why, "state", item_state_name(st));
	return rc;
}

static int audit_append(struct engine *e, const struct cmd *c, const char *action,
			const char *rtype, int64_t rid, int64_t client_id, int64_t now)
{
	struct audit_rec a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.seq = e->st.audit_seq + 1;
	a.at = now;
	a.actor_user_id = c ? c->actor->user_id : 0;
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.record_type, sizeof(a.record_type), "%s", rtype);
	a.record_id = rid;
	a.client_id = client_id;
	memcpy(a.prev_hash, e->st.audit_hash, 32);
	audit_hash(&a, a.hash);
	rc = store_audit_insert(e->store, &a);
	if (rc)
		return rc;
	e->st.audit_seq = a.seq;
	memcpy(e->st.audit_hash, a.hash, 32);
	return 0;
}

static int event_write(struct engine *e, const struct cmd *c, const struct live_item *it,
		       enum item_action act, enum item_state from, enum item_state to,
		       int64_t worker_id, int64_t epoch, const char *detail, int64_t now)
{
	struct event_rec ev;

	memset(&ev, 0, sizeof(ev));
	ev.item_id = it->qe.id;
	ev.at = now;
	snprintf(ev.action, sizeof(ev.action), "%s", item_action_name(act));
	ev.from_state = from;
	ev.to_state = to;
	ev.actor_user_id = c ? c->actor->user_id : 0;
	ev.worker_id = worker_id;
	ev.epoch = epoch;
	ev.detail = (char *)detail;
	return store_event_insert(e->store, &ev);
}

/* The idempotent answer is recorded with the change, in the same savepoint. */
static int commit_point(struct engine *e, struct cmd *c, int64_t now)
{
	struct idem_rec r;
	char *body;
	int rc;

	if (!c->idem_key || c->type == CMD_TOKEN_CREATE)
		return 0;
	memset(&r, 0, sizeof(r));
	r.user_id = c->actor->user_id;
	snprintf(r.key, sizeof(r.key), "%s", c->idem_key);
	memcpy(r.request_hash, c->req_hash, 32);
	r.status = c->status;
	body = c->reply ? json_dumps(c->reply, JSON_COMPACT) : strdup("null");
	if (!body)
		return ERR_NOMEM;
	r.body = body;
	r.created_at = now;
	rc = store_idem_put(e->store, &r);
	free(body);
	return rc;
}

static int reply_id(struct cmd *c, int status, int64_t id)
{
	c->status = status;
	c->reply = json_pack("{s:I}", "id", (json_int_t)id);
	return c->reply ? 0 : ERR_NOMEM;
}

/*
 * Item commands answer with the item as it is after the command (without
 * payload and result), in the one wire shape of wire/wire.c, so the
 * HTTP layer need not read it back.
 */
static int reply_item(struct cmd *c, int status, const struct live_item *it, enum item_state to,
		      int64_t worker_id, int64_t epoch, int64_t lease_expires)
{
	struct item_rec r;

	memset(&r, 0, sizeof(r));
	r.id = it->qe.id;
	r.engagement_id = it->engagement_id;
	r.client_id = it->client_id;
	if (it->external_ref)
		snprintf(r.external_ref, sizeof(r.external_ref), "%s", it->external_ref);
	r.priority = it->qe.priority;
	r.created_at = it->created_at;
	r.due_at = it->qe.due_at;
	r.state = to;
	r.worker_id = worker_id;
	r.epoch = epoch;
	r.lease_expires = lease_expires;
	c->status = status;
	c->reply = wire_item(&r, false);
	return c->reply ? 0 : ERR_NOMEM;
}

/* Write the item's new lease/state fields. */
static int item_write(struct engine *e, const struct live_item *it, enum item_state to,
		      int64_t worker_id, int64_t epoch, int64_t lease_expires, const char *result)
{
	struct item_rec r;

	memset(&r, 0, sizeof(r));
	r.id = it->qe.id;
	r.engagement_id = it->engagement_id;
	r.client_id = it->client_id;
	r.priority = it->qe.priority;
	r.created_at = it->created_at;
	r.due_at = it->qe.due_at;
	r.state = to;
	r.worker_id = worker_id;
	r.epoch = epoch;
	r.lease_expires = lease_expires;
	r.result = (char *)result;
	return store_item_update(e->store, &r);
}

static void set_state(struct engine_state *st, struct live_item *it, enum item_state to)
{
	if (it->state == ITEM_QUEUED)
		st->n_queued--;
	if (it->state == ITEM_ASSIGNED)
		st->n_assigned--;
	if (to == ITEM_QUEUED)
		st->n_queued++;
	if (to == ITEM_ASSIGNED)
		st->n_assigned++;
	it->state = to;
}

static void release_lease(struct engine_state *st, struct live_item *it)
{
	struct live_worker *lw = idmap_get(&st->workers, it->worker_id);

	if (lw && lw->load > 0)
		lw->load--;
	it->lease_expires = 0;
}

static void requeue(struct engine_state *st, struct live_item *it)
{
	struct live_engagement *le = idmap_get(&st->engagements, it->engagement_id);

	if (!le || queue_push(&le->q, &it->qe))
		st->need_reload = 1;
}

static void drop_item(struct engine_state *st, struct live_item *it)
{
	idmap_del(&st->items, it->qe.id);
	free(it->external_ref);
	free(it);
}

/* ------------------------------------------------------------------ */
/* Lease expiry                                                        */
/* ------------------------------------------------------------------ */

int64_t engine_next_deadline(const struct engine *e)
{
	const struct lease_deadline *d = lease_heap_peek(&e->st.leases);

	return d ? d->expires : INT64_MAX;
}

int engine_expire_leases(struct engine *e, int64_t now)
{
	const struct lease_deadline *d;
	int rc;

	while ((d = lease_heap_peek(&e->st.leases)) && d->expires <= now) {
		struct live_item *it = idmap_get(&e->st.items, d->item_id);

		if (!it || it->state != ITEM_ASSIGNED || it->epoch != d->epoch) {
			lease_heap_pop(&e->st.leases); /* ended early: submitted, cancelled */
			continue;
		}
		rc = item_write(e, it, ITEM_QUEUED, 0, it->epoch, 0, NULL);
		if (!rc)
			rc = event_write(e, NULL, it, ACT_EXPIRE, ITEM_ASSIGNED, ITEM_QUEUED,
					 it->worker_id, it->epoch, NULL, now);
		if (!rc)
			rc = audit_append(e, NULL, "item.expire", "item", it->qe.id, it->client_id,
					  now);
		if (rc)
			return rc;
		lease_heap_pop(&e->st.leases);
		release_lease(&e->st, it);
		it->worker_id = 0;
		set_state(&e->st, it, ITEM_QUEUED);
		requeue(&e->st, it);
		e->st.leases_expired++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Catalogue and people                                                */
/* ------------------------------------------------------------------ */

/* client.create: admin */
static int apply_client_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct client_rec r = c->u.client;
	int rc;

	r.created_at = now;
	rc = store_client_insert(e->store, &r);
	if (rc == ERR_EXISTS)
		return fail(c, rc, "a client with code '%s' exists", r.code);
	if (!rc)
		rc = audit_append(e, c, "client.create", "client", r.id, r.id, now);
	if (!rc)
		rc = reply_id(c, 201, r.id);
	if (!rc)
		rc = commit_point(e, c, now);
	if (rc)
		return rc;
	if (idmap_put(&e->st.clients, r.id, (void *)1))
		e->st.need_reload = 1;
	return 0;
}

/* service.create: admin */
static int apply_service_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct service_rec r = c->u.service;
	struct live_service *ls = malloc(sizeof(*ls));
	int rc;

	if (!ls)
		return ERR_NOMEM;
	r.created_at = now;
	rc = store_service_insert(e->store, &r);
	if (rc == ERR_EXISTS)
		rc = fail(c, rc, "a service with code '%s' exists", r.code);
	if (!rc)
		rc = audit_append(e, c, "service.create", "service", r.id, 0, now);
	if (!rc)
		rc = reply_id(c, 201, r.id);
	if (!rc)
		rc = commit_point(e, c, now);
	if (rc) {
		free(ls);
		return rc;
	}
	ls->id = r.id;
	ls->kind = r.kind;
	if (idmap_put(&e->st.services, r.id, ls)) {
		free(ls);
		e->st.need_reload = 1;
	}
	return 0;
}

/* engagement.create: staff */
static int apply_engagement_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct live_service *ls;
	int rc;

	if (!idmap_get(&e->st.clients, c->u.engagement.client_id))
		return fail(c, ERR_NOTFOUND, "no client %lld",
			    (long long)c->u.engagement.client_id);
	ls = idmap_get(&e->st.services, c->u.engagement.service_id);
	if (!ls)
		return fail(c, ERR_NOTFOUND, "no service %lld",
			    (long long)c->u.engagement.service_id);
	le = calloc(1, sizeof(*le));
	if (!le)
		return ERR_NOMEM;
	le->rec = c->u.engagement;
	le->rec.kind = ls->kind;
	le->rec.created_at = now;
	rc = store_engagement_insert(e->store, &le->rec);
	if (!rc)
		rc = audit_append(e, c, "engagement.create", "engagement", le->rec.id,
				  le->rec.client_id, now);
	if (!rc)
		rc = reply_id(c, 201, le->rec.id);
	if (!rc)
		rc = commit_point(e, c, now);
	if (rc) {
		free(le);
		return rc;
	}
	if (idmap_put(&e->st.engagements, le->rec.id, le)) {
		free(le);
		e->st.need_reload = 1;
	}
	return 0;
}

/* user.create: admin */
static int apply_user_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct user_rec r = c->u.user;
	int rc;

	if (r.role == ROLE_CLIENT && !idmap_get(&e->st.clients, r.client_id))
		return fail(c, ERR_NOTFOUND, "no client %lld", (long long)r.client_id);
	if (r.role != ROLE_CLIENT)
		r.client_id = 0;
	r.created_at = now;
	rc = store_user_insert(e->store, &r);
	if (rc == ERR_EXISTS)
		return fail(c, rc, "a user named '%s' exists", r.name);
	if (!rc)
		rc = audit_append(e, c, "user.create", "user", r.id, r.client_id, now);
	if (!rc)
		rc = reply_id(c, 201, r.id);
	if (!rc)
		rc = commit_point(e, c, now);
	return rc;
}

/* token.create: admin. The token text exists only in this reply. */
static int apply_token_create(struct engine *e, struct cmd *c, int64_t now)
{
	char text[AUTH_TOKEN_TEXT];
	unsigned char hash[32];
	int rc;

	auth_token_new(text, hash);
	rc = store_token_insert(e->store, c->u.token.user_id, hash, now);
	if (rc)
		return fail(c, rc == ERR_IO ? ERR_NOTFOUND : rc, "no user %lld",
			    (long long)c->u.token.user_id);
	rc = audit_append(e, c, "token.create", "user", c->u.token.user_id, 0, now);
	if (rc)
		return rc;
	c->status = 201;
	c->reply = json_pack("{s:s,s:I}", "token", text, "user_id",
			     (json_int_t)c->u.token.user_id);
	return c->reply ? 0 : ERR_NOMEM;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* worker.create: staff. Creates the worker's login user too. */
static int apply_worker_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_worker *lw;
	struct user_rec u;
	size_t n = 0;
	int rc;

	lw = calloc(1, sizeof(*lw));
	if (!lw)
		return ERR_NOMEM;
	lw->rec = c->u.worker.rec;
	qsort(lw->rec.clear, lw->rec.n_clear, sizeof(int64_t), cmp_id);
	for (size_t i = 0; i < lw->rec.n_clear; i++) {
		if (!idmap_get(&e->st.clients, lw->rec.clear[i])) {
			rc = fail(c, ERR_INVALID, "clearances: no client %lld",
				  (long long)lw->rec.clear[i]);
			goto out;
		}
		if (!n || lw->rec.clear[n - 1] != lw->rec.clear[i])
			lw->rec.clear[n++] = lw->rec.clear[i];
	}
	lw->rec.n_clear = n;
	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "%s", c->u.worker.login);
	u.role = ROLE_WORKER;
	u.created_at = now;
	rc = store_user_insert(e->store, &u);
	if (rc == ERR_EXISTS) {
		rc = fail(c, rc, "a user named '%s' exists", u.name);
		goto out;
	}
	lw->rec.user_id = u.id;
	lw->rec.created_at = now;
	if (!rc)
		rc = store_worker_insert(e->store, &lw->rec);
	if (!rc)
		rc = audit_append(e, c, "worker.create", "worker", lw->rec.id, 0, now);
	if (!rc)
		rc = reply_id(c, 201, lw->rec.id);
	if (!rc)
		rc = commit_point(e, c, now);
	if (rc)
		goto out;
	if (idmap_put(&e->st.workers, lw->rec.id, lw)) {
		e->st.need_reload = 1;
		goto out;
	}
	return 0;
out:
	free(lw);
	return rc;
}

/* worker.status: staff, or the worker itself */
static int apply_worker_status(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_worker *lw = idmap_get(&e->st.workers, c->u.wstatus.worker_id);
	int rc;

	if (!lw || (c->actor->role == ROLE_WORKER && c->actor->worker_id != lw->rec.id))
		return fail(c, ERR_NOTFOUND, "no worker %lld", (long long)c->u.wstatus.worker_id);
	rc = store_worker_set_status(e->store, lw->rec.id, c->u.wstatus.status);
	if (!rc)
		rc = audit_append(e, c, "worker.status", "worker", lw->rec.id, 0, now);
	if (!rc)
		rc = reply_id(c, 200, lw->rec.id);
	if (!rc)
		rc = commit_point(e, c, now);
	if (rc)
		return rc;
	lw->rec.status = c->u.wstatus.status;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Items                                                               */
/* ------------------------------------------------------------------ */

/* item.create: staff, client (own engagements) */
static int apply_item_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, c->u.item_create.engagement_id);
	struct live_item *it;
	struct item_rec r;
	int rc;

	if (!le || !auth_client_visible(c->actor, le->rec.client_id))
		return fail(c, ERR_NOTFOUND, "no engagement %lld",
			    (long long)c->u.item_create.engagement_id);
	if (c->actor->role != ROLE_CLIENT && c->actor->role != ROLE_ADMIN &&
	    c->actor->role != ROLE_MANAGER)
		return ERR_FORBIDDEN;
	it = calloc(1, sizeof(*it));
	if (!it)
		return ERR_NOMEM;
	if (c->u.item_create.external_ref[0] &&
	    !(it->external_ref = strdup(c->u.item_create.external_ref))) {
		free(it);
		return ERR_NOMEM;
	}
	memset(&r, 0, sizeof(r));
	r.engagement_id = le->rec.id;
	r.client_id = le->rec.client_id;
	snprintf(r.external_ref, sizeof(r.external_ref), "%s", c->u.item_create.external_ref);
	r.priority = c->u.item_create.priority ? c->u.item_create.priority
					       : le->rec.default_priority;
	r.created_at = now;
	r.due_at = c->u.item_create.due_at ? c->u.item_create.due_at : now + le->rec.sla_ms;
	r.state = ITEM_QUEUED;
	r.payload = (char *)c->u.item_create.payload;
	rc = store_item_insert(e->store, &r);
	if (rc)
		goto out;
	it->qe.id = r.id;
	it->qe.priority = r.priority;
	it->qe.due_at = r.due_at;
	it->qe.heap_idx = QUEUE_NOT_QUEUED;
	it->engagement_id = r.engagement_id;
	it->client_id = r.client_id;
	it->created_at = now;
	it->state = ITEM_QUEUED;
	rc = event_write(e, c, it, ACT_CREATE, (enum item_state)-1, ITEM_QUEUED, 0, 0, NULL, now);
	if (!rc)
		rc = audit_append(e, c, "item.create", "item", r.id, r.client_id, now);
	if (!rc)
		rc = reply_item(c, 201, it, ITEM_QUEUED, 0, 0, 0);
	if (!rc)
		rc = commit_point(e, c, now);
	if (rc)
		goto out;
	if (idmap_put(&e->st.items, it->qe.id, it)) {
		e->st.need_reload = 1;
		goto out;
	}
	e->st.n_queued++;
	requeue(&e->st, it);
	return 0;
out:
	free(it->external_ref);
	free(it);
	return rc;
}

/* work.next: a worker (or staff on a worker's behalf) takes the best eligible item */
static int apply_item_next(struct engine *e, struct cmd *c, int64_t now)
{
	int64_t wid = c->actor->role == ROLE_WORKER ? c->actor->worker_id : c->u.op.worker_id;
	struct live_worker *lw = idmap_get(&e->st.workers, wid);
	struct live_engagement *best_le = NULL;
	struct queue_entry *best = NULL;
	struct live_item *it;
	int64_t id, epoch, expires;
	void *v;
	int rc;

	if (!lw)
		return fail(c, ERR_NOTFOUND, "no worker record for this user");
	if (!route_has_room(&lw->rec, lw->load)) {
		c->status = 204;
		return commit_point(e, c, now);
	}
	for (size_t i = 0; idmap_next(&e->st.engagements, &i, &id, &v);) {
		struct live_engagement *le = v;
		struct queue_entry *head = queue_peek(&le->q);

		if (head && (!best || queue_before(head, best)) && route_qualified(&lw->rec, &le->rec)) {
			best = head;
			best_le = le;
		}
	}
	if (!best) {
		c->status = 204;
		return commit_point(e, c, now);
	}
	it = (struct live_item *)best;
	epoch = it->epoch + 1;
	expires = now + best_le->rec.lease_ms;
	rc = item_write(e, it, ITEM_ASSIGNED, wid, epoch, expires, NULL);
	if (!rc)
		rc = event_write(e, c, it, ACT_ASSIGN, ITEM_QUEUED, ITEM_ASSIGNED, wid, epoch, NULL,
				 now);
	/* The worker receives the payload with the lease: this event is also the read. */
	if (!rc)
		rc = audit_append(e, c, "item.assign", "item", it->qe.id, it->client_id, now);
	if (!rc)
		rc = reply_item(c, 200, it, ITEM_ASSIGNED, wid, epoch, expires);
	if (!rc)
		rc = commit_point(e, c, now);
	if (rc)
		return rc;
	queue_remove(&best_le->q, &it->qe);
	set_state(&e->st, it, ITEM_ASSIGNED);
	it->worker_id = wid;
	it->epoch = epoch;
	it->lease_expires = expires;
	lw->load++;
	if (lease_heap_push(&e->st.leases, (struct lease_deadline){ expires, it->qe.id, epoch }))
		e->st.need_reload = 1;
	return 0;
}

/*
 * The item for a transition, or an error: 404 when the actor may not see it,
 * 409 with its state when it is closed. Workers see items of clients they
 * are cleared for here, so a late submit hears "stale", not "not found".
 */
static int find_open_item(struct engine *e, struct cmd *c, struct live_item **out)
{
	const struct actor *a = c->actor;
	int64_t id = c->u.op.item_id;
	struct live_item *it = idmap_get(&e->st.items, id);
	struct item_rec r;
	int64_t client_id;
	bool visible;
	int rc;

	if (it) {
		client_id = it->client_id;
	} else {
		memset(&r, 0, sizeof(r));
		rc = store_item_state_get(e->store, id, &r);
		item_rec_release(&r);
		if (rc == ERR_NOTFOUND)
			return fail(c, rc, "no item %lld", (long long)id);
		if (rc)
			return rc;
		client_id = r.client_id;
	}
	if (a->role == ROLE_WORKER) {
		struct live_worker *lw = idmap_get(&e->st.workers, a->worker_id);
		visible = lw && route_cleared(&lw->rec, client_id);
	} else {
		visible = auth_client_visible(a, client_id);
	}
	if (!visible)
		return fail(c, ERR_NOTFOUND, "no item %lld", (long long)id);
	if (!it)
		return conflict(c, a->role == ROLE_WORKER ? ERR_STALE : ERR_CONFLICT, r.state,
				"the item is closed");
	*out = it;
	return 0;
}

/* item.submit: the worker holding the lease, with its epoch */
static int apply_item_submit(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_item *it;
	int rc;

	if (c->actor->role != ROLE_WORKER)
		return ERR_FORBIDDEN;
	rc = find_open_item(e, c, &it);
	if (rc)
		return rc;
	if (it->state != ITEM_ASSIGNED || it->worker_id != c->actor->worker_id ||
	    it->epoch != c->u.op.epoch || now >= it->lease_expires)
		return conflict(c, ERR_STALE, it->state,
				"your lease on this item is stale or has expired");
	rc = item_write(e, it, ITEM_SUBMITTED, it->worker_id, it->epoch, 0, c->u.op.result_json);
	if (!rc)
		rc = event_write(e, c, it, ACT_SUBMIT, ITEM_ASSIGNED, ITEM_SUBMITTED, it->worker_id,
				 it->epoch, NULL, now);
	if (!rc)
		rc = audit_append(e, c, "item.submit", "item", it->qe.id, it->client_id, now);
	if (!rc)
		rc = reply_item(c, 200, it, ITEM_SUBMITTED, it->worker_id, it->epoch, 0);
	if (!rc)
		rc = commit_point(e, c, now);
	if (rc)
		return rc;
	release_lease(&e->st, it);
	set_state(&e->st, it, ITEM_SUBMITTED);
	return 0;
}

static char *reason_json(const char *reason)
{
	json_t *o;
	char *s;

	if (!reason || !*reason)
		return NULL;
	o = json_pack("{s:s}", "reason", reason);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

/* item.accept / item.rework: staff; for KPO engagements also the client's users */
static int apply_item_review(struct engine *e, struct cmd *c, int64_t now, enum item_action act)
{
	struct live_engagement *le;
	struct live_item *it;
	enum item_state to;
	char *detail = NULL;
	int rc;

	rc = find_open_item(e, c, &it);
	if (rc)
		return rc;
	le = idmap_get(&e->st.engagements, it->engagement_id);
	if (c->actor->role == ROLE_CLIENT && (!le || le->rec.kind != KIND_KPO))
		return fail(c, ERR_FORBIDDEN,
			    "client approval applies to KPO engagements; a manager reviews BPO work");
	if (c->actor->role == ROLE_WORKER || c->actor->role == ROLE_AUDITOR)
		return ERR_FORBIDDEN;
	if (item_transition(it->state, act, &to))
		return conflict(c, ERR_CONFLICT, it->state,
				act == ACT_ACCEPT ? "only submitted work can be accepted"
						  : "only submitted work can be returned for rework");
	if (act == ACT_REWORK) {
		if (!c->u.op.reason || !*c->u.op.reason)
			return fail(c, ERR_INVALID, "rework needs a reason");
		detail = reason_json(c->u.op.reason);
		if (!detail)
			return ERR_NOMEM;
	}
	rc = item_write(e, it, to, act == ACT_REWORK ? 0 : it->worker_id, it->epoch, 0, NULL);
	if (!rc)
		rc = event_write(e, c, it, act, it->state, to, it->worker_id, it->epoch, detail, now);
	if (!rc)
		rc = audit_append(e, c, act == ACT_ACCEPT ? "item.accept" : "item.rework", "item",
				  it->qe.id, it->client_id, now);
	if (!rc)
		rc = reply_item(c, 200, it, to, act == ACT_REWORK ? 0 : it->worker_id, it->epoch, 0);
	if (!rc)
		rc = commit_point(e, c, now);
	free(detail);
	if (rc)
		return rc;
	if (act == ACT_ACCEPT) {
		set_state(&e->st, it, to);
		drop_item(&e->st, it);
	} else {
		it->worker_id = 0;
		set_state(&e->st, it, to);
		requeue(&e->st, it);
	}
	return 0;
}

/* item.cancel: staff, client (own items) */
static int apply_item_cancel(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct live_item *it;
	enum item_state from;
	char *detail;
	int rc;

	if (c->actor->role == ROLE_WORKER || c->actor->role == ROLE_AUDITOR)
		return ERR_FORBIDDEN;
	rc = find_open_item(e, c, &it);
	if (rc)
		return rc;
	from = it->state;
	detail = reason_json(c->u.op.reason);
	rc = item_write(e, it, ITEM_CANCELLED, it->worker_id, it->epoch, 0, NULL);
	if (!rc)
		rc = event_write(e, c, it, ACT_CANCEL, from, ITEM_CANCELLED, it->worker_id,
				 it->epoch, detail, now);
	if (!rc)
		rc = audit_append(e, c, "item.cancel", "item", it->qe.id, it->client_id, now);
	if (!rc)
		rc = reply_item(c, 200, it, ITEM_CANCELLED, it->worker_id, it->epoch, 0);
	if (!rc)
		rc = commit_point(e, c, now);
	free(detail);
	if (rc)
		return rc;
	if (from == ITEM_QUEUED) {
		le = idmap_get(&e->st.engagements, it->engagement_id);
		if (le)
			queue_remove(&le->q, &it->qe);
	}
	if (from == ITEM_ASSIGNED)
		release_lease(&e->st, it);
	set_state(&e->st, it, ITEM_CANCELLED);
	drop_item(&e->st, it);
	return 0;
}

/* audit: a read of client data, made durable before the data is sent */
static int apply_audit(struct engine *e, struct cmd *c, int64_t now)
{
	c->status = 200;
	return audit_append(e, c, c->u.audit.action, c->u.audit.record_type, c->u.audit.record_id,
			    c->u.audit.client_id, now);
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */
/* ------------------------------------------------------------------ */

static int apply_one(struct engine *e, struct cmd *c, int64_t now)
{
	switch (c->type) {
	case CMD_CLIENT_CREATE: return apply_client_create(e, c, now);
	case CMD_SERVICE_CREATE: return apply_service_create(e, c, now);
	case CMD_ENGAGEMENT_CREATE: return apply_engagement_create(e, c, now);
	case CMD_USER_CREATE: return apply_user_create(e, c, now);
	case CMD_TOKEN_CREATE: return apply_token_create(e, c, now);
	case CMD_WORKER_CREATE: return apply_worker_create(e, c, now);
	case CMD_WORKER_STATUS: return apply_worker_status(e, c, now);
	case CMD_ITEM_CREATE: return apply_item_create(e, c, now);
	case CMD_ITEM_NEXT: return apply_item_next(e, c, now);
	case CMD_ITEM_SUBMIT: return apply_item_submit(e, c, now);
	case CMD_ITEM_ACCEPT: return apply_item_review(e, c, now, ACT_ACCEPT);
	case CMD_ITEM_REWORK: return apply_item_review(e, c, now, ACT_REWORK);
	case CMD_ITEM_CANCEL: return apply_item_cancel(e, c, now);
	case CMD_AUDIT: return apply_audit(e, c, now);
	case CMD__COUNT: break;
	}
	return ERR_INTERNAL;
}

/* Answers from the idempotency record if this key was seen. 1 = answered. */
static int idem_replay(struct engine *e, struct cmd *c, int *rc)
{
	struct idem_rec r;

	if (!c->idem_key || c->type == CMD_TOKEN_CREATE)
		return 0;
	memset(&r, 0, sizeof(r));
	*rc = store_idem_get(e->store, c->actor->user_id, c->idem_key, &r);
	if (*rc == ERR_NOTFOUND) {
		*rc = 0;
		return 0;
	}
	if (*rc)
		return 1;
	if (memcmp(r.request_hash, c->req_hash, 32)) {
		*rc = fail(c, ERR_IDEM, "Idempotency-Key '%s' was used with a different request",
			   c->idem_key);
	} else {
		c->status = r.status;
		c->reply = r.body ? json_loads(r.body, JSON_DECODE_ANY, NULL) : NULL;
		if (r.body && !c->reply) {
			/* Out of memory (we stored valid JSON): fail, never a bodiless 2xx. */
			*rc = ERR_NOMEM;
		} else {
			if (c->reply && json_is_null(c->reply)) {
				json_decref(c->reply);
				c->reply = NULL;
			}
			c->replayed = true;
		}
	}
	free(r.body);
	return 1;
}

void engine_apply(struct engine *e, struct cmd *c, int64_t now)
{
	int64_t seq = e->st.audit_seq;
	unsigned char hash[32];
	int rc;

	memcpy(hash, e->st.audit_hash, 32);
	c->status = 200;
	if (e->st.batch_failed) {
		c->rc = e->st.batch_failed;
		return;
	}
	rc = store_savepoint(e->store);
	if (rc) {
		c->rc = e->st.batch_failed = rc;
		return;
	}
	if (!idem_replay(e, c, &rc))
		rc = apply_one(e, c, now);
	if (rc == ERR_IO || rc == ERR_NOMEM || rc == ERR_BUSY)
		e->st.batch_failed = rc;
	if (rc) {
		if (store_rollback_to(e->store)) {
			e->st.need_reload = 1;
			e->st.batch_failed = ERR_IO;
		}
		e->st.audit_seq = seq;
		memcpy(e->st.audit_hash, hash, 32);
		if (rc == ERR_IO)
			log_error("engine: command %d failed: %s", (int)c->type,
				  store_errmsg(e->store));
	} else if (store_release(e->store)) {
		e->st.need_reload = 1;
		e->st.batch_failed = rc = ERR_IO;
	}
	c->rc = rc;
	if (rc && c->reply && !json_is_object(c->reply)) {
		json_decref(c->reply);
		c->reply = NULL;
	}
}
