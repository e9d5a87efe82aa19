/* input.h - the input rules the record use cases share: strings, codes, ranges, zones, levels, pages. */
#ifndef ALIHDAYA_APP_INPUT_H
#define ALIHDAYA_APP_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "store/store.h"
#include "util/buf.h"

/*
 * Each checks one field as the caller received it and, when it is wrong,
 * returns ERR_INVALID with one line naming the field (the API's name of
 * it) appended to err. The HTTP adapter's helpers (http/req.c) and the
 * CLI's call these too, so a rule and its message exist once.
 */

/* Copies src into dst[n]: required unless !required (then NULL is ""), not empty, fits. */
int app_in_str(const char *field, const char *src, char *dst, size_t n, bool required,
	       struct buf *err);
/* As app_in_str, and only [A-Za-z0-9_.:-] (codes, logins, skill names). */
int app_in_code(const char *field, const char *src, char *dst, size_t n, bool required,
		struct buf *err);
/* A record's code and display name, both required (clients, services). */
int app_in_code_name(const char *code, const char *name, char dst_code[MODEL_CODE_MAX],
		     char dst_name[MODEL_NAME_MAX], struct buf *err);
/* lo <= v <= hi ("<field> must be between lo and hi"). */
int app_in_range(const char *field, int64_t v, int64_t lo, int64_t hi, struct buf *err);
/* A number (APP_ABSENT: dflt; dflt APP_ABSENT too: required), whole, in [lo, hi]. */
int app_in_whole(const char *field, double v, double dflt, int64_t lo, int64_t hi, int64_t *out,
		 struct buf *err);
/* An IANA zone name into dst[MODEL_TZ_MAX]; NULL is dflt. */
int app_in_tz(const char *field, const char *src, const char *dflt, char *dst, struct buf *err);
/* A positive decimal id of at most 18 digits (a query string's or argv's). */
int app_in_id_text(const char *field, const char *text, int64_t *out, struct buf *err);

/* A skill or language as given: a code and a level (APP_ABSENT when not given). */
struct app_level_in {
	const char *code;
	double level;
};

/*
 * n levels into out[max] (checked: codes, level 1..5, 1 when absent unless
 * required, no code twice). OUT: *n_out.
 */
int app_in_levels(const char *field, const struct app_level_in *in, size_t n, bool required,
		  struct skill_level *out, size_t max, size_t *n_out, struct buf *err);

/* A page of a list as given: texts of the query string or argv, NULL when absent. */
struct app_page_in {
	const char *after;     /* the cursor; NULL: from the start */
	const char *limit;     /* 1..STORE_PAGE_MAX; NULL: STORE_PAGE_DEFAULT */
	const char *client_id; /* engagements, users: only this client; NULL: all */
	/*
	 * audit events (app_page checks them, each 400 naming it): actor, a user
	 * id; action, an action name ("item.create") or a family ("item.": up to
	 * and with its first '.'); from and to, RFC 3339 times, from <= at < to,
	 * from before to. NULL: no filter.
	 */
	const char *actor;
	const char *action;
	const char *from;
	const char *to;
};

/* The page into pg (other fields zeroed; pg->action borrows in->action). */
int app_page(const struct app_page_in *in, struct store_page *pg, struct buf *err);

#endif
