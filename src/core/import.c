/* import.c - a CSV or JSON Lines row of an import turned into an item's payload (pure). */
#include "core/import.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields_int.h"
#include "util/err.h"

static const char *const state_names[] = {"receiving", "running", "done", "failed"};

const char *import_state_name(enum import_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "?";
}

enum col_kind { COL_SKIP, COL_REF, COL_TYPE, COL_FIELD };

struct col {
	enum col_kind kind;
	enum ftype type;
	char header[FIELDS_NAME_MAX + 1]; /* as the file names it (cut) */
	char name[FIELDS_NAME_MAX + 1];	  /* the payload member */
};

struct import_map {
	size_t n;
	struct col *c;
};

void import_map_free(struct import_map *m)
{
	if (!m)
		return;
	free(m->c);
	free(m);
}

/* The mapping's target for header h (len n): NULL when it names none. OUT: *tlen. */
static const char *map_find(const char *mapping, const char *h, size_t *tlen)
{
	const char *p = mapping;

	while (p && *p) {
		const char *end = strchr(p, ','), *colon;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		colon = memchr(p, ':', len);
		if (colon && (size_t)(colon - p) == strlen(h) && !memcmp(p, h, strlen(h))) {
			*tlen = len - (size_t)(colon - p) - 1;
			return colon + 1;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

static const struct field *declared(const struct fieldset *fs, const char *name)
{
	for (size_t i = 0; fs && i < fs->n; i++)
		if (!strcmp(fs->f[i].name, name))
			return &fs->f[i];
	return NULL;
}

int import_map_new(const struct fieldset *fs, const struct csv_record *header, const char *mapping,
		   struct import_map **out, struct buf *err)
{
	struct import_map *m;
	const struct field *fd;
	const char *t;
	size_t tlen;
	int rc = 0;

	*out = NULL;
	if (header->bad)
		return buf_error(err, ERR_INVALID, "line %lld: the header: %s",
				 (long long)header->line, header->reason);
	m = calloc(1, sizeof(*m));
	if (!m || !(m->c = calloc(header->n ? header->n : 1, sizeof(*m->c)))) {
		free(m);
		return buf_error(err, ERR_NOMEM, "out of memory");
	}
	m->n = header->n;
	for (size_t i = 0; i < header->n; i++) {
		struct col *c = &m->c[i];
		const char *h = header->f[i].p;

		if (header->f[i].len > FIELDS_NAME_MAX) {
			rc =
			    buf_error(err, ERR_INVALID, "column %zu: a header longer than %d bytes",
				      i + 1, FIELDS_NAME_MAX);
			goto out;
		}
		memcpy(c->header, h, header->f[i].len + 1);
		t = mapping ? map_find(mapping, h, &tlen) : NULL;
		if (!t) {
			t = h;
			tlen = header->f[i].len;
		}
		if (tlen > FIELDS_NAME_MAX || !tlen) {
			rc = buf_error(err, ERR_INVALID, "column %zu (%s): no payload field name",
				       i + 1, c->header);
			goto out;
		}
		memcpy(c->name, t, tlen);
		c->name[tlen] = '\0';
		c->type = FT_TEXT;
		if (!strcmp(c->name, "-")) {
			c->kind = COL_SKIP;
		} else if (!strcmp(c->name, "external_ref")) {
			c->kind = COL_REF;
		} else if (!strcmp(c->name, "type")) {
			c->kind = COL_TYPE; /* the item's type, not a payload member */
		} else {
			c->kind = COL_FIELD;
			for (size_t j = 0; j < i; j++)
				if (m->c[j].kind != COL_SKIP && !strcmp(m->c[j].name, c->name)) {
					rc = buf_error(err, ERR_INVALID,
						       "column %zu (%s): field %s is mapped twice",
						       i + 1, c->header, c->name);
					goto out;
				}
			if (fs) {
				if (!(fd = declared(fs, c->name))) {
					rc = buf_error(
					    err, ERR_INVALID,
					    "column %zu (%s): %s is not a declared payload "
					    "field (map it with ?map=%s:FIELD, or drop it "
					    "with %s:-)",
					    i + 1, c->header, c->name, c->header, c->header);
					goto out;
				}
				c->type = fd->type;
			}
		}
	}
	*out = m;
	return 0;
out:
	import_map_free(m);
	return rc;
}

static bool whole_number(const char *s, json_int_t *v)
{
	char *end;
	long long x;

	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end || end == s)
		return false;
	*v = (json_int_t)x;
	return true;
}

/* The cell as the JSON value its field's type takes. NULL and reason set when it cannot. */
static json_t *cell_value(enum ftype type, const char *s, size_t len, struct buf *reason)
{
	json_int_t v;
	json_t *j;

	switch (type) {
	case FT_INTEGER:
		if (whole_number(s, &v))
			return json_integer(v);
		buf_puts(reason, "not a whole number");
		return NULL;
	case FT_BOOLEAN:
		if (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes"))
			return json_true();
		if (!strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "no"))
			return json_false();
		buf_puts(reason, "not true/false/1/0/yes/no");
		return NULL;
	case FT_LIST:
		j = json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL);
		if (json_is_array(j))
			return j;
		json_decref(j);
		buf_puts(reason, "not a JSON array");
		return NULL;
	default:
		return json_stringn(s, len);
	}
}

/* obj as text into payload. */
static int dump(json_t *obj, struct buf *payload)
{
	char *text = json_dumps(obj, JSON_COMPACT);
	int rc;

	if (!text)
		return ERR_NOMEM;
	buf_reset(payload);
	rc = buf_puts(payload, text);
	free(text);
	return rc;
}

/* An item type's text: 1..32 of [a-z0-9_] (whether the engagement has it: the caller's check). */
static int type_take(const char *p, size_t len, char type[MODEL_ITEM_TYPE_MAX], struct buf *reason)
{
	bool ok = len > 0 && len < MODEL_ITEM_TYPE_MAX;

	for (size_t i = 0; ok && i < len; i++)
		ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_';
	if (!ok) {
		buf_printf(reason, "an item type is 1..%d of a-z, 0-9 and _",
			   MODEL_ITEM_TYPE_MAX - 1);
		return ERR_INVALID;
	}
	memcpy(type, p, len);
	type[len] = '\0';
	return 0;
}

int import_csv_row(const struct import_map *m, const struct csv_record *rec, struct buf *payload,
		   char ref[MODEL_REF_MAX], char type[MODEL_ITEM_TYPE_MAX],
		   char column[FIELDS_NAME_MAX + 1], struct buf *reason)
{
	json_t *obj, *v;
	int rc = 0;

	ref[0] = type[0] = column[0] = '\0';
	if (rec->bad) {
		if (rec->bad_column && rec->bad_column <= m->n)
			memcpy(column, m->c[rec->bad_column - 1].header,
			       strlen(m->c[rec->bad_column - 1].header) + 1);
		buf_puts(reason, rec->reason);
		return ERR_INVALID;
	}
	if (rec->n != m->n) {
		buf_printf(reason, "%zu fields where the header has %zu", rec->n, m->n);
		return ERR_INVALID;
	}
	if (!(obj = json_object()))
		return ERR_NOMEM;
	for (size_t i = 0; i < m->n && !rc; i++) {
		const struct col *c = &m->c[i];
		const struct csv_field *f = &rec->f[i];

		if (c->kind == COL_SKIP || !f->len)
			continue;
		if (c->kind == COL_REF) {
			if (f->len >= MODEL_REF_MAX) {
				memcpy(column, c->header, strlen(c->header) + 1);
				buf_printf(reason, "longer than %d bytes", MODEL_REF_MAX - 1);
				rc = ERR_INVALID;
			} else {
				memcpy(ref, f->p, f->len + 1);
			}
			continue;
		}
		if (c->kind == COL_TYPE) {
			if ((rc = type_take(f->p, f->len, type, reason)))
				memcpy(column, c->header, strlen(c->header) + 1);
			continue;
		}
		v = cell_value(c->type, f->p, f->len, reason);
		if (!v) {
			memcpy(column, c->header, strlen(c->header) + 1);
			rc = reason->len ? ERR_INVALID : ERR_NOMEM;
		} else if (json_object_set_new(obj, c->name, v)) {
			rc = ERR_NOMEM;
		}
	}
	if (!rc)
		rc = dump(obj, payload);
	json_decref(obj);
	return rc;
}

int import_jsonl_row(const char *line, size_t len, struct buf *payload, char ref[MODEL_REF_MAX],
		     char type[MODEL_ITEM_TYPE_MAX], char column[FIELDS_NAME_MAX + 1],
		     struct buf *reason)
{
	json_error_t je;
	json_t *obj, *r;
	int rc = 0;

	ref[0] = type[0] = column[0] = '\0';
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (!obj) {
		buf_printf(reason, "not JSON: %s", je.text);
		return ERR_INVALID;
	}
	if (!json_is_object(obj)) {
		buf_puts(reason, "not a JSON object");
		rc = ERR_INVALID;
		goto out;
	}
	if ((r = json_object_get(obj, "external_ref"))) {
		if (!json_is_string(r) || json_string_length(r) >= MODEL_REF_MAX ||
		    !json_string_length(r)) {
			memcpy(column, "external_ref", sizeof("external_ref"));
			buf_printf(reason, "a string of 1..%d bytes", MODEL_REF_MAX - 1);
			rc = ERR_INVALID;
			goto out;
		}
		memcpy(ref, json_string_value(r), json_string_length(r) + 1);
		json_object_del(obj, "external_ref");
	}
	if ((r = json_object_get(obj, "type"))) {
		if (!json_is_string(r) ||
		    type_take(json_string_value(r), json_string_length(r), type, reason)) {
			memcpy(column, "type", sizeof("type"));
			if (!reason->len)
				buf_puts(reason, "a string: the item's type");
			rc = ERR_INVALID;
			goto out;
		}
		json_object_del(obj, "type");
	}
	rc = dump(obj, payload);
out:
	json_decref(obj);
	return rc;
}
