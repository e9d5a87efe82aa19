/* review.h - review sampling's use cases: defect codes, sampling settings, review queue, lots. */
#ifndef ALIHDAYA_APP_REVIEW_H
#define ALIHDAYA_APP_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/input.h"
#include "core/review.h"
#include "store/store.h"

/* One defect code as given (texts of the body or argv; NULL: absent). */
struct defect_in {
	const char *code, *label, *severity;
};

/*
 * review.setup: an engagement's defect codes, replaced whole (n <= 100,
 * codes [a-z0-9_]{1,63} once each, a label, a severity minor|major|critical).
 * out[REVIEW_DEFECTS_MAX] is the caller's and must live until c has run.
 */
int app_defects_set(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    const struct defect_in *in, size_t n, struct defect_rec *out, struct cmd *c,
		    struct buf *err);
/* review.defects: the codes in their order. OUT: out[REVIEW_DEFECTS_MAX], *n. */
int app_defects_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    struct defect_rec *out, size_t *n, struct buf *err);

/* Sampling settings as given (APP_ABSENT / NULL: the default). */
struct sampling_in {
	const char *mode;  /* none | share | aql (required) */
	double share_pct;  /* share: 0..100 (required) */
	double lot_size;   /* aql: 2..500000 (required) */
	const char *level; /* aql: S1..S4, I, II, III (II) */
	double aql;	   /* aql: percent, 0.01..100 in hundredths (required) */
	const char *qa_skill;
	double qa_level; /* 1..5 (1) */
};

int app_sampling_set(const struct app *app, const struct actor *actor, int64_t engagement_id,
		     const struct sampling_in *in, struct cmd *c, struct buf *err);
/* review.sampling: the settings (mode none when never set); the key is zeroed. */
int app_sampling_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		     struct sampling_rec *out, struct buf *err);

/* review.next: a worker for itself (worker_id 0), staff for a worker. */
int app_review_next(const struct app *app, const struct actor *actor, int64_t worker_id,
		    struct cmd *c, struct buf *err);

/*
 * The item a review.next answered, with payload and result as the reviewer
 * may see them (the review lease reads as a lease does). OUT: *out
 * (item_rec_release()).
 */
int app_review_item(const struct app *app, const struct actor *actor, const struct review_task *t,
		    struct item_rec *out, struct buf *err);

struct review_decision_in {
	int64_t item_id, epoch;
	const char *decision; /* accept | reject */
	const char *defect, *field, *comment;
};
int app_review_decision(const struct app *app, const struct actor *actor,
			const struct review_decision_in *in, struct cmd *c, struct buf *err);

/* The filters of the review list: engagement, state (a name of review_state), reviewer. */
struct review_list_in {
	struct app_page_in page;
	const char *engagement_id, *state, *reviewer_id;
};
int app_review_list(const struct app *app, const struct actor *actor,
		    const struct review_list_in *in, store_review_task_cb cb, void *ctx,
		    int64_t *next_after, struct buf *err);
int app_lot_list(const struct app *app, const struct actor *actor, int64_t engagement_id,
		 const struct app_page_in *page, store_lot_cb cb, void *ctx, int64_t *next_after,
		 struct buf *err);

#endif
