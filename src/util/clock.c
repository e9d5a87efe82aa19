/* clock.c - time reading, RFC 3339 and duration parsing. */
#include "util/clock.h"

#include <ctype.h>
#include <pthread.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"

int64_t clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The file's number, or -1 when it cannot be read or is not a time. */
static int64_t read_ms(const char *path)
{
	char text[32];
	size_t n;
	FILE *f = fopen(path, "re");
	char *end;
	long long v;

	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	errno = 0;
	v = strtoll(text, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || end == text || *end || v < 0)
		return -1;
	return (int64_t)v;
}

int clock_file_open(struct clock_file *cf, const char *path, struct buf *err)
{
	cf->path = path;
	cf->last = read_ms(path);
	if (cf->last < 0)
		return buf_error(err, ERR_INVALID,
				 "clock file %s must hold milliseconds since the epoch, e.g. %lld",
				 path, (long long)clock_now_ms());
	return 0;
}

int64_t clock_file_ms(void *arg)
{
	struct clock_file *cf = arg;
	int64_t v = read_ms(cf->path);

	/*
	 * A writer replacing the file (rename) is never seen half-written; keep the last.
	 * Atomic: the engine and the HTTP threads' use cases read one clock file.
	 */
	if (v >= 0)
		__atomic_store_n(&cf->last, v, __ATOMIC_RELAXED);
	return __atomic_load_n(&cf->last, __ATOMIC_RELAXED);
}

void clock_format_ms(int64_t ms, char *out, size_t n)
{
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int frac = (int)(ms - (int64_t)s * 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)**p))
			return ERR_INVALID;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

int clock_parse_rfc3339(const char *s, int64_t *ms_out)
{
	int y, mo, d, h, mi, se, frac = 0, fd = 0, oh = 0, om = 0, sign = 0;
	const char *p = s;
	struct tm tm = { 0 };
	time_t t;

	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return ERR_INVALID;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &se))
		return ERR_INVALID;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return ERR_INVALID;
		while (isdigit((unsigned char)*p)) {
			if (fd < 3) {
				frac = frac * 10 + (*p - '0');
				fd++;
			}
			p++;
		}
		while (fd < 3) {
			frac *= 10;
			fd++;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om))
			return ERR_INVALID;
	} else {
		return ERR_INVALID;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 ||
	    oh > 23 || om > 59)
		return ERR_INVALID;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	*ms_out = (int64_t)t * 1000 + frac - (int64_t)sign * (oh * 3600 + om * 60) * 1000;
	return 0;
}

int clock_parse_duration(const char *s, int64_t *ms_out)
{
	char *end;
	long long v;
	int64_t mul;

	if (!s || !isdigit((unsigned char)*s))
		return ERR_INVALID;
	v = strtoll(s, &end, 10);
	if (v < 0 || v > (long long)INT32_MAX * 1000LL)
		return ERR_INVALID;
	if (!strcmp(end, "ms"))
		mul = 1;
	else if (!strcmp(end, "s") || !*end)
		mul = 1000;
	else if (!strcmp(end, "m"))
		mul = 60000;
	else if (!strcmp(end, "h"))
		mul = 3600000;
	else if (!strcmp(end, "d"))
		mul = 86400000;
	else
		return ERR_INVALID;
	if (v > INT64_MAX / mul)
		return ERR_INVALID;
	*ms_out = (int64_t)v * mul;
	return 0;
}

int clock_valid_tz(const char *name)
{
	char path[256];
	struct stat st;

	if (!name || !*name || strlen(name) > 64 || name[0] == '/' || strstr(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return 0;
	if (!strcmp(name, "UTC"))
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int clock_parse_duration_unit(const char *s, int64_t *ms_out)
{
	int rc = clock_parse_duration(s, ms_out);

	if (!rc && !s[strspn(s, "0123456789")])
		return ERR_INVALID;
	return rc;
}

/* ================================================================
 * Local days in a zone
 * ================================================================ */

/*
 * The C library converts local time only for the zone named by TZ, which is
 * process-wide: tz_lock serialises the switch, and tz_enter / tz_leave put
 * the caller's TZ back so the rest of the program (UTC only) never sees it.
 */
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

static int tz_enter(const char *tz, char *saved, size_t n, int *had)
{
	const char *old;

	pthread_mutex_lock(&tz_lock);
	old = getenv("TZ");
	*had = old != NULL;
	if (old && (size_t)snprintf(saved, n, "%s", old) >= n)
		*had = 0; /* too long to keep: dropped, as nothing here reads it */
	if (setenv("TZ", tz, 1)) {
		pthread_mutex_unlock(&tz_lock);
		return ERR_INVALID;
	}
	tzset();
	return 0;
}

static void tz_leave(const char *saved, int had)
{
	if (had)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	pthread_mutex_unlock(&tz_lock);
}

int clock_local_date(const char *tz, int64_t ms, int *y, int *mon, int *mday)
{
	char saved[256];
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;
	int had, ok;

	if (!clock_valid_tz(tz) || tz_enter(tz, saved, sizeof(saved), &had))
		return ERR_INVALID;
	ok = localtime_r(&t, &tm) != NULL;
	tz_leave(saved, had);
	if (!ok)
		return ERR_INVALID;
	*y = tm.tm_year + 1900;
	*mon = tm.tm_mon + 1;
	*mday = tm.tm_mday;
	return 0;
}

int clock_local_midnight(const char *tz, int y, int mon, int mday, int64_t *ms_out)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = mday, .tm_isdst = -1};
	char saved[256];
	time_t t;
	int had;

	if (!clock_valid_tz(tz) || y < 1970 || y > 9999 || tz_enter(tz, saved, sizeof(saved), &had))
		return ERR_INVALID;
	/* A zone whose clocks jump over midnight: mktime moves to the first hour that exists. */
	t = mktime(&tm);
	tz_leave(saved, had);
	if (t == (time_t)-1)
		return ERR_INVALID;
	*ms_out = (int64_t)t * 1000;
	return 0;
}
