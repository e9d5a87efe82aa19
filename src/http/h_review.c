/* h_review.c - review sampling over HTTP: defect codes, sampling settings, review queue, lots. */
#include <stdlib.h>
#include <string.h>

#include "app/review.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/review.h"
#include "wire/wire.h"

void http__review_unshare(struct cmd *p)
{
	if (p->type == CMD_REVIEW_DECISION)
		p->u.review.defect = p->u.review.field = p->u.review.comment = NULL;
	if (p->type == CMD_DEFECTS_SET)
		p->u.defects.codes = NULL;
}

static int copy(const char *src, const char **dst)
{
	*dst = src ? strdup(src) : NULL;
	return src && !*dst ? ERR_NOMEM : 0;
}

int http__review_keep(struct cmd *p, const struct cmd *c)
{
	size_t n;
	void *d;

	if (p->type == CMD_REVIEW_DECISION) {
		int rc = copy(c->u.review.defect, &p->u.review.defect);

		if (!rc)
			rc = copy(c->u.review.field, &p->u.review.field);
		return rc ? rc : copy(c->u.review.comment, &p->u.review.comment);
	}
	if (p->type != CMD_DEFECTS_SET)
		return 0;
	n = c->u.defects.n * sizeof(*c->u.defects.codes);
	if (!(d = malloc(n ? n : 1)))
		return ERR_NOMEM;
	if (n)
		memcpy(d, c->u.defects.codes, n);
	p->u.defects.codes = d;
	return 0;
}

void http__review_free(struct cmd *c)
{
	if (c->type == CMD_REVIEW_DECISION) {
		free((char *)c->u.review.defect);
		free((char *)c->u.review.field);
		free((char *)c->u.review.comment);
	}
	if (c->type == CMD_DEFECTS_SET)
		free((void *)c->u.defects.codes);
}

/* A use case's error answered, or the command run through the engine. */
static int run(struct req *r, int rc, struct buf *err, struct cmd *c)
{
	if (rc)
		return http__app_fail(r, rc, err);
	buf_release(err);
	if ((rc = http__idem(r, c)))
		return rc;
	return http__engine(r, c);
}

/* GET /v1/engagements/:id/defects -> {engagement_id, defects: [{code, label, severity}]} */
int h_defects_get(struct req *r)
{
	struct defect_rec *d = calloc(REVIEW_DEFECTS_MAX, sizeof(*d));
	struct buf err = BUF_INIT;
	json_t *arr = json_array(), *j = NULL;
	size_t n = 0;
	int rc = d && arr ? 0 : ERR_NOMEM;

	if (!rc)
		rc = app_defects_get(&r->srv->app, &r->actor, r->param[0], d, &n, &err);
	if (rc) {
		free(d);
		json_decref(arr);
		return rc == ERR_NOMEM ? http__fail(r, rc, NULL) : http__app_fail(r, rc, &err);
	}
	for (size_t i = 0; !rc && i < n; i++)
		rc = json_array_append_new(arr, wire_defect(&d[i])) ? ERR_NOMEM : 0;
	free(d);
	if (!rc)
		j = json_pack("{s:I, s:o}", "engagement_id", (json_int_t)r->param[0], "defects",
			      arr);
	else
		json_decref(arr);
	return http__read(r, j ? 0 : ERR_NOMEM, j);
}

/*
 * PUT /v1/engagements/:id/defects {defects: [{code, label, severity}]}
 * -> 200 as the GET. Replaces the list whole ([] removes every code).
 */
int h_defects_put(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_DEFECTS_SET);
	struct defect_in *in = calloc(REVIEW_DEFECTS_MAX, sizeof(*in));
	struct defect_rec *out = calloc(REVIEW_DEFECTS_MAX, sizeof(*out));
	struct buf err = BUF_INIT;
	json_t *body = NULL, *list = NULL, *v;
	size_t i, n = 0;
	int rc;

	if (!c || !in || !out) {
		rc = c ? http__fail(r, ERR_NOMEM, NULL) : ERR_NOMEM;
		goto out;
	}
	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s:o}", "defects", &list)))
		goto out;
	if (!json_is_array(list)) {
		rc = http__fail(r, ERR_INVALID, "defects must be an array");
		goto out;
	}
	n = json_array_size(list);
	if (n > REVIEW_DEFECTS_MAX) {
		rc = http__fail(r, ERR_INVALID, "at most %d defect codes (got %zu)",
				REVIEW_DEFECTS_MAX, n);
		goto out;
	}
	json_array_foreach(list, i, v)
	{
		if ((rc = http__unpack(r, v, "{s:s, s:s, s:s}", "code", &in[i].code, "label",
				       &in[i].label, "severity", &in[i].severity)))
			goto out;
	}
	rc = run(r, app_defects_set(&r->srv->app, &r->actor, r->param[0], in, n, out, c, &err),
		 &err, c);
	if (!rc)
		rc = h_defects_get(r);
out:
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	free(in);
	free(out);
	return rc;
}

/* GET /v1/engagements/:id/sampling -> the settings (mode "none" when never set) */
int h_sampling_get(struct req *r)
{
	struct buf err = BUF_INIT;
	struct sampling_rec s;
	int rc = app_sampling_get(&r->srv->app, &r->actor, r->param[0], &s, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_sampling(&s));
}

/*
 * PUT /v1/engagements/:id/sampling {mode, share_pct?, lot_size?, level?, aql?,
 *   qa_skill?: code | {code, level}} -> 200 as the GET
 */
int h_sampling_put(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_SAMPLING_SET);
	struct sampling_in in = {.share_pct = APP_ABSENT,
				 .lot_size = APP_ABSENT,
				 .aql = APP_ABSENT,
				 .qa_level = APP_ABSENT};
	json_t *body = NULL, *share = NULL, *lot = NULL, *aql = NULL, *qa = NULL;
	struct buf err = BUF_INIT;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s:s, s?o, s?o, s?s, s?o, s?o}", "mode", &in.mode,
			       "share_pct", &share, "lot_size", &lot, "level", &in.level, "aql",
			       &aql, "qa_skill", &qa)) ||
	    (rc = http__num(r, "share_pct", share, &in.share_pct)) ||
	    (rc = http__num(r, "lot_size", lot, &in.lot_size)))
		goto out;
	if (aql && !json_is_number(aql)) {
		rc = http__fail(r, ERR_INVALID, "aql must be a number (a percentage, e.g. 2.5)");
		goto out;
	}
	in.aql = aql ? json_number_value(aql) : APP_ABSENT;
	if (json_is_string(qa)) {
		in.qa_skill = json_string_value(qa);
	} else if (qa && !json_is_null(qa)) {
		json_t *lvl = NULL;

		if ((rc = http__unpack(r, qa, "{s:s, s?o}", "code", &in.qa_skill, "level", &lvl)) ||
		    (rc = http__num(r, "qa_skill.level", lvl, &in.qa_level)))
			goto out;
	}
	rc = run(r, app_sampling_set(&r->srv->app, &r->actor, r->param[0], &in, c, &err), &err, c);
	if (!rc)
		rc = h_sampling_get(r);
out:
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/*
 * The engine answers the review lease without payload and result: read the
 * item whole as the reviewer may see it, the engine's fields winning.
 */
static int next_with_item(struct req *r)
{
	json_t *rv = json_object_get(r->out, "review"), *full = NULL;
	struct review_task t = {
	    .item_id = json_integer_value(json_object_get(rv, "item_id")),
	    .reviewer_id = json_integer_value(json_object_get(rv, "reviewer_id")),
	};
	struct item_rec it = {0};
	struct buf err = BUF_INIT;
	int rc;

	if (t.item_id <= 0)
		return 0;
	rc = app_review_item(&r->srv->app, &r->actor, &t, &it, &err);
	if (!rc && !(full = wire_item(&it, true)))
		rc = ERR_NOMEM;
	item_rec_release(&it);
	buf_release(&err);
	if (rc || !json_is_object(full)) {
		json_decref(full);
		return http__fail(r, rc ? rc : ERR_INTERNAL,
				  "the item was leased for review but could not be read; see GET "
				  "/v1/review");
	}
	json_object_update(full, r->out);
	json_decref(r->out);
	r->out = full;
	return 0;
}

/*
 * POST /v1/review/next {worker_id?}  [Idempotency-Key]
 * -> 200 the item with payload and result, and "review": the task with its
 * lease (epoch, lease_expires); or 200 {"id": null, "message"} when nothing
 * waits that this worker may review.
 */
int h_review_next(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_REVIEW_NEXT);
	json_int_t worker_id = 0;
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, true, &body)) &&
	    !(rc = http__unpack(r, body, "{s?I}", "worker_id", &worker_id))) {
		rc = run(r, app_review_next(&r->srv->app, &r->actor, worker_id, c, &err), &err, c);
		if (!rc && r->status == 200)
			rc = next_with_item(r);
	}
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/*
 * POST /v1/items/:id/decision {epoch, decision: accept|reject, defect?, field?,
 *   comment?}  [Idempotency-Key] -> 200 the item as it now is, with "review"
 */
int h_review_decision(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_REVIEW_DECISION);
	struct review_decision_in in = {.item_id = r->param[0]};
	struct buf err = BUF_INIT;
	json_int_t epoch = 0;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, false, &body)) &&
	    !(rc = http__unpack(r, body, "{s:I, s:s, s?s, s?s, s?s}", "epoch", &epoch, "decision",
				&in.decision, "defect", &in.defect, "field", &in.field, "comment",
				&in.comment))) {
		in.epoch = epoch;
		rc = run(r, app_review_decision(&r->srv->app, &r->actor, &in, c, &err), &err, c);
	}
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

static int page_answer(struct req *r, int rc, struct buf *err, json_t *data, int64_t next)
{
	json_t *page;

	if (rc) {
		json_decref(data);
		return http__app_fail(r, rc, err);
	}
	buf_release(err);
	page = wire_page(data, next);
	return http__read(r, page ? 0 : ERR_NOMEM, page);
}

/* GET /v1/review?engagement_id=&state=&reviewer_id=&after=&limit= : the review tasks, by id */
int h_review_list(struct req *r)
{
	struct review_list_in in = {.engagement_id = http__query(r, "engagement_id"),
				    .state = http__query(r, "state"),
				    .reviewer_id = http__query(r, "reviewer_id")};
	json_t *data = json_array();
	struct buf err = BUF_INIT;
	int64_t next = 0;
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	http__page_in(r, false, &in.page);
	rc = app_review_list(&r->srv->app, &r->actor, &in, wire_review_task_add, data, &next, &err);
	return page_answer(r, rc, &err, data, next);
}

/* GET /v1/engagements/:id/lots?after=&limit= : the engagement's lots, by id */
int h_lots_list(struct req *r)
{
	struct app_page_in pg;
	json_t *data = json_array();
	struct buf err = BUF_INIT;
	int64_t next = 0;
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	http__page_in(r, false, &pg);
	rc = app_lot_list(&r->srv->app, &r->actor, r->param[0], &pg, wire_lot_add, data, &next,
			  &err);
	return page_answer(r, rc, &err, data, next);
}
