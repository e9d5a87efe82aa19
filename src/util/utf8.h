/* utf8.h - is a byte string well-formed UTF-8 (RFC 3629)? */
#ifndef ALIHDAYA_UTF8_H
#define ALIHDAYA_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True if s[0..n) is well-formed UTF-8: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF. NUL bytes count as well-formed.
 */
bool utf8_valid(const char *s, size_t n);

#endif
