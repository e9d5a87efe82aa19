/* config.h - settings from a config file (inih), then ALIHDAYA_* environment, then flags. */
#ifndef ALIHDAYA_CONFIG_H
#define ALIHDAYA_CONFIG_H

#include <stddef.h>

#include "util/buf.h"

struct config {
	char data_dir[512];
	char bind[64];
	int port;
	int threads;
	long max_body;
	int max_depth;
	int max_connections;
	int conn_timeout_s;
	int rate_per_s;
	int fail_rate_per_s; /* per client address, requests without a valid token */
	int batch_max;
	char web_dir[512];
};

/* Built-in defaults. */
void config_defaults(struct config *c);
/*
 * Reads an INI file ([server] bind, port, threads, max_body, max_depth,
 * max_connections, timeout, rate_per_s, fail_rate_per_s, batch_max, web_dir; [store] data).
 * Unknown keys and bad values are errors with the line number in err.
 */
int config_load_file(struct config *c, const char *path, struct buf *err);
/* Applies ALIHDAYA_DATA, ALIHDAYA_BIND, ALIHDAYA_PORT, ALIHDAYA_THREADS,
 * ALIHDAYA_RATE, ALIHDAYA_CONFIG is read by the caller. */
int config_load_env(struct config *c, struct buf *err);
/* Sets one key ("port", "data", ...) from text; used by all three sources. */
int config_set(struct config *c, const char *key, const char *value, struct buf *err);

#endif
