/* test_csv.c - the streamed CSV reader over libcsv: RFC 4180 cases, lines, detection, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/csv.h"
#include "util/err.h"

/* Every record as "line:f1|f2|...", or "line:!col:reason" when bad, one per line. */
static int collect(void *ctx, const struct csv_record *rec)
{
	struct buf *out = ctx;

	buf_printf(out, "%lld:", (long long)rec->line);
	if (rec->bad) {
		buf_printf(out, "!%zu:%s\n", rec->bad_column, rec->reason);
		return 0;
	}
	for (size_t i = 0; i < rec->n; i++)
		buf_printf(out, "%s%s", i ? "|" : "", rec->f[i].p);
	buf_puts(out, "\n");
	return 0;
}

/*
 * Reads text fed in pieces of `step` bytes (0 = at once). OUT: the records
 * in out, the error in err. Answers the reader's code.
 */
static int run(const char *text, size_t len, size_t step, char delim, const struct csv_limits *lim,
	       struct buf *out, struct buf *err, char *delim_out)
{
	struct csv_reader *r;
	size_t i, k;
	int rc;

	buf_reset(out);
	buf_reset(err);
	assert_int_equal(csv_reader_new(lim, delim, collect, out, &r, err), 0);
	rc = 0;
	for (i = 0; i < len && !rc; i += k) {
		k = step && step < len - i ? step : len - i;
		rc = csv_feed(r, text + i, k, err);
	}
	if (!rc)
		rc = csv_finish(r, err);
	if (delim_out)
		*delim_out = csv_delimiter(r);
	csv_reader_free(r);
	return rc;
}

/* The same answer whether fed at once, byte by byte or in 7-byte pieces. */
static void expect(const char *text, size_t len, char delim, const char *want)
{
	static const size_t steps[] = {0, 1, 7};
	struct buf out = BUF_INIT, err = BUF_INIT;

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		int rc = run(text, len, steps[s], delim, NULL, &out, &err, NULL);

		if (rc)
			fail_msg("step %zu: rc %d: %s", steps[s], rc, buf_str(&err));
		if (strcmp(buf_str(&out), want))
			fail_msg("step %zu:\n got  [%s]\n want [%s]", steps[s], buf_str(&out),
				 want);
	}
	buf_release(&out);
	buf_release(&err);
}

#define EXPECT(s, d, w) expect(s, sizeof(s) - 1, d, w)

static void test_quotes(void **st)
{
	(void)st;
	EXPECT("a,\"b,c\",\"d\"\"e\"\n", ',', "1:a|b,c|d\"e\n");
	EXPECT("a,,\"\"\n", ',', "1:a||\n");
	EXPECT(" a , b \n", ',', "1: a | b \n"); /* spaces are data */
}

static void test_crlf_bom_trailing(void **st)
{
	(void)st;
	EXPECT("h1,h2\r\n1,2\r\n", ',', "1:h1|h2\n2:1|2\n");
	EXPECT("\xEF\xBB\xBFh1,h2\n1,2\n", ',', "1:h1|h2\n2:1|2\n");
	EXPECT("a\nb\n\n", ',', "1:a\n2:b\n");	     /* empty trailing line */
	EXPECT("a\r\nb\r\n\r\n", ',', "1:a\n2:b\n"); /* and with CRLF */
	EXPECT("a,b\nc,d", ',', "1:a|b\n2:c|d\n");   /* no final newline */
	EXPECT("ab", ',', "1:ab\n");		     /* shorter than a BOM */
}

static void test_embedded_newlines(void **st)
{
	(void)st;
	EXPECT("id,text\n1,\"x\ny\"\n2,\"p\r\nq\"\n3,z\n", ',',
	       "1:id|text\n2:1|x\ny\n4:2|p\r\nq\n6:3|z\n");
}

static void test_detection(void **st)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	char d = 0;

	(void)st;
	EXPECT("a;b;\"c,d\"\n1;2;3\n", 0, "1:a|b|c,d\n2:1|2|3\n");
	EXPECT("a,b\n1,2\n", 0, "1:a|b\n2:1|2\n");
	assert_int_equal(run("x;y,z;w\n", 8, 0, 0, NULL, &out, &err, &d), 0);
	assert_int_equal(d, ';');
	assert_int_equal(run("only\n", 5, 0, 0, NULL, &out, &err, &d), 0);
	assert_int_equal(d, ','); /* a tie */
	EXPECT("a;b\n1;2", ';', "1:a|b\n2:1|2\n");
	buf_release(&out);
	buf_release(&err);
}

static void test_wide(void **st)
{
	struct buf text = BUF_INIT, out = BUF_INIT, err = BUF_INIT;

	(void)st;
	buf_init(&text, 1 << 20);
	for (int i = 0; i < 10000; i++)
		buf_printf(&text, "%sc%d", i ? "," : "", i);
	buf_puts(&text, "\n");
	assert_int_equal(run(text.data, text.len, 4096, ',', NULL, &out, &err, NULL), 0);
	assert_true(!strncmp(buf_str(&out), "1:c0|c1|", 8));
	assert_non_null(strstr(buf_str(&out), "|c9999\n"));
	/* one more column: that record is bad, the reading goes on */
	buf_reset(&text);
	for (int i = 0; i < 10001; i++)
		buf_printf(&text, "%sc%d", i ? "," : "", i);
	buf_puts(&text, "\nok\n");
	assert_int_equal(run(text.data, text.len, 4096, ',', NULL, &out, &err, NULL), 0);
	assert_string_equal(buf_str(&out), "1:!0:more than 10000 fields\n2:ok\n");
	buf_release(&text);
	buf_release(&out);
	buf_release(&err);
}

/* A failed reading: code and the message naming the line. */
static void expect_fail(const char *text, size_t len, const struct csv_limits *lim, int code,
			const char *msg)
{
	static const size_t steps[] = {0, 1, 5};
	struct buf out = BUF_INIT, err = BUF_INIT;

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		int rc = run(text, len, steps[s], ',', lim, &out, &err, NULL);

		if (rc != code || !strstr(buf_str(&err), msg))
			fail_msg("step %zu: rc %d [%s], want %d [%s]", steps[s], rc, buf_str(&err),
				 code, msg);
	}
	buf_release(&out);
	buf_release(&err);
}

static void test_limits(void **st)
{
	struct csv_limits lim = {.max_row_bytes = 16, .max_rows = 3};
	struct buf out = BUF_INIT, err = BUF_INIT;

	(void)st;
	expect_fail("a\nb\0c\n", 6, NULL, ERR_INVALID, "line 2: a NUL byte");
	expect_fail("a\nb,\"open\nstill\n", 16, NULL, ERR_INVALID,
		    "line 2: a quoted field is not closed");
	expect_fail("a\nb\"c\n", 6, NULL, ERR_INVALID, "line 2: a quote inside an unquoted field");
	expect_fail("a\n0123456789abcdefXYZ\n", 23, &lim, ERR_TOOBIG,
		    "line 2: a record longer than 16 bytes");
	expect_fail("0123456789abcdefXYZ\n", 20, &lim, ERR_TOOBIG,
		    "line 1: a record longer than 16 bytes");
	/* a long quoted field across lines counts as one record */
	expect_fail("a\n\"0123456\n789abcdefXYZ\"\n", 26, &lim, ERR_TOOBIG, "line 2: a record");
	expect_fail("a\nb\nc\nd\n", 8, &lim, ERR_TOOBIG, "line 4: more than 3 records");
	/* a field that is not UTF-8: that record only */
	assert_int_equal(run("a,b\nx,\xC3\x28\ny,z\n", 13, 0, ',', NULL, &out, &err, NULL), 0);
	assert_string_equal(buf_str(&out), "1:a|b\n2:!2:not well-formed UTF-8\n3:y|z\n");
	buf_release(&out);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_crlf_bom_trailing),
	    cmocka_unit_test(test_embedded_newlines),
	    cmocka_unit_test(test_detection),
	    cmocka_unit_test(test_wide),
	    cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
