/* test_export.c - an export's columns, cells as text and CSV fields with the formula guard, against
 * values written out by hand. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdlib.h>
#include <string.h>

#include "core/export.h"
#include "core/fields.h"
#include "util/buf.h"
#include "util/err.h"

static struct fieldset *decl(const char *json)
{
	struct buf err = BUF_INIT;
	struct fieldset *fs = NULL;

	assert_int_equal(fieldset_parse(json, &fs, &err), 0);
	buf_release(&err);
	return fs;
}

/* The header as one string, names joined by '|'. */
static const char *header(const struct export_cols *c)
{
	static char out[4096];
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < c->n; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "|" : "",
				      c->col[i].name);
	return out;
}

static void test_columns(void **state)
{
	struct export_cols *c = malloc(sizeof(*c));
	struct fieldset *p = decl("[{\"name\":\"claim_no\",\"type\":\"text\"},"
				  "{\"name\":\"state\",\"type\":\"text\"},"
				  "{\"name\":\"done_at\",\"type\":\"date\"}]");
	struct fieldset *r = decl("[{\"name\":\"total\",\"type\":\"integer\"},"
				  "{\"name\":\"claim_no\",\"type\":\"text\"}]");

	(void)state;
	export_columns(NULL, NULL, c);
	assert_string_equal(header(c),
			    "id|external_ref|state|created_at|due_at|done_at|type|payload|result");
	assert_int_equal(c->col[7].kind, EXPORT_COL_PAYLOAD);
	export_columns(p, r, c);
	assert_string_equal(header(c),
			    "id|external_ref|state|created_at|due_at|done_at|type|claim_no|"
			    "payload.state|payload.done_at|result.total|result.claim_no");
	assert_int_equal(c->col[8].kind, EXPORT_COL_PAYLOAD_FIELD);
	assert_string_equal(c->col[8].field, "state");
	assert_int_equal(c->col[11].kind, EXPORT_COL_RESULT_FIELD);
	assert_string_equal(c->col[11].field, "claim_no");
	export_columns(p, NULL, c);
	assert_string_equal(c->col[c->n - 1].name, "result");
	fieldset_free(p);
	/* a payload field named as the whole result's column is prefixed: no name twice */
	p = decl(
	    "[{\"name\":\"result\",\"type\":\"text\"},{\"name\":\"payload\",\"type\":\"text\"},"
	    "{\"name\":\"type\",\"type\":\"text\"}]");
	export_columns(p, NULL, c);
	assert_string_equal(header(c), "id|external_ref|state|created_at|due_at|done_at|type|"
				       "payload.result|payload.payload|payload.type|result");
	fieldset_free(p);
	fieldset_free(r);
	free(c);
}

static const char *cell(const char *json)
{
	static struct buf b = BUF_INIT;
	json_t *v = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;

	buf_reset(&b);
	assert_int_equal(export_cell_text(v, &b), 0);
	json_decref(v);
	return buf_str(&b);
}

static void test_cell_text(void **state)
{
	(void)state;
	assert_string_equal(cell("\"plain\""), "plain");
	assert_string_equal(cell("42"), "42");
	assert_string_equal(cell("-2.5"), "-2.5");
	assert_string_equal(cell("true"), "true");
	assert_string_equal(cell("null"), "");
	assert_string_equal(cell(NULL), "");
	assert_string_equal(cell("{\"a\": [1, \"x\"]}"), "{\"a\":[1,\"x\"]}");
}

static const char *field(const char *s, bool text)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	assert_int_equal(export_csv_field(&b, s, text), 0);
	return buf_str(&b);
}

static void test_csv_field(void **state)
{
	(void)state;
	assert_string_equal(field("abc", true), "abc");
	assert_string_equal(field("", true), "");
	assert_string_equal(field("a,b", true), "\"a,b\"");
	assert_string_equal(field("say \"hi\"", true), "\"say \"\"hi\"\"\"");
	assert_string_equal(field("\"", true), "\"\"\"\"");
	assert_string_equal(field("two\r\nlines", true), "\"two\r\nlines\"");
	assert_string_equal(field(" pad", true), "\" pad\"");
	assert_string_equal(field("ünï ✓", true), "ünï ✓");
	/* the guard: = + - @ tab CR at the start */
	assert_string_equal(field("=1+1", true), "'=1+1");
	assert_string_equal(field("+31 20", true), "'+31 20");
	assert_string_equal(field("-x", true), "'-x");
	assert_string_equal(field("@SUM(A1)", true), "'@SUM(A1)");
	assert_string_equal(field("\tx", true), "'\tx");
	assert_string_equal(field("\rx", true), "\"'\rx\"");
	assert_string_equal(field("=HYPERLINK(\"u\",\"a,b\")", true),
			    "\"'=HYPERLINK(\"\"u\"\",\"\"a,b\"\")\"");
	assert_string_equal(field("a=b", true), "a=b");
	/* numbers are never guarded */
	assert_string_equal(field("-2", false), "-2");
	assert_true(export_cell_guarded("=x"));
	assert_false(export_cell_guarded("x="));
	assert_false(export_cell_guarded(""));
}

static void test_formats(void **state)
{
	enum export_format f;

	(void)state;
	assert_int_equal(export_format_parse("csv", &f), 0);
	assert_int_equal(f, EXPORT_CSV);
	assert_int_equal(export_format_parse("xlsx", &f), 0);
	assert_int_equal(f, EXPORT_XLSX);
	assert_int_equal(export_format_parse("jsonl", &f), 0);
	assert_string_equal(export_format_name(f), "jsonl");
	assert_int_equal(export_format_parse("CSV", &f), ERR_INVALID);
	assert_int_equal(export_format_parse(NULL, &f), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_columns),
	    cmocka_unit_test(test_cell_text),
	    cmocka_unit_test(test_csv_field),
	    cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
