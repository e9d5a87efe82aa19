/* quality.c - the quality report of an engagement, counted over the store's observations. */
#include "app/quality.h"

#include <string.h>

#include "app/records.h"
#include "util/clock.h"
#include "util/err.h"

void quality_report_release(struct quality_report *q)
{
	qreport_release(&q->r);
	memset(q, 0, sizeof(*q));
}

static int time_bound(const char *field, const char *v, int64_t *out, struct buf *err)
{
	*out = 0;
	if (!v)
		return 0;
	if (clock_parse_rfc3339(v, out))
		return buf_error(err, ERR_INVALID,
				 "%s must be an RFC 3339 time like 2026-01-31T00:00:00Z", field);
	if (*out <= 0)
		*out = 1; /* 0 means "no bound": the epoch itself is the first ms */
	return 0;
}

/* quality_obs_walk's callback: one observation counted. */
static int on_obs(void *ctx, const struct quality_obs *o)
{
	return qreport_add(ctx, o);
}

int app_quality_report(const struct app *app, const struct actor *actor,
		       const struct quality_report_in *in, struct quality_report *out,
		       struct buf *err)
{
	enum qreport_by by = QREPORT_WORKER;
	struct policy_scope sc;
	int64_t from, to;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_allow(actor, POL_QUALITY_REPORT, NULL, err)))
		return rc;
	if (in->engagement_id <= 0)
		return buf_error(err, ERR_INVALID, "engagement is required: an engagement id");
	if (in->by && qreport_by_parse(in->by, &by))
		return buf_error(err, ERR_INVALID, "by must be worker, field, code or day");
	if ((rc = time_bound("from", in->from, &from, err)) ||
	    (rc = time_bound("to", in->to, &to, err)))
		return rc;
	if (from && to && to <= from)
		return buf_error(err, ERR_INVALID, "to must be after from");
	if ((rc = store_engagement_get(app->store, in->engagement_id, &out->eng)))
		return rc == ERR_NOTFOUND
			   ? buf_error(err, rc, "no engagement %lld", (long long)in->engagement_id)
			   : app_got(app, rc, err);
	sc = (struct policy_scope){.client_id = out->eng.client_id,
				   .kpo = out->eng.kind == KIND_KPO};
	if ((rc = app_allow(actor, POL_QUALITY_REPORT, &sc, err)))
		return rc == ERR_NOTFOUND
			   ? buf_error(err, rc, "no engagement %lld", (long long)in->engagement_id)
			   : rc;
	qreport_init(&out->r, by, from, to);
	rc = store_quality_obs_walk(app->store, in->engagement_id, on_obs, &out->r);
	if (rc == ERR_NOMEM)
		return buf_error(err, rc, "%s", err_message(rc));
	if (rc == ERR_TOOBIG)
		return buf_error(err, rc, "more than %d groups: narrow the window (from, to)",
				 QREPORT_ROWS_MAX);
	if (rc)
		return app_store_end(app, NULL, rc, err);
	return 0;
}
