/* mask.c - masking a sensitive value, character by character, and the fields of a payload. */
#include "util/mask.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static const char *const mask_names[MASK__COUNT] = {
	[MASK_NONE] = "none",
	[MASK_LAST4] = "last4",
	[MASK_INITIALS] = "initials",
	[MASK_HIDDEN] = "hidden",
};

const char *mask_name(enum mask_kind m)
{
	return (unsigned)m < MASK__COUNT ? mask_names[m] : "?";
}

int mask_parse(const char *s, enum mask_kind *out)
{
	for (int m = MASK_LAST4; s && m < MASK__COUNT; m++)
		if (!strcmp(s, mask_names[m])) {
			*out = (enum mask_kind)m;
			return 0;
		}
	return ERR_INVALID;
}

/* A continuation byte (10xxxxxx) is never the start of a character. */
static bool starts_char(unsigned char c)
{
	return (c & 0xC0) != 0x80;
}

/* The length in bytes of the character at s[i] (at least 1, never past n). */
static size_t char_len(const char *s, size_t i, size_t n)
{
	size_t j = i + 1;

	while (j < n && !starts_char((unsigned char)s[j]))
		j++;
	return j - i;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int last4(const char *s, size_t n, struct buf *out)
{
	size_t chars = 0, seen = 0, i;
	int rc = 0;

	for (i = 0; i < n; i++)
		chars += starts_char((unsigned char)s[i]);
	/* Four characters or fewer: the last four would be the whole value. */
	size_t keep = chars > 4 ? 4 : 0;

	for (i = 0; !rc && i < n; i += char_len(s, i, n)) {
		if (seen == chars - keep)
			return buf_append(out, s + i, n - i);
		rc = buf_puts(out, "*");
		seen++;
	}
	return rc;
}

static int initials(const char *s, size_t n, struct buf *out)
{
	bool in_word = false;
	int rc = 0;

	for (size_t i = 0; !rc && i < n;) {
		size_t len = char_len(s, i, n);

		if (is_space(s[i])) {
			in_word = false;
		} else if (!in_word) {
			in_word = true;
			rc = buf_append(out, s + i, len);
			if (!rc)
				rc = buf_puts(out, ".");
		}
		i += len;
	}
	return rc;
}

int mask_text(enum mask_kind m, const char *s, size_t n, struct buf *out)
{
	switch (m) {
	case MASK_NONE: return buf_append(out, s, n);
	case MASK_LAST4: return last4(s, n, out);
	case MASK_INITIALS: return initials(s, n, out);
	default: return buf_puts(out, "***");
	}
}

/* The value v masked by m, as a new JSON string (NULL: out of memory). */
static json_t *masked_value(json_t *v, enum mask_kind m)
{
	struct buf b = BUF_INIT;
	char num[64];
	const char *t = NULL;
	size_t n = 0;
	json_t *r = NULL;

	if (json_is_string(v)) {
		t = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		t = num;
		n = strlen(num);
	} else if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		t = num;
		n = strlen(num);
	} else {
		m = MASK_HIDDEN;
	}
	if (!mask_text(m, t ? t : "", n, &b))
		r = json_stringn(b.len ? b.data : "", b.len);
	buf_release(&b);
	return r;
}

int mask_payload(const char *payload, const struct mask_field *f, size_t n, char **out)
{
	json_error_t e;
	json_t *root = json_loads(payload, JSON_DECODE_ANY, &e), *v;
	int rc = 0;

	*out = NULL;
	if (!root)
		return ERR_INVALID;
	for (size_t i = 0; !rc && json_is_object(root) && i < n; i++) {
		json_t *m;

		if (f[i].mask == MASK_NONE || !(v = json_object_get(root, f[i].name)))
			continue;
		m = masked_value(v, f[i].mask);
		if (!m || json_object_set_new(root, f[i].name, m))
			rc = ERR_NOMEM;
	}
	if (!rc && !(*out = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY)))
		rc = ERR_NOMEM;
	json_decref(root);
	return rc;
}

int mask_fields_detail(const char *const *names, size_t n, char *out, size_t cap)
{
	json_t *a = json_array(), *o = NULL;
	char *t = NULL;
	int rc = a ? 0 : ERR_NOMEM;

	for (size_t i = 0; !rc && i < n; i++)
		if (json_array_append_new(a, json_string(names[i])))
			rc = ERR_NOMEM;
	if (!rc && (!(o = json_pack("{s:O}", "fields", a)) || !(t = json_dumps(o, JSON_COMPACT))))
		rc = ERR_NOMEM;
	json_decref(o);
	if (!rc && strlen(t) >= cap)
		rc = ERR_TOOBIG;
	if (!rc)
		memcpy(out, t, strlen(t) + 1);
	free(t);
	json_decref(a);
	return rc;
}
