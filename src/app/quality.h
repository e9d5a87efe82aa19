/* quality.h - the quality report of an engagement (GET /v1/quality/report, `quality report`). */
#ifndef ALIHDAYA_APP_QUALITY_H
#define ALIHDAYA_APP_QUALITY_H

#include <stdint.h>

#include "app/app.h"
#include "core/model.h"
#include "core/qreport.h"
#include "sec/auth.h"
#include "util/buf.h"

/*
 * The engagement's quality observations (core/model.h struct quality_obs,
 * written by the engine with the changes they measure) counted per worker,
 * field, defect code or day (core/qreport.h holds the counting rule). Read
 * from the store's reader connections in one snapshot. JSON:
 * wire_quality_report(), CSV: wire_quality_csv() (src/wire/quality.h).
 */

struct quality_report_in {
	int64_t engagement_id; /* required */
	const char *by;	       /* "worker" (NULL: the default), "field", "code", "day" */
	const char *from, *to; /* RFC 3339, NULL: no bound; from inclusive, to exclusive */
};

struct quality_report {
	struct engagement_rec eng;
	struct qreport r;
};

/*
 * quality.report: staff and auditors any engagement, a client user its own
 * client's (another's is ERR_NOTFOUND, as one that does not exist), workers
 * none (ERR_FORBIDDEN). ERR_INVALID names the bad input. OUT: *out
 * (quality_report_release(), also on error).
 */
int app_quality_report(const struct app *app, const struct actor *actor,
		       const struct quality_report_in *in, struct quality_report *out,
		       struct buf *err);
void quality_report_release(struct quality_report *q);

#endif
