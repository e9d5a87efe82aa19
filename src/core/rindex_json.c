/* rindex_json.c - a routing configuration read from and written as JSON, every bad field named. */
#include "core/rindex_json.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/jcheck.h"

/* A whole number in [lo, hi] (a JSON integer, or a real with no fraction). */
static int whole(json_t *v, long long lo, long long hi, const char *field, long long *out,
		 char *why, size_t n)
{
	char msg[96];
	double d;

	if (json_is_integer(v))
		d = (double)json_integer_value(v);
	else if (json_is_real(v))
		d = json_real_value(v);
	else
		return jcheck_fail(why, n, field, "must be a number");
	snprintf(msg, sizeof(msg), "must be a whole number %lld..%lld", lo, hi);
	if (d != (double)(long long)d || d < (double)lo || d > (double)hi)
		return jcheck_fail(why, n, field, msg);
	*out = (long long)d;
	return 0;
}

static int levels(json_t *a, const char *field, struct skill_level *out, size_t max, size_t *no,
		  char *why, size_t n)
{
	static const char *const names[] = {"code", "level", NULL};
	char f[96], msg[64];
	size_t i;
	json_t *s;
	int rc;

	if (!json_is_array(a))
		return jcheck_fail(why, n, field, "must be a list of {code, level}");
	if (json_array_size(a) > max) {
		snprintf(msg, sizeof(msg), "at most %zu", max);
		return jcheck_fail(why, n, field, msg);
	}
	json_array_foreach(a, i, s) {
		json_t *code = json_object_get(s, "code");
		long long lv = 0;

		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (!json_is_object(s))
			return jcheck_fail(why, n, f, "must be an object {code, level}");
		if ((rc = jcheck_only(s, names, f, why, n)))
			return rc;
		if (!json_is_string(code) || !json_string_length(code) ||
		    json_string_length(code) >= MODEL_CODE_MAX) {
			snprintf(f, sizeof(f), "%s[%zu].code", field, i);
			snprintf(msg, sizeof(msg), "must be a text of 1..%d bytes", MODEL_CODE_MAX - 1);
			return jcheck_fail(why, n, f, msg);
		}
		snprintf(f, sizeof(f), "%s[%zu].level", field, i);
		if ((rc = whole(json_object_get(s, "level"), 1, 5, f, &lv, why, n)))
			return rc;
		snprintf(out[i].code, sizeof(out[i].code), "%s", json_string_value(code));
		out[i].level = (int)lv;
	}
	*no = json_array_size(a);
	return 0;
}

static int ring_of(json_t *o, size_t k, int64_t prev_ms, struct rindex_ring *r, char *why,
		   size_t n)
{
	static const char *const names[] = {"after_s", "lower_levels_by", "skills", "langs", NULL};
	json_t *lower = json_object_get(o, "lower_levels_by"), *sk = json_object_get(o, "skills"),
	       *lg = json_object_get(o, "langs");
	char f[64], where[32];
	long long v = 0;
	int rc;

	snprintf(where, sizeof(where), "rings[%zu]", k);
	if (!json_is_object(o))
		return jcheck_fail(why, n, where, "must be an object");
	if ((rc = jcheck_only(o, names, where, why, n)))
		return rc;
	snprintf(f, sizeof(f), "%s.after_s", where);
	if (!json_object_get(o, "after_s"))
		return jcheck_fail(why, n, f, "is required");
	if ((rc = whole(json_object_get(o, "after_s"), 1, RINDEX_AFTER_MAX_S, f, &v, why, n)))
		return rc;
	r->after_ms = (int64_t)v * 1000;
	if (r->after_ms <= prev_ms)
		return jcheck_fail(why, n, f, "must be above the previous ring's (waits increase)");
	if (lower && (sk || lg)) {
		snprintf(f, sizeof(f), "%s.lower_levels_by", where);
		return jcheck_fail(why, n, f, "give it or skills and langs, not both");
	}
	if (!lower && !sk && !lg)
		return jcheck_fail(why, n, where, "needs lower_levels_by, or skills and/or langs");
	if (lower) {
		snprintf(f, sizeof(f), "%s.lower_levels_by", where);
		if ((rc = whole(lower, 1, RINDEX_LOWER_MAX, f, &v, why, n)))
			return rc;
		r->lower_by = (int)v;
		return 0;
	}
	snprintf(f, sizeof(f), "%s.skills", where);
	if (sk && (rc = levels(sk, f, r->skills, MODEL_MAX_SKILLS, &r->n_skills, why, n)))
		return rc;
	snprintf(f, sizeof(f), "%s.langs", where);
	if (lg && (rc = levels(lg, f, r->langs, MODEL_MAX_LANGS, &r->n_langs, why, n)))
		return rc;
	return 0;
}

int rindex_conf_parse(const char *text, struct rindex_conf *out, char *why, size_t n)
{
	static const char *const names[] = {"weight", "rings", NULL};
	json_error_t jerr;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &jerr), *rings, *r;
	long long v = 1;
	size_t k;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->weight = 1;
	if (!o || !json_is_object(o)) {
		rc = jcheck_fail(why, n, "routing", "must be a JSON object {weight?, rings?}");
		goto out;
	}
	if ((rc = jcheck_only(o, names, "", why, n)))
		goto out;
	if (json_object_get(o, "weight") &&
	    (rc = whole(json_object_get(o, "weight"), 1, RINDEX_MAX_WEIGHT, "weight", &v, why, n)))
		goto out;
	out->weight = (int)v;
	rings = json_object_get(o, "rings");
	if (rings && !json_is_array(rings)) {
		rc = jcheck_fail(why, n, "rings", "must be a list");
		goto out;
	}
	if (rings && json_array_size(rings) > RINDEX_MAX_RINGS - 1) {
		char msg[48];

		snprintf(msg, sizeof(msg), "at most %d rings", RINDEX_MAX_RINGS - 1);
		rc = jcheck_fail(why, n, "rings", msg);
		goto out;
	}
	json_array_foreach(rings, k, r) {
		if ((rc = ring_of(r, k, k ? out->rings[k - 1].after_ms : 0, &out->rings[k], why, n)))
			goto out;
		out->n_rings = k + 1;
	}
	rc = rindex_conf_check(out, why, n);
out:
	json_decref(o);
	return rc;
}

static json_t *levels_json(const struct skill_level *s, size_t ns)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < ns; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:i}", "code", s[i].code, "level",
						       s[i].level))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int rindex_conf_text(const struct rindex_conf *c, char *out, size_t n)
{
	json_t *o = json_pack("{s:i, s:[]}", "weight", c->weight > 0 ? c->weight : 1, "rings");
	json_t *rings = o ? json_object_get(o, "rings") : NULL;
	char *t = NULL;
	int rc = ERR_NOMEM;

	for (size_t k = 0; rings && k < c->n_rings; k++) {
		const struct rindex_ring *r = &c->rings[k];
		json_t *j = r->lower_by
				? json_pack("{s:I, s:i}", "after_s", (json_int_t)(r->after_ms / 1000),
					    "lower_levels_by", r->lower_by)
				: json_pack("{s:I, s:o, s:o}", "after_s",
					    (json_int_t)(r->after_ms / 1000), "skills",
					    levels_json(r->skills, r->n_skills), "langs",
					    levels_json(r->langs, r->n_langs));

		if (!j || json_array_append_new(rings, j))
			goto out;
	}
	if (!rings || !(t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)))
		goto out;
	rc = strlen(t) < n ? 0 : ERR_TOOBIG;
	if (!rc)
		memcpy(out, t, strlen(t) + 1);
out:
	free(t);
	json_decref(o);
	return rc;
}
