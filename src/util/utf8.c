/* utf8.c - the well-formedness check of RFC 3629 (table 3-7 of the Unicode standard). */
#include "util/utf8.h"

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned char c = *p++;
		unsigned char lo = 0x80, hi = 0xBF;
		int more;

		if (c < 0x80)
			continue;
		if (c >= 0xC2 && c <= 0xDF) {
			more = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			more = 2;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			if (c == 0xED)
				hi = 0x9F; /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			more = 3;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		} else {
			return false;
		}
		if (end - p < more)
			return false;
		/* The first continuation byte has the narrowed range, the rest 80..BF. */
		if (*p < lo || *p > hi)
			return false;
		for (p++, more--; more > 0; more--, p++)
			if (*p < 0x80 || *p > 0xBF)
				return false;
	}
	return true;
}
