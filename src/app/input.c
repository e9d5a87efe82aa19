/* input.c - the input rules the record use cases share, each with the message that names its field. */
#include "app/input.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "util/clock.h"
#include "util/err.h"

#define CODE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-"

int app_in_str(const char *field, const char *src, char *dst, size_t n, bool required,
	       struct buf *err)
{
	size_t len;

	if (!src) {
		if (required)
			return buf_error(err, ERR_INVALID, "%s is required", field);
		dst[0] = '\0';
		return 0;
	}
	len = strlen(src);
	if (len == 0)
		return buf_error(err, ERR_INVALID, "%s must not be empty", field);
	if (len >= n)
		return buf_error(err, ERR_INVALID, "%s is longer than %zu bytes", field, n - 1);
	memcpy(dst, src, len + 1);
	return 0;
}

int app_in_code(const char *field, const char *src, char *dst, size_t n, bool required,
		struct buf *err)
{
	int rc = app_in_str(field, src, dst, n, required, err);

	if (rc || !src)
		return rc;
	if (dst[strspn(dst, CODE_CHARS)])
		return buf_error(err, ERR_INVALID, "%s may only hold letters, digits and _ . : -",
				 field);
	return 0;
}

int app_in_code_name(const char *code, const char *name, char dst_code[MODEL_CODE_MAX],
		     char dst_name[MODEL_NAME_MAX], struct buf *err)
{
	int rc = app_in_code("code", code, dst_code, MODEL_CODE_MAX, true, err);

	return rc ? rc : app_in_str("name", name, dst_name, MODEL_NAME_MAX, true, err);
}

int app_in_range(const char *field, int64_t v, int64_t lo, int64_t hi, struct buf *err)
{
	if (v < lo || v > hi)
		return buf_error(err, ERR_INVALID, "%s must be between %lld and %lld", field,
				 (long long)lo, (long long)hi);
	return 0;
}

int app_in_whole(const char *field, double v, double dflt, int64_t lo, int64_t hi, int64_t *out,
		 struct buf *err)
{
	if (isnan(v) && isnan(dflt))
		return buf_error(err, ERR_INVALID, "%s is required", field);
	if (isnan(v))
		v = dflt;
	/* Compared as doubles first: a huge value must not overflow the cast. */
	if (!isfinite(v) || v < (double)lo || v > (double)hi)
		return app_in_range(field, v < 0 ? INT64_MIN : INT64_MAX, lo, hi, err);
	if (v != floor(v))
		return buf_error(err, ERR_INVALID, "%s must be a whole number", field);
	*out = (int64_t)v;
	return app_in_range(field, *out, lo, hi, err);
}

int app_in_tz(const char *field, const char *src, const char *dflt, char *dst, struct buf *err)
{
	int rc = app_in_str(field, src ? src : dflt, dst, MODEL_TZ_MAX, true, err);

	if (rc)
		return rc;
	if (!clock_valid_tz(dst))
		return buf_error(err, ERR_INVALID, "%s %s is not an IANA time zone", field, dst);
	return 0;
}

/* A non-negative decimal of at most 18 digits: no sign, no spaces, so no overflow either. */
static bool parse_u63(const char *s, int64_t *out)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || digits > 18 || s[digits] != '\0')
		return false;
	*out = strtoll(s, NULL, 10);
	return true;
}

int app_in_id_text(const char *field, const char *text, int64_t *out, struct buf *err)
{
	if (!parse_u63(text, out) || *out == 0)
		return buf_error(err, ERR_INVALID, "%s must be a positive integer", field);
	return 0;
}

int app_in_levels(const char *field, const struct app_level_in *in, size_t n, bool required,
		  struct skill_level *out, size_t max, size_t *n_out, struct buf *err)
{
	char name[96];
	int64_t level;
	int rc;

	*n_out = 0;
	if (n > max)
		return buf_error(err, ERR_INVALID, "%s holds more than %zu entries", field, max);
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s[%zu]", field, i);
		if ((rc = app_in_code(name, in[i].code, out[i].code, sizeof(out[i].code), true,
				      err)))
			return rc;
		snprintf(name, sizeof(name), "%s[%zu].level", field, i);
		if ((rc = app_in_whole(name, in[i].level, required ? APP_ABSENT : 1, 1, 5, &level,
				       err)))
			return rc;
		out[i].level = (int)level;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(out[k].code, out[i].code))
				return buf_error(err, ERR_INVALID, "%s: %s is listed twice", field,
						 out[i].code);
	}
	*n_out = n;
	return 0;
}

/* Audit times: RFC 3339 from 1970 to the end of 9999 (the store's ms fit any of them). */
#define AUDIT_TIME_MAX INT64_C(253402300800000)

static int audit_time(const char *field, const char *text, int64_t *out, struct buf *err)
{
	if (strlen(text) > 40 || clock_parse_rfc3339(text, out) || *out < 0 ||
	    *out >= AUDIT_TIME_MAX)
		return buf_error(err, ERR_INVALID,
				 "%s must be an RFC 3339 time from 1970 to 9999, like "
				 "2026-11-23T10:00:00Z",
				 field);
	return 0;
}

/*
 * An action as the engine names them, words joined by '.' (taken as a
 * code's characters: letters, digits, _ . : -); a family ends at its first
 * '.', so "item." matches "item.create" and "item.review_accept".
 */
static int audit_action(const char *text, struct store_page *pg, struct buf *err)
{
	size_t n = strlen(text);
	const char *dot = strchr(text, '.');

	if (!n || n >= MODEL_CODE_MAX || strspn(text, CODE_CHARS) != n || *text == '.')
		return buf_error(err, ERR_INVALID,
				 "action must be an action name like item.create, or a family "
				 "like item. (at most %d characters)",
				 MODEL_CODE_MAX - 1);
	pg->action = text;
	pg->action_family = text[n - 1] == '.';
	if (pg->action_family && dot != text + n - 1)
		return buf_error(err, ERR_INVALID,
				 "action: a family ends at the first '.', like item.");
	return 0;
}

static int audit_filters(const struct app_page_in *in, struct store_page *pg, struct buf *err)
{
	int rc;

	if (in->actor && (rc = app_in_id_text("actor", in->actor, &pg->actor_user_id, err)))
		return rc;
	if (in->action && (rc = audit_action(in->action, pg, err)))
		return rc;
	if (in->from && (rc = audit_time("from", in->from, &pg->at_from, err)))
		return rc;
	if (in->to && (rc = audit_time("to", in->to, &pg->at_to, err)))
		return rc;
	if (in->to && !pg->at_to)
		return buf_error(err, ERR_INVALID, "to must be after 1970-01-01T00:00:00Z");
	if (in->from && in->to && pg->at_from >= pg->at_to)
		return buf_error(err, ERR_INVALID, "from must be before to");
	return 0;
}

int app_page(const struct app_page_in *in, struct store_page *pg, struct buf *err)
{
	int64_t v;
	int rc;

	memset(pg, 0, sizeof(*pg));
	pg->limit = STORE_PAGE_DEFAULT;
	if (in->after && !parse_u63(in->after, &pg->after))
		return buf_error(err, ERR_INVALID, "after must be a non-negative integer cursor");
	if (in->limit) {
		if (!parse_u63(in->limit, &v) || v < 1 || v > STORE_PAGE_MAX)
			return buf_error(err, ERR_INVALID, "limit must be between 1 and %d",
					 STORE_PAGE_MAX);
		pg->limit = (int)v;
	}
	if (in->client_id &&
	    (rc = app_in_id_text("client_id", in->client_id, &pg->client_id, err)))
		return rc;
	return audit_filters(in, pg, err);
}
