/* fields_int.h - the compiled field declaration and its value rules, shared by fields.c and fields_doc.c. */
#ifndef ALIHDAYA_FIELDS_INT_H
#define ALIHDAYA_FIELDS_INT_H

#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/fields.h"

enum ftype { FT_TEXT, FT_INTEGER, FT_DECIMAL, FT_DATE, FT_ENUM, FT_BOOLEAN, FT_LIST, FT__COUNT };

enum norm_kind { NORM_TRIM, NORM_SPACE, NORM_CASE, NORM_DIGITS, NORM_DATE };

/* A date format's text: "date:" and at most this many bytes. */
#define FIELDS_DATE_FMT_MAX 31

struct norm {
	enum norm_kind kind;
	char fmt[FIELDS_DATE_FMT_MAX + 1]; /* NORM_DATE: YYYY, MM, M, DD, D, other bytes literal */
};

struct field {
	char name[FIELDS_NAME_MAX + 1];
	enum ftype type;
	enum ftype elem; /* the type of each value: type itself, or a list's `of` */
	bool required;
	int scale;
	bool has_min_len, has_max_len;
	int64_t min_len, max_len;
	bool has_min, has_max; /* integer: the values; decimal: scaled by 10^scale */
	int64_t min, max;
	bool has_min_items, has_max_items;
	int64_t min_items, max_items;
	bool has_re;
	regex_t re;
	char **values; /* enum: n_values strings, owned */
	size_t n_values;
	struct norm norm[FIELDS_NORM_MAX];
	size_t n_norm;
};

struct fieldset {
	size_t n;
	struct field *f;
};

const char *fields__type_name(enum ftype t);

/*
 * The decimal text s (-?digits[.digits], no exponent) as an integer scaled
 * by 10^scale. 0, or ERR_INVALID with *why set to a static reason.
 */
int fields__decimal_parse(const char *s, int scale, int64_t *out, const char **why);
/* A JSON value (string, integer or real) as a scaled decimal; as above. */
int fields__decimal_json(const json_t *v, int scale, int64_t *out, const char **why);
/* The scaled v written with scale digits after the point ("-12.50"). */
void fields__decimal_text(int64_t v, int scale, char *out, size_t n);

/* s is YYYY-MM-DD, a real calendar day (years 0001..9999). */
bool fields__date_iso(const char *s);
/*
 * s read with the date format fmt into iso (YYYY-MM-DD + NUL, 11 bytes):
 * true if it matches and is a real day.
 */
bool fields__date_fmt(const char *fmt, const char *s, char iso[11]);
/* fmt names a year, a month and a day once each: true. */
bool fields__date_fmt_valid(const char *fmt);

/* The number of UTF-8 code points in the n bytes of s. */
size_t fields__chars(const char *s, size_t n);

#endif
