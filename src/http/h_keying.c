/* h_keying.c - double keying and overlap over HTTP (app/keying.h, rendered by wire/keying.h). */
#include <stdlib.h>

#include "app/keying.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/keying.h"
#include "wire/wire.h"

/* The settings of engagement id answered (200), or the use case's error. */
static int answer_keying(struct req *r, int64_t id)
{
	struct keying_conf k;
	struct buf err = BUF_INIT;
	int rc = app_keying_get(&r->srv->app, &r->actor, id, &k, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_keying(&k));
}

/* GET /v1/engagements/:id/keying -> {engagement_id, mode, k, max_k, ...} (staff, auditors) */
int h_engagements_keying_get(struct req *r)
{
	return answer_keying(r, r->param[0]);
}

/* A number member (absent or null: APP_ABSENT); 400 for another type. */
static int number_of(struct req *r, const char *name, json_t *v, double *out)
{
	*out = APP_ABSENT;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return http__fail(r, ERR_INVALID, "%s must be a number", name);
	*out = json_number_value(v);
	return 0;
}

/*
 * PUT /v1/engagements/:id/keying {"mode": "single"|"double"|"overlap", "k"?, "max_k"?,
 *   "min_confidence"?, "field"?, "aggregate"?: "majority"|"dawid_skene"} -> 200 the settings
 * Staff (engagement.keying). Applies to the answers submitted from then on.
 */
int h_engagements_keying_put(struct req *r)
{
	json_t *body = NULL, *k = NULL, *mk = NULL, *mc = NULL, *field = NULL;
	struct app_keying_in in = {.engagement_id = r->param[0]};
	const char *mode = NULL, *agg = NULL;
	struct buf err = BUF_INIT;
	struct cmd *c = NULL;
	int rc;

	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s?s, s?o, s?o, s?o, s?o, s?s}", "mode", &mode, "k", &k,
			       "max_k", &mk, "min_confidence", &mc, "field", &field, "aggregate",
			       &agg)) ||
	    (rc = number_of(r, "k", k, &in.k)) || (rc = number_of(r, "max_k", mk, &in.max_k)) ||
	    (rc = number_of(r, "min_confidence", mc, &in.min_confidence)))
		goto out;
	if (field && !json_is_null(field) && !json_is_string(field)) {
		rc = http__fail(r, ERR_INVALID, "field must be a string or null");
		goto out;
	}
	in.mode = mode;
	in.aggregate = agg;
	in.field = field && json_is_string(field) ? json_string_value(field) : NULL;
	if (!(c = http__cmd_new(r, CMD_KEYING_SET))) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = app_keying_set(&r->srv->app, &r->actor, &in, c, &err))) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	if ((rc = http__idem(r, c)) || (rc = http__engine(r, c)))
		goto out;
	rc = answer_keying(r, r->param[0]);
out:
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/*
 * GET /v1/engagements/:id/consensus?after=&limit= -> {data: [{item_id, phase, answers,
 *   differing, consensus: {label, confidence, answers, method} | null, decided_at}], next_after}
 * Staff (engagement.consensus).
 */
int h_engagements_consensus(struct req *r)
{
	struct store_page pg;
	struct buf err = BUF_INIT;
	int64_t next = 0;
	json_t *data;
	int rc;

	if ((rc = http__page(r, &pg)))
		return rc;
	if (!(data = json_array()))
		return http__fail(r, ERR_NOMEM, NULL);
	rc = app_consensus_list(&r->srv->app, &r->actor, r->param[0], &pg, wire_consensus_add, data,
				&next, &err);
	if (rc) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, wire_page(data, next));
}

/*
 * GET /v1/items/:id/answers -> {item_id, phase, differing, consensus, answers: [...]}
 * Staff, and the worker adjudicating the item (item.answers); recorded first
 * as an "item.answers" audit event, as a payload read is.
 */
int h_items_answers(struct req *r)
{
	const struct app *app = &r->srv->app;
	struct item_answers ia = {0};
	struct buf err = BUF_INIT;
	struct cmd *audit;
	json_t *j = NULL;
	int rc;

	if (!(audit = http__cmd_new(r, CMD_AUDIT)))
		return ERR_NOMEM;
	rc = app_item_answers_begin(app, &r->actor, r->param[0], &ia, audit, &err);
	if (!rc) {
		/* Suspends on the first run; the handler runs again once it is durable. */
		rc = http__engine(r, audit);
		if (rc == ERR_SUSPENDED)
			goto out;
		rc = app_item_answers_end(app, &r->actor, rc, &ia, &err);
	}
	if (rc) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	if (!(j = wire_item_answers(&ia))) {
		rc = http__fail(r, ERR_NOMEM, NULL);
		goto out;
	}
	rc = http__read(r, 0, j);
out:
	buf_release(&err);
	item_answers_release(&ia);
	http__cmd_free(audit);
	return rc;
}
