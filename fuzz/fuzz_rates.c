/* fuzz_rates.c - libFuzzer target: rate cards as JSON and decimal amounts (core/rates_json.c, core/money.c). */
/*
 * The first byte picks the parser; the rest is the text. A card that parses
 * renders and parses again to the same struct; an amount that parses at an
 * exponent formats back to the same text's value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "core/rates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rate_card a, b;
	char *s, why[256], t[MONEY_TEXT_MAX], *text;
	int64_t v = 0, w = 0;
	int e;

	if (size < 1)
		return 0;
	if (!(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] % 2 == 0) {
		if (rate_card_parse(s, &a, why, sizeof(why)) == 0) {
			if (!(text = rate_card_render(&a)))
				abort();
			memset(&b, 0, sizeof(b));
			if (rate_card_parse(text, &b, why, sizeof(why)) || memcmp(&a, &b, sizeof(a)))
				abort();
			free(text);
		}
	} else {
		e = data[0] / 2 % 5;
		if (money_parse(s, e, &v) == 0) {
			if (money_parse(money_format(v, e, t, sizeof(t)), e, &w) || v != w)
				abort();
			money_format_grouped(v, e, '.', ',', t, sizeof(t));
		}
	}
	free(s);
	return 0;
}
