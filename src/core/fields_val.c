/* fields_val.c - the values of declared fields: exact decimals as scaled integers, calendar dates
 * and their formats. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields_int.h"
#include "util/err.h"

size_t fields__chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

int fields__decimal_parse(const char *s, int scale, int64_t *out, const char **why)
{
	uint64_t v = 0, lim;
	bool neg = false, digit = false;
	int frac = -1;

	if (*s == '-') {
		neg = true;
		s++;
	}
	/* INT64_MIN's magnitude is one more than INT64_MAX's: allow it for negatives. */
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		if (*s == '.' && frac < 0 && digit) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9') {
			*why = "not a decimal number (digits, an optional point and digits)";
			return ERR_INVALID;
		}
		digit = true;
		if (frac >= 0 && ++frac > scale) {
			*why = "too many digits after the point";
			return ERR_INVALID;
		}
		if (v > (lim - (uint64_t)(*s - '0')) / 10) {
			*why = "out of range";
			return ERR_INVALID;
		}
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (!digit || frac == 0) {
		*why = "not a decimal number (digits, an optional point and digits)";
		return ERR_INVALID;
	}
	for (int f = frac < 0 ? 0 : frac; f < scale; f++) {
		if (v > lim / 10) {
			*why = "out of range";
			return ERR_INVALID;
		}
		v *= 10;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int fields__decimal_json(const json_t *v, int scale, int64_t *out, const char **why)
{
	char text[64];

	if (json_is_string(v))
		return fields__decimal_parse(json_string_value(v), scale, out, why);
	if (json_is_integer(v))
		snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v)) {
		double d = json_real_value(v);

		/*
		 * A JSON number with a fraction arrives as a double: its shortest
		 * text of up to 15 significant digits is the number the sender
		 * wrote, exactly, when it reads back as the same double.
		 */
		snprintf(text, sizeof(text), "%.15g", d);
		if (!isfinite(d) || strtod(text, NULL) != d || strchr(text, 'e')) {
			*why = "has more than 15 significant digits: send it as a string";
			return ERR_INVALID;
		}
	} else {
		*why = "not a decimal (a string such as \"12.50\" or a number)";
		return ERR_INVALID;
	}
	return fields__decimal_parse(text, scale, out, why);
}

void fields__decimal_text(int64_t v, int scale, char *out, size_t n)
{
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char digits[32];
	int len, k = 0;

	len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)m);
	char tmp[48];
	if (v < 0)
		tmp[k++] = '-';
	if (len <= scale) { /* 0.05: leading zeros before the digits */
		tmp[k++] = '0';
		tmp[k++] = '.';
		for (int i = len; i < scale; i++)
			tmp[k++] = '0';
		memcpy(tmp + k, digits, (size_t)len);
		k += len;
	} else {
		memcpy(tmp + k, digits, (size_t)(len - scale));
		k += len - scale;
		if (scale) {
			tmp[k++] = '.';
			memcpy(tmp + k, digits + len - scale, (size_t)scale);
			k += scale;
		}
	}
	tmp[k] = 0;
	snprintf(out, n, "%s", tmp);
}

static int month_days(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

static bool real_day(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* n digits of s at *i (max digits when min < max) into *v; false if fewer than min. */
static bool digits_at(const char *s, size_t *i, int min, int max, int *v)
{
	int k = 0;

	*v = 0;
	while (k < max && s[*i] >= '0' && s[*i] <= '9') {
		*v = *v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k >= min;
}

bool fields__date_fmt(const char *fmt, const char *s, char iso[11])
{
	int y = -1, m = -1, d = -1;
	size_t i = 0;

	while (*fmt) {
		if (!strncmp(fmt, "YYYY", 4)) {
			if (!digits_at(s, &i, 4, 4, &y))
				return false;
			fmt += 4;
		} else if (!strncmp(fmt, "MM", 2) || !strncmp(fmt, "DD", 2)) {
			if (!digits_at(s, &i, 2, 2, *fmt == 'M' ? &m : &d))
				return false;
			fmt += 2;
		} else if (*fmt == 'M' || *fmt == 'D') {
			if (!digits_at(s, &i, 1, 2, *fmt == 'M' ? &m : &d))
				return false;
			fmt++;
		} else if (s[i] == *fmt) {
			i++;
			fmt++;
		} else {
			return false;
		}
	}
	if (s[i] || !real_day(y, m, d))
		return false;
	/* real_day bounded them: 4, 2 and 2 digits. */
	snprintf(iso, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
	return true;
}

bool fields__date_iso(const char *s)
{
	char iso[11];

	return strlen(s) == 10 && fields__date_fmt("YYYY-MM-DD", s, iso);
}

bool fields__date_fmt_valid(const char *fmt)
{
	int y = 0, m = 0, d = 0;

	while (*fmt) {
		if (!strncmp(fmt, "YYYY", 4)) {
			y++;
			fmt += 4;
		} else if (!strncmp(fmt, "MM", 2) || !strncmp(fmt, "DD", 2)) {
			*fmt == 'M' ? m++ : d++;
			fmt += 2;
		} else if (*fmt == 'M' || *fmt == 'D') {
			*fmt == 'M' ? m++ : d++;
			fmt++;
		} else if (*fmt == 'Y' || (*fmt >= '0' && *fmt <= '9')) {
			return false; /* a lone Y or a digit would read as part of a number */
		} else {
			fmt++;
		}
	}
	return y == 1 && m == 1 && d == 1;
}
