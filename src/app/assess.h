/* assess.h - process-fit assessments as use cases: scored (core/assess.h), stored, read. */
#ifndef ALIHDAYA_APP_ASSESS_H
#define ALIHDAYA_APP_ASSESS_H

#include <stdint.h>

#include "app/app.h"
#include "app/input.h"
#include "core/assess.h"

/*
 * POST /v1/assessments: the assessment scored by the caller with
 * assess_score() and rendered (answers and result as JSON texts, the
 * copied into the command). client_id: staff name the client
 * (0: a prospect, no client yet); a client user's is its own (another is
 * refused as not found).
 */
int app_assessment_create(const struct app *app, const struct actor *actor, int64_t client_id,
			  const struct assess_result *r, const char *answers_json,
			  const char *result_json, struct cmd *c, struct buf *err);
/* One with its texts (assessment_rec_release); another client's is ERR_NOTFOUND. */
int app_assessment_get(const struct app *app, const struct actor *actor, int64_t id,
		       struct assessment_rec *out, struct buf *err);
/* A page by id: a client user its own client's, staff all (?client_id= narrows). */
int app_assessment_list(const struct app *app, const struct actor *actor,
			const struct app_page_in *page, store_assessment_cb cb, void *ctx,
			int64_t *next, struct buf *err);

#endif
