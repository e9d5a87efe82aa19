/* test_import.c - a CSV or JSON Lines row of an import made a payload: the mapping, the type rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/fields.h"
#include "core/import.h"
#include "util/err.h"

#define DECL                                                                                       \
	"[{\"name\":\"n\",\"type\":\"integer\"},{\"name\":\"amt\",\"type\":\"decimal\",\"scale\":" \
	"2},"                                                                                      \
	"{\"name\":\"ok\",\"type\":\"boolean\"},{\"name\":\"tags\",\"type\":\"list\",\"of\":"      \
	"\"text\"},"                                                                               \
	"{\"name\":\"t\",\"type\":\"text\"}]"

static struct csv_record rec_of(struct csv_field *f, const char *const *cells, size_t n)
{
	struct csv_record r;

	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < n; i++)
		f[i] = (struct csv_field){cells[i], strlen(cells[i])};
	r.f = f;
	r.n = n;
	r.line = 2;
	r.reason = "";
	return r;
}

/* The row's payload text, or "!column:reason" when it is rejected. */
static void row(const struct import_map *m, const char *const *cells, size_t n, const char *want)
{
	struct csv_field f[8];
	struct csv_record r = rec_of(f, cells, n);
	struct buf payload = BUF_INIT, reason = BUF_INIT, got = BUF_INIT;
	char ref[MODEL_REF_MAX], type[MODEL_ITEM_TYPE_MAX], column[FIELDS_NAME_MAX + 1];
	int rc = import_csv_row(m, &r, &payload, ref, type, column, &reason);

	if (rc == ERR_INVALID)
		buf_printf(&got, "!%s:%s", column, buf_str(&reason));
	else if (!rc)
		buf_printf(&got, "%s%s%s%s%s%s", ref, ref[0] ? " " : "", type[0] ? "type=" : "",
			   type, type[0] ? " " : "", buf_str(&payload));
	else
		buf_printf(&got, "rc %d", rc);
	if (strcmp(buf_str(&got), want))
		fail_msg("got [%s] want [%s]", buf_str(&got), want);
	buf_release(&payload);
	buf_release(&reason);
	buf_release(&got);
}

static void test_types(void **st)
{
	static const char *const hdr[] = {"external_ref", "n", "amt", "ok", "tags", "t"};
	struct csv_field f[8];
	struct csv_record h = rec_of(f, hdr, 6);
	struct fieldset *fs = NULL;
	struct import_map *m = NULL;
	struct buf err = BUF_INIT;

	(void)st;
	assert_int_equal(fieldset_parse(DECL, &fs, &err), 0);
	assert_int_equal(import_map_new(fs, &h, NULL, &m, &err), 0);
	row(m, (const char *const[]){"R1", "-42", "12.50", "yes", "[\"a\",\"b\"]", "7"}, 6,
	    "R1 {\"n\":-42,\"amt\":\"12.50\",\"ok\":true,\"tags\":[\"a\",\"b\"],\"t\":\"7\"}");
	row(m, (const char *const[]){"", "", "", "0", "", ""}, 6, "{\"ok\":false}");
	row(m, (const char *const[]){"R2", "4.0", "", "", "", ""}, 6, "!n:not a whole number");
	row(m, (const char *const[]){"R2", "99999999999999999999", "", "", "", ""}, 6,
	    "!n:not a whole number");
	row(m, (const char *const[]){"R2", "", "", "maybe", "", ""}, 6,
	    "!ok:not true/false/1/0/yes/no");
	row(m, (const char *const[]){"R2", "", "", "", "a,b", ""}, 6, "!tags:not a JSON array");
	row(m, (const char *const[]){"R2", "1"}, 2, "!:2 fields where the header has 6");
	import_map_free(m);
	fieldset_free(fs);
	buf_release(&err);
}

static void test_mapping(void **st)
{
	static const char *const hdr[] = {"Ref", "Count", "junk"};
	static const char *const dup[] = {"n", "n"};
	struct csv_field f[8];
	struct csv_record h = rec_of(f, hdr, 3);
	struct fieldset *fs = NULL;
	struct import_map *m = NULL;
	struct buf err = BUF_INIT;

	(void)st;
	assert_int_equal(fieldset_parse(DECL, &fs, &err), 0);
	assert_int_equal(import_map_new(fs, &h, NULL, &m, &err), ERR_INVALID);
	assert_non_null(
	    strstr(buf_str(&err), "column 1 (Ref): Ref is not a declared payload field"));
	buf_reset(&err);
	assert_int_equal(import_map_new(fs, &h, "Ref:external_ref,Count:n,junk:-", &m, &err), 0);
	row(m, (const char *const[]){"X", "3", "zz"}, 3, "X {\"n\":3}");
	import_map_free(m);
	/* nothing declared: every column a string */
	assert_int_equal(import_map_new(NULL, &h, NULL, &m, &err), 0);
	row(m, (const char *const[]){"X", "3", "zz"}, 3,
	    "{\"Ref\":\"X\",\"Count\":\"3\",\"junk\":\"zz\"}");
	import_map_free(m);
	h = rec_of(f, dup, 2);
	assert_int_equal(import_map_new(NULL, &h, NULL, &m, &err), ERR_INVALID);
	assert_non_null(strstr(buf_str(&err), "mapped twice"));
	fieldset_free(fs);
	buf_release(&err);
}

/* A type column (or one mapped to type) is the item's type, not a payload member. */
static void test_type_column(void **st)
{
	static const char *const hdr[] = {"external_ref", "kind", "x"};
	struct csv_field f[8];
	struct csv_record h = rec_of(f, hdr, 3);
	struct import_map *m = NULL;
	struct buf err = BUF_INIT;

	(void)st;
	assert_int_equal(import_map_new(NULL, &h, "kind:type", &m, &err), 0);
	row(m, (const char *const[]){"R1", "claim", "1"}, 3, "R1 type=claim {\"x\":\"1\"}");
	row(m, (const char *const[]){"R2", "", "2"}, 3, "R2 {\"x\":\"2\"}");
	row(m, (const char *const[]){"R3", "Claim!", "3"}, 3,
	    "!kind:an item type is 1..32 of a-z, 0-9 and _");
	row(m, (const char *const[]){"R4", "a23456789012345678901234567890123", "4"}, 3,
	    "!kind:an item type is 1..32 of a-z, 0-9 and _");
	import_map_free(m);
	buf_release(&err);
}

static void test_jsonl(void **st)
{
	struct buf payload = BUF_INIT, reason = BUF_INIT;
	char ref[MODEL_REF_MAX], type[MODEL_ITEM_TYPE_MAX], column[FIELDS_NAME_MAX + 1];
	const char *l1 = "{\"external_ref\":\"J1\",\"a\":1}";

	(void)st;
	assert_int_equal(import_jsonl_row(l1, strlen(l1), &payload, ref, type, column, &reason), 0);
	assert_string_equal(ref, "J1");
	assert_string_equal(buf_str(&payload), "{\"a\":1}");
	assert_int_equal(import_jsonl_row("[1]", 3, &payload, ref, type, column, &reason),
			 ERR_INVALID);
	assert_string_equal(buf_str(&reason), "not a JSON object");
	buf_reset(&reason);
	assert_int_equal(
	    import_jsonl_row("{\"external_ref\":5}", 18, &payload, ref, type, column, &reason),
	    ERR_INVALID);
	assert_string_equal(column, "external_ref");
	buf_reset(&reason);
	assert_int_equal(
	    import_jsonl_row("{\"a\":1,\"a\":2}", 13, &payload, ref, type, column, &reason),
	    ERR_INVALID);
	buf_reset(&reason);
	assert_int_equal(import_jsonl_row("{\"type\":\"form\",\"a\":1}", 21, &payload, ref, type,
					  column, &reason),
			 0);
	assert_string_equal(type, "form");
	assert_string_equal(buf_str(&payload), "{\"a\":1}");
	assert_int_equal(import_jsonl_row("{\"type\":3}", 10, &payload, ref, type, column, &reason),
			 ERR_INVALID);
	assert_string_equal(column, "type");
	buf_release(&payload);
	buf_release(&reason);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_mapping),
	    cmocka_unit_test(test_type_column),
	    cmocka_unit_test(test_jsonl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
