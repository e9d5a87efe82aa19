/* log.c - JSON-lines logging to stderr. */
#include "util/log.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

static const char *level_name(enum log_level lvl)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	return names[lvl];
}

static void log_emit(enum log_level lvl, const char *msg)
{
	char ts[64];
	struct timespec now;
	struct tm tm;
	json_t *o;
	char *line;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)(now.tv_nsec / 1000000) % 1000);
	o = json_pack("{s:s,s:s,s:s}", "ts", ts, "level", level_name(lvl), "msg", msg);
	line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (line)
		fprintf(stderr, "%s\n", line);
	else
		fprintf(stderr, "{\"level\":\"error\",\"msg\":\"log: out of memory\"}\n");
	free(line);
	json_decref(o);
}

/* Formats and emits one line; with_errno appends ": strerror(errno as it was on entry)". */
static void log_vemit(enum log_level lvl, bool with_errno, const char *fmt, va_list ap)
{
	char msg[1024];
	int saved = errno;
	size_t n;

	if (lvl < min_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	log_emit(lvl, msg);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(lvl, false, fmt, ap);
	va_end(ap);
}

void log_errno(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(lvl, true, fmt, ap);
	va_end(ap);
}
