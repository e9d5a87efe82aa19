/* qreport.c - quality observations counted per group, rows kept in key order. */
#include "core/qreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/names.h"

static const char *const by_names[QREPORT_BY__COUNT] = {"worker", "field", "code", "day"};
NAMES_ENUM(qreport_by, enum qreport_by, by_names)

void qreport_init(struct qreport *r, enum qreport_by by, int64_t from, int64_t to)
{
	memset(r, 0, sizeof(*r));
	r->by = by;
	r->from = from;
	r->to = to;
}

void qreport_release(struct qreport *r)
{
	for (size_t i = 0; i < r->n_rows; i++)
		free(r->rows[i].defects);
	free(r->rows);
	r->rows = NULL;
	r->n_rows = r->cap_rows = 0;
}

static int64_t day_of(int64_t at)
{
	int64_t d = at / QREPORT_DAY_MS;

	if (at % QREPORT_DAY_MS < 0)
		d--; /* floor, for a time before 1970 */
	return d * QREPORT_DAY_MS;
}

/* A bounded text field as the caller gave it (not necessarily NUL-terminated). */
static void copy_text(char dst[64], const char src[64])
{
	size_t n = strnlen(src, 63);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The row's order against a probe row of the same report. */
static int row_cmp(enum qreport_by by, const struct qreport_row *a, const struct qreport_row *b)
{
	switch (by) {
	case QREPORT_WORKER:
		return (a->worker_id > b->worker_id) - (a->worker_id < b->worker_id);
	case QREPORT_DAY:
		return (a->day > b->day) - (a->day < b->day);
	case QREPORT_FIELD:
	case QREPORT_CODE:
	default:
		return strcmp(a->key, b->key);
	}
}

/* The row of probe's key, made (in order) if new. NULL: out of memory or too many rows. */
static struct qreport_row *row_for(struct qreport *r, const struct qreport_row *probe, int *rc)
{
	size_t lo = 0, hi = r->n_rows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = row_cmp(r->by, &r->rows[mid], probe);

		if (!c)
			return &r->rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (r->n_rows >= QREPORT_ROWS_MAX) {
		*rc = ERR_TOOBIG;
		return NULL;
	}
	if (r->n_rows == r->cap_rows) {
		size_t cap = r->cap_rows ? 2 * r->cap_rows : 16;
		struct qreport_row *p = realloc(r->rows, cap * sizeof(*p));

		if (!p) {
			*rc = ERR_NOMEM;
			return NULL;
		}
		r->rows = p;
		r->cap_rows = cap;
	}
	memmove(&r->rows[lo + 1], &r->rows[lo], (r->n_rows - lo) * sizeof(*r->rows));
	r->rows[lo] = *probe;
	r->n_rows++;
	return &r->rows[lo];
}

static int defect_add(struct qreport_row *row, const char code[64])
{
	size_t lo = 0, hi = row->n_defects;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(row->defects[mid].code, code);

		if (!c) {
			row->defects[mid].n++;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (row->n_defects == row->cap_defects) {
		size_t cap = row->cap_defects ? 2 * row->cap_defects : 4;
		struct qreport_defect *p = realloc(row->defects, cap * sizeof(*p));

		if (!p)
			return ERR_NOMEM;
		row->defects = p;
		row->cap_defects = cap;
	}
	memmove(&row->defects[lo + 1], &row->defects[lo],
		(row->n_defects - lo) * sizeof(*row->defects));
	memset(&row->defects[lo], 0, sizeof(row->defects[lo]));
	memcpy(row->defects[lo].code, code, strlen(code) + 1);
	row->defects[lo].n = 1;
	row->n_defects++;
	return 0;
}

int qreport_add(struct qreport *r, const struct quality_obs *o)
{
	struct qreport_row probe, *row;
	char code[64];
	int rc = 0;

	if ((r->from && o->at < r->from) || (r->to && o->at >= r->to))
		return 0;
	memset(&probe, 0, sizeof(probe));
	switch (r->by) {
	case QREPORT_WORKER:
		probe.worker_id = o->worker_id;
		break;
	case QREPORT_DAY:
		probe.day = day_of(o->at);
		break;
	case QREPORT_FIELD:
		copy_text(probe.key, o->field);
		break;
	case QREPORT_CODE:
	default:
		copy_text(probe.key, o->code);
		break;
	}
	if (!(row = row_for(r, &probe, &rc)))
		return rc;
	switch (o->kind) {
	case QOBS_GOLD:
		row->gold_n++;
		row->gold_ok += o->ok;
		break;
	case QOBS_AGREE:
		row->agree_n++;
		row->agree_ok += o->ok;
		break;
	case QOBS_REVIEW:
	default:
		row->review_n++;
		row->review_ok += o->ok;
		break;
	}
	copy_text(code, o->code);
	if (!o->ok && code[0] && (rc = defect_add(row, code)))
		return rc;
	r->n_obs++;
	return 0;
}

int qreport_build(const struct quality_obs *o, size_t n, enum qreport_by by, int64_t from,
		  int64_t to, struct qreport *out)
{
	int rc = 0;

	qreport_init(out, by, from, to);
	for (size_t i = 0; i < n && !rc; i++)
		rc = qreport_add(out, &o[i]);
	if (rc)
		qreport_release(out);
	return rc;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm, proleptic Gregorian). */
void qreport_day_text(int64_t day_ms, char *out, size_t n)
{
	int64_t z = day_of(day_ms) / QREPORT_DAY_MS + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	snprintf(out, n, "%04lld-%02lld-%02lld", (long long)(y + (m <= 2)), (long long)m,
		 (long long)d);
}
