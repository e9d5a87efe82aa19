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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_compare_basic),
	};

	(void)refused;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
