/* clock.h - wall-clock and RFC 3339 helpers; the only place time is read. */
#ifndef ALIHDAYA_CLOCK_H
#define ALIHDAYA_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch, UTC. */
int64_t clock_now_ms(void);
/*
 * A clock that tests move instead of sleeping: the time is the decimal
 * number of milliseconds since the epoch held in the file `path`, read again
 * at every call, so a test writes a new value and the next reading sees it.
 * clock_file_open() reads it once (0, or ERR_INVALID with why in err); later
 * a file that cannot be read keeps the last time read. Single reader: the
 * struct is the caller's, passed as the arg of clock_file_ms().
 */
struct clock_file {
	const char *path;
	int64_t last;
};
struct buf;
int clock_file_open(struct clock_file *cf, const char *path, struct buf *err);
int64_t clock_file_ms(void *cf);
/* Formats ms as "2026-11-23T10:00:00.123Z" into out (at least 32 bytes). */
void clock_format_ms(int64_t ms, char *out, size_t n);
/* Parses RFC 3339 (Z or +hh:mm offset, optional fraction). 0 or ERR_INVALID. */
int clock_parse_rfc3339(const char *s, int64_t *ms_out);
/*
 * Parses a duration: a whole number and its unit, ms, s, m, h or d (days),
 * like "1500ms", "30s", "90m", "24h", "5d"; a plain number is seconds.
 */
int clock_parse_duration(const char *s, int64_t *ms_out);
/*
 * As clock_parse_duration, but a plain number is ERR_INVALID: on a command
 * line "--sla 8" could mean hours as well as seconds, so a unit is required.
 */
int clock_parse_duration_unit(const char *s, int64_t *ms_out);
/* True if name is an IANA zone present in the system's zoneinfo. */
int clock_valid_tz(const char *name);
/*
 * Local calendar days in an IANA zone (a valid one: clock_valid_tz()).
 * clock_local_date(): the date holding ms in tz (OUT: *y, *mon 1..12, *mday).
 * clock_local_midnight(): the first instant of the day y-mon-mday in tz;
 * mday may pass the month's end (normalised: day 32 of January is
 * February 1), so "the day after" is mday + 1. Both switch the process's TZ
 * under a lock and restore it: nothing else in the program uses local time.
 * 0, or ERR_INVALID when the zone or date cannot be converted.
 */
int clock_local_date(const char *tz, int64_t ms, int *y, int *mon, int *mday);
int clock_local_midnight(const char *tz, int y, int mon, int mday, int64_t *ms_out);

#endif
