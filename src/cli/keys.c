/* keys.c - `alihdaya keys status|rotate` and `alihdaya client remove ID --yes` (app/keys.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/keys.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/remote.h"
#include "sec/auth.h"
#include "util/err.h"
#include "wire/keys.h"

/* The options of both: --data DIR, --json, --yes, --help. 0, 1 (help printed) or exit code 2. */
static int options(int argc, char **argv, struct cli_ctx *ctx, bool *json, bool *yes,
		   const char *name, const char *usage)
{
	static const struct option opts[] = { { "data", required_argument, 0, 'd' },
					      { "json", no_argument, 0, 'j' },
					      { "yes", no_argument, 0, 'y' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	struct buf err = BUF_INIT;
	int c, rc = cli_config(ctx, &err);

	if (rc) {
		rc = cli_fail(name, 2, "%s", buf_str(&err));
		buf_release(&err);
		return rc;
	}
	optind = 2; /* after the subcommand and its verb */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 1;
		}
		if (c == 'j')
			*json = true;
		else if (c == 'y' && yes)
			*yes = true;
		else if (c != 'd' || config_set(&ctx->cfg, "data", optarg, &err)) {
			rc = cli_fail(name, 2, "%s", err.len ? buf_str(&err) : "unknown option");
			buf_release(&err);
			return rc ? rc : 2;
		}
	}
	return 0;
}

static int open_or_fail(struct cli_ctx *ctx, const char *name, enum cli_open_mode m)
{
	struct buf err = BUF_INIT;
	int rc = cli_open(ctx, m, false, &err);

	if (rc)
		rc = cli_fail(name, 1, "%s", buf_str(&err));
	buf_release(&err);
	return rc;
}

/* A request to the server that holds the data directory; its answer printed or its error said. */
static int remote(struct cli_ctx *ctx, const char *name, const char *method, const char *path,
		  json_t **answer)
{
	struct buf err = BUF_INIT;
	long status;
	int rc = cli_remote_request(ctx, method, path, "{}", &status, answer, &err);
	json_t *e;

	if (rc) {
		rc = cli_fail(name, 1, "%s", buf_str(&err));
		buf_release(&err);
		return rc;
	}
	if (status >= 200 && status < 300)
		return 0;
	e = json_object_get(json_object_get(*answer, "error"), "message");
	rc = cli_fail(name, 1, "%s", json_is_string(e) ? json_string_value(e) : "the server refused");
	json_decref(*answer);
	*answer = NULL;
	return rc;
}

static void print_status(json_t *j, bool as_json)
{
	size_t i;
	json_t *c;

	if (as_json) {
		cli_print_json(j);
		return;
	}
	printf("master key: version %lld (%s)\n",
	       (long long)json_integer_value(json_object_get(j, "master_version")),
	       json_string_value(json_object_get(j, "master_source")));
	printf("%-10s %-8s %s\n", "client_id", "version", "versions");
	json_array_foreach(json_object_get(j, "clients"), i, c) {
		if (json_is_true(json_object_get(c, "destroyed")))
			printf("%-10lld %-8s %s\n",
			       (long long)json_integer_value(json_object_get(c, "client_id")), "-",
			       "destroyed");
		else
			printf("%-10lld %-8lld %lld\n",
			       (long long)json_integer_value(json_object_get(c, "client_id")),
			       (long long)json_integer_value(json_object_get(c, "version")),
			       (long long)json_integer_value(json_object_get(c, "versions")));
	}
}

static void print_rotation(json_t *j, bool as_json)
{
	if (as_json) {
		cli_print_json(j);
		return;
	}
	printf("keys rotated: master key version %lld%s, %lld clients given a new data key version\n",
	       (long long)json_integer_value(json_object_get(j, "master_version")),
	       json_is_true(json_object_get(j, "master_changed")) ? ""
								  : " (from the environment: kept)",
	       (long long)json_integer_value(json_object_get(j, "clients")));
}

/* keys status|rotate [--json] [--data DIR] */
int cli_keys(int argc, char **argv)
{
	static const char usage[] =
	    "usage: alihdaya keys status [--json] [--data DIR]\n"
	    "       alihdaya keys rotate [--json] [--data DIR]\n\n"
	    "status shows the master key's version and where it comes from, and each client's\n"
	    "data key versions (no key material). rotate gives every client a new data key\n"
	    "version for new writes (old versions stay and open what they sealed) and wraps\n"
	    "every data key anew: under a new master key version when the master key is the\n"
	    "key file DIR/master.key; ALIHDAYA_MASTER_KEY's key is kept. While a server runs\n"
	    "both ask it. See docs/security.md.\n";
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct buf err = BUF_INIT;
	bool json = false, rotate;
	json_t *j = NULL;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "status") && strcmp(argv[1], "rotate"))) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
	}
	rotate = !strcmp(argv[1], "rotate");
	if ((rc = options(argc, argv, &ctx, &json, NULL, "keys", usage)))
		return rc == 1 ? 0 : rc;
	if ((rc = open_or_fail(&ctx, "keys", rotate ? CLI_WRITE : CLI_READ)))
		goto out;
	if (ctx.served && rotate) {
		rc = remote(&ctx, "keys", "POST", "/v1/keys/rotate", &j);
	} else if (rotate) {
		struct keys_rotation rot;

		rc = app_keys_rotate(&ctx.app, &AUTH_LOCAL_ADMIN, &rot, &err);
		j = rc ? NULL : wire_keys_rotation(&rot);
	} else {
		struct keys_view v;

		rc = app_keys_status(&ctx.app, &AUTH_LOCAL_ADMIN, &v, &err);
		j = rc ? NULL : wire_keys_status(&v);
		keys_view_release(&v);
	}
	if (rc && err.len)
		rc = cli_fail("keys", 1, "%s", buf_str(&err));
	else if (!rc && !j)
		rc = cli_fail("keys", 1, "out of memory");
	else if (!rc)
		(rotate ? print_rotation : print_status)(j, json);
	rc = rc ? 1 : 0;
out:
	json_decref(j);
	buf_release(&err);
	cli_close(&ctx);
	return rc;
}

/* client remove ID --yes [--data DIR]: deactivated, then its data key destroyed */
int cli_client_remove(int argc, char **argv)
{
	static const char usage[] =
	    "usage: alihdaya client remove ID --yes [--data DIR]\n\n"
	    "Removes a client: deactivates it and destroys its data key (crypto-shredding).\n"
	    "Its records stay, but none of its payloads, results or reasons opens again, in\n"
	    "this database or in any backup of it. This cannot be undone: --yes says so.\n";
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct buf err = BUF_INIT;
	struct cmd *c = NULL;
	bool json = false, yes = false;
	int64_t id = 0;
	json_t *j = NULL;
	int rc;

	if ((rc = options(argc, argv, &ctx, &json, &yes, "client", usage)))
		return rc == 1 ? 0 : rc;
	if (optind + 1 != argc || cli_parse_id(argv[optind], &id))
		return cli_fail("client", 2, "remove takes one client id: alihdaya client remove ID --yes");
	if (!yes)
		return cli_fail("client", 2,
				"remove destroys client %lld's data key for good: add --yes to go on",
				(long long)id);
	if ((rc = open_or_fail(&ctx, "client", CLI_WRITE)))
		goto out;
	if (ctx.served) {
		char path[64];

		snprintf(path, sizeof(path), "/v1/clients/%lld", (long long)id);
		rc = remote(&ctx, "client", "DELETE", path, &j);
	} else if (!(c = calloc(1, sizeof(*c)))) {
		rc = cli_fail("client", 1, "out of memory");
	} else if ((rc = app_client_remove(&ctx.app, &AUTH_LOCAL_ADMIN, id, c, &err))) {
		rc = cli_fail("client", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	} else if (!(rc = cli_engine(&ctx, "client", c)) &&
		   (rc = app_client_shred(&ctx.app, &AUTH_LOCAL_ADMIN, id, &err))) {
		rc = cli_fail("client", 1, "%s", buf_str(&err));
	}
	if (!rc)
		printf("client %lld removed: its data key is destroyed\n", (long long)id);
out:
	if (c)
		cmd_release(c);
	free(c);
	json_decref(j);
	buf_release(&err);
	cli_close(&ctx);
	return rc;
}
