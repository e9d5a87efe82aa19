/* test_fields.c - field declarations, checks, normalisations and comparisons against values worked out by hand. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "util/buf.h"
#include "util/err.h"

/* The declaration compiled (asserting it is valid). */
static struct fieldset *decl(const char *json)
{
	struct buf err = BUF_INIT;
	struct fieldset *fs = NULL;
	int rc = fieldset_parse(json, &fs, &err);

	if (rc)
		fprintf(stderr, "unexpected: %s\n", buf_str(&err));
	assert_int_equal(rc, 0);
	assert_non_null(fs);
	buf_release(&err);
	return fs;
}

/* The declaration's error message (asserting it is refused with rc); static: one at a time. */
static const char *refused(const char *json, int want)
{
	static char msg[8192];
	struct buf err = BUF_INIT;
	struct fieldset *fs = NULL;

	assert_int_equal(fieldset_parse(json, &fs, &err), want);
	assert_null(fs);
	snprintf(msg, sizeof(msg), "%s", buf_str(&err));
	buf_release(&err);
	return msg;
}

/* The check's message ("" when the document is fine). */
static const char *checked(const struct fieldset *fs, const char *doc)
{
	static char msg[16384];
	struct buf err = BUF_INIT;
	int rc = fieldset_check(fs, doc, &err);

	assert_true(rc == 0 || rc == ERR_INVALID);
	assert_int_equal(rc == 0, buf_str(&err)[0] == 0);
	snprintf(msg, sizeof(msg), "%s", buf_str(&err));
	buf_release(&err);
	return msg;
}

#define assert_contains(hay, needle)                                                          \
	do {                                                                                  \
		if (!strstr((hay), (needle)))                                                 \
			fail_msg("\"%s\" not in \"%s\"", (needle), (hay));                    \
	} while (0)

static const char *norm(const struct fieldset *fs, const char *doc, const char *field)
{
	static char out[1024];
	struct buf b = BUF_INIT;

	assert_int_equal(fieldset_normalized(fs, doc, field, &b), 0);
	snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_release(&b);
	return out;
}

static void test_types(void **state)
{
	struct fieldset *fs;

	(void)state;
	fs = decl("[{\"name\":\"t\",\"type\":\"text\"},{\"name\":\"i\",\"type\":\"integer\"},"
		  "{\"name\":\"d\",\"type\":\"decimal\",\"scale\":2},{\"name\":\"dt\",\"type\":\"date\"},"
		  "{\"name\":\"e\",\"type\":\"enum\",\"values\":[\"a\",\"b\"]},"
		  "{\"name\":\"b\",\"type\":\"boolean\"},{\"name\":\"l\",\"type\":\"list\",\"of\":\"integer\"}]");
	assert_int_equal(fieldset_count(fs), 7);
	assert_string_equal(fieldset_name(fs, 0), "t");
	assert_string_equal(fieldset_name(fs, 6), "l");
	assert_null(fieldset_name(fs, 7));
	assert_string_equal(checked(fs, "{\"t\":\"x\",\"i\":-3,\"d\":\"12.5\",\"dt\":\"2024-02-29\","
					"\"e\":\"b\",\"b\":false,\"l\":[1,2]}"),
			    "");
	assert_string_equal(checked(fs, "{}"), ""); /* nothing required */
	assert_string_equal(checked(fs, "{\"t\":null}"), ""); /* null is absent */
	assert_string_equal(checked(fs, "{\"t\":1}"), "t: not a text (a JSON string)");
	assert_string_equal(checked(fs, "{\"i\":1.5}"), "i: not a whole number");
	assert_string_equal(checked(fs, "{\"i\":\"1\"}"), "i: not a whole number");
	assert_string_equal(checked(fs, "{\"dt\":\"2023-02-29\"}"),
			    "dt: not a date (YYYY-MM-DD, a real day)");
	assert_string_equal(checked(fs, "{\"e\":\"c\"}"), "e: not one of the enum's 2 values");
	assert_string_equal(checked(fs, "{\"b\":0}"), "b: not true or false");
	assert_string_equal(checked(fs, "{\"l\":[1,\"x\",2.5]}"),
			    "l: element 1: not a whole number, and 1 more bad elements");
	assert_string_equal(checked(fs, "{\"l\":3}"), "l: not a list (a JSON array)");
	assert_string_equal(checked(fs, "[1]"), "the document must be a JSON object");
	assert_string_equal(checked(fs, "{\"zz\":1}"), "zz: not a declared field");
	fieldset_free(fs);
	fieldset_free(NULL);
}

static void test_compare_basic(void **state)
{
	struct fieldset *fs;
	struct field_diff d;

	(void)state;
	fs = decl("[{\"name\":\"n\",\"type\":\"text\",\"normalize\":[\"trim\",\"case\"]},"
		  "{\"name\":\"amt\",\"type\":\"decimal\",\"scale\":2},{\"name\":\"k\",\"type\":\"integer\"}]");
	assert_int_equal(fieldset_compare(fs, "{\"n\":\" ACME \",\"amt\":\"1.5\"}",
					  "{\"n\":\"acme\",\"amt\":1.50,\"k\":2}", &d), 0);
	assert_int_equal(d.n_compared, 3);
	assert_int_equal(d.n_diff, 1);
	assert_string_equal(d.names[0], "k");
	assert_string_equal(norm(fs, "{\"n\":\" ACME Co \"}", "n"), "\"acme co\"");
	assert_string_equal(norm(fs, "{\"amt\":\"7\"}", "amt"), "7.00");
	assert_string_equal(norm(fs, "{}", "amt"), "null");
	fieldset_free(fs);
	assert_int_equal(fieldset_compare(NULL, "{\"a\":1,\"b\":[1]}", "{\"b\":[1],\"c\":null,\"d\":2}", &d), 0);
	assert_int_equal(d.n_compared, 3);
	assert_int_equal(d.n_diff, 2);
	assert_string_equal(d.names[0], "a");
	assert_string_equal(d.names[1], "d");
	assert_int_equal(fieldset_compare(NULL, "[]", "{}", &d), ERR_INVALID);
}

static void test_bounds_and_patterns(void **state)
{
	struct fieldset *fs;

	(void)state;
	fs = decl("[{\"name\":\"t\",\"type\":\"text\",\"min_length\":2,\"max_length\":4},"
		  "{\"name\":\"p\",\"type\":\"text\",\"pattern\":\"[A-Z]{2}-[0-9]+\"},"
		  "{\"name\":\"alt\",\"type\":\"text\",\"pattern\":\"a|b\"},"
		  "{\"name\":\"i\",\"type\":\"integer\",\"min\":-5,\"max\":5},"
		  "{\"name\":\"l\",\"type\":\"list\",\"of\":\"integer\",\"min_items\":1,\"max_items\":2}]");
	/* Lengths are characters: "héé" is 3 characters, 5 bytes. */
	assert_string_equal(checked(fs, "{\"t\":\"h\\u00e9\\u00e9\"}"), "");
	assert_string_equal(checked(fs, "{\"t\":\"\\u00e9\"}"), "t: shorter than 2 characters");
	assert_string_equal(checked(fs, "{\"t\":\"abcde\"}"), "t: longer than 4 characters");
	/* jansson refuses \u0000 without JSON_ALLOW_NUL: such a text is no document at all. */
	assert_string_equal(checked(fs, "{\"t\":\"a\\u0000b\"}"), "the document must be a JSON object");
	/* The whole value must match: anchored, also around an alternation. */
	assert_string_equal(checked(fs, "{\"p\":\"AB-12\"}"), "");
	assert_string_equal(checked(fs, "{\"p\":\"xAB-12\"}"), "p: does not match the pattern");
	assert_string_equal(checked(fs, "{\"p\":\"AB-12x\"}"), "p: does not match the pattern");
	assert_string_equal(checked(fs, "{\"alt\":\"b\"}"), "");
	assert_string_equal(checked(fs, "{\"alt\":\"ab\"}"), "alt: does not match the pattern");
	assert_string_equal(checked(fs, "{\"i\":-5,\"l\":[1]}"), "");
	assert_string_equal(checked(fs, "{\"i\":5}"), "");
	assert_string_equal(checked(fs, "{\"i\":-6}"), "i: less than the minimum -5");
	assert_string_equal(checked(fs, "{\"i\":6}"), "i: greater than the maximum 5");
	assert_string_equal(checked(fs, "{\"l\":[]}"), "l: fewer than 1 elements");
	assert_string_equal(checked(fs, "{\"l\":[1,2,3]}"), "l: more than 2 elements");
	fieldset_free(fs);
}

static void test_decimals(void **state)
{
	struct fieldset *fs;

	(void)state;
	fs = decl("[{\"name\":\"d\",\"type\":\"decimal\",\"scale\":2,\"min\":\"-0.05\",\"max\":\"99999.99\"},"
		  "{\"name\":\"z\",\"type\":\"decimal\"},"
		  "{\"name\":\"big\",\"type\":\"decimal\",\"scale\":18}]");
	/* The edges exactly: as scaled integers, -5 and 9999999. */
	assert_string_equal(checked(fs, "{\"d\":\"-0.05\"}"), "");
	assert_string_equal(checked(fs, "{\"d\":\"99999.99\"}"), "");
	assert_string_equal(checked(fs, "{\"d\":\"99999.990\"}"),
			    "d: too many digits after the point (scale 2)");
	assert_string_equal(checked(fs, "{\"d\":\"100000.00\"}"), "d: greater than the maximum 99999.99");
	assert_string_equal(checked(fs, "{\"d\":\"-0.06\"}"), "d: less than the minimum -0.05");
	/* 0.1 + 0.2 in binary is 0.30000000000000004; as typed it is 0.3, exactly. */
	assert_string_equal(checked(fs, "{\"d\":0.3}"), "");
	assert_string_equal(norm(fs, "{\"d\":0.3}", "d"), "0.30");
	assert_string_equal(checked(fs, "{\"d\":0.30000000000000004}"),
			    "d: has more than 15 significant digits: send it as a string (scale 2)");
	assert_string_equal(checked(fs, "{\"d\":\"1e3\"}"),
			    "d: not a decimal number (digits, an optional point and digits) (scale 2)");
	assert_string_equal(checked(fs, "{\"d\":\"1.\"}"),
			    "d: not a decimal number (digits, an optional point and digits) (scale 2)");
	assert_string_equal(checked(fs, "{\"d\":\".5\"}"),
			    "d: not a decimal number (digits, an optional point and digits) (scale 2)");
	assert_string_equal(checked(fs, "{\"d\":true}"),
			    "d: not a decimal (a string such as \"12.50\" or a number) (scale 2)");
	/* Scale 0: whole numbers only, as strings or JSON integers. */
	assert_string_equal(checked(fs, "{\"z\":\"42\"}"), "");
	assert_string_equal(checked(fs, "{\"z\":42}"), "");
	assert_string_equal(checked(fs, "{\"z\":\"4.2\"}"), "z: too many digits after the point (scale 0)");
	assert_string_equal(norm(fs, "{\"z\":\"-007\"}", "z"), "-7");
	/* Scale 18: 9.223372036854775807 is INT64_MAX scaled, one more is out of range. */
	assert_string_equal(checked(fs, "{\"big\":\"9.223372036854775807\"}"), "");
	assert_string_equal(checked(fs, "{\"big\":\"9.223372036854775808\"}"), "big: out of range (scale 18)");
	assert_string_equal(checked(fs, "{\"big\":\"-9.223372036854775808\"}"), "");
	assert_string_equal(checked(fs, "{\"big\":\"10\"}"), "big: out of range (scale 18)");
	assert_string_equal(norm(fs, "{\"big\":\"-0.000000000000000001\"}", "big"), "-0.000000000000000001");
	assert_string_equal(norm(fs, "{\"d\":\"-0.5\"}", "d"), "-0.50");
	assert_string_equal(norm(fs, "{\"d\":\"12\"}", "d"), "12.00");
	fieldset_free(fs);
	assert_string_equal(refused("[{\"name\":\"d\",\"type\":\"decimal\",\"scale\":1,\"min\":\"0.05\"}]",
				    ERR_INVALID),
			    "fields[0] (d): min: too many digits after the point (scale 1)");
	assert_string_equal(refused("[{\"name\":\"d\",\"type\":\"decimal\",\"scale\":19}]", ERR_INVALID),
			    "fields[0] (d): scale must be from 0 to 18");
	/* min above max compared exactly: 0.10 > 0.09. */
	assert_string_equal(refused("[{\"name\":\"d\",\"type\":\"decimal\",\"scale\":2,\"min\":\"0.1\",\"max\":0.09}]",
				    ERR_INVALID),
			    "fields[0] (d): min 0.10 is greater than max 0.09");
}

static void test_dates(void **state)
{
	struct fieldset *fs;

	(void)state;
	fs = decl("[{\"name\":\"d\",\"type\":\"date\"},"
		  "{\"name\":\"f\",\"type\":\"date\",\"normalize\":[\"date:D/M/YYYY\"]},"
		  "{\"name\":\"t\",\"type\":\"text\",\"normalize\":[\"trim\",\"date:MM-DD-YYYY\"]}]");
	/* Leap years: 2000 is one (by 400), 1900 is not (by 100), 2024 is (by 4). */
	assert_string_equal(checked(fs, "{\"d\":\"2000-02-29\"}"), "");
	assert_string_equal(checked(fs, "{\"d\":\"2024-02-29\"}"), "");
	assert_string_equal(checked(fs, "{\"d\":\"1900-02-29\"}"), "d: not a date (YYYY-MM-DD, a real day)");
	assert_string_equal(checked(fs, "{\"d\":\"2023-04-31\"}"), "d: not a date (YYYY-MM-DD, a real day)");
	assert_string_equal(checked(fs, "{\"d\":\"2023-4-3\"}"), "d: not a date (YYYY-MM-DD, a real day)");
	assert_string_equal(checked(fs, "{\"d\":\"0000-01-01\"}"), "d: not a date (YYYY-MM-DD, a real day)");
	assert_string_equal(checked(fs, "{\"d\":\"2023-12-31 \"}"), "d: not a date (YYYY-MM-DD, a real day)");
	/* A declared format is accepted beside ISO, and normalised to ISO. */
	assert_string_equal(checked(fs, "{\"f\":\"3/4/2024\"}"), "");
	assert_string_equal(checked(fs, "{\"f\":\"2024-04-03\"}"), "");
	assert_string_equal(norm(fs, "{\"f\":\"3/4/2024\"}", "f"), "\"2024-04-03\"");
	assert_string_equal(norm(fs, "{\"f\":\"31/12/1999\"}", "f"), "\"1999-12-31\"");
	assert_string_equal(checked(fs, "{\"f\":\"31/2/2024\"}"),
			    "f: not a date (YYYY-MM-DD, a real day, or a declared date format)");
	/* On text: trimmed, then read as the format; a text not in it stays as it is. */
	assert_string_equal(norm(fs, "{\"t\":\" 12-25-2023 \"}", "t"), "\"2023-12-25\"");
	assert_string_equal(norm(fs, "{\"t\":\"soon\"}", "t"), "\"soon\"");
	fieldset_free(fs);
	assert_string_equal(refused("[{\"name\":\"d\",\"type\":\"date\",\"normalize\":[\"date:YYYY/MM\"]}]",
				    ERR_INVALID),
			    "fields[0] (d): normalize[0]: a date format names YYYY, MM (or M) and DD (or D) once each, at most 31 bytes");
}

static void test_normalisations(void **state)
{
	struct fieldset *fs;
	struct field_diff d;

	(void)state;
	fs = decl("[{\"name\":\"trim\",\"type\":\"text\",\"normalize\":[\"trim\"]},"
		  "{\"name\":\"space\",\"type\":\"text\",\"normalize\":[\"space\"]},"
		  "{\"name\":\"case\",\"type\":\"text\",\"normalize\":[\"case\"]},"
		  "{\"name\":\"digits\",\"type\":\"text\",\"normalize\":[\"digits\"]},"
		  "{\"name\":\"all\",\"type\":\"text\",\"normalize\":[\"trim\",\"space\",\"case\"]},"
		  "{\"name\":\"raw\",\"type\":\"text\"},"
		  "{\"name\":\"e\",\"type\":\"enum\",\"values\":[\"Yes\",\"No\"],\"normalize\":[\"case\"]},"
		  "{\"name\":\"tags\",\"type\":\"list\",\"of\":\"text\",\"normalize\":[\"trim\"]}]");
	assert_string_equal(norm(fs, "{\"trim\":\" \\t a  b \\n\"}", "trim"), "\"a  b\"");
	assert_string_equal(norm(fs, "{\"space\":\"a \\t b  c\"}", "space"), "\"a b c\"");
	/* ASCII only: É stays É. */
	assert_string_equal(norm(fs, "{\"case\":\"\\u00c9COLE Abc\"}", "case"), "\"\xc3\x89" "cole abc\"");
	assert_string_equal(norm(fs, "{\"case\":\"ABC xyz\"}", "case"), "\"abc xyz\"");
	assert_string_equal(norm(fs, "{\"digits\":\"+1 (555) 010-9999\"}", "digits"), "\"15550109999\"");
	assert_string_equal(norm(fs, "{\"all\":\"  Acme   CO \"}", "all"), "\"acme co\"");
	assert_string_equal(norm(fs, "{\"raw\":\" X \"}", "raw"), "\" X \"");
	assert_string_equal(norm(fs, "{\"e\":\"Yes\"}", "e"), "\"yes\"");
	assert_string_equal(norm(fs, "{\"tags\":[\" a\",\"b \"]}", "tags"), "[\"a\",\"b\"]");
	assert_string_equal(norm(fs, "{\"raw\":\"q\\\"\"}", "raw"), "\"q\\\"\"");
	assert_int_equal(fieldset_normalized(fs, "{}", "nope", &(struct buf)BUF_INIT), ERR_NOTFOUND);
	assert_int_equal(fieldset_compare(fs, "{\"all\":\"ACME  Co\",\"digits\":\"555-0101\",\"tags\":[\"x \"]}",
					  "{\"all\":\" acme co\",\"digits\":\"5550101\",\"tags\":[\"x\"],\"raw\":null}",
					  &d), 0);
	assert_int_equal(d.n_compared, 3);
	assert_int_equal(d.n_diff, 0);
	assert_int_equal(fieldset_compare(fs, "{\"raw\":\"a\",\"e\":\"Yes\"}", "{\"raw\":\"A\",\"case\":\"x\"}", &d), 0);
	assert_int_equal(d.n_compared, 3);
	assert_int_equal(d.n_diff, 3);
	assert_string_equal(d.names[0], "case");
	assert_string_equal(d.names[1], "raw");
	assert_string_equal(d.names[2], "e");
	fieldset_free(fs);
	assert_string_equal(refused("[{\"name\":\"b\",\"type\":\"boolean\",\"normalize\":[\"trim\"]}]", ERR_INVALID),
			    "fields[0] (b): normalize does not apply to a boolean field");
	assert_string_equal(refused("[{\"name\":\"t\",\"type\":\"text\",\"normalize\":[\"soundex\"]}]", ERR_INVALID),
			    "fields[0] (t): normalize[0]: unknown step \"soundex\" (trim, space, case, digits, date:FORMAT)");
}

/* A declaration of n fields named f0, f1, ... of type text. */
static char *many_fields(size_t n)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "[");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s{\"name\":\"f%zu\",\"type\":\"text\"}", i ? "," : "", i);
	buf_puts(&b, "]");
	return buf_detach(&b, NULL);
}

static void test_impossible(void **state)
{
	char *text;
	const char *msg;
	struct fieldset *fs;

	(void)state;
	msg = refused("[{\"name\":\"a\",\"type\":\"integer\",\"min\":5,\"max\":1},"
		      "{\"name\":\"b\",\"type\":\"colour\"},"
		      "{\"name\":\"c\",\"type\":\"text\",\"scale\":2},"
		      "{\"name\":\"d\",\"type\":\"enum\"},"
		      "{\"name\":\"a\",\"type\":\"text\"},"
		      "{\"name\":\"Bad\",\"type\":\"text\"},"
		      "{\"name\":\"e\",\"type\":\"text\",\"min_length\":9,\"max_length\":3,\"colour\":1},"
		      "{\"name\":\"f\",\"type\":\"list\"},"
		      "{\"name\":\"g\",\"type\":\"enum\",\"values\":[\"x\",\"x\"]},"
		      "{\"name\":\"h\",\"type\":\"text\",\"pattern\":\"(a\"},"
		      "{\"name\":\"i\",\"type\":\"text\",\"pattern\":\"(a)\\\\1\"},"
		      "{\"name\":\"j\",\"type\":\"list\",\"of\":\"list\"},"
		      "{\"name\":\"k\",\"type\":\"integer\",\"min\":1.5},"
		      "7]",
		      ERR_INVALID);
	assert_contains(msg, "fields[0] (a): min 5 is greater than max 1");
	assert_contains(msg, "fields[1] (b): type must be text, integer, decimal, date, enum, boolean or list (not \"colour\")");
	assert_contains(msg, "fields[2] (c): scale does not apply to a text field");
	assert_contains(msg, "fields[3] (d): an enum needs values");
	assert_contains(msg, "fields[4] (a): the name is also fields[0]'s");
	assert_contains(msg, "fields[5]: name must be 1 to 63 of a-z, 0-9 and _");
	assert_contains(msg, "fields[6] (e): unknown member \"colour\"");
	assert_contains(msg, "fields[7] (f): a list needs of: its element type (any type but list)");
	assert_contains(msg, "fields[8] (g): values[1] repeats \"x\"");
	assert_contains(msg, "fields[9] (h): pattern is not a POSIX extended regular expression");
	assert_contains(msg, "fields[10] (i): pattern may not use back-references (\\1)");
	assert_contains(msg, "fields[11] (j): a list needs of");
	assert_contains(msg, "fields[12] (k): min must be a whole number");
	assert_contains(msg, "fields[13]: a field must be an object");
	assert_string_equal(refused("[{\"name\":\"e\",\"type\":\"text\",\"min_length\":9,\"max_length\":3}]",
				    ERR_INVALID),
			    "fields[0] (e): min_length 9 is greater than max_length 3");
	assert_string_equal(refused("{}", ERR_INVALID), "fields: a declaration is a JSON array of fields");
	assert_contains(refused("[", ERR_INVALID), "fields: not JSON");
	/* 256 fields are fine, 257 are not; 10,000 are named by their count, at once. */
	text = many_fields(256);
	fs = decl(text);
	assert_int_equal(fieldset_count(fs), 256);
	assert_string_equal(fieldset_name(fs, 255), "f255");
	fieldset_free(fs);
	free(text);
	text = many_fields(257);
	assert_string_equal(refused(text, ERR_INVALID), "fields: 257 fields declared: at most 256");
	free(text);
	text = many_fields(10000);
	assert_string_equal(refused(text, ERR_INVALID), "fields: 10000 fields declared: at most 256");
	free(text);
}

static void test_enum_bounds(void **state)
{
	struct buf b = BUF_INIT;
	struct fieldset *fs;

	(void)state;
	/* 1,000 values are fine; 100,000 are refused by their count. */
	buf_puts(&b, "[{\"name\":\"e\",\"type\":\"enum\",\"values\":[");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%s\"v%d\"", i ? "," : "", i);
	buf_puts(&b, "]}]");
	fs = decl(buf_str(&b));
	assert_string_equal(checked(fs, "{\"e\":\"v999\"}"), "");
	assert_string_equal(checked(fs, "{\"e\":\"v1000\"}"), "e: not one of the enum's 1000 values");
	fieldset_free(fs);
	buf_reset(&b);
	buf_puts(&b, "[{\"name\":\"e\",\"type\":\"enum\",\"values\":[");
	for (int i = 0; i < 100000; i++)
		buf_printf(&b, "%s\"%d\"", i ? "," : "", i);
	buf_puts(&b, "]}]");
	assert_string_equal(refused(buf_str(&b), ERR_INVALID),
			    "fields[0] (e): values must be a list of 1 to 1000 strings (100000 given)");
	buf_release(&b);
}

/* fieldset_check_each's calls, as "field=reason|" (static: one at a time). */
static char walked[8192];
static int walk(void *ctx, const char *field, const char *reason)
{
	size_t n = strlen(walked);

	(void)ctx;
	snprintf(walked + n, sizeof(walked) - n, "%s=%s|", field, reason);
	return 0;
}

static void test_every_rule_at_once(void **state)
{
	struct fieldset *fs;

	(void)state;
	fs = decl("[{\"name\":\"t\",\"type\":\"text\",\"required\":true,\"max_length\":3,\"pattern\":\"[a-z]+\"},"
		  "{\"name\":\"r\",\"type\":\"integer\",\"required\":true},"
		  "{\"name\":\"i\",\"type\":\"integer\",\"min\":0},"
		  "{\"name\":\"d\",\"type\":\"decimal\",\"scale\":1,\"max\":\"9.9\"},"
		  "{\"name\":\"dt\",\"type\":\"date\"},"
		  "{\"name\":\"e\",\"type\":\"enum\",\"values\":[\"a\"]},"
		  "{\"name\":\"b\",\"type\":\"boolean\"},"
		  "{\"name\":\"l\",\"type\":\"list\",\"of\":\"decimal\",\"scale\":0,\"max_items\":1}]");
	walked[0] = 0;
	assert_int_equal(fieldset_check_each(fs, "{\"t\":\"ABCDE\",\"i\":-1,\"d\":\"10.0\",\"dt\":\"2024-13-01\","
						 "\"e\":\"b\",\"b\":null,\"l\":[\"1.5\",2,\"x\"],\"u1\":1,\"u2\":[]}",
					     walk, NULL),
			 ERR_INVALID);
	assert_string_equal(walked,
			    "t=longer than 3 characters, does not match the pattern|"
			    "r=required|"
			    "i=less than the minimum 0|"
			    "d=greater than the maximum 9.9|"
			    "dt=not a date (YYYY-MM-DD, a real day)|"
			    "e=not one of the enum's 1 values|"
			    "l=more than 1 elements, element 0: too many digits after the point (scale 0), and 1 more bad elements|"
			    "u1=not a declared field|u2=not a declared field|");
	assert_string_equal(checked(fs, "{\"t\":\"ABCDE\",\"u1\":1}"),
			    "t: longer than 3 characters, does not match the pattern; r: required; "
			    "u1: not a declared field");
	assert_string_equal(checked(fs, "{\"t\":\"abc\",\"r\":1}"), "");
	assert_string_equal(checked(fs, "not json"), "the document must be a JSON object");
	fieldset_free(fs);
	/* An empty declaration refuses every member; no declaration (NULL) refuses them too. */
	fs = decl("[]");
	assert_string_equal(checked(fs, "{}"), "");
	assert_string_equal(checked(fs, "{\"a\":1}"), "a: not a declared field");
	fieldset_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_compare_basic),
		cmocka_unit_test(test_bounds_and_patterns),
		cmocka_unit_test(test_decimals),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_normalisations),
		cmocka_unit_test(test_impossible),
		cmocka_unit_test(test_enum_bounds),
		cmocka_unit_test(test_every_rule_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
