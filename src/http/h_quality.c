/* h_quality.c - quality reports over HTTP (app/quality.h, rendered by wire/quality.h). */
#include <string.h>

#include "app/quality.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/quality.h"

/*
 * GET /v1/quality/report?engagement=ID&by=worker|field|code|day&from=&to=&format=json|csv
 * -> {engagement_id, by, from, to, observations, z, rows: [...]}, or the same
 * rows as text/csv. Staff and auditors any engagement, a client user its own
 * (sec/policy.c: quality.report); workers 403.
 */
int h_quality_report(struct req *r)
{
	struct quality_report q;
	struct quality_report_in in = {
	    .by = http__query(r, "by"), .from = http__query(r, "from"), .to = http__query(r, "to")};
	const char *format = http__query(r, "format");
	struct buf err = BUF_INIT, csv = BUF_INIT;
	bool as_csv = false;
	size_t len;
	int rc;

	if (format && strcmp(format, "json") && strcmp(format, "csv"))
		return http__fail(r, ERR_INVALID, "format must be json or csv");
	as_csv = format && !strcmp(format, "csv");
	if ((rc = http__query_id(r, "engagement", &in.engagement_id)))
		return rc;
	rc = app_quality_report(&r->srv->app, &r->actor, &in, &q, &err);
	if (rc) {
		quality_report_release(&q);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	if (!as_csv) {
		rc = http__read(r, 0, wire_quality_report(&q));
		quality_report_release(&q);
		return rc;
	}
	rc = wire_quality_csv(&q, &csv);
	quality_report_release(&q);
	if (rc) {
		buf_release(&csv);
		return http__fail(r, rc, "cannot render the report as CSV");
	}
	http__reply(r, 200, NULL);
	r->raw = buf_detach(&csv, &len);
	if (!r->raw)
		return http__fail(r, ERR_NOMEM, "cannot render the report as CSV");
	r->raw_len = len;
	r->ctype = "text/csv; charset=utf-8; header=present";
	return 0;
}
