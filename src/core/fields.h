/* fields.h - an engagement's declared payload and result fields: parse, check, normalise, compare. */
#ifndef ALIHDAYA_FIELDS_H
#define ALIHDAYA_FIELDS_H

#include <stddef.h>

#include "util/buf.h"

/*
 * A declaration is a JSON array of field objects (docs/api.md "Fields"):
 *
 *   {"name": "amount", "type": "decimal", "scale": 2, "required": true,
 *    "min": "0.01", "max": "99999.99"}
 *
 * name       [a-z0-9_]{1,63}, unique in the declaration
 * type       text | integer | decimal | date | enum | boolean | list
 * required   the member must be present and not null (default false)
 * scale      decimal only: digits after the point, 0..18 (default 0)
 * of         list only: the element type (any type but list)
 * min_length, max_length   text (and enum): length in characters (code points)
 * min, max   integer: whole numbers; decimal: a string "12.50" or a number,
 *            at the field's scale; compared exactly as scaled integers
 * pattern    text: a POSIX extended regular expression the whole value must
 *            match (anchored for you), at most FIELDS_PATTERN_MAX bytes, no
 *            back-references
 * values     enum: the allowed strings, 1..FIELDS_ENUM_MAX, unique
 * min_items, max_items   list: the number of elements (at most FIELDS_LIST_MAX)
 * normalize  for comparisons (double keying, consensus), applied in order:
 *            "trim" (white space at both ends), "space" (inner runs of white
 *            space become one space), "case" (ASCII letters lower-cased),
 *            "digits" (only 0-9 kept), "date:FORMAT" (a date written as
 *            FORMAT, e.g. "date:DD/MM/YYYY", read as YYYY-MM-DD; on a date
 *            field such values are also accepted by the check). On text,
 *            enum, date and lists of them.
 *
 * A list's element rules are the field's own (min_length, pattern, values,
 * scale, min and max apply to each element).
 *
 * Values as a document carries them: text, enum and date are JSON strings
 * (date YYYY-MM-DD, a real calendar day), integer a JSON integer, decimal a
 * string "-12.50" (exact) or a JSON number with at most 15 significant
 * digits (read as its shortest text), boolean true/false, list an array. A
 * null member is an absent one. A member the declaration does not name is
 * refused. The check is of the value as given; normalisation is for
 * comparisons only (the stored value is what was sent).
 */
#define FIELDS_MAX 256
#define FIELDS_NAME_MAX 63
#define FIELDS_ENUM_MAX 1000
#define FIELDS_ENUM_VALUE_MAX 255
#define FIELDS_PATTERN_MAX 512
#define FIELDS_LENGTH_MAX 1000000
#define FIELDS_LIST_MAX 10000
#define FIELDS_SCALE_MAX 18
#define FIELDS_NORM_MAX 8
/* The declaration's JSON text, at most (a declaration at every bound above fits). */
#define FIELDS_DECL_MAX ((size_t)4 << 20)

struct fieldset; /* compiled declaration; opaque */

/*
 * decl_json compiled into *out (owned by the caller: fieldset_free). 0, or
 * ERR_INVALID with every problem of the declaration named in err (each
 * "fields[i] (name): why", "; "-separated), ERR_TOOBIG past FIELDS_DECL_MAX,
 * ERR_NOMEM. An empty array is a valid declaration of no fields (every
 * member then refused); callers that mean "no declaration" keep NULL.
 */
int fieldset_parse(const char *decl_json, struct fieldset **out, struct buf *err);
void fieldset_free(struct fieldset *fs);

/*
 * doc_json checked against fs: 0, or ERR_INVALID with every bad field
 * named in err ("amount: more than 2 digits after the point; name:
 * required; colour: not a declared field"), ERR_NOMEM. A document that is
 * not a JSON object is ERR_INVALID. fieldset_check_each calls fn once per
 * problem (field name, reason) instead; it returns the same codes (fn's
 * own non-zero return stops the walk and is returned).
 */
int fieldset_check(const struct fieldset *fs, const char *doc_json, struct buf *err);
int fieldset_check_each(const struct fieldset *fs, const char *doc_json,
			int (*fn)(void *ctx, const char *field, const char *reason), void *ctx);

size_t fieldset_count(const struct fieldset *fs);
/* The i-th declared field's name (declaration order), NULL past the end. */
const char *fieldset_name(const struct fieldset *fs, size_t i);

#define FIELD_DIFF_MAX 256
/*
 * n_compared: fields present (not null) in a or b; n_diff: those whose
 * normalised values differ; names: the first FIELD_DIFF_MAX of them, in
 * declaration order (fs NULL: a's members, then b's others).
 */
struct field_diff {
	size_t n_compared, n_diff;
	char names[FIELD_DIFF_MAX][64];
};

/*
 * The declared fields of a and b compared after normalisation (an absent
 * field equals only an absent one). fs NULL: the top-level members of a
 * and b compared as JSON values, no normalisation. 0, ERR_INVALID (a or b
 * not a JSON object), ERR_NOMEM. OUT: *out.
 */
int fieldset_compare(const struct fieldset *fs, const char *a_json, const char *b_json,
		     struct field_diff *out);

/*
 * The canonical text of one field's normalised value, appended to out: the
 * compact JSON text of the value after normalisation ("\"acme co\"", "42",
 * "12.50" at the field's scale, "\"2024-01-31\"", "true", "[...]", and
 * "null" when absent), so two values are equal exactly when their texts
 * are (consensus classes). A value that does not check is its JSON text as
 * given. fs NULL: the member's compact JSON text. 0, ERR_NOTFOUND (field
 * not declared), ERR_INVALID (doc not a JSON object), ERR_NOMEM.
 */
int fieldset_normalized(const struct fieldset *fs, const char *doc_json, const char *field,
			struct buf *out);

#endif
