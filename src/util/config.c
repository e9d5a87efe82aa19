/* config.c - configuration from file, environment and flags, one setter for all three. */
#include "util/config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"

static int default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n > 16 ? 16 : (int)n;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->data_dir, sizeof(c->data_dir), "%s", "alihdaya-data");
	snprintf(c->bind, sizeof(c->bind), "%s", "127.0.0.1");
	c->port = 8080;
	/* Writes suspend while they wait on the engine, so threads beyond the cores add nothing. */
	c->threads = default_threads();
	c->max_body = 1L << 20;
	c->max_depth = 32;
	c->max_connections = 4096;
	c->conn_timeout_s = 30;
	c->rate_per_s = 0;
	c->fail_rate_per_s = 20;
	c->batch_max = 512;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return ERR_INVALID;
	*out = n;
	return 0;
}

static int set_str(char *dst, size_t n, const char *key, const char *v, struct buf *err)
{
	if (strlen(v) >= n)
		return buf_error(err, ERR_INVALID, "%s: value longer than %zu bytes", key, n - 1);
	snprintf(dst, n, "%s", v);
	return 0;
}

int config_set(struct config *c, const char *key, const char *v, struct buf *err)
{
	static const struct {
		const char *key;
		long lo, hi;
		size_t off;
		int is_long;
	} nums[] = {
		{ "port", 0, 65535, offsetof(struct config, port), 0 },
		{ "threads", 1, 256, offsetof(struct config, threads), 0 },
		{ "max_body", 1024, 1L << 30, offsetof(struct config, max_body), 1 },
		{ "max_depth", 2, 1000, offsetof(struct config, max_depth), 0 },
		{ "max_connections", 16, 1000000, offsetof(struct config, max_connections), 0 },
		{ "timeout", 1, 3600, offsetof(struct config, conn_timeout_s), 0 },
		{ "rate_per_s", 0, 1000000, offsetof(struct config, rate_per_s), 0 },
		{ "fail_rate_per_s", 0, 1000000, offsetof(struct config, fail_rate_per_s), 0 },
		{ "batch_max", 1, 100000, offsetof(struct config, batch_max), 0 },
	};
	long n;

	if (!strcmp(key, "data"))
		return set_str(c->data_dir, sizeof(c->data_dir), key, v, err);
	if (!strcmp(key, "bind"))
		return set_str(c->bind, sizeof(c->bind), key, v, err);
	if (!strcmp(key, "web_dir"))
		return set_str(c->web_dir, sizeof(c->web_dir), key, v, err);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strcmp(key, nums[i].key))
			continue;
		if (parse_long(v, nums[i].lo, nums[i].hi, &n))
			return buf_error(err, ERR_INVALID, "%s: expected an integer from %ld to %ld, got '%s'",
					 key, nums[i].lo, nums[i].hi, v);
		if (nums[i].is_long)
			*(long *)((char *)c + nums[i].off) = n;
		else
			*(int *)((char *)c + nums[i].off) = (int)n;
		return 0;
	}
	return buf_error(err, ERR_INVALID, "unknown setting '%s'", key);
}

struct ini_ctx {
	struct config *c;
	struct buf *err;
	int rc;
};

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *x = user;

	if (strcmp(section, "server") && strcmp(section, "store")) {
		x->rc = buf_error(x->err, ERR_INVALID, "unknown section [%s]", section);
		return 0;
	}
	x->rc = config_set(x->c, name, value, x->err);
	return x->rc == 0;
}

int config_load_file(struct config *c, const char *path, struct buf *err)
{
	struct ini_ctx x = { c, err, 0 };
	int line = ini_parse(path, on_ini, &x);

	if (line < 0)
		return buf_error(err, ERR_INVALID, "%s: cannot read the file", path);
	if (line > 0) {
		struct buf why = BUF_INIT;

		buf_puts(&why, buf_str(err));
		buf_error(err, ERR_INVALID, "%s:%d: %s", path, line,
			  why.len ? buf_str(&why) : "syntax error");
		buf_release(&why);
		return ERR_INVALID;
	}
	return 0;
}

int config_load_env(struct config *c, struct buf *err)
{
	static const struct {
		const char *env, *key;
	} map[] = {
		{ "ALIHDAYA_DATA", "data" },       { "ALIHDAYA_BIND", "bind" },
		{ "ALIHDAYA_PORT", "port" },       { "ALIHDAYA_THREADS", "threads" },
		{ "ALIHDAYA_RATE", "rate_per_s" }, { "ALIHDAYA_MAX_BODY", "max_body" },
		{ "ALIHDAYA_WEB_DIR", "web_dir" },
	};
	int rc;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = getenv(map[i].env);
		if (!v)
			continue;
		rc = config_set(c, map[i].key, v, err);
		if (rc) {
			struct buf why = BUF_INIT;
			buf_puts(&why, buf_str(err));
			buf_error(err, rc, "%s: %s", map[i].env, buf_str(&why));
			buf_release(&why);
			return rc;
		}
	}
	return 0;
}
