/* kpo.h - KPO deliverables: the review chain's rules and a milestone's record, pure. */
#ifndef ALIHDAYA_KPO_H
#define ALIHDAYA_KPO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/item.h"

/*
 * The review chain of an item of a KPO engagement (docs/api.md "KPO
 * deliverables"):
 *
 *   analyst submits        ACT_SUBMIT   assigned  -> submitted
 *   senior approves        ACT_REVIEW   submitted -> in_review
 *   senior returns         ACT_REWORK   submitted -> queued     (comments required)
 *   client approves        ACT_ACCEPT   in_review -> done       (what billing counts)
 *   client returns         ACT_REWORK   in_review -> queued     (comments required)
 *
 * The item state machine (core/item.c) allows more (accept straight from
 * submitted, as BPO work does); for KPO work these rules narrow it. They
 * decide by party and step only: whether the actor may act on the item at
 * all (its client, its role) is the access policy's, asked before.
 */

/* Who takes a step of the chain. */
enum kpo_party {
	KPO_STAFF,    /* an admin or a manager: a senior reviewer */
	KPO_REVIEWER, /* a worker holding the engagement's review skill: a senior reviewer */
	KPO_CLIENT,   /* a user of the item's client */
	KPO_OTHER,    /* anyone else (an auditor, a worker without the skill) */
};

/* A step of the chain, as the history names it ("" for the events outside the chain). */
enum kpo_step {
	KPO_STEP_NONE,
	KPO_STEP_SUBMITTED,
	KPO_STEP_SENIOR_APPROVED,
	KPO_STEP_SENIOR_RETURNED,
	KPO_STEP_CLIENT_APPROVED,
	KPO_STEP_CLIENT_RETURNED,
	KPO_STEP__COUNT
};

/* A decision asked of the chain. Ids are 0 when unknown or none. */
struct kpo_ask {
	enum item_state from; /* the item's state now */
	enum item_action act; /* ACT_REVIEW, ACT_ACCEPT or ACT_REWORK; others are not the chain's */
	enum kpo_party party;
	int64_t actor_user_id, actor_worker_id;
	/* The analyst: the worker whose submit the item holds now, and that worker's user. */
	int64_t analyst_user_id, analyst_worker_id;
};

/*
 * 0 when the chain allows the step; ERR_CONFLICT when it comes out of order
 * (the senior review comes first), ERR_FORBIDDEN when the step is not this
 * party's (the client approves, a senior reviewer may not be the analyst).
 * OUT: *why, a static sentence for the refusal (NULL when allowed).
 */
int kpo_chain_check(const struct kpo_ask *a, const char **why);

/* The step an event of the history is: its action, the state it left and who took it. */
enum kpo_step kpo_step_of(enum item_action act, enum item_state from, enum kpo_party party);
/* "submitted", "senior_approved", ... ("" for KPO_STEP_NONE). */
const char *kpo_step_name(enum kpo_step s);

/* The party of a role (a worker is KPO_REVIEWER only when it holds the review skill). */
enum kpo_party kpo_party_of(enum role r, bool has_review_skill);

/* ---------------------------------------------------------------- milestones */

#define MILESTONE_TITLE_MAX 200 /* bytes of UTF-8 */
#define MILESTONE_TEXT_MAX 8000 /* bytes of a deliverable's text or link */
#define MILESTONES_PER_ITEM 50

/*
 * A milestone of a KPO item: a title, a due time and its deliverable as text
 * or a link (files are the intake's, issue 11). Title and deliverable are
 * client data, sealed at rest; in a walk their texts are valid for the call,
 * a get's are the caller's (milestone_rec_release()).
 */
struct milestone_rec {
	int64_t id;
	int64_t item_id;
	int64_t client_id;
	int64_t engagement_id;
	char *title;
	int64_t due_at;
	char *deliverable; /* NULL: none yet */
	bool submitted;
	int64_t submitted_at, submitted_by; /* 0 while not submitted; submitted_by a user id */
	int64_t created_at, created_by;      /* created_by a user id */
	int64_t updated_at;
};

/* Frees a get's title and deliverable; the record can be reused. */
void milestone_rec_release(struct milestone_rec *m);

#endif
