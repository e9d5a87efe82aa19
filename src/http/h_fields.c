/* h_fields.c - an engagement's declared payload and result fields over HTTP (app/fields.h, wire/fields.h). */
#include <stdlib.h>

#include "app/fields.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/fields.h"

/*
 * A use case's error. A refused declaration names every problem, which can
 * be longer than a formatted message holds: it goes whole as the message.
 */
static int fields_fail(struct req *r, int rc, struct buf *err)
{
	json_t *d = rc == ERR_INVALID && err->len ? json_pack("{s:s}", "message", buf_str(err)) : NULL;

	if (d) {
		buf_release(err);
		return http__fail_detail(r, rc, d, NULL);
	}
	return http__app_fail(r, rc, err);
}

/* The declaration of engagement id answered (200), or the use case's error. */
static int answer_fields(struct req *r, int64_t id)
{
	struct engagement_fields f = ENGAGEMENT_FIELDS_INIT;
	struct buf err = BUF_INIT;
	int rc = app_engagement_fields_get(&r->srv->app, &r->actor, id, &f, &err);

	if (rc) {
		engagement_fields_release(&f);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	rc = http__read(r, 0, wire_engagement_fields(&f));
	engagement_fields_release(&f);
	return rc;
}

/*
 * GET /v1/engagements/:id/fields -> {engagement_id, payload, result, updated_at}
 * Whoever may read the engagement (engagement.fields.read).
 */
int h_engagements_fields_get(struct req *r)
{
	return answer_fields(r, r->param[0]);
}

/* One side of the body: an array as its JSON text, null or absent as NULL. */
static int side_text(struct req *r, const char *what, json_t *v, char **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return http__fail(r, ERR_INVALID, "%s must be a JSON array of fields, or null", what);
	if (!(*out = json_dumps(v, JSON_COMPACT)))
		return http__fail(r, ERR_NOMEM, NULL);
	return 0;
}

/*
 * PUT /v1/engagements/:id/fields {"payload": [field...] | null, "result": [...] | null}
 *   -> 200 {engagement_id, payload, result, updated_at}
 * Staff (engagement.fields.set). Replaces both declarations; a side absent
 * or null is not declared (any JSON). 400 names every problem of both.
 */
int h_engagements_fields_put(struct req *r)
{
	json_t *body = NULL, *p = NULL, *res = NULL;
	char *pt = NULL, *rt = NULL;
	struct buf err = BUF_INIT;
	struct cmd *c = NULL;
	int rc;

	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s?o, s?o}", "payload", &p, "result", &res)) ||
	    (rc = side_text(r, "payload", p, &pt)) || (rc = side_text(r, "result", res, &rt)))
		goto out;
	if (!(c = http__cmd_new(r, CMD_ENGAGEMENT_FIELDS))) {
		rc = ERR_NOMEM;
		goto out;
	}
	rc = app_engagement_fields_set(&r->srv->app, &r->actor, r->param[0], pt, rt, c, &err);
	if (rc) {
		rc = fields_fail(r, rc, &err);
		goto out;
	}
	if ((rc = http__idem(r, c)) || (rc = http__engine(r, c)))
		goto out;
	/* Committed: the declaration as a reader now sees it. */
	rc = answer_fields(r, r->param[0]);
out:
	buf_release(&err);
	http__cmd_free(c);
	free(pt);
	free(rt);
	json_decref(body);
	return rc;
}
