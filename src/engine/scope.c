/* scope.c - the engine's questions to the access policy, asked with the scope only live state
 * knows. */
#include "engine/engine_int.h"
#include "sec/policy.h"
#include "util/err.h"

/*
 * The engine decides no access itself: it gathers what only it knows now
 * (an engagement's client and kind, a worker's live clearances, the lease
 * holder) and asks sec/policy.h. These functions are the only place it asks.
 */

/*
 * A record named by id, looked up live (exists), and the policy's verdict
 * on act with its scope: 403, or 404 "no <what> <id>" for one that is
 * missing or hidden from the actor.
 */
static int record_verdict(struct cmd *c, enum policy_action act, const struct policy_scope *sc,
			  bool exists, const char *what, int64_t id)
{
	enum policy_verdict v = policy_check(c->actor, act, sc);

	if (v == POLICY_FORBID)
		return ERR_FORBIDDEN;
	if (!exists || v == POLICY_HIDE)
		return engine__fail(c, ERR_NOTFOUND, "no %s %lld", what, (long long)id);
	return 0;
}

/* item.create: the engagement's client scopes it */
int engine__scope_item_create(struct cmd *c, const struct live_engagement *le)
{
	struct policy_scope sc = {.client_id = le ? le->rec.client_id : 0};

	return record_verdict(c, POL_ITEM_CREATE, &sc, le, "engagement",
			      c->u.item_create.engagement_id);
}

/* worker.status: the worker record scopes it (a worker: itself only) */
int engine__scope_worker_status(struct cmd *c, const struct live_worker *lw)
{
	return record_verdict(c, POL_WORKER_STATUS,
			      &(struct policy_scope){.worker_id = lw ? lw->rec.id : 0}, lw,
			      "worker", c->u.wstatus.worker_id);
}

/*
 * An item transition: the item's client, the engagement's kind and, for a
 * worker, its clearances now (its live record; ascending, as worker records
 * keep them), so a late submit to a cleared client's item hears "stale",
 * not "not found"; and who holds the item's lease now, so a lease held keeps
 * working after staff removed the clearance.
 */
enum policy_verdict engine__scope_item(const struct engine *e, const struct cmd *c,
				       enum policy_action act, int64_t client_id,
				       int64_t engagement_id, int64_t lease_worker_id)
{
	const struct live_engagement *le = idmap_get(&e->st.engagements, engagement_id);
	struct policy_scope sc = {.client_id = client_id,
				  .lease_worker_id = lease_worker_id,
				  .kpo = le && le->rec.kind == KIND_KPO};

	if (c->actor->role == ROLE_WORKER) {
		const struct live_worker *lw = idmap_get(&e->st.workers, c->actor->worker_id);

		/* The clearance as it is at this moment: one that lapsed counts for nothing. */
		if (lw)
			policy_scope_worker(&sc, &lw->rec, engine__now(e));
	}
	return policy_check(c->actor, act, &sc);
}

/* The refusal of a forbidden transition: review says why a client may not approve. */
int engine__scope_forbidden(struct cmd *c, enum policy_action act)
{
	if (act == POL_ITEM_REVIEW && policy_rule_of(c->actor->role, act) == RULE_OWN_KPO)
		return engine__fail(
		    c, ERR_FORBIDDEN,
		    "client approval applies to KPO engagements; a manager reviews BPO work");
	return ERR_FORBIDDEN;
}

/* work.next: the worker it is for (the actor itself, or the one staff name), or 0 */
int engine__scope_next(struct cmd *c, int64_t *worker_id)
{
	struct policy_scope sc = {
		.worker_id = c->actor->role == ROLE_WORKER ? c->actor->worker_id : c->u.op.worker_id
	};
	int rc = policy_require(c->actor, POL_WORK_NEXT, &sc);

	*worker_id = rc ? 0 : sc.worker_id;
	return rc;
}
