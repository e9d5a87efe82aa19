/* mask.h - the masks of sensitive payload fields (last 4, initials, hidden) and a payload masked. */
#ifndef ALIHDAYA_MASK_H
#define ALIHDAYA_MASK_H

#include <stddef.h>

#include "util/buf.h"

/*
 * What a reader who may not see a field in clear sees instead (docs/api.md
 * "Sensitive fields"). Characters are UTF-8 code points, never bytes, so a
 * masked name never ends in half a character.
 *  - last4: every character but the last 4 becomes '*'; a value of 4
 *    characters or fewer becomes all '*' (last 4 of "1234" would be all of it).
 *  - initials: the first character of each word (runs of characters between
 *    ASCII spaces, tabs and newlines), each followed by '.': "Ada Lovelace"
 *    is "A.L.".
 *  - hidden: the text "***", whatever the value (a string, so a reader can
 *    tell a hidden value from a null one).
 */
enum mask_kind { MASK_NONE, MASK_LAST4, MASK_INITIALS, MASK_HIDDEN, MASK__COUNT };

/* "none", "last4", "initials", "hidden". */
const char *mask_name(enum mask_kind m);
/* One of last4, initials, hidden into *out (not "none"): 0 or ERR_INVALID. */
int mask_parse(const char *s, enum mask_kind *out);

/* The n bytes of s (UTF-8) masked by m, appended to out. 0, ERR_NOMEM or ERR_TOOBIG. */
int mask_text(enum mask_kind m, const char *s, size_t n, struct buf *out);

/* One field of a payload and how to show it (MASK_NONE: in clear). */
struct mask_field {
	const char *name;
	enum mask_kind mask;
};

/*
 * payload (a JSON text) with the value of every top-level key named in f
 * masked: strings and numbers as their text, any other value (an object, a
 * list, true, null) as "***". Only top-level keys: a nested object is one
 * value. A payload that is not an object is returned unchanged.
 * OUT: *out, a new JSON text (free()). 0, ERR_INVALID (not JSON), ERR_NOMEM.
 */
int mask_payload(const char *payload, const struct mask_field *f, size_t n, char **out);

/*
 * {"fields": [names...]} as JSON text into out[cap] (the detail of an
 * item.unmask audit event). 0, ERR_NOMEM, or ERR_TOOBIG when it does not fit.
 */
int mask_fields_detail(const char *const *names, size_t n, char *out, size_t cap);

#endif
