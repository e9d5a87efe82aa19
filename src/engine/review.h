/* review.h - review sampling inside the engine: defect codes, sampling, the review queue, lots. */
#ifndef ALIHDAYA_ENGINE_REVIEW_H
#define ALIHDAYA_ENGINE_REVIEW_H

#include "engine/engine_int.h"

/*
 * Live state of review sampling (engine thread only), hung from
 * engine_state.review and rebuilt from the store by engine__review_load():
 * each engagement's defect codes and sampling settings, the review tasks
 * still in the flow (held in a lot, waiting, leased, or decided in a lot not
 * yet decided) and the lots open or sampling. Rules: docs/api.md "Review
 * and sampling".
 */
int engine__review_load(struct engine_state *st, struct store *s);
void engine__review_release(struct engine_state *st);

/*
 * The submit path's call (cmd_items.c engine__item_submit), once the lease
 * was checked: 0 = the engagement samples nothing (the submit goes on as
 * before), 1 = done here (the item submitted, then chosen for review, put in
 * a lot, or accepted as not sampled), < 0 an error.
 */
int engine__review_submit(struct engine *e, struct cmd *c, struct live_item *it,
			  const struct item_step *s, int64_t now);

/*
 * A rejection's defect code for the engagement: when it has codes, defect
 * must be one of them (ERR_INVALID naming the allowed codes otherwise);
 * field, when given, must be a field name. Helpers that reject (kpo's
 * returns) ask this too.
 */
int engine__review_defect_check(struct engine *e, struct cmd *c, int64_t engagement_id,
				const char *defect, const char *field);

/*
 * The detail of a rework event as JSON text (malloc'd): {"reason", "defect",
 * "field", "lot_id"}, each only when given. 0 or ERR_NOMEM / ERR_INVALID
 * (not UTF-8).
 */
int engine__review_detail(const char *reason, const char *defect, const char *field, int64_t lot_id,
			  char **out);

/*
 * item.rework on an open item (found and allowed by the caller): the defect
 * checked, the event's detail written with it, the rejection counted as a
 * quality observation of the item's last worker, its review task closed.
 */
int engine__review_rework(struct engine *e, struct cmd *c, struct live_item *it, int64_t now);

/* ---- shared by review.c and review_conf.c ---- */

/* An engagement's review settings as live state. */
struct review_conf {
	size_t n_defects;
	struct defect_rec *defects; /* malloc'd, n_defects of them */
	struct sampling_rec samp;   /* mode SAMPLING_NONE when never set */
	int64_t open_lot;	    /* the lot collecting items now, 0: none */
};

struct review_live {
	struct idmap conf;    /* engagement id -> struct review_conf */
	struct idmap tasks;   /* task id -> struct review_task, the ones in the flow */
	struct idmap by_item; /* item id -> the same task (one in the flow per item) */
	struct idmap lots;    /* lot id -> struct lot_rec, open or sampling */
};

/* The engagement's settings (make: created empty when missing; NULL then only on ERR_NOMEM). */
struct review_conf *engine__rv_conf(struct review_live *rl, int64_t engagement_id, bool make);
/* A malloc'd copy of rec stored under id. OUT: *out. */
int engine__rv_put_copy(struct idmap *m, int64_t id, const void *rec, size_t size, void **out);
/* One review observation (QOBS_REVIEW) of worker_id's work; worker 0: none. */
int engine__rv_observe(struct engine *e, const struct review_task *t, int64_t worker_id,
		       int64_t engagement_id, int64_t item_id, bool ok, const char *defect,
		       const char *field, int64_t now);
/* The task written as it is now; then dropped from memory (after every write). */
int engine__rv_task_write(struct engine *e, struct review_task *t);
void engine__rv_task_forget(struct engine *e, struct review_task *t);
/* A rework step of an open item with the detail of its defect (c NULL: the engine's own). */
int engine__rv_rework(struct engine *e, struct cmd *c, struct live_item *it, const char *reason,
		      const char *defect, const char *field, int64_t lot_id, int64_t now);

/* The commands. */
int engine__defects_set(struct engine *e, struct cmd *c, int64_t now);
int engine__sampling_set(struct engine *e, struct cmd *c, int64_t now);
int engine__review_next(struct engine *e, struct cmd *c, int64_t now);
int engine__review_decision(struct engine *e, struct cmd *c, int64_t now);

#endif
