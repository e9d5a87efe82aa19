/* audit.c - `alihdaya audit list|verify` (app/audit.h), `alihdaya backup FILE` and
 * `alihdaya purge [--dry-run]` (retention). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>

#include "app/audit.h"
#include "app/items.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"

static int verify(struct cli_noun *w)
{
	struct audit_check ck;
	struct buf err = BUF_INIT;
	int rc = cli_noun_open(w, CLI_READ);

	if (!rc && app_audit_verify(&w->ctx.app, &AUTH_LOCAL_ADMIN, &ck, &err))
		rc = cli_fail("audit verify", 1, "%s", buf_str(&err));
	else if (!rc && ck.first_bad)
		rc = cli_fail("audit verify", 1, "chain broken at event %lld (%lld checked)",
			      (long long)ck.first_bad, (long long)ck.checked);
	else if (!rc)
		printf("audit chain intact: %lld events\n", (long long)ck.checked);
	buf_release(&err);
	return rc;
}

/* audit list [--after SEQ] [--limit N] [--json] | audit verify */
int cli_audit(int argc, char **argv)
{
	static const char *const cols[] = { "seq", "at", "actor_user_id", "action", "record_type",
					    "record_id", "client_id", NULL };
	static const struct cli_noun_def def = {
	    .noun = "audit",
	    .verbs = "list verify",
	    .usage = "usage: alihdaya audit list [--after SEQ] [--limit N] [--json] [--data DIR]\n"
		     "       alihdaya audit verify [--data DIR]\n\n"
		     "The audit trail records who did what to which record, and who read which\n"
		     "payload. Each event's hash covers the one before: verify recomputes the\n"
		     "chain and names the first event that was changed, removed or reordered.\n",
	    .kind = APP_AUDIT,
	    .cols = cols,
	    .other = verify,
	};

	return cli_noun_main(&def, argc, argv, NULL, NULL);
}

/*
 * The backup holds every payload and token hash: it is made 0600 (as the
 * store's own directory is private) before SQLite writes into it, also when
 * it replaces an older file. 0, or the exit code.
 */
static int private_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return cli_fail("backup", 1, "%s: %s", path, strerror(errno));
	if (fchmod(fd, 0600)) {
		int e = errno;

		close(fd);
		return cli_fail("backup", 1, "%s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

/* The file stands where a verb would (cli_backup() puts it there). */
static int backup(struct cli_noun *w)
{
	int rc = cli_noun_open(w, CLI_READ);

	if (rc || (rc = private_file(w->verb)))
		return rc;
	if (store_backup(w->ctx.store, w->verb))
		return cli_fail("backup", 1, "%s", store_errmsg(w->ctx.store));
	printf("backup written to %s\n", w->verb);
	return 0;
}

/* backup FILE [--data DIR], the options before or after FILE */
int cli_backup(int argc, char **argv)
{
	static const struct cli_noun_def def = {
	    .noun = "backup",
	    .usage = "usage: alihdaya backup FILE [--data DIR]\n"
		     "       alihdaya backup --data DIR FILE\n\n"
		     "Copies the store to FILE (mode 0600: it holds every payload) with SQLite's\n"
		     "online backup, safe while the server runs. To restore: stop the server, copy\n"
		     "FILE to DIR/alihdaya.db (remove any alihdaya.db-wal and alihdaya.db-shm\n"
		     "beside it), start the server.\n",
	    .other = backup,
	};
	char *av[16];
	int n = 1, file = 0;

	if (argc < 2 || cli_wants_help(argc, argv) || argc > (int)(sizeof(av) / sizeof(av[0]))) {
		fputs(def.usage, stdout);
		return argc == 2 ? 0 : 2;
	}
	/* FILE is the one argument that is neither an option nor an option's value. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(def.usage, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--data") || !strcmp(argv[i], "--json")) {
			i += argv[i][2] == 'd';
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			continue; /* --data=DIR and unknown options: getopt's to explain */
		if (file)
			return cli_fail("backup", 2, "one FILE only (see --help)");
		file = i;
	}
	if (!file)
		return cli_fail("backup", 2, "which FILE? (see --help)");
	av[0] = argv[0];
	av[n++] = argv[file];
	for (int i = 1; i < argc; i++) {
		if (i != file)
			av[n++] = argv[i];
	}
	return cli_noun_main(&def, n, av, NULL, NULL);
}

static const char purge_usage[] =
    "usage: alihdaya purge [--dry-run] [--data DIR] [--clock-file FILE]\n\n"
    "Deletes the finished items (done, cancelled, failed) whose engagement keeps them for\n"
    "retention_days and whose last event is older than that, with their item events; the\n"
    "audit trail keeps its events, and each engagement's purge is one \"item.purge\" event.\n"
    "A running server does this by itself once a minute; --dry-run only counts.\n"
    "For tests only: --clock-file FILE is the time (ms since the epoch) when no server runs;\n"
    "while one runs, its clock decides.\n";

/* purge [--dry-run] [--data DIR]: as the server's own job, on demand; batches until done. */
int cli_purge(int argc, char **argv)
{
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct buf err = BUF_INIT;
	int64_t items = 0, events = 0;
	bool dry = false, more = true;
	struct cmd *c = NULL;
	int rc = 0;

	if ((rc = cli_config(&ctx, &err))) {
		rc = cli_fail("purge", 1, "%s", buf_str(&err));
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(purge_usage, stdout);
			goto out;
		} else if (!strcmp(argv[i], "--dry-run")) {
			dry = true;
		} else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			snprintf(ctx.cfg.data_dir, sizeof(ctx.cfg.data_dir), "%s", argv[++i]);
		} else if (!strncmp(argv[i], "--data=", 7)) {
			snprintf(ctx.cfg.data_dir, sizeof(ctx.cfg.data_dir), "%s", argv[i] + 7);
		} else if (!strcmp(argv[i], "--clock-file") && i + 1 < argc) {
			if (clock_file_open(&ctx.clock, argv[++i], &err)) {
				rc = cli_fail("purge", 2, "%s", buf_str(&err));
				goto out;
			}
		} else {
			fputs(purge_usage, stderr);
			rc = 2;
			goto out;
		}
	}
	if (cli_open(&ctx, CLI_WRITE, false, &err)) {
		rc = cli_fail("purge", 1, "%s", buf_str(&err));
		goto out;
	}
	if ((rc = cli_as_token(&ctx, "purge")))
		goto out;
	if (!(c = calloc(1, sizeof(*c)))) {
		rc = cli_fail("purge", 1, "out of memory");
		goto out;
	}
	/* A command purges a bounded number; one counts everything (dry run). */
	while (more && !rc) {
		memset(c, 0, sizeof(*c));
		if (app_item_purge(&ctx.app, cli_actor(&ctx), dry, c, &err)) {
			rc = cli_fail("purge", 1, "%s", buf_str(&err));
			break;
		}
		if ((rc = cli_engine(&ctx, "purge", c)))
			break;
		items += c->result.purged_items;
		events += c->result.purged_events;
		more = !dry && c->result.purge_more;
		cmd_release(c);
	}
	if (!rc)
		printf("%s %lld finished items (%lld item events)\n", dry ? "would purge" : "purged",
		       (long long)items, (long long)events);
out:
	free(c);
	buf_release(&err);
	cli_close(&ctx);
	return rc;
}
