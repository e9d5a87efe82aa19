/* money.h - money as integer minor units of an ISO 4217 currency: the table, parsing, formatting, checked arithmetic. */
#ifndef ALIHDAYA_MONEY_H
#define ALIHDAYA_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An amount is an int64_t count of the currency's minor unit (cents for
 * USD, sen for IDR and MYR, fils for KWD, yen for JPY). No floating point
 * is used anywhere in this module or by its callers for money.
 *
 * Every operation is checked: a result outside [-MONEY_MAX, MONEY_MAX]
 * answers ERR_INVALID and leaves *out untouched; nothing ever wraps.
 * INT64_MIN is never a valid amount (so negation is always safe).
 *
 * Rounding, the one rule of the program: half away from zero to the minor
 * unit ("commercial half-up": 0.5 -> 1, 1.5 -> 2, -0.5 -> -1, -2.5 -> -3).
 * It is applied once per invoice line (never to a running total), so the
 * lines of an invoice always add up exactly to its total.
 */
#define MONEY_MAX INT64_MAX
#define MONEY_TEXT_MAX 32 /* "-9223372036854775807" plus separators and a point */

struct currency {
	char code[4]; /* ISO 4217 alpha code, "IDR" */
	int exponent; /* ISO 4217 minor unit: IDR 2, JPY 0, KWD 3 */
};

/* The currency of an ISO 4217 code (upper case, exactly 3 letters), or NULL when not known. */
const struct currency *money_currency(const char *code);
/* Its exponent, or -1 when the code is not known. */
int money_exponent(const char *code);

/* *out = a + b, a - b, a * n (a count or a quantity). 0, or ERR_INVALID on overflow. */
int money_add(int64_t a, int64_t b, int64_t *out);
int money_sub(int64_t a, int64_t b, int64_t *out);
int money_mul(int64_t a, int64_t n, int64_t *out);
/*
 * *out = a * num / den, rounded half away from zero, computed exactly in
 * 128 bits (den > 0, num >= 0). 0, or ERR_INVALID on overflow or den <= 0.
 */
int money_muldiv(int64_t a, int64_t num, int64_t den, int64_t *out);
/* a share of a in basis points (1100 = 11 %), rounded as above. */
int money_bp(int64_t a, int64_t bp, int64_t *out);

/*
 * Parses a decimal amount of a currency with exponent e: an optional '-',
 * digits, and an optional '.' with 1..e digits ("1500", "1500.5",
 * "-0.25"). More decimals than the currency has is an error (never rounded
 * silently), and so are spaces, '+', exponents, thousands separators, an
 * empty text, and a value past MONEY_MAX. 0, or ERR_INVALID.
 */
int money_parse(const char *s, int e, int64_t *out);
/*
 * Formats v with exponent e, "-1234.50", into out (at least MONEY_TEXT_MAX
 * bytes); grouped: with thousands separator group (0: none) and decimal
 * point dec, "1.234,50" for Indonesian. Returns out.
 */
char *money_format(int64_t v, int e, char *out, size_t n);
char *money_format_grouped(int64_t v, int e, char group, char dec, char *out, size_t n);

#endif
