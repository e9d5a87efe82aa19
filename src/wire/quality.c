/* quality.c - the quality report's JSON and CSV (docs/api.md "Quality reports"). */
#include "wire/quality.h"

#include <stdlib.h>
#include <string.h>

#include "core/quality.h"
#include "util/clock.h"
#include "util/err.h"

/* k / n, or JSON null when nothing was counted. */
static json_t *rate_json(int64_t k, int64_t n)
{
	return n ? json_real((double)k / (double)n) : json_null();
}

static json_t *time_or_null(int64_t ms)
{
	char t[40];

	if (!ms)
		return json_null();
	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

/* The group's key as its JSON member, and as text for CSV. */
static const char *key_name(enum qreport_by by)
{
	static const char *const names[QREPORT_BY__COUNT] = {"worker_id", "field", "code", "day"};

	return (unsigned)by < QREPORT_BY__COUNT ? names[by] : "key";
}

static json_t *key_json(enum qreport_by by, const struct qreport_row *row)
{
	char day[16];

	switch (by) {
	case QREPORT_WORKER:
		return json_integer((json_int_t)row->worker_id);
	case QREPORT_DAY:
		qreport_day_text(row->day, day, sizeof(day));
		return json_string(day);
	case QREPORT_FIELD:
	case QREPORT_CODE:
	default:
		return json_string(row->key);
	}
}

static json_t *row_json(enum qreport_by by, const struct qreport_row *w)
{
	json_t *defects = json_object(), *j;

	for (size_t i = 0; defects && i < w->n_defects; i++)
		if (json_object_set_new(defects, w->defects[i].code,
					json_integer((json_int_t)w->defects[i].n))) {
			json_decref(defects);
			defects = NULL;
		}
	if (!defects)
		return NULL;
	j = json_pack(
	    "{s:o, s:{s:I, s:I, s:o, s:f, s:f}, s:{s:I, s:I, s:o}, s:{s:I, s:I, s:I, s:o}, s:o}",
	    key_name(by), key_json(by, w), "gold", "n", (json_int_t)w->gold_n, "correct",
	    (json_int_t)w->gold_ok, "accuracy", rate_json(w->gold_ok, w->gold_n), "lower",
	    wilson_lower(w->gold_ok, w->gold_n, WIRE_QUALITY_Z), "upper",
	    wilson_upper(w->gold_ok, w->gold_n, WIRE_QUALITY_Z), "agreement", "n",
	    (json_int_t)w->agree_n, "agreed", (json_int_t)w->agree_ok, "rate",
	    rate_json(w->agree_ok, w->agree_n), "reviews", "n", (json_int_t)w->review_n, "accepted",
	    (json_int_t)w->review_ok, "rejected", (json_int_t)(w->review_n - w->review_ok),
	    "defect_rate", rate_json(w->review_n - w->review_ok, w->review_n), "defects", defects);
	return j;
}

json_t *wire_quality_report(const struct quality_report *q)
{
	json_t *rows = json_array(), *j;

	for (size_t i = 0; rows && i < q->r.n_rows; i++)
		if (json_array_append_new(rows, row_json(q->r.by, &q->r.rows[i]))) {
			json_decref(rows);
			rows = NULL;
		}
	if (!rows)
		return NULL;
	j = json_pack("{s:I, s:s, s:o, s:o, s:I, s:f, s:o}", "engagement_id", (json_int_t)q->eng.id,
		      "by", qreport_by_name(q->r.by), "from", time_or_null(q->r.from), "to",
		      time_or_null(q->r.to), "observations", (json_int_t)q->r.n_obs, "z",
		      WIRE_QUALITY_Z, "rows", rows);
	return j;
}

/* ---- CSV ---- */

static int csv_text(struct buf *b, const char *s)
{
	int rc;

	if (!strpbrk(s, ",\"\r\n"))
		return buf_puts(b, s);
	if ((rc = buf_puts(b, "\"")))
		return rc;
	for (const char *p = s; *p; p++)
		if ((rc = *p == '"' ? buf_puts(b, "\"\"") : buf_append(b, p, 1)))
			return rc;
	return buf_puts(b, "\"");
}

static int csv_int(struct buf *b, int64_t v)
{
	return buf_printf(b, ",%lld", (long long)v);
}

/* ",k/n" with the JSON's 17 digits, or "," (an empty cell) when n is 0. */
static int csv_rate(struct buf *b, int64_t k, int64_t n)
{
	return n ? buf_printf(b, ",%.17g", (double)k / (double)n) : buf_puts(b, ",");
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every defect code of the report, sorted, once each. OUT: *codes (free()), *n. */
static int all_codes(const struct qreport *r, const char ***codes, size_t *n)
{
	size_t total = 0, k = 0;
	const char **c;

	for (size_t i = 0; i < r->n_rows; i++)
		total += r->rows[i].n_defects;
	*codes = NULL;
	*n = 0;
	if (!total)
		return 0;
	if (!(c = malloc(total * sizeof(*c))))
		return ERR_NOMEM;
	for (size_t i = 0; i < r->n_rows; i++)
		for (size_t d = 0; d < r->rows[i].n_defects; d++)
			c[k++] = r->rows[i].defects[d].code;
	qsort(c, total, sizeof(*c), cmp_code);
	k = 0;
	for (size_t i = 0; i < total; i++)
		if (!k || strcmp(c[k - 1], c[i]))
			c[k++] = c[i];
	*codes = c;
	*n = k;
	return 0;
}

static int64_t defect_count(const struct qreport_row *w, const char *code)
{
	for (size_t i = 0; i < w->n_defects; i++)
		if (!strcmp(w->defects[i].code, code))
			return w->defects[i].n;
	return 0;
}

static int csv_row(struct buf *b, enum qreport_by by, const struct qreport_row *w,
		   const char **codes, size_t n_codes)
{
	char day[16];
	int rc;

	if (by == QREPORT_WORKER) {
		rc = buf_printf(b, "%lld", (long long)w->worker_id);
	} else if (by == QREPORT_DAY) {
		qreport_day_text(w->day, day, sizeof(day));
		rc = buf_puts(b, day);
	} else {
		rc = csv_text(b, w->key);
	}
	if (!rc)
		rc = csv_int(b, w->gold_n);
	if (!rc)
		rc = csv_int(b, w->gold_ok);
	if (!rc)
		rc = csv_rate(b, w->gold_ok, w->gold_n);
	if (!rc)
		rc = buf_printf(b, ",%.17g,%.17g",
				wilson_lower(w->gold_ok, w->gold_n, WIRE_QUALITY_Z),
				wilson_upper(w->gold_ok, w->gold_n, WIRE_QUALITY_Z));
	if (!rc)
		rc = csv_int(b, w->agree_n);
	if (!rc)
		rc = csv_int(b, w->agree_ok);
	if (!rc)
		rc = csv_rate(b, w->agree_ok, w->agree_n);
	if (!rc)
		rc = csv_int(b, w->review_n);
	if (!rc)
		rc = csv_int(b, w->review_ok);
	if (!rc)
		rc = csv_int(b, w->review_n - w->review_ok);
	if (!rc)
		rc = csv_rate(b, w->review_n - w->review_ok, w->review_n);
	for (size_t i = 0; !rc && i < n_codes; i++)
		rc = csv_int(b, defect_count(w, codes[i]));
	return rc ? rc : buf_puts(b, "\r\n");
}

int wire_quality_csv(const struct quality_report *q, struct buf *out)
{
	const char **codes = NULL;
	size_t n_codes = 0;
	int rc = all_codes(&q->r, &codes, &n_codes);

	if (!rc)
		rc = buf_printf(out,
				"%s,gold_n,gold_correct,gold_accuracy,gold_lower,gold_upper,"
				"agreement_n,agreement_agreed,agreement_rate,reviews_n,"
				"reviews_accepted,reviews_rejected,defect_rate",
				key_name(q->r.by));
	for (size_t i = 0; !rc && i < n_codes; i++) {
		char col[80];

		snprintf(col, sizeof(col), "defect:%s", codes[i]);
		if (!(rc = buf_puts(out, ",")))
			rc = csv_text(out, col);
	}
	if (!rc)
		rc = buf_puts(out, "\r\n");
	for (size_t i = 0; !rc && i < q->r.n_rows; i++)
		rc = csv_row(out, q->r.by, &q->r.rows[i], codes, n_codes);
	free(codes);
	return rc;
}
