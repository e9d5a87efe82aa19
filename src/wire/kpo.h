/* kpo.h - the wire JSON of KPO deliverables: a milestone, an item's review chain. */
#ifndef ALIHDAYA_WIRE_KPO_H
#define ALIHDAYA_WIRE_KPO_H

#include <jansson.h>

#include "app/milestones.h"

/* {id, item_id, title, due_at, deliverable, submitted, submitted_at, submitted_by, ...} */
json_t *wire_milestone(const struct milestone_rec *m);
/* A walk's callback: appends the milestone to the array ctx. */
int wire_milestone_add(void *ctx, const struct milestone_rec *m);
/* {item_id, kpo, state, steps: [{step, at, by: {user_id, role}, worker_id, comments}],
 *  approved_at, approved_by} */
json_t *wire_kpo_chain(const struct kpo_chain *ch);

#endif
