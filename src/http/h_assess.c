/* h_assess.c - process-fit assessments over HTTP: scored, stored and read. */
#include <stdlib.h>
#include <string.h>

#include "app/assess.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/assess.h"
#include "wire/wire.h"

static int assessment_getter(struct store *s, int64_t id, json_t **out)
{
	struct assessment_rec a;
	int rc = store_assessment_get(s, id, &a);

	*out = rc ? NULL : wire_assessment(&a);
	assessment_rec_release(&a);
	return rc ? rc : *out ? 0 : ERR_NOMEM;
}

/*
 * POST /v1/assessments {answers: {...}, client_id?, lang?: en|id|ms}  [Idempotency-Key]
 * -> 201 {id, client_id, recommendation, answers, result} (assessment.create)
 */
int h_assessments_create(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_ASSESSMENT_CREATE);
	struct buf err = BUF_INIT;
	struct assess_answers a;
	struct assess_result res;
	enum assess_lang lang = ASSESS_EN;
	json_t *body = NULL, *ja = NULL, *jc = NULL;
	const char *lang_s = NULL, *why = NULL;
	char *at = NULL, *rt = NULL;
	double cid = APP_ABSENT;
	int rc;

	if (!c)
		return ERR_NOMEM;
	assess_answers_init(&a);
	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s:o, s?o, s?s}", "answers", &ja, "client_id", &jc,
			       "lang", &lang_s)) ||
	    (rc = http__num(r, "client_id", jc, &cid)))
		goto out;
	if (lang_s && assess_lang_parse(lang_s, &lang)) {
		rc = http__fail(r, ERR_INVALID, "lang must be en, id or ms");
		goto out;
	}
	if ((rc = wire_assess_answers(ja, &a, &err))) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	if (assess_score(&a, &res, &why)) {
		rc = http__fail(r, ERR_INVALID, "%s", why);
		goto out;
	}
	if (!isnan(cid) && (cid < 1 || cid > 1e15)) {
		rc = http__fail(r, ERR_INVALID, "client_id must be a positive id");
		goto out;
	}
	{
		json_t *aj = wire_assess_answers_json(&a), *rj = wire_assess_result(&res, lang);

		at = aj ? json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		rt = rj ? json_dumps(rj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(aj);
		json_decref(rj);
	}
	if (!at || !rt) {
		rc = http__fail(r, ERR_NOMEM, NULL);
		goto out;
	}
	rc = app_assessment_create(&r->srv->app, &r->actor, isnan(cid) ? 0 : (int64_t)cid, &res,
				   at, rt, c, &err);
	if (rc) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	if ((rc = http__idem(r, c)) || (rc = http__engine(r, c)))
		goto out;
	http__expand(r, assessment_getter);
out:
	free(at);
	free(rt);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* GET /v1/assessments?after=&limit= -> {"data": [assessments by id, no texts], "next_after"} */
int h_assessments_list(struct req *r)
{
	struct app_page_in in;
	struct buf err = BUF_INIT;
	json_t *data = json_array();
	int64_t next = 0;
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	http__page_in(r, false, &in);
	rc = app_assessment_list(&r->srv->app, &r->actor, &in, wire_assessment_add, data, &next,
				 &err);
	if (rc) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, wire_page(data, next));
}

/* GET /v1/assessments/:id -> the assessment with its answers and result (assessment.read) */
int h_assessments_get(struct req *r)
{
	struct buf err = BUF_INIT;
	struct assessment_rec a;
	json_t *j;
	int rc = app_assessment_get(&r->srv->app, &r->actor, r->param[0], &a, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	j = wire_assessment(&a);
	assessment_rec_release(&a);
	return http__read(r, 0, j);
}
