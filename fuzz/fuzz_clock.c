/* fuzz_clock.c - libFuzzer target: RFC 3339 times, durations and time zone names. */
/*
 * The first byte picks the parser; the rest is the text. A parsed RFC 3339
 * time formats back and parses again to the same instant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, again[40];
	int64_t ms = 0, ms2 = 0;

	if (size < 1)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		if (clock_parse_rfc3339(s, &ms) == 0) {
			/* Years 0000-9999 and offsets fit; formatting must round-trip. */
			clock_format_ms(ms, again, sizeof(again));
			if (ms >= 0 && ms < 253402300800000LL &&
			    (clock_parse_rfc3339(again, &ms2) || ms2 != ms))
				abort();
		}
		break;
	case 1:
		if (clock_parse_duration(s, &ms) == 0 && ms < 0)
			abort();
		break;
	default:
		(void)clock_valid_tz(s);
		break;
	}
	free(s);
	return 0;
}
