/* audit.c - `alihdaya audit list|verify|key` (app/audit.h), `alihdaya backup FILE` and
 * `alihdaya purge [--dry-run]` (retention). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>

#include "app/audit.h"
#include "app/items.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"
#include "wire/wire.h"

/* audit verify --head FILE, --key HEX (cli_audit() fills them) */
static const char *opt_head, *opt_key;
/* audit list's filters, as GET /v1/audit's (app_page() checks them) */
static const char *opt_client, *opt_actor, *opt_action, *opt_from, *opt_to;

static void list_in(struct app_page_in *in)
{
	in->client_id = opt_client;
	in->actor = opt_actor;
	in->action = opt_action;
	in->from = opt_from;
	in->to = opt_to;
}

/*
 * A server holds the data directory (its lock is taken): it may be between
 * a commit and the head that signs it, so events after the head are its.
 */
static bool server_runs(const char *dir)
{
	char path[PATH_MAX];
	bool held = false;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, CLI_LOCK_FILE);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB))
		held = errno == EWOULDBLOCK;
	close(fd);
	return held;
}

static int verify(struct cli_noun *w)
{
	struct audit_verify_in in = { .head_file = opt_head };
	unsigned char pk[32];
	struct audit_check ck;
	struct buf err = BUF_INIT;
	size_t got;
	int rc = cli_noun_open(w, CLI_READ);

	if (rc)
		return rc;
	if (opt_key) {
		if (strlen(opt_key) != 64 ||
		    sodium_hex2bin(pk, 32, opt_key, 64, NULL, &got, NULL) || got != 32)
			return cli_fail("audit verify", 2, "--key: 64 hex digits (audit key prints it)");
		in.public_key = pk;
	}
	in.live = server_runs(w->ctx.cfg.data_dir);
	if (app_audit_verify_with(&w->ctx.app, &AUTH_LOCAL_ADMIN, &in, &ck, &err)) {
		rc = cli_fail("audit verify", 1, "%s", buf_str(&err));
	} else if (!ck.intact) {
		for (const char *p = ck.problems; *p;) {
			int n = (int)strcspn(p, "\n");

			cli_fail("audit verify", 1, "%.*s", n, p);
			p += n + (p[n] == '\n');
		}
		if (ck.first_bad)
			fprintf(stderr, "alihdaya audit verify: first bad event: %lld\n",
				(long long)ck.first_bad);
		rc = 1;
	} else {
		for (const char *p = ck.notes; *p;) {
			int n = (int)strcspn(p, "\n");

			printf("note: %.*s\n", n, p);
			p += n + (p[n] == '\n');
		}
		printf("audit chain intact: %lld events\n", (long long)ck.checked);
		if (ck.have_head)
			printf("signed tree head: %lld events, root matches, signature valid\n",
			       (long long)ck.head.tree_size);
		if (ck.unsigned_events)
			printf("%lld events after the signed head (a server is writing)\n",
			       (long long)ck.unsigned_events);
	}
	buf_release(&err);
	return rc;
}

/* audit key: the public key the tree heads are signed with */
static int key(struct cli_noun *w)
{
	struct buf err = BUF_INIT;
	unsigned char pk[32];
	char hexpk[65];
	int rc = cli_noun_open(w, CLI_READ);

	if (rc)
		return rc;
	if (audit_key_public(w->ctx.cfg.data_dir, pk, &err)) {
		rc = cli_fail("audit key", 1, "%s", buf_str(&err));
	} else {
		sodium_bin2hex(hexpk, sizeof(hexpk), pk, 32);
		printf("%s\n", hexpk);
	}
	buf_release(&err);
	return rc;
}

/* wire_audit_names' lookup: the user's name, read as the local admin. */
static int actor_name(void *ctx, int64_t user_id, char *out)
{
	struct cli_noun *w = ctx;
	struct buf err = BUF_INIT;
	int rc = app_audit_actor_name(&w->ctx.app, &AUTH_LOCAL_ADMIN, user_id, out, &err);

	buf_release(&err);
	return rc;
}

/* audit list: each event with its actor's name, as GET /v1/audit gives it. */
static int list_out(struct cli_noun *w, json_t *data, struct buf *err)
{
	(void)err;
	return wire_audit_names(data, actor_name, w);
}

static int other(struct cli_noun *w)
{
	return !strcmp(w->verb, "key") ? key(w) : verify(w);
}

/*
 * audit list [--after SEQ] [--limit N] [--client ID] [--actor ID] [--action A] [--from T]
 * [--to T] [--json] | audit verify [--head FILE] [--key HEX] | audit key
 */
int cli_audit(int argc, char **argv)
{
	static const char *const cols[] = { "seq", "at", "actor_user_id", "actor_name", "action",
					    "record_type", "record_id", "client_id", NULL };
	static const struct cli_noun_def def = {
	    .noun = "audit",
	    .verbs = "list verify key",
	    .usage = "usage: alihdaya audit list [--after SEQ] [--limit N] [--json] [--data DIR]\n"
		     "         [--client ID] [--actor ID] [--action A] [--from T] [--to T]\n"
		     "       alihdaya audit verify [--head FILE] [--key HEX] [--data DIR]\n"
		     "       alihdaya audit key [--data DIR]\n\n"
		     "The audit trail records who did what to which record, and who read which\n"
		     "payload. Each event's hash covers the one before, and the events are the\n"
		     "leaves of a Merkle tree whose root the server signs after every commit\n"
		     "(DIR/audit-head; docs/audit.md). verify recomputes the chain and the tree,\n"
		     "checks them against the signed head (--head: one kept elsewhere; --key: the\n"
		     "public key it must be signed with, else DIR's key) and names the first event\n"
		     "that was changed, removed, reordered or cut off. key prints the public key.\n"
		     "list's filters combine: --client, --actor (a user id), --action (item.create,\n"
		     "or a family: item.), --from and --to (RFC 3339; from <= at < to).\n",
	    .kind = APP_AUDIT,
	    .cols = cols,
	    .other = other,
	    .list_in = list_in,
	    .list_out = list_out,
	};
	static const struct cli_arg args[] = {
	    CLI_ARG("head", CLI_ARG_STR, &opt_head),
	    CLI_ARG("key", CLI_ARG_STR, &opt_key),
	    CLI_ARG("client", CLI_ARG_STR, &opt_client),
	    CLI_ARG("actor", CLI_ARG_STR, &opt_actor),
	    CLI_ARG("action", CLI_ARG_STR, &opt_action),
	    CLI_ARG("from", CLI_ARG_STR, &opt_from),
	    CLI_ARG("to", CLI_ARG_STR, &opt_to),
	    CLI_ARG_END,
	};

	return cli_noun_main(&def, argc, argv, args, NULL);
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
