/* common.c - shared plumbing of the subcommands. */
#include "cli/common.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/remote.h"
#include "util/clock.h"
#include "wire/wire.h"
#include "sec/audit_head.h"
#include "sec/auth.h"
#include "sec/keys.h"
#include "util/err.h"
#include "util/log.h"

int cli_fail(const char *cmd, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "alihdaya %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_config(struct cli_ctx *ctx, struct buf *err)
{
	const char *path = getenv("ALIHDAYA_CONFIG");
	int rc;

	config_defaults(&ctx->cfg);
	if (path && *path) {
		rc = config_load_file(&ctx->cfg, path, err);
		if (rc)
			return rc;
	}
	return config_load_env(&ctx->cfg, err);
}

static int open_inner(struct cli_ctx *ctx, enum cli_open_mode mode, bool create, struct buf *err)
{
	char path[PATH_MAX];
	struct stat st;
	struct buf why = BUF_INIT;
	int rc;

	if (stat(ctx->cfg.data_dir, &st)) {
		if (!create)
			return buf_error(err, ERR_NOTFOUND,
					 "no data directory '%s' (run: alihdaya init --data %s)",
					 ctx->cfg.data_dir, ctx->cfg.data_dir);
		if (mkdir(ctx->cfg.data_dir, 0700))
			return buf_error(err, ERR_IO, "cannot create '%s': %s", ctx->cfg.data_dir,
					 strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		return buf_error(err, ERR_INVALID, "'%s' is not a directory", ctx->cfg.data_dir);
	}
	if (mode != CLI_READ) {
		snprintf(path, sizeof(path), "%s/%s", ctx->cfg.data_dir, CLI_LOCK_FILE);
		ctx->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (ctx->lock_fd < 0)
			return buf_error(err, ERR_IO, "cannot open %s: %s", path, strerror(errno));
		/* One process owns the live state of a data directory. */
		if (flock(ctx->lock_fd, LOCK_EX | LOCK_NB)) {
			rc = errno;
			close(ctx->lock_fd);
			ctx->lock_fd = -1;
			if (rc != EWOULDBLOCK)
				return buf_error(err, ERR_IO, "cannot lock %s: %s", path,
						 strerror(rc));
			if (mode == CLI_SERVE)
				return buf_error(err, ERR_BUSY, "a server is already running on '%s'",
						 ctx->cfg.data_dir);
			/* Its engine is the one writer: commands go to it (cli_engine). */
			ctx->served = true;
		}
	}
	snprintf(path, sizeof(path), "%s/%s", ctx->cfg.data_dir, CLI_DB_FILE);
	if (!create && stat(path, &st))
		return buf_error(err, ERR_NOTFOUND, "no store in '%s' (run: alihdaya init --data %s)",
				 ctx->cfg.data_dir, ctx->cfg.data_dir);
	rc = store_open(path, mode == CLI_SERVE ? ctx->cfg.threads + 2 : 2, &ctx->store, err);
	if (rc)
		return rc;
	/*
	 * The keyring before any record is read or written: a wrong master key
	 * stops here. Only the holder of the lock makes the key file and the
	 * keyring, and only for a store not sealed yet (a new one, or one from
	 * before encryption): a sealed store without its keyring is a restore
	 * that forgot it, and a new keyring would open nothing of it.
	 */
	if (mode != CLI_READ && !ctx->served) {
		bool sealed = false;

		rc = store_seal_done(ctx->store, &sealed);
		if (rc)
			return buf_error(err, rc, "%s", store_errmsg(ctx->store));
		if (sealed && !keys_exist(ctx->cfg.data_dir))
			return buf_error(err, ERR_NOTFOUND,
					 "the values of %s are sealed, but %s/%s is missing: put "
					 "back the keyring (and master key) that belong to it "
					 "(docs/security.md)",
					 path, ctx->cfg.data_dir, KEYS_FILE);
	}
	rc = keys_open(ctx->cfg.data_dir, mode != CLI_READ && !ctx->served, &ctx->keys, err);
	if (rc)
		return rc;
	if (ctx->no_encrypt)
		log_warn("--bench-no-encrypt: payloads and results are stored in plain (benchmark only)");
	else
		store_set_cipher(ctx->store, keys_cipher(ctx->keys));
	if (mode != CLI_READ && !ctx->served && !ctx->no_encrypt) {
		int64_t sealed = 0;

		/* A database from before encryption: its plain values sealed once, in batches. */
		rc = store_seal_plain(ctx->store, 500, &sealed);
		if (rc)
			return buf_error(err, rc, "sealing the values stored in plain: %s",
					 store_errmsg(ctx->store));
		if (sealed)
			log_info("sealed %lld values stored in plain before encryption",
				 (long long)sealed);
	}
	if (mode != CLI_READ && !ctx->served) {
		/* The background purge is the server's; a CLI's engine purges when asked. */
		struct engine_opts o = { .batch_max = ctx->cfg.batch_max,
					 .purge_job = mode == CLI_SERVE };

		rc = audit_signer_open(ctx->cfg.data_dir, ctx->head_copy, &ctx->signer, err);
		if (rc)
			return rc;
		o.signer = ctx->signer;
		if (ctx->clock.path) {
			o.clock = clock_file_ms;
			o.clock_arg = &ctx->clock;
		}
		rc = engine_start(ctx->store, &o, &ctx->engine, &why);
		if (rc) {
			buf_error(err, rc, "%s", buf_str(&why));
			buf_release(&why);
			return rc;
		}
	}
	buf_release(&why);
	ctx->app.store = ctx->store;
	ctx->app.engine = ctx->engine;
	ctx->app.keys = ctx->served ? NULL : ctx->keys;
	ctx->app.data_dir = ctx->cfg.data_dir;
	if (ctx->clock.path) {
		ctx->app.clock = clock_file_ms;
		ctx->app.clock_arg = &ctx->clock;
	}
	return 0;
}

/* What open_inner() opened before it failed is closed again: no caller need clean up. */
int cli_open(struct cli_ctx *ctx, enum cli_open_mode mode, bool create, struct buf *err)
{
	int rc = open_inner(ctx, mode, create, err);

	if (rc)
		cli_close(ctx);
	return rc;
}

void cli_close(struct cli_ctx *ctx)
{
	if (ctx->engine)
		engine_stop(ctx->engine);
	audit_signer_free(ctx->signer);
	ctx->signer = NULL;
	if (ctx->store)
		store_close(ctx->store);
	keys_close(ctx->keys); /* after the store: its cipher is the keyring's */
	ctx->keys = NULL;
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	ctx->engine = NULL;
	ctx->store = NULL;
	memset(&ctx->app, 0, sizeof(ctx->app));
	ctx->lock_fd = -1;
	ctx->served = false;
}

int cli_as_token(struct cli_ctx *ctx, const char *cmdname)
{
	const char *tok = getenv("ALIHDAYA_TOKEN");
	char authz[AUTH_TOKEN_TEXT + 16];
	int rc;

	if (!tok || !*tok)
		return 0;
	snprintf(authz, sizeof(authz), "Bearer %s", tok);
	rc = auth_authenticate(ctx->store, authz, &ctx->actor);
	if (rc)
		return cli_fail(cmdname, 1, "ALIHDAYA_TOKEN: %s",
				rc == ERR_UNAUTH ? "not a valid token" : err_message(rc));
	ctx->token = tok;
	return 0;
}

const struct actor *cli_actor(const struct cli_ctx *ctx)
{
	return ctx->token ? &ctx->actor : &AUTH_LOCAL_ADMIN;
}

int cli_engine(struct cli_ctx *ctx, const char *cmdname, struct cmd *c)
{
	struct buf err = BUF_INIT;

	c->actor = cli_actor(ctx);
	if (ctx->served) {
		if (!cli_remote_cmd(ctx, c, &err))
			return 0;
		if (err.len) {
			cli_fail(cmdname, 1, "%s", buf_str(&err));
			buf_release(&err);
			return 1;
		}
	} else if (!app_call(&ctx->app, c)) {
		return 0;
	}
	if (c->result.problems) {
		/* Declared fields refused it: every problem, one line each (the message has the first). */
		cli_fail(cmdname, 1, "%.*s:", (int)strcspn(c->result.message, ":"), c->result.message);
		for (const char *p = c->result.problems, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
			size_t f = strcspn(p, "\t");

			if (p + f < nl)
				fprintf(stderr, "  %.*s%s%.*s\n", (int)f, p, f ? ": " : "",
					(int)(nl - p - f - 1), p + f + 1);
		}
		/* Said: freed here, as not every caller releases a failed command. */
		free(c->result.problems);
		c->result.problems = NULL;
		return 1;
	}
	cli_fail(cmdname, 1, "%s", c->result.message[0] ? c->result.message : err_message(c->rc));
	return 1;
}

static void cell_text(json_t *v, char *out, size_t n)
{
	char *s;

	if (!v || json_is_null(v)) {
		snprintf(out, n, "-");
	} else if (json_is_string(v)) {
		snprintf(out, n, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else {
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		snprintf(out, n, "%s", s ? s : "?");
		free(s);
	}
}

void cli_print_list(json_t *page, const char *const *cols, bool as_json)
{
	json_t *data = json_object_get(page, "data");
	size_t ncol = 0, w[16] = { 0 }, i;
	json_t *row, *next;
	char cell[256];

	if (as_json) {
		cli_print_json(page);
		return;
	}
	while (cols[ncol] && ncol < 16)
		ncol++;
	for (size_t c = 0; c < ncol; c++)
		w[c] = strlen(cols[c]);
	json_array_foreach(data, i, row) {
		for (size_t c = 0; c < ncol; c++) {
			cell_text(json_object_get(row, cols[c]), cell, 48);
			if (strlen(cell) > w[c])
				w[c] = strlen(cell);
		}
	}
	for (size_t c = 0; c < ncol; c++)
		printf("%-*s%s", (int)w[c], cols[c], c + 1 < ncol ? "  " : "\n");
	json_array_foreach(data, i, row) {
		for (size_t c = 0; c < ncol; c++) {
			cell_text(json_object_get(row, cols[c]), cell, 48);
			printf("%-*s%s", (int)w[c], cell, c + 1 < ncol ? "  " : "\n");
		}
	}
	next = json_object_get(page, "next_cursor");
	if (next && json_is_string(next))
		printf("(more: --after %s)\n", json_string_value(next));
}

void cli_print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (s)
		printf("%s\n", s);
	free(s);
}

int cli_parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long n;

	if (!s || !*s)
		return ERR_INVALID;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return ERR_INVALID;
	*out = n;
	return 0;
}

int cli_parse_id(const char *s, int64_t *out)
{
	char *end;
	long long n;

	if (!s || !*s)
		return ERR_INVALID;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || *end || n <= 0)
		return ERR_INVALID;
	*out = n;
	return 0;
}

int cli_copy(char *dst, size_t n, const char *src)
{
	if (!src || !*src || strlen(src) >= n)
		return ERR_INVALID;
	snprintf(dst, n, "%s", src);
	return 0;
}

int cli_parse_skill(const char *s, struct skill_level *out)
{
	const char *colon = strchr(s, ':');
	char code[MODEL_CODE_MAX];
	long lvl = 1;
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (!n || n >= sizeof(code))
		return ERR_INVALID;
	memcpy(code, s, n);
	code[n] = '\0';
	if (colon && cli_parse_int(colon + 1, 1, 5, &lvl))
		return ERR_INVALID;
	snprintf(out->code, sizeof(out->code), "%s", code);
	out->level = (int)lvl;
	return 0;
}
