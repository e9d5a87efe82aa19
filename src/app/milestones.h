/* milestones.h - KPO deliverables as use cases: an item's milestones and its review chain. */
#ifndef ALIHDAYA_APP_MILESTONES_H
#define ALIHDAYA_APP_MILESTONES_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/kpo.h"

/* POST /v1/items/:id/milestones: texts as received (NULL: not given). */
struct milestone_create_in {
	int64_t item_id;
	const char *title;       /* required, 1..MILESTONE_TITLE_MAX bytes */
	const char *due_at;      /* required, RFC 3339 */
	const char *deliverable; /* optional, at most MILESTONE_TEXT_MAX bytes */
};

/* PATCH /v1/items/:id/milestones/:mid: what is given changes, the rest stays. */
struct milestone_update_in {
	int64_t item_id, milestone_id;
	const char *deliverable; /* NULL: not given; "" clears it */
	int submitted;           /* -1: not given, 0 or 1 */
};

/* The command of a milestone's create or update, checked (the engine asks the policy). */
int app_milestone_create(const struct app *app, const struct actor *actor,
			 const struct milestone_create_in *in, struct cmd *c, struct buf *err);
int app_milestone_update(const struct app *app, const struct actor *actor,
			 const struct milestone_update_in *in, struct cmd *c, struct buf *err);

/*
 * An item's milestones to cb, by due time (milestone.read with the item's
 * scope: another client's item is ERR_NOTFOUND, as a missing one). BPO
 * items have none.
 */
int app_milestone_list(const struct app *app, const struct actor *actor, int64_t item_id,
		       store_milestone_cb cb, void *ctx, struct buf *err);

/* One step of an item's review chain, from its history. */
struct kpo_chain_step {
	enum kpo_step step;
	int64_t at;
	int64_t user_id;   /* who took it (0: the system) */
	int64_t worker_id; /* the analyst the event names */
	enum role role;    /* of user_id; ROLE__COUNT when unknown */
	char *detail;      /* the event's detail, a JSON text ({"reason": ...}) or NULL; owned */
};

struct kpo_chain {
	int64_t item_id;
	bool kpo; /* the item's engagement is KPO: the chain applies */
	enum item_state state;
	size_t n, cap;
	struct kpo_chain_step *steps;
	/* The last client approval (accept): what billing counts. 0 while there is none. */
	int64_t approved_at, approved_by;
};

/*
 * The review chain of an item as its history holds it (item.read with the
 * item's scope). OUT: *out, kpo_chain_release() also on error.
 */
int app_kpo_chain(const struct app *app, const struct actor *actor, int64_t item_id,
		  struct kpo_chain *out, struct buf *err);
void kpo_chain_release(struct kpo_chain *ch);

#endif
