/* clock.h - wall-clock and RFC 3339 helpers; the only place time is read. */
#ifndef ALIHDAYA_CLOCK_H
#define ALIHDAYA_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch, UTC. */
int64_t clock_now_ms(void);
/* Formats ms as "2026-11-23T10:00:00.123Z" into out (at least 32 bytes). */
void clock_format_ms(int64_t ms, char *out, size_t n);
/* Parses RFC 3339 (Z or +hh:mm offset, optional fraction). 0 or ERR_INVALID. */
int clock_parse_rfc3339(const char *s, int64_t *ms_out);
/* Parses a duration like "24h", "5d", "90m", "30s", "1500ms" or plain seconds. */
int clock_parse_duration(const char *s, int64_t *ms_out);
/* True if name is an IANA zone present in the system's zoneinfo. */
int clock_valid_tz(const char *name);

#endif
