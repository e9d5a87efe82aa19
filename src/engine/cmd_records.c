/* cmd_records.c - commands on records: clients, services, engagements, users, tokens, workers,
 * audit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "sec/auth.h"
#include "util/err.h"

/*
 * The answer to a record's insert: ERR_EXISTS (its unique key is taken) is
 * refused as "a <what> '<key>' exists"; any other rc is returned as it is.
 */
static int inserted(struct cmd *c, int rc, const char *what, const char *key)
{
	return rc == ERR_EXISTS ? engine__fail(c, rc, "a %s '%s' exists", what, key) : rc;
}

/*
 * The end of the create of a record that lives in memory: rc is its insert's
 * answer. Once the command is done, live (malloc'd, its rec filled) goes
 * into map; a map that cannot take it makes the engine reload its state.
 * Otherwise live is freed.
 */
static int created_live(struct engine *e, struct cmd *c, int rc, struct idmap *map, void *live,
			const char *action, const char *rtype, int64_t id, int64_t client_id,
			int64_t now)
{
	if (!rc)
		rc = engine__record_done(e, c, CMD_OUT_CREATED, action, rtype, id, client_id, now);
	if (rc) {
		free(live);
		return rc;
	}
	if (idmap_put(map, id, live)) {
		free(live);
		e->st.need_reload = 1;
	}
	return 0;
}

/* client.create: admin */
int engine__client_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_client *lc = malloc(sizeof(*lc));
	struct client_rec *r;
	int rc;

	if (!lc)
		return ERR_NOMEM;
	r = &lc->rec;
	*r = c->u.client;
	r->created_at = now;
	r->active = true;
	rc = inserted(c, store_client_insert(e->store, r), "client with code", r->code);
	return created_live(e, c, rc, &e->st.clients, lc, "client.create", "client", r->id, r->id,
			    now);
}

/* service.create: admin */
int engine__service_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_service *ls = malloc(sizeof(*ls));
	int rc;

	if (!ls)
		return ERR_NOMEM;
	ls->rec = c->u.service;
	ls->rec.created_at = now;
	rc = inserted(c, store_service_insert(e->store, &ls->rec), "service with code",
		      ls->rec.code);
	return created_live(e, c, rc, &e->st.services, ls, "service.create", "service",
			    ls->rec.id, 0, now);
}

/* engagement.create: staff */
int engine__engagement_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct live_service *ls;
	int rc;

	if (!idmap_get(&e->st.clients, c->u.engagement.client_id))
		return engine__fail(c, ERR_NOTFOUND, "no client %lld",
				    (long long)c->u.engagement.client_id);
	ls = idmap_get(&e->st.services, c->u.engagement.service_id);
	if (!ls)
		return engine__fail(c, ERR_NOTFOUND, "no service %lld",
				    (long long)c->u.engagement.service_id);
	le = calloc(1, sizeof(*le));
	if (!le)
		return ERR_NOMEM;
	le->rec = c->u.engagement;
	le->rec.kind = ls->rec.kind;
	le->rec.created_at = now;
	le->rec.active = true;
	if (!le->rec.lease_max_ms)
		le->rec.lease_max_ms = 4 * le->rec.lease_ms;
	rc = store_engagement_insert(e->store, &le->rec);
	if (le->rec.retention_days > 0)
		engine__purge_soon(e);
	return created_live(e, c, rc, &e->st.engagements, le, "engagement.create", "engagement",
			    le->rec.id, le->rec.client_id, now);
}

/* user.create: admin */
int engine__user_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct user_rec r = c->u.user;
	int rc;

	if (r.role == ROLE_CLIENT && !idmap_get(&e->st.clients, r.client_id))
		return engine__fail(c, ERR_NOTFOUND, "no client %lld", (long long)r.client_id);
	if (r.role != ROLE_CLIENT)
		r.client_id = 0;
	r.created_at = now;
	r.active = true;
	rc = inserted(c, store_user_insert(e->store, &r), "user named", r.name);
	if (!rc)
		rc = engine__record_done(e, c, CMD_OUT_CREATED, "user.create", "user", r.id,
					 r.client_id, now);
	return rc;
}

/*
 * token.create: admin. The token text exists only in this result. The
 * user is looked up first, so "no such user" is an answer while any other
 * store error fails the batch like every store error.
 */
int engine__token_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct token_rec t = {0};
	unsigned char hash[32];
	struct user_rec u;
	int rc;

	rc = store_user_rec_get(e->store, c->u.token.user_id, &u);
	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no user %lld", (long long)c->u.token.user_id);
	if (rc)
		return rc;
	auth_token_new(c->result.token, hash);
	t.user_id = u.id;
	t.created_at = now;
	t.expires_at = c->u.token.expires_at;
	memcpy(t.prefix, c->result.token, STORE_TOKEN_PREFIX);
	rc = store_token_insert(e->store, &t, hash);
	if (!rc)
		rc = engine__record_done(e, c, CMD_OUT_CREATED, "token.create", "user", u.id, 0,
					 now);
	if (rc)
		memset(c->result.token, 0, sizeof(c->result.token));
	c->result.token_id = rc ? 0 : t.id;
	return rc;
}

/*
 * token.revoke: the use case asked the policy (admin, or the token's own
 * user). Once the batch is durable the token cache is emptied before anyone
 * is answered (auth_changed), so the token's very next request is refused.
 */
int engine__token_revoke(struct engine *e, struct cmd *c, int64_t now)
{
	int64_t id = c->u.token.token_id;
	int rc = store_token_revoke(e->store, id, now);

	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no token %lld", (long long)id);
	if (rc)
		return rc;
	e->st.auth_changed = 1;
	return engine__record_done(e, c, CMD_OUT_OK, "token.revoke", "token", id, 0, now);
}

/* worker.create: staff. Creates the worker's login user too. */
int engine__worker_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_worker *lw;
	struct user_rec u;
	int rc;

	lw = calloc(1, sizeof(*lw));
	if (!lw)
		return ERR_NOMEM;
	lw->rec = c->u.worker.rec;
	worker_clear_sort(&lw->rec);
	for (size_t i = 0; i < lw->rec.n_clear; i++) {
		if (!idmap_get(&e->st.clients, lw->rec.clear[i])) {
			rc = engine__fail(c, ERR_INVALID, "clearances: no client %lld",
					  (long long)lw->rec.clear[i]);
			goto out;
		}
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "%s", c->u.worker.login);
	u.role = ROLE_WORKER;
	u.created_at = now;
	u.active = true;
	lw->rec.active = true;
	rc = inserted(c, store_user_insert(e->store, &u), "user named", u.name);
	lw->rec.user_id = u.id;
	lw->rec.created_at = now;
	if (!rc)
		rc = store_worker_insert(e->store, &lw->rec);
	return created_live(e, c, rc, &e->st.workers, lw, "worker.create", "worker", lw->rec.id, 0,
			    now);
out:
	free(lw);
	return rc;
}

/* worker.status: staff, or the worker itself */
int engine__worker_status(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_worker *lw = idmap_get(&e->st.workers, c->u.wstatus.worker_id);
	int rc;

	if ((rc = engine__scope_worker_status(c, lw)))
		return rc;
	/* A suspension is staff's: the worker cannot lift it by making itself available. */
	if (!lw->rec.active && c->actor->role == ROLE_WORKER &&
	    c->u.wstatus.status == WORKER_AVAILABLE)
		return engine__fail(c, ERR_CONFLICT,
				    "worker %lld is suspended (deactivated by staff); only staff can "
				    "reactivate it (POST /v1/workers/%lld/activate)",
				    (long long)lw->rec.id, (long long)lw->rec.id);
	rc = store_worker_set_status(e->store, lw->rec.id, c->u.wstatus.status);
	/* release.c: the away reason; offline releases every lease; open offers withdrawn. */
	if (!rc && (rc = engine__states_worker(e, c, lw, now)))
		e->st.need_reload = 1;
	if (!rc)
		rc = engine__record_done(e, c, CMD_OUT_OK, "worker.status", "worker", lw->rec.id, 0,
					 now);
	if (rc)
		return rc;
	lw->rec.status = c->u.wstatus.status;
	return 0;
}

/* audit: a read of client data, made durable before the data is sent */
int engine__audit(struct engine *e, struct cmd *c, int64_t now)
{
	int rc;

	if (c->u.audit.detail[0]) {
		rc = engine__audit_append_detail(e, c, c->u.audit.action, c->u.audit.record_type,
						 c->u.audit.record_id, c->u.audit.client_id,
						 c->u.audit.detail, now);
		return rc ? rc : engine__done(e, c, CMD_OUT_OK, c->u.audit.record_id, now);
	}
	return engine__record_done(e, c, CMD_OUT_OK, c->u.audit.action, c->u.audit.record_type,
				   c->u.audit.record_id, c->u.audit.client_id, now);
}
