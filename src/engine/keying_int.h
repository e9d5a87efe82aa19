/* keying_int.h - what the engine's keying files share (keying.c, keying_vote.c). */
#ifndef ALIHDAYA_ENGINE_KEYING_INT_H
#define ALIHDAYA_ENGINE_KEYING_INT_H

#include "engine/engine_int.h"

struct fieldset;

/* An item's answers as read back (the writer sees this batch's). */
struct answers {
	size_t n;
	struct {
		int64_t worker_id;
		enum answer_kind kind;
		char *result;
	} a[KEYING_K_MAX + 2];
};

/* The compiled result declaration of an engagement, NULL when it has none. */
const struct fieldset *engine__result_fs(const struct live_engagement *le);
/* The keyings of an item (not the adjudication), oldest first, on the writer. */
int engine__answers_read(struct engine *e, int64_t item_id, struct answers *as);
void engine__answers_free(struct answers *as);
/* The item's keying phase and decision, stored (label, diff NULL: kept). */
int engine__kput(struct engine *e, const struct live_item *it, enum keying_phase phase,
		 int answers, const char *method, double confidence, const char *label,
		 const char *diff, int64_t now);
/* The audit event "item.keying" of a decision or an adjudication begun. */
int engine__kaudit(struct engine *e, const struct cmd *c, const struct live_item *it,
		   enum keying_phase phase, int answers, const char *method, double confidence,
		   int64_t now);
/* One quality observation of kind agree. */
int engine__kobs(struct engine *e, const struct live_item *it, int64_t worker_id,
		 const char *field, bool ok, int64_t now);
/* The answer recorded, the item back to the queue (ACT_KEY), memory after: returns 1. */
int engine__kstep(struct engine *e, struct cmd *c, struct live_item *it, struct live_keying *lk,
		  enum keying_phase phase, int64_t worker_id, int64_t now);
/*
 * Overlap: an answer that completes k (or more): decided (0, s->result the
 * winning answer) or one more answer asked (1). keying_vote.c.
 */
int engine__keying_overlap(struct engine *e, struct cmd *c, struct live_item *it,
			   struct live_keying *lk, const struct live_engagement *le,
			   struct item_step *s, int64_t wid, int64_t now);

#endif
