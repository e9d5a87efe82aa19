/* test_utf8.c - utf8_valid against the boundary cases of Unicode's table 3-7 and RFC 3629. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/utf8.h"

struct vec {
	const char *bytes;
	size_t n;
	bool valid;
};

#define V(s, ok) { s, sizeof(s) - 1, ok }

/* The cases of Markus Kuhn's UTF-8 decoder stress test and RFC 3629 section 10. */
static const struct vec vecs[] = {
	V("", true),
	V("plain ASCII", true),
	V("caf\xc3\xa9", true),            /* U+00E9 */
	V("\xe2\x82\xac", true),           /* U+20AC euro */
	V("\xf0\x9f\x98\x80", true),       /* U+1F600 */
	V("\xed\x9f\xbf", true),           /* U+D7FF, last before the surrogates */
	V("\xee\x80\x80", true),           /* U+E000, first after them */
	V("\xef\xbf\xbf", true),           /* U+FFFF */
	V("\xf4\x8f\xbf\xbf", true),       /* U+10FFFF, the last code point */
	V("\xc2\x80", true),               /* U+0080, the first two-byte form */
	V("\xe0\xa0\x80", true),           /* U+0800, the first three-byte form */
	V("\xf0\x90\x80\x80", true),       /* U+10000, the first four-byte form */
	V("\x80", false),                  /* a lone continuation byte */
	V("\xbf", false),
	V("\xc0\xaf", false),              /* overlong "/" */
	V("\xc1\xbf", false),              /* overlong U+007F */
	V("\xe0\x80\xaf", false),          /* overlong "/" in three bytes */
	V("\xe0\x9f\xbf", false),          /* overlong U+07FF */
	V("\xf0\x80\x80\xaf", false),      /* overlong "/" in four bytes */
	V("\xf0\x8f\xbf\xbf", false),      /* overlong U+FFFF */
	V("\xed\xa0\x80", false),          /* U+D800, a surrogate */
	V("\xed\xbf\xbf", false),          /* U+DFFF */
	V("\xf4\x90\x80\x80", false),      /* U+110000, above the range */
	V("\xf5\x80\x80\x80", false),
	V("\xfe", false),
	V("\xff", false),
	V("\xc3", false),                  /* truncated */
	V("\xe2\x82", false),
	V("\xf0\x9f\x98", false),
	V("\xe2\x28\xa1", false),          /* a bad second byte */
	V("\xf0\x9f\x28\x80", false),      /* a bad third byte */
	V("ok\xc3\xa9then\x80", false),    /* bad after good */
};

static void test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		if (utf8_valid(vecs[i].bytes, vecs[i].n) != vecs[i].valid)
			fail_msg("vector %zu: expected %s", i, vecs[i].valid ? "valid" : "invalid");
	}
}

/* Every two-byte sequence, against the rule written out: C2..DF then 80..BF. */
static void test_all_pairs(void **state)
{
	(void)state;
	for (int a = 0x80; a < 0x100; a++) {
		for (int b = 0; b < 0x100; b++) {
			char s[2] = { (char)a, (char)b };
			bool want = a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF;

			if (utf8_valid(s, 2) != want)
				fail_msg("%02x %02x: expected %d", a, b, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_all_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
