/* audit.c - `alihdaya audit list|verify` (app/audit.h) and `alihdaya backup FILE`. */
#include <stdio.h>

#include "app/audit.h"
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

/* The file stands where a verb would. */
static int backup(struct cli_noun *w)
{
	int rc = cli_noun_open(w, CLI_READ);

	if (rc)
		return rc;
	if (store_backup(w->ctx.store, w->verb))
		return cli_fail("backup", 1, "%s", store_errmsg(w->ctx.store));
	printf("backup written to %s\n", w->verb);
	return 0;
}

/* backup FILE [--data DIR] */
int cli_backup(int argc, char **argv)
{
	static const struct cli_noun_def def = {
	    .noun = "backup",
	    .usage = "usage: alihdaya backup FILE [--data DIR]\n\n"
		     "Copies the store to FILE with SQLite's online backup, safe while the server\n"
		     "runs. To restore: stop the server, copy FILE to DIR/alihdaya.db (remove any\n"
		     "alihdaya.db-wal and alihdaya.db-shm beside it), start the server.\n",
	    .other = backup,
	};

	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(def.usage, stdout);
		return argc < 2 ? 2 : 0;
	}
	return cli_noun_main(&def, argc, argv, NULL, NULL);
}
