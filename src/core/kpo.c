/* kpo.c - the review chain of a KPO deliverable: who may take which step, in which order. */
#include "core/kpo.h"

#include <stdlib.h>

#include "util/err.h"

static const char *const step_names[KPO_STEP__COUNT] = {
    [KPO_STEP_NONE] = "",
    [KPO_STEP_SUBMITTED] = "submitted",
    [KPO_STEP_SENIOR_APPROVED] = "senior_approved",
    [KPO_STEP_SENIOR_RETURNED] = "senior_returned",
    [KPO_STEP_CLIENT_APPROVED] = "client_approved",
    [KPO_STEP_CLIENT_RETURNED] = "client_returned",
};

const char *kpo_step_name(enum kpo_step s)
{
	return (unsigned)s < KPO_STEP__COUNT ? step_names[s] : "";
}

enum kpo_party kpo_party_of(enum role r, bool has_review_skill)
{
	switch (r) {
	case ROLE_ADMIN:
	case ROLE_MANAGER: return KPO_STAFF;
	case ROLE_CLIENT: return KPO_CLIENT;
	case ROLE_WORKER: return has_review_skill ? KPO_REVIEWER : KPO_OTHER;
	default: return KPO_OTHER;
	}
}

static bool senior(enum kpo_party p)
{
	return p == KPO_STAFF || p == KPO_REVIEWER;
}

/* The analyst reviewing its own work, by its user or its worker record. */
static bool own_work(const struct kpo_ask *a)
{
	return (a->actor_user_id && a->actor_user_id == a->analyst_user_id) ||
	       (a->actor_worker_id && a->actor_worker_id == a->analyst_worker_id);
}

static int refuse(int rc, const char **why, const char *text)
{
	*why = text;
	return rc;
}

int kpo_chain_check(const struct kpo_ask *a, const char **why)
{
	*why = NULL;
	if (a->act != ACT_REVIEW && a->act != ACT_ACCEPT && a->act != ACT_REWORK)
		return 0;
	if (a->from == ITEM_SUBMITTED) {
		if (a->party == KPO_CLIENT)
			return refuse(ERR_CONFLICT, why,
				      "the senior review comes first: a KPO deliverable reaches the "
				      "client once a senior reviewer approved it (in_review)");
		if (!senior(a->party))
			return refuse(ERR_FORBIDDEN, why,
				      "only a senior reviewer (staff, or a worker with the "
				      "engagement's review skill) reviews a KPO deliverable");
		if (own_work(a))
			return refuse(ERR_FORBIDDEN, why,
				      "the senior reviewer may not be the analyst who submitted");
		if (a->act == ACT_ACCEPT)
			return refuse(ERR_CONFLICT, why,
				      "a KPO deliverable is approved by the senior reviewer (review) "
				      "and then by the client (accept), not accepted at once");
		return 0;
	}
	if (a->from == ITEM_IN_REVIEW) {
		if (a->act == ACT_ACCEPT && a->party != KPO_CLIENT)
			return refuse(ERR_FORBIDDEN, why,
				      "the client's user approves a KPO deliverable; the senior "
				      "reviewer may still return it (rework)");
		if (a->act == ACT_REWORK && a->party != KPO_CLIENT && !senior(a->party))
			return refuse(ERR_FORBIDDEN, why,
				      "only the client or a senior reviewer returns a KPO deliverable");
		if (a->act == ACT_REWORK && a->party != KPO_CLIENT && own_work(a))
			return refuse(ERR_FORBIDDEN, why,
				      "the senior reviewer may not be the analyst who submitted");
		return 0;
	}
	/* Any other state: the state machine refuses it (409 with the state). */
	return 0;
}

enum kpo_step kpo_step_of(enum item_action act, enum item_state from, enum kpo_party party)
{
	switch (act) {
	case ACT_SUBMIT: return KPO_STEP_SUBMITTED;
	case ACT_REVIEW: return from == ITEM_SUBMITTED ? KPO_STEP_SENIOR_APPROVED : KPO_STEP_NONE;
	case ACT_ACCEPT: return KPO_STEP_CLIENT_APPROVED;
	case ACT_REWORK:
		return party == KPO_CLIENT ? KPO_STEP_CLIENT_RETURNED : KPO_STEP_SENIOR_RETURNED;
	default: return KPO_STEP_NONE;
	}
}

void milestone_rec_release(struct milestone_rec *m)
{
	free(m->title);
	free(m->deliverable);
	m->title = m->deliverable = NULL;
}
