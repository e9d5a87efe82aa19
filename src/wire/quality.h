/* quality.h - the quality report as JSON and as CSV, the same numbers in both. */
#ifndef ALIHDAYA_WIRE_QUALITY_H
#define ALIHDAYA_WIRE_QUALITY_H

#include <jansson.h>

#include "app/quality.h"
#include "util/buf.h"

/*
 * GET /v1/quality/report (docs/api.md "Quality reports"). Rates are counts
 * divided (null / an empty cell when nothing was counted); the Wilson bounds
 * of gold accuracy are at 95 % (z = WILSON_Z95). Reals are printed with 17
 * significant digits in both forms, so the CSV's numbers parse to exactly
 * the JSON's.
 */
#define WIRE_QUALITY_Z WILSON_Z95

/* A new reference, or NULL when out of memory. */
json_t *wire_quality_report(const struct quality_report *q);
/*
 * RFC 4180: a header line, one line per row, CRLF line ends, a field quoted
 * (its quotes doubled) when it holds a comma, quote, CR or LF. Columns: the
 * group (worker_id, field, code or day), the counts and rates of the JSON,
 * then one column "defect:<code>" per defect code of the whole report.
 * 0 or ERR_NOMEM / ERR_TOOBIG (the buffer's cap).
 */
int wire_quality_csv(const struct quality_report *q, struct buf *out);

#endif
