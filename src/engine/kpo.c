/* kpo.c - KPO deliverables in the engine: the review chain's checks and the milestone commands. */
#include <stdio.h>
#include <string.h>

#include "core/kpo.h"
#include "engine/engine_int.h"
#include "util/err.h"

/*
 * The chain (core/kpo.h) narrows the item machine for KPO engagements only:
 * BPO work keeps the rules it had. Who is a senior reviewer and who the
 * client's approver is the access policy's answer (item.senior_review,
 * item.client_approve) with the item's scope; the order of the steps and
 * "not one's own work" are core/kpo.c's.
 *
 * Defect codes on a return are the review flow's (engine/review.c, when an
 * engagement declares codes): its check comes after engine__kpo_check(), with
 * the same item and the rework's reason, so a KPO return names a code exactly
 * as a BPO rejection does. Review sampling asks engine__kpo_engagement(): a
 * KPO deliverable is never accepted by a sampling decision, only by its
 * client (a reviewer's approval of KPO work is the senior review, ACT_REVIEW).
 */

bool engine__kpo_engagement(const struct engine *e, int64_t engagement_id)
{
	const struct live_engagement *le = idmap_get(&e->st.engagements, engagement_id);

	return le && le->rec.kind == KIND_KPO;
}

static bool is_kpo(const struct engine *e, const struct live_item *it)
{
	return engine__kpo_engagement(e, it->engagement_id);
}

/* The actor's party in the chain of this item, as the policy answers. */
static enum kpo_party party_of(const struct engine *e, const struct cmd *c,
			       const struct live_item *it)
{
	struct policy_scope sc = { .client_id = it->client_id, .kpo = true };

	(void)e;
	if (policy_check(c->actor, POL_ITEM_CLIENT_APPROVE, &sc) == POLICY_ALLOW)
		return KPO_CLIENT;
	if (policy_check(c->actor, POL_ITEM_SENIOR_REVIEW, &sc) == POLICY_ALLOW)
		return c->actor->role == ROLE_WORKER ? KPO_REVIEWER : KPO_STAFF;
	return KPO_OTHER;
}

int engine__kpo_check(struct engine *e, struct cmd *c, const struct live_item *it,
		      enum item_action act)
{
	const struct live_worker *analyst;
	struct kpo_ask a;
	const char *why = NULL;
	int rc;

	if ((act != ACT_REVIEW && act != ACT_ACCEPT && act != ACT_REWORK) || !is_kpo(e, it))
		return 0;
	analyst = idmap_get(&e->st.workers, it->worker_id);
	memset(&a, 0, sizeof(a));
	a.from = it->state;
	a.act = act;
	a.party = party_of(e, c, it);
	a.actor_user_id = c->actor->user_id;
	a.actor_worker_id = c->actor->role == ROLE_WORKER ? c->actor->worker_id : 0;
	a.analyst_worker_id = it->worker_id;
	a.analyst_user_id = analyst ? analyst->rec.user_id : 0;
	rc = kpo_chain_check(&a, &why);
	if (rc == ERR_CONFLICT)
		return engine__conflict(c, rc, it->state, why);
	if (rc)
		return engine__fail(c, rc, "%s", why);
	return 0;
}

/* ---------------------------------------------------------------- milestones */

/*
 * The open item a milestone command is about, as find_open_item() in
 * cmd_items.c asks (engine__item_scope: 403, 404 as for a missing item), then
 * 409 for a closed one, 403 when the policy forbids this item (a client on
 * BPO work), 409 for BPO work.
 */
static int milestone_item(struct engine *e, struct cmd *c, enum policy_action act,
			  struct live_item **out)
{
	int64_t id = c->u.milestone.item_id;
	struct live_item *it = NULL;
	enum policy_verdict v;
	enum item_state closed = ITEM_QUEUED; /* set by engine__item_scope on 0 */
	int rc = engine__item_scope(e, c, act, id, &it, &closed, &v);

	if (rc)
		return rc;
	if (!it)
		return engine__conflict(c, ERR_CONFLICT, closed,
					"the item is closed: its milestones stay as they were");
	if (v == POLICY_FORBID || !is_kpo(e, it))
		return engine__fail(c, v == POLICY_FORBID ? ERR_FORBIDDEN : ERR_CONFLICT,
				    "item %lld is BPO work: milestones belong to the items of KPO "
				    "engagements",
				    (long long)id);
	*out = it;
	return 0;
}

/* milestone.create: staff, the item's client users (KPO); at most MILESTONES_PER_ITEM */
int engine__milestone_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_item *it = NULL;
	struct milestone_rec m;
	int64_t n = 0;
	int rc;

	if ((rc = milestone_item(e, c, POL_MILESTONE_CREATE, &it)))
		return rc;
	if ((rc = store_milestone_count(e->store, it->ri.id, &n)))
		return rc;
	if (n >= MILESTONES_PER_ITEM)
		return engine__fail(c, ERR_CONFLICT, "item %lld has %d milestones, the most it may",
				    (long long)it->ri.id, MILESTONES_PER_ITEM);
	memset(&m, 0, sizeof(m));
	m.item_id = it->ri.id;
	m.client_id = it->client_id;
	m.engagement_id = it->engagement_id;
	m.title = c->u.milestone.title;
	m.due_at = c->u.milestone.due_at;
	m.deliverable = c->u.milestone.deliverable[0] ? c->u.milestone.deliverable : NULL;
	m.created_at = m.updated_at = now;
	m.created_by = c->actor->user_id;
	if ((rc = store_milestone_insert(e->store, &m)))
		return rc;
	return engine__record_done(e, c, CMD_OUT_CREATED, "milestone.create", "milestone", m.id,
				   m.client_id, now);
}

/* milestone.update: the analyst holding the item's lease, or staff */
int engine__milestone_update(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_item *it = NULL;
	struct milestone_rec m;
	char detail[96];
	int rc;

	if ((rc = milestone_item(e, c, POL_MILESTONE_UPDATE, &it)))
		return rc;
	rc = store_milestone_state_get(e->store, c->u.milestone.milestone_id, &m);
	if (rc == ERR_NOTFOUND || (!rc && m.item_id != it->ri.id))
		return engine__fail(c, ERR_NOTFOUND, "no milestone %lld of item %lld",
				    (long long)c->u.milestone.milestone_id, (long long)it->ri.id);
	if (rc)
		return rc;
	/* NULL keeps the stored deliverable; "" clears it. */
	m.deliverable = c->u.milestone.has_deliverable ? c->u.milestone.deliverable : NULL;
	if (c->u.milestone.has_submitted) {
		m.submitted = c->u.milestone.submitted;
		m.submitted_at = m.submitted ? now : 0;
		m.submitted_by = m.submitted ? c->actor->user_id : 0;
	}
	m.updated_at = now;
	if ((rc = store_milestone_update(e->store, &m)))
		return rc;
	/* What changed, never the text: the trail holds no client data. */
	snprintf(detail, sizeof(detail), "{\"fields\":[%s%s%s]}",
		 c->u.milestone.has_deliverable ? "\"deliverable\"" : "",
		 c->u.milestone.has_deliverable && c->u.milestone.has_submitted ? "," : "",
		 c->u.milestone.has_submitted ? "\"submitted\"" : "");
	if ((rc = engine__audit_append_detail(e, c, "milestone.update", "milestone", m.id,
					      m.client_id, detail, now)))
		return rc;
	return engine__done(e, c, CMD_OUT_OK, m.id, now);
}
