/* assess.c - process-fit assessments: the record's scope checked, stored through the engine, read. */
#include "app/assess.h"

#include <stdio.h>
#include <string.h>

#include "app/records.h"
#include "util/err.h"

int app_assessment_create(const struct app *app, const struct actor *actor, int64_t client_id,
			  const struct assess_result *r, const char *answers_json,
			  const char *result_json, struct cmd *c, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_ASSESS_CREATE, CMD_ASSESSMENT_CREATE, c, err)))
		return rc;
	if (client_id < 0)
		return buf_error(err, ERR_INVALID, "client_id must be a positive id");
	if (actor->role == ROLE_CLIENT) {
		if (client_id && client_id != actor->client_id)
			return buf_error(err, ERR_NOTFOUND, "no client %lld", (long long)client_id);
		client_id = actor->client_id;
	}
	sc = (struct policy_scope){.client_id = client_id};
	if ((rc = app_allow(actor, POL_ASSESS_CREATE, &sc, err)))
		return rc == ERR_NOTFOUND
			   ? buf_error(err, rc, "no client %lld", (long long)client_id)
			   : rc;
	c->actor = actor;
	c->u.assessment.client_id = client_id;
	snprintf(c->u.assessment.recommendation, sizeof(c->u.assessment.recommendation), "%s",
		 assess_rec_name(r->rec));
	if (!answers_json || !result_json || strlen(answers_json) >= ASSESS_TEXT_MAX ||
	    strlen(result_json) >= ASSESS_TEXT_MAX)
		return buf_error(err, ERR_TOOBIG, "the assessment's texts exceed %d bytes",
				 ASSESS_TEXT_MAX - 1);
	memcpy(c->u.assessment.answers, answers_json, strlen(answers_json) + 1);
	memcpy(c->u.assessment.result, result_json, strlen(result_json) + 1);
	return 0;
}

int app_assessment_get(const struct app *app, const struct actor *actor, int64_t id,
		       struct assessment_rec *out, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_allow(actor, POL_ASSESS_READ, NULL, err)))
		return rc;
	if (id < 1)
		return buf_error(err, ERR_INVALID, "assessment id must be a positive id");
	rc = store_assessment_get(app->store, id, out);
	if (!rc) {
		sc = (struct policy_scope){.client_id = out->client_id};
		/* A prospect's (client 0) is staff's only: a client user never sees it. */
		if (actor->role == ROLE_CLIENT && !out->client_id)
			rc = ERR_NOTFOUND;
		else
			rc = app_allow(actor, POL_ASSESS_READ, &sc, err);
		if (rc)
			assessment_rec_release(out);
	}
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no assessment %lld", (long long)id);
	return rc ? app_got(app, rc, err) : 0;
}

int app_assessment_list(const struct app *app, const struct actor *actor,
			const struct app_page_in *page, store_assessment_cb cb, void *ctx,
			int64_t *next, struct buf *err)
{
	struct store_page pg;
	int64_t client_id = 0, worker_id = 0;
	int rc;

	*next = 0;
	if ((rc = app_page(page, &pg, err)))
		return rc;
	rc = policy_list_filter(actor, POL_ASSESS_READ, &client_id, &worker_id);
	if (rc == ERR_FORBIDDEN)
		return buf_error(err, rc, "role %s may not take %s", role_name(actor->role),
				 policy_action_name(POL_ASSESS_READ));
	if (rc)
		return buf_error(err, rc, "%s", err_message(rc));
	if (client_id)
		pg.client_id = client_id;
	rc = store_assessment_list(app->store, &pg, cb, ctx, next);
	return rc ? buf_error(err, rc, "%s", err_message(rc)) : 0;
}
