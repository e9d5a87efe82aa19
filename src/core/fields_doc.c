/* fields_doc.c - a document checked against its declared fields, normalised and compared. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields_int.h"
#include "util/err.h"

/* A reason is at most this long (the field's rules, joined). */
#define WHY_MAX 320

/* Appends one reason to why (", "-separated). */
static void why_add(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_add(char *why, const char *fmt, ...)
{
	size_t n = strlen(why);
	va_list ap;

	if (n && n + 2 < WHY_MAX) {
		memcpy(why + n, ", ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + n, WHY_MAX - n, fmt, ap);
	va_end(ap);
}

static bool date_ok(const struct field *f, const char *s)
{
	char iso[11];

	if (fields__date_iso(s))
		return true;
	for (size_t k = 0; k < f->n_norm; k++)
		if (f->norm[k].kind == NORM_DATE && fields__date_fmt(f->norm[k].fmt, s, iso))
			return true;
	return false;
}

static void text_rules(const struct field *f, const json_t *v, char *why)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), chars;

	if (strlen(s) != n) {
		why_add(why, "contains a NUL character");
		return;
	}
	chars = fields__chars(s, n);
	if (f->has_min_len && (int64_t)chars < f->min_len)
		why_add(why, "shorter than %lld characters", (long long)f->min_len);
	if (f->has_max_len && (int64_t)chars > f->max_len)
		why_add(why, "longer than %lld characters", (long long)f->max_len);
	if (f->has_re && regexec(&f->re, s, 0, NULL, 0))
		why_add(why, "does not match the pattern");
}

/* The reasons the one value v breaks f's element rules, in why ("" = none). */
static void value_rules(const struct field *f, const json_t *v, char *why)
{
	const char *reason;
	int64_t x;
	char a[48];

	switch (f->elem) {
	case FT_TEXT:
		if (!json_is_string(v))
			why_add(why, "not a text (a JSON string)");
		else
			text_rules(f, v, why);
		break;
	case FT_ENUM: {
		bool found = false;

		for (size_t k = 0; json_is_string(v) && !found && k < f->n_values; k++)
			found = !strcmp(f->values[k], json_string_value(v));
		if (!found)
			why_add(why, "not one of the enum's %zu values", f->n_values);
		break;
	}
	case FT_DATE:
		if (!json_is_string(v) || !date_ok(f, json_string_value(v)))
			why_add(why, "not a date (YYYY-MM-DD, a real day%s)",
				f->n_norm ? ", or a declared date format" : "");
		break;
	case FT_BOOLEAN:
		if (!json_is_boolean(v))
			why_add(why, "not true or false");
		break;
	case FT_INTEGER:
		if (!json_is_integer(v)) {
			why_add(why, "not a whole number");
			break;
		}
		x = json_integer_value(v);
		if (f->has_min && x < f->min)
			why_add(why, "less than the minimum %lld", (long long)f->min);
		if (f->has_max && x > f->max)
			why_add(why, "greater than the maximum %lld", (long long)f->max);
		break;
	case FT_DECIMAL:
		if (fields__decimal_json(v, f->scale, &x, &reason)) {
			why_add(why, "%s (scale %d)", reason, f->scale);
			break;
		}
		if (f->has_min && x < f->min) {
			fields__decimal_text(f->min, f->scale, a, sizeof(a));
			why_add(why, "less than the minimum %s", a);
		}
		if (f->has_max && x > f->max) {
			fields__decimal_text(f->max, f->scale, a, sizeof(a));
			why_add(why, "greater than the maximum %s", a);
		}
		break;
	default:
		why_add(why, "an unknown type");
	}
}

/* The reasons v (present, not null) breaks f, in why. */
static void field_rules(const struct field *f, const json_t *v, char *why)
{
	size_t n, bad = 0;

	if (f->type != FT_LIST) {
		value_rules(f, v, why);
		return;
	}
	if (!json_is_array(v)) {
		why_add(why, "not a list (a JSON array)");
		return;
	}
	n = json_array_size(v);
	if (f->has_min_items && (int64_t)n < f->min_items)
		why_add(why, "fewer than %lld elements", (long long)f->min_items);
	if ((int64_t)n > (f->has_max_items ? f->max_items : FIELDS_LIST_MAX))
		why_add(why, "more than %lld elements",
			(long long)(f->has_max_items ? f->max_items : FIELDS_LIST_MAX));
	for (size_t k = 0; k < n; k++) {
		char e[WHY_MAX] = "";

		value_rules(f, json_array_get(v, k), e);
		if (e[0] && !bad++)
			why_add(why, "element %zu: %s", k, e);
	}
	if (bad > 1)
		why_add(why, "and %zu more bad elements", bad - 1);
}

static const struct field *find(const struct fieldset *fs, const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->f[i].name, name))
			return &fs->f[i];
	return NULL;
}

/* A document's text as a JSON object: 0 with *out, or ERR_INVALID. */
static int load_object(const char *doc_json, json_t **out)
{
	*out = doc_json ? json_loads(doc_json, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (json_is_object(*out))
		return 0;
	json_decref(*out);
	*out = NULL;
	return ERR_INVALID;
}

int fieldset_check_each(const struct fieldset *fs, const char *doc_json,
			int (*fn)(void *ctx, const char *field, const char *reason), void *ctx)
{
	bool bad = false;
	const char *key;
	json_t *root, *v;
	int rc = 0;

	if (load_object(doc_json, &root)) {
		rc = fn(ctx, "", "the document must be a JSON object");
		return rc ? rc : ERR_INVALID;
	}
	for (size_t i = 0; fs && i < fs->n && !rc; i++) {
		const struct field *f = &fs->f[i];
		char why[WHY_MAX] = "";

		v = json_object_get(root, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				why_add(why, "required");
		} else {
			field_rules(f, v, why);
		}
		if (why[0]) {
			bad = true;
			rc = fn(ctx, f->name, why);
		}
	}
	json_object_foreach(root, key, v) {
		if (rc)
			break;
		if (!fs || !find(fs, key)) {
			bad = true;
			rc = fn(ctx, key, "not a declared field");
		}
	}
	json_decref(root);
	return rc ? rc : bad ? ERR_INVALID : 0;
}

/* fieldset_check's message: problems named up to this many, the rest counted. */
#define CHECK_NAMED 300

struct msg {
	struct buf *err;
	size_t n;
};

static int msg_add(void *ctx, const char *field, const char *reason)
{
	struct msg *m = ctx;

	if (m->n++ >= CHECK_NAMED || !m->err)
		return 0;
	if (m->n > 1)
		buf_puts(m->err, "; ");
	if (*field)
		buf_printf(m->err, "%.64s: %s", field, reason);
	else
		buf_puts(m->err, reason);
	return 0;
}

int fieldset_check(const struct fieldset *fs, const char *doc_json, struct buf *err)
{
	struct msg m = {.err = err};
	int rc = fieldset_check_each(fs, doc_json, msg_add, &m);

	if (m.n > CHECK_NAMED && err)
		buf_printf(err, "; and %zu more", m.n - CHECK_NAMED);
	return rc;
}

/* ------------------------------------------------- normalisation */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* One step over s into out (emptied first). 0 or ERR_NOMEM/ERR_TOOBIG. */
static int norm_step(const struct norm *nm, const char *s, struct buf *out)
{
	size_t n = strlen(s), a = 0, b = n;
	char iso[11];
	int rc = 0;

	buf_reset(out);
	rc = buf_puts(out, ""); /* data is "" even when nothing follows */
	switch (nm->kind) {
	case NORM_TRIM:
		while (a < b && is_space(s[a]))
			a++;
		while (b > a && is_space(s[b - 1]))
			b--;
		rc = rc ? rc : buf_append(out, s + a, b - a);
		break;
	case NORM_SPACE:
		for (size_t i = 0; i < n && !rc; i++) {
			if (!is_space(s[i]))
				rc = buf_append(out, s + i, 1);
			else if (i == 0 || !is_space(s[i - 1]))
				rc = buf_append(out, " ", 1);
		}
		break;
	case NORM_CASE:
		for (size_t i = 0; i < n && !rc; i++) {
			char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];

			rc = buf_append(out, &c, 1);
		}
		break;
	case NORM_DIGITS:
		for (size_t i = 0; i < n && !rc; i++)
			if (s[i] >= '0' && s[i] <= '9')
				rc = buf_append(out, s + i, 1);
		break;
	case NORM_DATE:
		rc = rc ? rc : buf_puts(out, fields__date_fmt(nm->fmt, s, iso) ? iso : s);
		break;
	}
	return rc;
}

/* The JSON text of v as given (NULL, null: "null"). */
static int raw_text(const json_t *v, struct buf *out)
{
	char *t;
	int rc;

	if (!v || json_is_null(v))
		return buf_puts(out, "null");
	t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
	if (!t)
		return ERR_NOMEM;
	rc = buf_puts(out, t);
	free(t);
	return rc;
}

/* A string normalised by f's steps, as JSON text. */
static int string_text(const struct field *f, const json_t *v, struct buf *out)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	json_t *s = NULL;
	int rc;

	rc = buf_puts(&a, json_string_value(v));
	for (size_t k = 0; !rc && k < f->n_norm; k++) {
		struct buf t;

		rc = norm_step(&f->norm[k], buf_str(&a), &b);
		t = a;
		a = b;
		b = t;
	}
	if (rc)
		goto out;
	s = json_stringn(buf_str(&a), a.len);
	rc = s ? raw_text(s, out) : raw_text(v, out);
out:
	json_decref(s);
	buf_release(&a);
	buf_release(&b);
	return rc;
}

/* One value's canonical text by f's element type. */
static int value_text(const struct field *f, const json_t *v, struct buf *out)
{
	const char *why;
	char d[48];
	int64_t x;

	if (!v || json_is_null(v))
		return buf_puts(out, "null");
	switch (f->elem) {
	case FT_TEXT:
	case FT_ENUM:
	case FT_DATE:
		if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v))
			return string_text(f, v, out);
		break;
	case FT_DECIMAL:
		if (!fields__decimal_json(v, f->scale, &x, &why)) {
			fields__decimal_text(x, f->scale, d, sizeof(d));
			return buf_puts(out, d);
		}
		break;
	default:
		break;
	}
	return raw_text(v, out);
}

static int canon_text(const struct field *f, const json_t *v, struct buf *out)
{
	int rc;

	if (f->type != FT_LIST || !json_is_array(v))
		return value_text(f, v, out);
	rc = buf_puts(out, "[");
	for (size_t k = 0; !rc && k < json_array_size(v); k++) {
		if (k)
			rc = buf_puts(out, ",");
		rc = rc ? rc : value_text(f, json_array_get(v, k), out);
	}
	return rc ? rc : buf_puts(out, "]");
}

int fieldset_normalized(const struct fieldset *fs, const char *doc_json, const char *field,
			struct buf *out)
{
	const struct field *f = NULL;
	json_t *root;
	int rc;

	if (fs && !(f = find(fs, field)))
		return ERR_NOTFOUND;
	if ((rc = load_object(doc_json, &root)))
		return rc;
	if (f)
		rc = canon_text(f, json_object_get(root, field), out);
	else
		rc = raw_text(json_object_get(root, field), out);
	json_decref(root);
	return rc;
}

/* ------------------------------------------------------ compare */

static bool present(const json_t *v)
{
	return v && !json_is_null(v);
}

static void diff_add(struct field_diff *d, const char *name)
{
	if (d->n_diff < FIELD_DIFF_MAX)
		snprintf(d->names[d->n_diff], sizeof(d->names[0]), "%.63s", name);
	d->n_diff++;
}

static int compare_declared(const struct fieldset *fs, json_t *a, json_t *b,
			    struct field_diff *out)
{
	struct buf ta = BUF_INIT, tb = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < fs->n && !rc; i++) {
		const struct field *f = &fs->f[i];
		json_t *va = json_object_get(a, f->name), *vb = json_object_get(b, f->name);

		if (!present(va) && !present(vb))
			continue;
		out->n_compared++;
		buf_reset(&ta);
		buf_reset(&tb);
		if ((rc = canon_text(f, va, &ta)) || (rc = canon_text(f, vb, &tb)))
			break;
		if (strcmp(buf_str(&ta), buf_str(&tb)))
			diff_add(out, f->name);
	}
	buf_release(&ta);
	buf_release(&tb);
	return rc;
}

static void compare_members(json_t *a, json_t *b, struct field_diff *out)
{
	const char *key;
	json_t *va, *vb;

	json_object_foreach(a, key, va) {
		vb = json_object_get(b, key);
		if (!present(va) && !present(vb))
			continue;
		out->n_compared++;
		if (!present(va) || !present(vb) || !json_equal(va, vb))
			diff_add(out, key);
	}
	json_object_foreach(b, key, vb) {
		if (json_object_get(a, key) || !present(vb))
			continue;
		out->n_compared++;
		diff_add(out, key);
	}
}

int fieldset_compare(const struct fieldset *fs, const char *a_json, const char *b_json,
		     struct field_diff *out)
{
	json_t *a = NULL, *b = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load_object(a_json, &a)) || (rc = load_object(b_json, &b)))
		goto out;
	if (fs)
		rc = compare_declared(fs, a, b, out);
	else
		compare_members(a, b, out);
out:
	json_decref(a);
	json_decref(b);
	return rc;
}
