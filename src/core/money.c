/* money.c - ISO 4217 currencies, decimal amounts parsed and formatted, arithmetic that never wraps. */
#include "core/money.h"

#include <string.h>

#include "util/err.h"

/*
 * ISO 4217 (list one, current codes) with their minor units, sorted by code
 * for bsearch-free linear lookup (the table is small). Exponents follow the
 * standard, not common practice: IDR is 2 even though rupiah prices are
 * quoted whole; JPY, KRW, VND 0; the dinars of Bahrain, Iraq, Jordan,
 * Kuwait, Libya, Oman and Tunisia 3; CLF and UYW 4.
 */
static const struct currency currencies[] = {
    {"AED", 2}, {"ARS", 2}, {"AUD", 2}, {"BDT", 2}, {"BHD", 3}, {"BIF", 0}, {"BND", 2},
    {"BRL", 2}, {"CAD", 2}, {"CHF", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
    {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2}, {"GNF", 0},
    {"HKD", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"ISK", 0},
    {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KHR", 2}, {"KMF", 0}, {"KRW", 0}, {"KWD", 3},
    {"LKR", 2}, {"LYD", 3}, {"MMK", 2}, {"MXN", 2}, {"MYR", 2}, {"NGN", 2}, {"NOK", 2},
    {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0},
    {"QAR", 2}, {"RWF", 0}, {"SAR", 2}, {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TND", 3},
    {"TRY", 2}, {"TWD", 2}, {"UGX", 0}, {"USD", 2}, {"UYI", 0}, {"UYW", 4}, {"VND", 0},
    {"VUV", 0}, {"XAF", 0}, {"XOF", 0}, {"XPF", 0}, {"ZAR", 2},
};

const struct currency *money_currency(const char *code)
{
	if (!code || strlen(code) != 3)
		return NULL;
	for (size_t i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (!memcmp(currencies[i].code, code, 3))
			return &currencies[i];
	return NULL;
}

int money_exponent(const char *code)
{
	const struct currency *c = money_currency(code);

	return c ? c->exponent : -1;
}

/* INT64_MIN is outside the range on purpose: -v is then always an amount. */
static bool in_range(__int128 v)
{
	return v >= -(__int128)MONEY_MAX && v <= (__int128)MONEY_MAX;
}

int money_add(int64_t a, int64_t b, int64_t *out)
{
	__int128 v = (__int128)a + b;

	if (!in_range(v))
		return ERR_INVALID;
	*out = (int64_t)v;
	return 0;
}

int money_sub(int64_t a, int64_t b, int64_t *out)
{
	__int128 v = (__int128)a - b;

	if (!in_range(v))
		return ERR_INVALID;
	*out = (int64_t)v;
	return 0;
}

int money_mul(int64_t a, int64_t n, int64_t *out)
{
	__int128 v = (__int128)a * n;

	if (!in_range(v))
		return ERR_INVALID;
	*out = (int64_t)v;
	return 0;
}

int money_muldiv(int64_t a, int64_t num, int64_t den, int64_t *out)
{
	__int128 p, q, r;
	bool neg;

	if (den <= 0 || num < 0)
		return ERR_INVALID;
	/* |a| <= 2^63 and num < 2^63: the product fits 127 bits. */
	p = (__int128)a * num;
	neg = p < 0;
	if (neg)
		p = -p;
	q = p / den;
	r = p % den;
	/* half away from zero: r / den >= 1/2, i.e. 2r >= den (exact, no overflow: r < den < 2^63) */
	if (2 * r >= den)
		q++;
	if (neg)
		q = -q;
	if (!in_range(q))
		return ERR_INVALID;
	*out = (int64_t)q;
	return 0;
}

int money_bp(int64_t a, int64_t bp, int64_t *out)
{
	return money_muldiv(a, bp, 10000, out);
}

int money_parse(const char *s, int e, int64_t *out)
{
	__int128 v = 0;
	bool neg = false;
	int digits = 0, decimals = 0;

	if (!s || e < 0 || e > 4)
		return ERR_INVALID;
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		v = v * 10 + (*s - '0');
		if (v > (__int128)MONEY_MAX)
			return ERR_INVALID;
	}
	if (!digits)
		return ERR_INVALID;
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++, decimals++) {
			if (decimals == e)
				return ERR_INVALID;
			v = v * 10 + (*s - '0');
			if (v > (__int128)MONEY_MAX)
				return ERR_INVALID;
		}
		if (!decimals)
			return ERR_INVALID;
	}
	if (*s)
		return ERR_INVALID;
	for (; decimals < e; decimals++) {
		v *= 10;
		if (v > (__int128)MONEY_MAX)
			return ERR_INVALID;
	}
	*out = (int64_t)(neg ? -v : v);
	return 0;
}

char *money_format_grouped(int64_t v, int e, char group, char dec, char *out, size_t n)
{
	char rev[64];
	size_t k = 0, o = 0;
	/* v is never INT64_MIN for an amount; take the magnitude unsigned anyway, safely */
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int i = 0, intdigits = 0;

	if (!n)
		return out;
	if (e < 0)
		e = 0;
	/* digits in reverse: the e decimals, the point, the integer part with its groups */
	do {
		if (e && i == e)
			rev[k++] = dec;
		if (i >= e) {
			if (group && intdigits && intdigits % 3 == 0)
				rev[k++] = group;
			intdigits++;
		}
		rev[k++] = (char)('0' + m % 10);
		m /= 10;
		i++;
	} while ((m || i <= e) && k < sizeof(rev) - 3);
	if (v < 0)
		rev[k++] = '-';
	while (k && o + 1 < n)
		out[o++] = rev[--k];
	out[o] = 0;
	return out;
}

char *money_format(int64_t v, int e, char *out, size_t n)
{
	return money_format_grouped(v, e, 0, '.', out, n);
}
