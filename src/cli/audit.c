/* audit.c - `alihdaya audit list|verify` and `alihdaya backup FILE`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "sec/audit.h"
#include "util/err.h"
#include "wire/wire.h"

static int open_read(struct cli_ctx *ctx, const char *name, int argc, char **argv, bool *json,
		     struct store_page *pg)
{
	static const struct option opts[] = { { "data", required_argument, 0, 'd' },
					      { "json", no_argument, 0, 'j' },
					      { "after", required_argument, 0, 'A' },
					      { "limit", required_argument, 0, 'L' },
					      { 0, 0, 0, 0 } };
	struct buf err = BUF_INIT;
	long n;
	int c, rc;

	rc = cli_config(ctx, &err);
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': rc = config_set(&ctx->cfg, "data", optarg, &err); break;
		case 'j': *json = true; break;
		case 'A': rc = cli_parse_id(optarg, &pg->after) ? buf_error(&err, ERR_INVALID, "--after: an id") : 0; break;
		case 'L':
			rc = cli_parse_int(optarg, 1, STORE_PAGE_MAX, &n)
				     ? buf_error(&err, ERR_INVALID, "--limit: 1 to %d", STORE_PAGE_MAX)
				     : 0;
			pg->limit = (int)n;
			break;
		default: rc = ERR_INVALID; break;
		}
	}
	if (rc) {
		rc = cli_fail(name, 2, "%s", buf_str(&err));
		goto out;
	}
	rc = cli_open(ctx, CLI_READ, false, &err);
	if (rc)
		rc = cli_fail(name, 1, "%s", buf_str(&err));
out:
	buf_release(&err);
	return rc;
}

/* audit list [--after SEQ] [--limit N] [--json] | audit verify */
int cli_audit(int argc, char **argv)
{
	static const char *const cols[] = { "seq", "at", "actor_user_id", "action", "record_type",
					    "record_id", "client_id", NULL };
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct store_page pg = { .limit = STORE_PAGE_DEFAULT };
	const char *verb = argc >= 2 ? argv[1] : "";
	int64_t checked = 0, bad = 0;
	bool json = false;
	json_t *out = NULL;
	int rc;

	if (strcmp(verb, "list") && strcmp(verb, "verify")) {
		printf("usage: alihdaya audit list [--after SEQ] [--limit N] [--json] [--data DIR]\n"
		       "       alihdaya audit verify [--data DIR]\n\n"
		       "The audit trail records who did what to which record, and who read which\n"
		       "payload. Each event's hash covers the one before: verify recomputes the\n"
		       "chain and names the first event that was changed, removed or reordered.\n");
		return !strcmp(verb, "--help") || !strcmp(verb, "-h") ? 0 : 2;
	}
	if ((rc = open_read(&ctx, "audit", argc - 1, argv + 1, &json, &pg)))
		return rc;
	if (!strcmp(verb, "list")) {
		rc = wire_audit_list(ctx.store, &pg, &out);
		if (rc)
			rc = cli_fail("audit list", 1, "%s", store_errmsg(ctx.store));
		else
			cli_print_list(out, cols, json);
		json_decref(out);
	} else {
		rc = audit_verify(ctx.store, &checked, &bad);
		if (rc)
			rc = cli_fail("audit verify", 1, "%s", store_errmsg(ctx.store));
		else if (bad)
			rc = cli_fail("audit verify", 1, "chain broken at event %lld (%lld checked)",
				      (long long)bad, (long long)checked);
		else
			printf("audit chain intact: %lld events\n", (long long)checked);
	}
	cli_close(&ctx);
	return rc ? 1 : 0;
}

/* backup FILE [--data DIR] */
int cli_backup(int argc, char **argv)
{
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct store_page pg = { .limit = 1 };
	bool json = false;
	const char *file;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("usage: alihdaya backup FILE [--data DIR]\n\n"
		       "Copies the store to FILE with SQLite's online backup, safe while the server\n"
		       "runs. To restore: stop the server, copy FILE to DIR/alihdaya.db (remove any\n"
		       "alihdaya.db-wal and alihdaya.db-shm beside it), start the server.\n");
		return argc < 2 ? 2 : 0;
	}
	file = argv[1];
	if ((rc = open_read(&ctx, "backup", argc - 1, argv + 1, &json, &pg)))
		return rc;
	rc = store_backup(ctx.store, file);
	if (rc)
		rc = cli_fail("backup", 1, "%s", store_errmsg(ctx.store));
	else
		printf("backup written to %s\n", file);
	cli_close(&ctx);
	return rc ? 1 : 0;
}
