/* scope.c - every scope and role check the engine makes, one function per check. */
#include "core/route.h"
#include "engine/engine_int.h"
#include "sec/auth.h"
#include "util/err.h"

/*
 * The engine checks what the route table cannot: which records an actor
 * may touch. These functions are the only place it decides that, so the
 * access policy can replace them here without touching a command.
 */

static bool is_staff(const struct actor *a)
{
	return a->role == ROLE_ADMIN || a->role == ROLE_MANAGER;
}

/* item.create: staff, or a client user for its own client's engagements */
int engine__scope_item_create(struct cmd *c, const struct live_engagement *le)
{
	if (!le || !auth_client_visible(c->actor, le->rec.client_id))
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld",
				    (long long)c->u.item_create.engagement_id);
	if (!is_staff(c->actor) && c->actor->role != ROLE_CLIENT)
		return ERR_FORBIDDEN;
	return 0;
}

/* worker.status: staff, or the worker itself; other workers do not see it */
int engine__scope_worker_status(struct cmd *c, const struct live_worker *lw)
{
	if (!lw || (c->actor->role == ROLE_WORKER && c->actor->worker_id != lw->rec.id))
		return engine__fail(c, ERR_NOTFOUND, "no worker %lld",
				    (long long)c->u.wstatus.worker_id);
	return 0;
}

/*
 * Whether the actor may see an item of this client at all (else 404).
 * Workers see the items of clients they are cleared for here, so a late
 * submit hears "stale", not "not found".
 */
bool engine__scope_item_visible(const struct engine *e, const struct cmd *c, int64_t client_id)
{
	const struct actor *a = c->actor;

	if (a->role == ROLE_WORKER) {
		const struct live_worker *lw = idmap_get(&e->st.workers, a->worker_id);

		return lw && route_cleared(&lw->rec, client_id);
	}
	return auth_client_visible(a, client_id);
}

/* item.submit: workers only (the lease holder is checked with the epoch) */
int engine__scope_submit(struct cmd *c)
{
	return c->actor->role == ROLE_WORKER ? 0 : ERR_FORBIDDEN;
}

/* item.review / accept / rework: staff; for KPO engagements also the client's users */
int engine__scope_review(struct cmd *c, const struct live_engagement *le)
{
	if (c->actor->role == ROLE_CLIENT && (!le || le->rec.kind != KIND_KPO))
		return engine__fail(
		    c, ERR_FORBIDDEN,
		    "client approval applies to KPO engagements; a manager reviews BPO work");
	if (!is_staff(c->actor) && c->actor->role != ROLE_CLIENT)
		return ERR_FORBIDDEN;
	return 0;
}

/* item.cancel: staff, client (own items: visibility is checked first) */
int engine__scope_cancel(struct cmd *c)
{
	return is_staff(c->actor) || c->actor->role == ROLE_CLIENT ? 0 : ERR_FORBIDDEN;
}

/* item.fail: staff only */
int engine__scope_fail(struct cmd *c)
{
	return is_staff(c->actor) ? 0 : ERR_FORBIDDEN;
}

int64_t engine__scope_next_worker(const struct cmd *c)
{
	return c->actor->role == ROLE_WORKER ? c->actor->worker_id : c->u.op.worker_id;
}
