/* fields.c - a field declaration compiled, every impossible rule named; decimal and date values. */
#include "core/fields_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static const char *const type_names[FT__COUNT] = {
	[FT_TEXT] = "text", [FT_INTEGER] = "integer", [FT_DECIMAL] = "decimal", [FT_DATE] = "date",
	[FT_ENUM] = "enum", [FT_BOOLEAN] = "boolean", [FT_LIST] = "list",
};

const char *fields__type_name(enum ftype t)
{
	return (unsigned)t < FT__COUNT ? type_names[t] : "?";
}

static int type_parse(const char *s, enum ftype *out)
{
	for (int t = 0; s && t < FT__COUNT; t++)
		if (!strcmp(s, type_names[t])) {
			*out = (enum ftype)t;
			return 0;
		}
	return ERR_INVALID;
}

/* ------------------------------------------------------------ values */

size_t fields__chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

int fields__decimal_parse(const char *s, int scale, int64_t *out, const char **why)
{
	uint64_t v = 0, lim;
	bool neg = false, digit = false;
	int frac = -1;

	if (*s == '-') {
		neg = true;
		s++;
	}
	/* INT64_MIN's magnitude is one more than INT64_MAX's: allow it for negatives. */
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		if (*s == '.' && frac < 0 && digit) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9') {
			*why = "not a decimal number (digits, an optional point and digits)";
			return ERR_INVALID;
		}
		digit = true;
		if (frac >= 0 && ++frac > scale) {
			*why = "too many digits after the point";
			return ERR_INVALID;
		}
		if (v > (lim - (uint64_t)(*s - '0')) / 10) {
			*why = "out of range";
			return ERR_INVALID;
		}
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (!digit || frac == 0) {
		*why = "not a decimal number (digits, an optional point and digits)";
		return ERR_INVALID;
	}
	for (int f = frac < 0 ? 0 : frac; f < scale; f++) {
		if (v > lim / 10) {
			*why = "out of range";
			return ERR_INVALID;
		}
		v *= 10;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int fields__decimal_json(const json_t *v, int scale, int64_t *out, const char **why)
{
	char text[64];

	if (json_is_string(v))
		return fields__decimal_parse(json_string_value(v), scale, out, why);
	if (json_is_integer(v))
		snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v)) {
		double d = json_real_value(v);

		/*
		 * A JSON number with a fraction arrives as a double: its shortest
		 * text of up to 15 significant digits is the number the sender
		 * wrote, exactly, when it reads back as the same double.
		 */
		snprintf(text, sizeof(text), "%.15g", d);
		if (!isfinite(d) || strtod(text, NULL) != d || strchr(text, 'e')) {
			*why = "has more than 15 significant digits: send it as a string";
			return ERR_INVALID;
		}
	} else {
		*why = "not a decimal (a string such as \"12.50\" or a number)";
		return ERR_INVALID;
	}
	return fields__decimal_parse(text, scale, out, why);
}

void fields__decimal_text(int64_t v, int scale, char *out, size_t n)
{
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char digits[32];
	int len, k = 0;

	len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)m);
	char tmp[48];
	if (v < 0)
		tmp[k++] = '-';
	if (len <= scale) { /* 0.05: leading zeros before the digits */
		tmp[k++] = '0';
		tmp[k++] = '.';
		for (int i = len; i < scale; i++)
			tmp[k++] = '0';
		memcpy(tmp + k, digits, (size_t)len);
		k += len;
	} else {
		memcpy(tmp + k, digits, (size_t)(len - scale));
		k += len - scale;
		if (scale) {
			tmp[k++] = '.';
			memcpy(tmp + k, digits + len - scale, (size_t)scale);
			k += scale;
		}
	}
	tmp[k] = 0;
	snprintf(out, n, "%s", tmp);
}

static int month_days(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

static bool real_day(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* n digits of s at *i (max digits when min < max) into *v; false if fewer than min. */
static bool digits_at(const char *s, size_t *i, int min, int max, int *v)
{
	int k = 0;

	*v = 0;
	while (k < max && s[*i] >= '0' && s[*i] <= '9') {
		*v = *v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k >= min;
}

bool fields__date_fmt(const char *fmt, const char *s, char iso[11])
{
	int y = -1, m = -1, d = -1;
	size_t i = 0;

	while (*fmt) {
		if (!strncmp(fmt, "YYYY", 4)) {
			if (!digits_at(s, &i, 4, 4, &y))
				return false;
			fmt += 4;
		} else if (!strncmp(fmt, "MM", 2) || !strncmp(fmt, "DD", 2)) {
			if (!digits_at(s, &i, 2, 2, *fmt == 'M' ? &m : &d))
				return false;
			fmt += 2;
		} else if (*fmt == 'M' || *fmt == 'D') {
			if (!digits_at(s, &i, 1, 2, *fmt == 'M' ? &m : &d))
				return false;
			fmt++;
		} else if (s[i] == *fmt) {
			i++;
			fmt++;
		} else {
			return false;
		}
	}
	if (s[i] || !real_day(y, m, d))
		return false;
	/* real_day bounded them: 4, 2 and 2 digits. */
	snprintf(iso, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return true;
}

bool fields__date_iso(const char *s)
{
	char iso[11];

	return strlen(s) == 10 && fields__date_fmt("YYYY-MM-DD", s, iso);
}

bool fields__date_fmt_valid(const char *fmt)
{
	int y = 0, m = 0, d = 0;

	while (*fmt) {
		if (!strncmp(fmt, "YYYY", 4)) {
			y++;
			fmt += 4;
		} else if (!strncmp(fmt, "MM", 2) || !strncmp(fmt, "DD", 2)) {
			*fmt == 'M' ? m++ : d++;
			fmt += 2;
		} else if (*fmt == 'M' || *fmt == 'D') {
			*fmt == 'M' ? m++ : d++;
			fmt++;
		} else if (*fmt == 'Y' || (*fmt >= '0' && *fmt <= '9')) {
			return false; /* a lone Y or a digit would read as part of a number */
		} else {
			fmt++;
		}
	}
	return y == 1 && m == 1 && d == 1;
}

/* ------------------------------------------------------- the parse */

/* Problems are named up to this many; the rest are counted. */
#define PROBLEMS_NAMED 64

struct pctx {
	struct buf *err;
	size_t n_problems;
	int rc; /* ERR_NOMEM once appending failed */
};

static void problem(struct pctx *p, size_t i, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(struct pctx *p, size_t i, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (p->n_problems++ >= PROBLEMS_NAMED || !p->err)
		return;
	if (p->n_problems > 1)
		buf_puts(p->err, "; ");
	if (name && *name)
		buf_printf(p->err, "fields[%zu] (%.63s): ", i, name);
	else if (i != (size_t)-1)
		buf_printf(p->err, "fields[%zu]: ", i);
	va_start(ap, fmt);
	buf_vprintf(p->err, fmt, ap);
	va_end(ap);
}

/* The members a field object may have, and which types each applies to. */
enum {
	M_NAME, M_TYPE, M_REQUIRED, M_SCALE, M_OF, M_MIN_LEN, M_MAX_LEN, M_MIN, M_MAX, M_PATTERN,
	M_VALUES, M_MIN_ITEMS, M_MAX_ITEMS, M_NORMALIZE, M__COUNT
};
#define T(t) (1u << (t))
#define ALL_T 0x7Fu
static const struct {
	const char *name;
	unsigned types; /* of the value (a list's element type), FT_LIST bit: of the list */
} members[M__COUNT] = {
	[M_NAME] = {"name", ALL_T},
	[M_TYPE] = {"type", ALL_T},
	[M_REQUIRED] = {"required", ALL_T},
	[M_SCALE] = {"scale", T(FT_DECIMAL)},
	[M_OF] = {"of", T(FT_LIST)},
	[M_MIN_LEN] = {"min_length", T(FT_TEXT)},
	[M_MAX_LEN] = {"max_length", T(FT_TEXT)},
	[M_MIN] = {"min", T(FT_INTEGER) | T(FT_DECIMAL)},
	[M_MAX] = {"max", T(FT_INTEGER) | T(FT_DECIMAL)},
	[M_PATTERN] = {"pattern", T(FT_TEXT)},
	[M_VALUES] = {"values", T(FT_ENUM)},
	[M_MIN_ITEMS] = {"min_items", T(FT_LIST)},
	[M_MAX_ITEMS] = {"max_items", T(FT_LIST)},
	[M_NORMALIZE] = {"normalize", T(FT_TEXT) | T(FT_ENUM) | T(FT_DATE)},
};

/* A whole number member in [lo, hi]: true with *v; false with its problem named. */
static bool whole(struct pctx *p, size_t i, const struct field *f, const json_t *v,
		  const char *what, int64_t lo, int64_t hi, int64_t *out)
{
	if (!json_is_integer(v)) {
		problem(p, i, f->name, "%s must be a whole number", what);
		return false;
	}
	*out = json_integer_value(v);
	if (*out < lo || *out > hi) {
		problem(p, i, f->name, "%s must be from %lld to %lld", what, (long long)lo,
			(long long)hi);
		return false;
	}
	return true;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > FIELDS_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* A pattern compiled whole-value anchored; no back-references (their matching is exponential). */
static void pattern_parse(struct pctx *p, size_t i, struct field *f, const json_t *v)
{
	char anchored[FIELDS_PATTERN_MAX + 8];
	const char *s;
	size_t n;
	int rc;

	if (!json_is_string(v)) {
		problem(p, i, f->name, "pattern must be a string");
		return;
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n > FIELDS_PATTERN_MAX || strlen(s) != n) {
		problem(p, i, f->name, "pattern must be 1 to %d bytes", FIELDS_PATTERN_MAX);
		return;
	}
	for (size_t k = 0; k + 1 < n; k++)
		if (s[k] == '\\' && s[k + 1] >= '1' && s[k + 1] <= '9') {
			problem(p, i, f->name, "pattern may not use back-references (\\%c)", s[k + 1]);
			return;
		} else if (s[k] == '\\') {
			k++;
		}
	snprintf(anchored, sizeof(anchored), "^(%s)$", s);
	rc = regcomp(&f->re, anchored, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char why[128];

		regerror(rc, &f->re, why, sizeof(why));
		problem(p, i, f->name, "pattern is not a POSIX extended regular expression: %s", why);
		return;
	}
	f->has_re = true;
}

static void values_parse(struct pctx *p, size_t i, struct field *f, const json_t *v)
{
	size_t n = json_array_size(v);

	if (!json_is_array(v) || n == 0 || n > FIELDS_ENUM_MAX) {
		problem(p, i, f->name, "values must be a list of 1 to %d strings (%zu given)",
			FIELDS_ENUM_MAX, n);
		return;
	}
	f->values = calloc(n, sizeof(*f->values));
	if (!f->values) {
		p->rc = ERR_NOMEM;
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const json_t *e = json_array_get(v, k);
		size_t len = json_string_length(e);

		if (!json_is_string(e) || len == 0 || len > FIELDS_ENUM_VALUE_MAX ||
		    strlen(json_string_value(e)) != len) {
			problem(p, i, f->name, "values[%zu] must be a string of 1 to %d bytes", k,
				FIELDS_ENUM_VALUE_MAX);
			return;
		}
		for (size_t j = 0; j < f->n_values; j++)
			if (!strcmp(f->values[j], json_string_value(e))) {
				problem(p, i, f->name, "values[%zu] repeats \"%.64s\"", k, f->values[j]);
				return;
			}
		if (!(f->values[f->n_values] = strdup(json_string_value(e)))) {
			p->rc = ERR_NOMEM;
			return;
		}
		f->n_values++;
	}
}

static void normalize_parse(struct pctx *p, size_t i, struct field *f, const json_t *v)
{
	size_t n = json_array_size(v);

	if (!json_is_array(v) || n > FIELDS_NORM_MAX) {
		problem(p, i, f->name, "normalize must be a list of at most %d steps", FIELDS_NORM_MAX);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const char *s = json_string_value(json_array_get(v, k));
		struct norm *nm = &f->norm[f->n_norm];
		bool text = f->elem == FT_TEXT || f->elem == FT_ENUM;

		if (!s) {
			problem(p, i, f->name, "normalize[%zu] must be a string", k);
			continue;
		}
		if (!strncmp(s, "date:", 5)) {
			nm->kind = NORM_DATE;
			if (strlen(s + 5) > FIELDS_DATE_FMT_MAX || !fields__date_fmt_valid(s + 5)) {
				problem(p, i, f->name,
					"normalize[%zu]: a date format names YYYY, MM (or M) and DD "
					"(or D) once each, at most %d bytes",
					k, FIELDS_DATE_FMT_MAX);
				continue;
			}
			snprintf(nm->fmt, sizeof(nm->fmt), "%s", s + 5);
			if (f->elem != FT_TEXT && f->elem != FT_DATE) {
				problem(p, i, f->name, "normalize[%zu]: date: applies to text and date", k);
				continue;
			}
		} else if (!strcmp(s, "trim") || !strcmp(s, "space") || !strcmp(s, "case") ||
			   !strcmp(s, "digits")) {
			nm->kind = s[0] == 't' ? NORM_TRIM : s[0] == 's' ? NORM_SPACE
					     : s[0] == 'c' ? NORM_CASE : NORM_DIGITS;
			if (!text) {
				problem(p, i, f->name, "normalize[%zu]: %s applies to text and enum", k, s);
				continue;
			}
		} else {
			problem(p, i, f->name,
				"normalize[%zu]: unknown step \"%.32s\" (trim, space, case, digits, "
				"date:FORMAT)",
				k, s);
			continue;
		}
		f->n_norm++;
	}
}

/* min and max: whole numbers, or decimals at the field's scale. */
static void bound_parse(struct pctx *p, size_t i, struct field *f, const json_t *v, bool is_min)
{
	const char *what = is_min ? "min" : "max", *why;
	int64_t x;

	if (f->elem == FT_INTEGER) {
		if (!whole(p, i, f, v, what, INT64_MIN, INT64_MAX, &x))
			return;
	} else if (fields__decimal_json(v, f->scale, &x, &why)) {
		problem(p, i, f->name, "%s: %s (scale %d)", what, why, f->scale);
		return;
	}
	if (is_min) {
		f->has_min = true;
		f->min = x;
	} else {
		f->has_max = true;
		f->max = x;
	}
}

/* One field object into f; its problems named. */
static void field_parse(struct pctx *p, size_t i, const json_t *o, struct field *f)
{
	const json_t *m[M__COUNT] = {0};
	const char *key, *type;
	size_t before = p->n_problems;
	json_t *v;

	if (!json_is_object(o)) {
		problem(p, i, NULL, "a field must be an object");
		return;
	}
	json_object_foreach((json_t *)o, key, v) {
		int k;

		for (k = 0; k < M__COUNT && strcmp(key, members[k].name); k++)
			;
		if (k == M__COUNT)
			problem(p, i, json_string_value(json_object_get(o, "name")),
				"unknown member \"%.64s\"", key);
		else
			m[k] = v;
	}
	if (!json_is_string(m[M_NAME]) || !name_ok(json_string_value(m[M_NAME])))
		problem(p, i, NULL, "name must be 1 to %d of a-z, 0-9 and _", FIELDS_NAME_MAX);
	else
		snprintf(f->name, sizeof(f->name), "%s", json_string_value(m[M_NAME]));
	type = json_string_value(m[M_TYPE]);
	if (type_parse(type, &f->type)) {
		problem(p, i, f->name,
			"type must be text, integer, decimal, date, enum, boolean or list%s%.32s%s",
			type ? " (not \"" : "", type ? type : "", type ? "\")" : "");
		return;
	}
	f->elem = f->type;
	if (f->type == FT_LIST) {
		type = json_string_value(m[M_OF]);
		if (type_parse(type, &f->elem) || f->elem == FT_LIST) {
			problem(p, i, f->name, "a list needs of: its element type (any type but list)");
			return;
		}
	}
	for (int k = M_REQUIRED; k < M__COUNT; k++)
		if (m[k] && !(members[k].types & (T(f->elem) | (f->type == FT_LIST ? T(FT_LIST) : 0))))
			problem(p, i, f->name, "%s does not apply to a %s field", members[k].name,
				f->type == FT_LIST ? "list" : fields__type_name(f->type));
	if (p->n_problems != before)
		return;
	if (m[M_REQUIRED] && !json_is_boolean(m[M_REQUIRED]))
		problem(p, i, f->name, "required must be true or false");
	f->required = json_is_true(m[M_REQUIRED]);
	if (m[M_SCALE]) {
		int64_t s;

		if (!whole(p, i, f, m[M_SCALE], "scale", 0, FIELDS_SCALE_MAX, &s))
			return; /* min and max read at the scale */
		f->scale = (int)s;
	}
	if (m[M_MIN_LEN])
		f->has_min_len = whole(p, i, f, m[M_MIN_LEN], "min_length", 0, FIELDS_LENGTH_MAX,
				       &f->min_len);
	if (m[M_MAX_LEN])
		f->has_max_len = whole(p, i, f, m[M_MAX_LEN], "max_length", 0, FIELDS_LENGTH_MAX,
				       &f->max_len);
	if (f->has_min_len && f->has_max_len && f->min_len > f->max_len)
		problem(p, i, f->name, "min_length %lld is greater than max_length %lld",
			(long long)f->min_len, (long long)f->max_len);
	if (m[M_MIN_ITEMS])
		f->has_min_items = whole(p, i, f, m[M_MIN_ITEMS], "min_items", 0, FIELDS_LIST_MAX,
					 &f->min_items);
	if (m[M_MAX_ITEMS])
		f->has_max_items = whole(p, i, f, m[M_MAX_ITEMS], "max_items", 0, FIELDS_LIST_MAX,
					 &f->max_items);
	if (f->has_min_items && f->has_max_items && f->min_items > f->max_items)
		problem(p, i, f->name, "min_items %lld is greater than max_items %lld",
			(long long)f->min_items, (long long)f->max_items);
	if (m[M_MIN])
		bound_parse(p, i, f, m[M_MIN], true);
	if (m[M_MAX])
		bound_parse(p, i, f, m[M_MAX], false);
	if (f->has_min && f->has_max && f->min > f->max) {
		char a[48], b[48];

		fields__decimal_text(f->min, f->elem == FT_DECIMAL ? f->scale : 0, a, sizeof(a));
		fields__decimal_text(f->max, f->elem == FT_DECIMAL ? f->scale : 0, b, sizeof(b));
		problem(p, i, f->name, "min %s is greater than max %s", a, b);
	}
	if (m[M_PATTERN])
		pattern_parse(p, i, f, m[M_PATTERN]);
	if (f->elem == FT_ENUM && !m[M_VALUES])
		problem(p, i, f->name, "an enum needs values");
	else if (m[M_VALUES])
		values_parse(p, i, f, m[M_VALUES]);
	if (m[M_NORMALIZE])
		normalize_parse(p, i, f, m[M_NORMALIZE]);
}

static void field_release(struct field *f)
{
	if (f->has_re)
		regfree(&f->re);
	for (size_t k = 0; k < f->n_values; k++)
		free(f->values[k]);
	free(f->values);
}

void fieldset_free(struct fieldset *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++)
		field_release(&fs->f[i]);
	free(fs->f);
	free(fs);
}

int fieldset_parse(const char *decl_json, struct fieldset **out, struct buf *err)
{
	struct pctx p = {.err = err};
	struct fieldset *fs = NULL;
	json_error_t je;
	json_t *root = NULL;
	size_t n;
	int rc = 0;

	*out = NULL;
	if (!decl_json)
		return buf_error(err, ERR_INVALID, "fields: a declaration is a JSON array");
	if (strlen(decl_json) > FIELDS_DECL_MAX)
		return buf_error(err, ERR_TOOBIG, "fields: the declaration is over %zu bytes",
				 FIELDS_DECL_MAX);
	root = json_loads(decl_json, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		rc = buf_error(err, ERR_INVALID, "fields: not JSON: %s", je.text);
		goto out;
	}
	n = json_array_size(root);
	if (!json_is_array(root)) {
		rc = buf_error(err, ERR_INVALID, "fields: a declaration is a JSON array of fields");
		goto out;
	}
	if (n > FIELDS_MAX) {
		rc = buf_error(err, ERR_INVALID, "fields: %zu fields declared: at most %d", n,
			       FIELDS_MAX);
		goto out;
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs || (n && !(fs->f = calloc(n, sizeof(*fs->f))))) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !p.rc; i++) {
		struct field *f = &fs->f[i];

		fs->n++;
		field_parse(&p, i, json_array_get(root, i), f);
		for (size_t j = 0; f->name[0] && j < i; j++)
			if (!strcmp(fs->f[j].name, f->name)) {
				problem(&p, i, f->name, "the name is also fields[%zu]'s", j);
				break;
			}
	}
	if (p.rc) {
		rc = p.rc;
		goto out;
	}
	if (p.n_problems) {
		if (p.n_problems > PROBLEMS_NAMED && err)
			buf_printf(err, "; and %zu more problems", p.n_problems - PROBLEMS_NAMED);
		rc = ERR_INVALID;
		goto out;
	}
	*out = fs;
	fs = NULL;
out:
	fieldset_free(fs);
	json_decref(root);
	return rc;
}

size_t fieldset_count(const struct fieldset *fs)
{
	return fs ? fs->n : 0;
}

const char *fieldset_name(const struct fieldset *fs, size_t i)
{
	return fs && i < fs->n ? fs->f[i].name : NULL;
}
