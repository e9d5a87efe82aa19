/* qreport.h - a quality report: quality observations counted per worker, field, defect code or day.
 */
#ifndef ALIHDAYA_QREPORT_H
#define ALIHDAYA_QREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

/*
 * The counting rule of GET /v1/quality/report (docs/api.md "Quality
 * reports"), pure: observations in, one row per group out.
 *  - group: by worker (worker_id), field (the observation's field, "" for
 *    none), code (its defect code, "" for none: gold and agreement rows and
 *    accepted reviews fall there) or day (the UTC day of `at`).
 *  - per row: gold n / correct, agreement n / agreed, reviews n / accepted
 *    (rejected = n - accepted), and per defect code the observations that
 *    name that code and are not ok (a rejection's code).
 *  - window: at >= from (0: no bound) and at < to (0: no bound).
 * Rows are kept in key order: worker id, field or code bytewise, day.
 * Rates and Wilson bounds are the renderers' (core/quality.h), from these counts.
 */

enum qreport_by { QREPORT_WORKER, QREPORT_FIELD, QREPORT_CODE, QREPORT_DAY };
#define QREPORT_BY__COUNT 4
const char *qreport_by_name(enum qreport_by b); /* "worker", "field", "code", "day" */
int qreport_by_parse(const char *s, enum qreport_by *out);

#define QREPORT_ROWS_MAX 100000 /* more groups: ERR_TOOBIG (narrow the window) */
#define QREPORT_DAY_MS 86400000LL

struct qreport_defect {
	char code[64];
	int64_t n;
};

struct qreport_row {
	int64_t worker_id; /* by worker */
	int64_t day;	   /* by day: the day's first ms, UTC */
	char key[64];	   /* by field or code */
	int64_t gold_n, gold_ok;
	int64_t agree_n, agree_ok;
	int64_t review_n, review_ok;
	struct qreport_defect *defects; /* by code, bytewise */
	size_t n_defects, cap_defects;
};

struct qreport {
	enum qreport_by by;
	int64_t from, to;
	struct qreport_row *rows;
	size_t n_rows, cap_rows;
	int64_t n_obs; /* observations counted (inside the window) */
};

/* An empty report (no allocation). */
void qreport_init(struct qreport *r, enum qreport_by by, int64_t from, int64_t to);
/* Counts one observation (outside the window: ignored). 0, ERR_NOMEM or ERR_TOOBIG. */
int qreport_add(struct qreport *r, const struct quality_obs *o);
/* qreport_init, then every o[0..n). On error *out is released. */
int qreport_build(const struct quality_obs *o, size_t n, enum qreport_by by, int64_t from,
		  int64_t to, struct qreport *out);
void qreport_release(struct qreport *r);

/* The calendar date of a day's ms (UTC), "2026-12-01". out: at least 11 bytes. */
void qreport_day_text(int64_t day_ms, char *out, size_t n);

#endif
