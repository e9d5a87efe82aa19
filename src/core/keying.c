/* keying.c - keying settings' rules, merging and canonical texts of answers, the bounded queue scan. */
#include "core/keying.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/names.h"

static const char *const mode_names[] = {
    [KEYING_SINGLE] = "single", [KEYING_DOUBLE] = "double", [KEYING_OVERLAP] = "overlap"};
static const char *const agg_names[] = {[KEYING_MAJORITY] = "majority",
					[KEYING_DAWID_SKENE] = "dawid_skene"};

NAMES_ENUM(keying_mode, enum keying_mode, mode_names)
NAMES_ENUM(keying_agg, enum keying_agg, agg_names)

const char *keying_phase_name(enum keying_phase p)
{
	switch (p) {
	case KPHASE_NONE: return "none";
	case KPHASE_ANSWERING: return "answering";
	case KPHASE_ADJUDICATING: return "adjudicating";
	case KPHASE_DECIDED: return "decided";
	}
	return "unknown";
}

static bool field_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > KEYING_FIELD_MAX - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int keying_conf_check(struct keying_conf *c, struct buf *err)
{
	if ((unsigned)c->mode > KEYING_OVERLAP)
		return buf_error(err, ERR_INVALID, "mode: one of single, double, overlap");
	if ((unsigned)c->aggregate > KEYING_DAWID_SKENE)
		return buf_error(err, ERR_INVALID, "aggregate: one of majority, dawid_skene");
	if (c->field[0] && !field_name_ok(c->field))
		return buf_error(err, ERR_INVALID, "field: a result field name [a-z0-9_]{1,63}");
	switch (c->mode) {
	case KEYING_SINGLE:
		/* One answer: the other settings mean nothing and are kept as neutral. */
		c->k = c->max_k = 1;
		c->min_confidence = 0;
		return 0;
	case KEYING_DOUBLE:
		if (c->k && c->k != 2)
			return buf_error(err, ERR_INVALID, "k: double keying takes exactly 2 answers");
		if (c->max_k && c->max_k != 2)
			return buf_error(err, ERR_INVALID,
					 "max_k: double keying takes exactly 2 answers (a "
					 "disagreement goes to a third worker)");
		c->k = c->max_k = 2;
		return 0;
	case KEYING_OVERLAP:
		if (!c->k)
			c->k = 3;
		if (c->k < 2 || c->k > KEYING_K_MAX)
			return buf_error(err, ERR_INVALID, "k: 2 to %d answers per item", KEYING_K_MAX);
		if (!c->max_k)
			c->max_k = c->k;
		if (c->max_k < c->k || c->max_k > KEYING_K_MAX)
			return buf_error(err, ERR_INVALID, "max_k: from k (%d) to %d", c->k,
					 KEYING_K_MAX);
		if (!(c->min_confidence >= 0 && c->min_confidence <= 1))
			return buf_error(err, ERR_INVALID, "min_confidence: from 0 to 1");
		return 0;
	}
	return ERR_INVALID;
}

int keying_merge(const char *base, const char *over, char **out)
{
	json_t *b = json_loads(base, JSON_REJECT_DUPLICATES, NULL), *o = NULL;
	int rc = ERR_INVALID;

	*out = NULL;
	if (!json_is_object(b))
		goto out;
	if (over) {
		o = json_loads(over, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(o))
			goto out;
		rc = ERR_NOMEM;
		if (json_object_update(b, o))
			goto out;
	}
	rc = ERR_NOMEM;
	*out = json_dumps(b, JSON_COMPACT);
	if (*out)
		rc = 0;
out:
	json_decref(b);
	json_decref(o);
	return rc;
}

int keying_names_json(const char (*names)[64], size_t n, struct buf *out)
{
	json_t *a = json_array();
	char *t = NULL;
	int rc = ERR_NOMEM;

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_stringn(names[i], strnlen(names[i], 64))))
			goto out;
	if (a && (t = json_dumps(a, JSON_COMPACT)) && !buf_puts(out, t))
		rc = 0;
out:
	free(t);
	json_decref(a);
	return rc;
}

static bool has_name(char (*names)[64], size_t n, const char *k)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], k))
			return true;
	return false;
}

int keying_members(const char *a, const char *b, char (*names)[64], size_t max, size_t *n)
{
	const char *docs[2] = {a, b};
	int rc = 0;

	*n = 0;
	for (int d = 0; d < 2 && !rc; d++) {
		json_t *j = json_loads(docs[d], JSON_REJECT_DUPLICATES, NULL), *v;
		const char *k;

		if (!json_is_object(j)) {
			rc = ERR_INVALID;
			json_decref(j);
			break;
		}
		json_object_foreach(j, k, v)
		{
			if (json_is_null(v) || strlen(k) >= 64 || has_name(names, *n, k))
				continue;
			if (*n == max)
				break;
			memcpy(names[*n], k, strlen(k) + 1);
			(*n)++;
		}
		json_decref(j);
	}
	return rc;
}

int keying_canonical(const char *doc, struct buf *out)
{
	json_t *j = json_loads(doc, JSON_DECODE_ANY, NULL);
	char *t;
	int rc;

	if (!j)
		return ERR_INVALID;
	t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(j);
	if (!t)
		return ERR_NOMEM;
	rc = buf_puts(out, t);
	free(t);
	return rc ? ERR_NOMEM : 0;
}

struct queue_entry *keying_queue_best(const struct queue *q,
				      bool (*skip)(const struct queue_entry *e, void *ctx),
				      void *ctx, size_t max_visit)
{
	/* The frontier: heap indices whose parents were visited (and skipped). */
	size_t front[2 * KEYING_SCAN_MAX + 2];
	size_t n = 0;

	if (max_visit > KEYING_SCAN_MAX)
		max_visit = KEYING_SCAN_MAX;
	if (q->n)
		front[n++] = 0;
	for (size_t visited = 0; n && visited < max_visit; visited++) {
		size_t best = 0, i;

		for (size_t j = 1; j < n; j++)
			if (queue_before(q->v[front[j]], q->v[front[best]]))
				best = j;
		i = front[best];
		front[best] = front[--n];
		if (!skip(q->v[i], ctx))
			return q->v[i];
		/* A child comes after its parent: only now can it be the best left. */
		if (2 * i + 1 < q->n)
			front[n++] = 2 * i + 1;
		if (2 * i + 2 < q->n)
			front[n++] = 2 * i + 2;
	}
	return NULL;
}
