/* change.c - the detail of an edit's audit event as JSON text: a small writer of objects, strings
 * and numbers. */
#include "engine/change.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

/* ------------------------------------------------------------------ */
/* The detail: {"<field>": {"before": x, "after": y}, ...} as JSON text */
/* ------------------------------------------------------------------ */

/*
 * The engine knows no JSON library (docs/architecture.md), and this is the
 * only JSON it writes: a small writer of objects, strings and numbers. The
 * names are the API's (sla_seconds, not sla_ms), so the audit reads as the
 * request did.
 */

void change_put(struct change *ch, const char *s)
{
	if (!ch->rc)
		ch->rc = buf_puts(&ch->b, s);
}

/* A JSON string of at most max bytes of s: quotes, backslashes and controls escaped. */
static void put_str(struct change *ch, const char *s, size_t max)
{
	char esc[8];
	size_t n = strnlen(s, max);

	change_put(ch, "\"");
	for (size_t i = 0; i < n && !ch->rc; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		} else {
			esc[0] = (char)c;
			esc[1] = '\0';
		}
		change_put(ch, esc);
	}
	change_put(ch, "\"");
}

static void put_i64(struct change *ch, int64_t v)
{
	if (!ch->rc)
		ch->rc = buf_printf(&ch->b, "%lld", (long long)v);
}

static void put_levels(struct change *ch, const struct skill_level *l, size_t n)
{
	change_put(ch, "[");
	for (size_t i = 0; i < n; i++) {
		change_put(ch, i ? ",{\"code\":" : "{\"code\":");
		put_str(ch, l[i].code, MODEL_CODE_MAX);
		change_put(ch, ",\"level\":");
		put_i64(ch, l[i].level);
		change_put(ch, "}");
	}
	change_put(ch, "]");
}

void change_codes(struct change *ch, const char (*c)[MODEL_CODE_MAX], size_t n)
{
	change_put(ch, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			change_put(ch, ",");
		put_str(ch, c[i], MODEL_CODE_MAX);
	}
	change_put(ch, "]");
}

void change_ids(struct change *ch, const int64_t *ids, size_t n)
{
	change_put(ch, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			change_put(ch, ",");
		put_i64(ch, ids[i]);
	}
	change_put(ch, "]");
}

/* "<field>":{"before": — the opening of one changed field. */
void change_field(struct change *ch, const char *name)
{
	change_put(ch, ch->n++ ? ",\"" : "{\"");
	change_put(ch, name);
	change_put(ch, "\":{\"before\":");
}

void change_str(struct change *ch, const char *name, const char *a, const char *b,
		       size_t max)
{
	if (!strncmp(a, b, max))
		return;
	change_field(ch, name);
	put_str(ch, a, max);
	change_put(ch, ",\"after\":");
	put_str(ch, b, max);
	change_put(ch, "}");
}

void change_int(struct change *ch, const char *name, int64_t a, int64_t b)
{
	if (a == b)
		return;
	change_field(ch, name);
	put_i64(ch, a);
	change_put(ch, ",\"after\":");
	put_i64(ch, b);
	change_put(ch, "}");
}

/* An id that is null when 0 (a user's client_id). */
void change_id(struct change *ch, const char *name, int64_t a, int64_t b)
{
	if (a == b)
		return;
	change_field(ch, name);
	if (a)
		put_i64(ch, a);
	else
		change_put(ch, "null");
	change_put(ch, ",\"after\":");
	if (b)
		put_i64(ch, b);
	else
		change_put(ch, "null");
	change_put(ch, "}");
}

void change_bool(struct change *ch, const char *name, bool a, bool b)
{
	if (a == b)
		return;
	change_field(ch, name);
	change_put(ch, a ? "true,\"after\":false}" : "false,\"after\":true}");
}

static bool levels_equal(const struct skill_level *a, size_t na, const struct skill_level *b,
			 size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].level != b[i].level || strncmp(a[i].code, b[i].code, MODEL_CODE_MAX))
			return false;
	return true;
}

void change_levels(struct change *ch, const char *name, const struct skill_level *a,
			  size_t na, const struct skill_level *b, size_t nb)
{
	if (levels_equal(a, na, b, nb))
		return;
	change_field(ch, name);
	put_levels(ch, a, na);
	change_put(ch, ",\"after\":");
	put_levels(ch, b, nb);
	change_put(ch, "}");
}

/* A clearance as the API gives it: its id, or {client_id, expires_at (ms), nda_ref, unmasked}. */
static void put_clearance(struct change *ch, const struct worker_rec *w, size_t i)
{
	const struct clear_terms *t = worker_terms(w, w->clear[i]);

	if (!t && !w->clear_until[i]) {
		put_i64(ch, w->clear[i]);
		return;
	}
	change_put(ch, "{\"client_id\":");
	put_i64(ch, w->clear[i]);
	if (w->clear_until[i]) {
		change_put(ch, ",\"expires_at_ms\":");
		put_i64(ch, w->clear_until[i]);
	}
	if (t) {
		change_put(ch, ",\"nda_ref\":");
		put_str(ch, t->nda_ref, MODEL_CODE_MAX);
		change_put(ch, ",\"unmasked\":");
		change_codes(ch, t->unmasked, t->n_unmasked);
	}
	change_put(ch, "}");
}

static bool clearance_equal(const struct worker_rec *a, size_t i, const struct worker_rec *b,
			    size_t k)
{
	const struct clear_terms *x = worker_terms(a, a->clear[i]), *y = worker_terms(b, b->clear[k]);

	if (a->clear[i] != b->clear[k] || a->clear_until[i] != b->clear_until[k] || !x != !y)
		return false;
	return !x || (!strncmp(x->nda_ref, y->nda_ref, MODEL_CODE_MAX) &&
		      x->n_unmasked == y->n_unmasked &&
		      !memcmp(x->unmasked, y->unmasked, x->n_unmasked * MODEL_CODE_MAX));
}

void change_clear(struct change *ch, const char *name, const struct worker_rec *a,
			 const struct worker_rec *b)
{
	bool same = a->n_clear == b->n_clear;

	for (size_t i = 0; same && i < a->n_clear; i++)
		same = clearance_equal(a, i, b, i);
	if (same)
		return;
	change_field(ch, name);
	for (int side = 0; side < 2; side++) {
		const struct worker_rec *w = side ? b : a;

		change_put(ch, side ? ",\"after\":[" : "[");
		for (size_t i = 0; i < w->n_clear; i++) {
			if (i)
				change_put(ch, ",");
			put_clearance(ch, w, i);
		}
		change_put(ch, "]");
	}
	change_put(ch, "}");
}

/* The expiries and terms that go with an edit's clearances. */
void change_clear_copy(struct worker_rec *r, const struct worker_rec *in)
{
	memcpy(r->clear_until, in->clear_until, sizeof(r->clear_until));
	memcpy(r->terms, in->terms, sizeof(r->terms));
	r->n_terms = in->n_terms;
}

/* The detail's text (malloc'd, "{}" when nothing changed). OUT: *out. 0 or ERR_NOMEM. */
int change_end(struct change *ch, char **out)
{
	change_put(ch, ch->n ? "}" : "{}");
	if (ch->rc) {
		buf_release(&ch->b);
		return ERR_NOMEM;
	}
	*out = buf_detach(&ch->b, NULL);
	return *out ? 0 : ERR_NOMEM;
}


static void put_sensitive(struct change *ch, const struct sensitive_field *f, size_t n)
{
	change_put(ch, "[");
	for (size_t i = 0; i < n; i++) {
		change_put(ch, i ? ",{\"field\":" : "{\"field\":");
		put_str(ch, f[i].field, MODEL_CODE_MAX);
		change_put(ch, ",\"mask\":\"");
		change_put(ch, mask_name(f[i].mask));
		change_put(ch, "\"}");
	}
	change_put(ch, "]");
}

void change_sensitive(struct change *ch, const char *name, const struct sensitive_field *a,
		      size_t na, const struct sensitive_field *b, size_t nb)
{
	bool same = na == nb;

	for (size_t i = 0; same && i < na; i++)
		same = a[i].mask == b[i].mask && !strncmp(a[i].field, b[i].field, MODEL_CODE_MAX);
	if (same)
		return;
	change_field(ch, name);
	put_sensitive(ch, a, na);
	change_put(ch, ",\"after\":");
	put_sensitive(ch, b, nb);
	change_put(ch, "}");
}
