/* admin.c - installation subcommands: init, token, user, client, service. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "app/clients.h"
#include "app/people.h"
#include "app/services.h"
#include "app/tokens.h"
#include "wire/tokens.h"
#include "wire/wire.h"
#include "util/err.h"

/* Options every subcommand takes. Returns 1 if handled. */
static int common_opt(struct cli_ctx *ctx, int c, const char *arg, int *rc)
{
	struct buf err = BUF_INIT;

	if (c != 'd')
		return 0;
	if (config_set(&ctx->cfg, "data", arg, &err))
		*rc = cli_fail("", 2, "--data: %s", buf_str(&err));
	buf_release(&err);
	return 1;
}

static int start(struct cli_ctx *ctx, const char *name)
{
	struct buf err = BUF_INIT;
	int rc = cli_config(ctx, &err);

	if (rc)
		rc = cli_fail(name, 2, "%s", buf_str(&err));
	buf_release(&err);
	return rc;
}

static int open_or_fail(struct cli_ctx *ctx, const char *name, enum cli_open_mode m, bool create)
{
	struct buf err = BUF_INIT;
	int rc = cli_open(ctx, m, create, &err);

	if (rc)
		rc = cli_fail(name, 1, "%s", buf_str(&err));
	buf_release(&err);
	return rc;
}

/* ------------------------------------------------------------------ */

int cli_install(struct cli_ctx *ctx, const char *admin, size_t *added)
{
	const struct service_rec *cat;
	struct service_rec have;
	struct user_rec u;
	size_t n;
	int rc = 0;

	*added = 0;
	n = store_default_catalogue(&cat);
	for (size_t i = 0; i < n && !rc; i++) {
		struct cmd cm = { .type = CMD_SERVICE_CREATE };

		if (!store_service_by_code(ctx->store, cat[i].code, &have))
			continue;
		cm.u.service = cat[i];
		rc = cli_engine(ctx, "init", &cm);
		(*added)++;
	}
	if (!rc && store_user_by_name(ctx->store, admin, &u)) {
		struct cmd cm = { .type = CMD_USER_CREATE };

		if (cli_copy(cm.u.user.name, sizeof(cm.u.user.name), admin))
			return cli_fail("init", 2, "--admin: a name of 1 to %d bytes",
					MODEL_CODE_MAX - 1);
		cm.u.user.role = ROLE_ADMIN;
		rc = cli_engine(ctx, "init", &cm);
	}
	return rc;
}

/* init [--data DIR] [--admin NAME] */
int cli_init(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, 0, 'd' },
					      { "admin", required_argument, 0, 'a' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	struct cli_ctx ctx = CLI_CTX_INIT;
	const char *admin = "admin";
	size_t added = 0;
	int c, rc = 0;

	if ((rc = start(&ctx, "init")))
		return rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:a:h", opts, NULL)) != -1) {
		if (common_opt(&ctx, c, optarg, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		switch (c) {
		case 'a': admin = optarg; break;
		case 'h':
			printf("usage: alihdaya init [--data DIR] [--admin NAME]\n\n"
			       "Creates DIR (default ./alihdaya-data, or $ALIHDAYA_DATA) with its SQLite store,\n"
			       "installs the default BPO and KPO service catalogue and an admin user\n"
			       "(default name 'admin'). Running it again adds only what is missing.\n");
			return 0;
		default: return 2;
		}
	}
	if ((rc = open_or_fail(&ctx, "init", CLI_WRITE, true)))
		return rc;
	rc = cli_install(&ctx, admin, &added);
	if (!rc)
		printf("initialised %s (%zu catalogue services added)\n"
		       "next: alihdaya token create --data %s --user %s\n"
		       "      alihdaya serve --data %s\n",
		       ctx.cfg.data_dir, added, ctx.cfg.data_dir, admin, ctx.cfg.data_dir);
	cli_close(&ctx);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Records: argv into the use cases of app/ (one path: cli_noun_main). */

/* token list [--user NAME]: every token (never its text), as the local admin */
static int token_list(struct cli_noun *w, const char *user)
{
	static const char *const cols[] = {"id", "prefix", "user", "created_at", "expires_at",
					   "last_used_at", "revoked", NULL};
	struct token_list_in in = {.page = w->page};
	json_t *data = json_array(), *page = NULL;
	struct buf err = BUF_INIT;
	char idtext[24];
	struct user_rec u;
	int64_t next = 0;
	int rc = data ? cli_noun_open(w, CLI_READ) : cli_fail(w->noun, 1, "out of memory");

	if (rc)
		goto out;
	if (user) {
		if ((rc = store_user_by_name(w->ctx.store, user, &u))) {
			rc = cli_fail(w->noun, rc == ERR_NOTFOUND ? 2 : 1, "no user named '%s'", user);
			goto out;
		}
		snprintf(idtext, sizeof(idtext), "%lld", (long long)u.id);
		in.user_id = idtext;
	}
	rc = app_token_list(&w->ctx.app, &AUTH_LOCAL_ADMIN, &in, wire_token_add, data, &next, &err);
	if (rc) {
		rc = cli_fail(w->noun, rc == ERR_INVALID ? 2 : 1, "%s", buf_str(&err));
		goto out;
	}
	if (!(page = wire_page(data, next))) {
		rc = cli_fail(w->noun, 1, "out of memory");
		goto out;
	}
	data = NULL;
	cli_print_list(page, cols, w->json);
out:
	json_decref(data);
	json_decref(page);
	buf_release(&err);
	return rc;
}

/* token revoke ID: beside a running server, the server revokes it (its cache forgets it at once) */
static int token_revoke(struct cli_noun *w)
{
	struct token_revoke_in in = {0};
	struct buf err = BUF_INIT;
	int at = 1 + optind; /* getopt moved what is not an option to the end */
	struct cmd *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return cli_fail(w->noun, 1, "out of memory");
	if (at >= w->argc || at + 1 != w->argc || cli_parse_id(w->argv[at], &in.token_id)) {
		rc = cli_fail(w->noun, 2, "revoke takes one token id: alihdaya token revoke ID");
		goto out;
	}
	if ((rc = cli_noun_open(w, CLI_WRITE)))
		goto out;
	if ((rc = app_token_revoke(&w->ctx.app, &AUTH_LOCAL_ADMIN, &in, c, &err))) {
		rc = rc == ERR_NOTFOUND ? cli_fail(w->noun, 1, "no token %lld", (long long)in.token_id)
					: cli_fail(w->noun, rc == ERR_INVALID ? 2 : 1, "%s",
						   buf_str(&err));
		goto out;
	}
	if ((rc = cli_engine(&w->ctx, w->noun, c)))
		goto out;
	printf("token %lld revoked\n", (long long)in.token_id);
out:
	buf_release(&err);
	cmd_release(c);
	free(c);
	return rc;
}

/* The options as parsed: --user names the token's user on create and filters the list. */
static const struct token_in *token_opts;

static int token_other(struct cli_noun *w)
{
	if (!strcmp(w->verb, "list"))
		return token_list(w, token_opts->user_name);
	return token_revoke(w);
}

/* token create --user NAME [--expires DURATION] | token list [--user NAME] | token revoke ID */
int cli_token(int argc, char **argv)
{
	static const struct cli_noun_def def = {
	    .noun = "token",
	    .verbs = "create list revoke",
	    .usage = "usage: alihdaya token create --user NAME [--expires DURATION] [--data DIR]\n"
		     "       alihdaya token list [--user NAME] [--json] [--after ID] [--limit N]\n"
		     "       alihdaya token revoke ID [--data DIR]\n\n"
		     "create prints a new bearer token for the user. Only its hash is stored: keep\n"
		     "the printed text, it cannot be shown again. Use it as 'Authorization: Bearer\n"
		     "TOKEN'. --expires 30d: it answers 401 after that (90s, 30m, 8h, 30d).\n"
		     "list shows every token (id, first characters, user, times, revoked), never\n"
		     "its text. revoke stops a token at once, also while a server runs.\n",
	    .create = CMD_TOKEN_CREATE,
	    .other = token_other,
	};
	struct token_in in = {0};
	const struct cli_arg args[] = {CLI_ARG("user", CLI_ARG_STR, &in.user_name),
				       CLI_ARG("expires", CLI_ARG_DUR, &in.expires_in), CLI_ARG_END};

	token_opts = &in;
	return cli_noun_main(&def, argc, argv, args, &in);
}

/* user create --name N --role R [--client ID] | user list */
int cli_user(int argc, char **argv)
{
	static const char *const cols[] = { "id", "name", "role", "client_id", NULL };
	static const struct cli_noun_def def = {
	    .noun = "user",
	    .verbs = "create list update deactivate activate",
	    .usage =
		"usage: alihdaya user create --name NAME --role ROLE [--client ID] [--data DIR]\n"
		"       alihdaya user list [--json] [--after ID] [--limit N] [--data DIR]\n"
		"       alihdaya user update ID [--name NAME] [--role ROLE [--client ID]] [--client ID]\n"
		"       alihdaya user deactivate|activate ID [--data DIR]\n"
		"       alihdaya user password LOGIN [--stdin] | password-link LOGIN [--base URL]\n\n"
		"ROLE is admin, manager, worker, client or auditor; a client user belongs to\n"
		"exactly one client (--client). Workers are made with 'alihdaya worker create'.\n"
		"A deactivated user's tokens and browser sessions stop working at once.\n"
		"password sets a password for the web application; password-link prints a\n"
		"one-time link (24 h) where the user sets their own (alihdaya user password -h).\n",
	    .kind = APP_USER,
	    .cols = cols,
	    .create = CMD_USER_CREATE,
	};
	struct user_in in = {0};

	if (argc > 1 && (!strcmp(argv[1], "password") || !strcmp(argv[1], "password-link")))
		return cli_user_password(argc, argv);
	const struct cli_arg args[] = {CLI_ARG("name", CLI_ARG_STR, &in.name),
				       CLI_ARG("role", CLI_ARG_STR, &in.role),
				       CLI_ARG_GIVEN("client", CLI_ARG_ID, &in.client_id, &in.has_client_id),
				       CLI_ARG_END};

	return cli_noun_main(&def, argc, argv, args, &in);
}

/* client create --code C --name N [--tz ZONE] | client list */
int cli_client(int argc, char **argv)
{
	static const char *const cols[] = { "id", "code", "name", "time_zone", NULL };
	static const struct cli_noun_def def = {
	    .noun = "client",
	    .verbs = "create list update deactivate activate",
	    .usage =
		"usage: alihdaya client create --code CODE --name NAME [--time-zone ZONE] [--data DIR]\n"
		"       alihdaya client list [--json] [--after ID] [--limit N] [--data DIR]\n"
		"       alihdaya client update ID [--name NAME] [--time-zone ZONE] [--data DIR]\n"
		"       alihdaya client deactivate|activate ID [--data DIR]\n"
		"       alihdaya client remove ID --yes [--data DIR]\n\n"
		"A client is one outsourcing customer; all its data carries its id. A deactivated\n"
		"client's engagements hand out no work and take no items. remove deactivates it\n"
		"and destroys its data key: none of its payloads or results opens again, in this\n"
		"database or any backup of it (docs/security.md).\n",
	    .kind = APP_CLIENT,
	    .cols = cols,
	    .create = CMD_CLIENT_CREATE,
	};
	struct client_in in = {0};

	if (argc > 1 && !strcmp(argv[1], "remove"))
		return cli_client_remove(argc, argv);
	const struct cli_arg args[] = {CLI_ARG("code", CLI_ARG_STR, &in.code),
				       CLI_ARG("name", CLI_ARG_STR, &in.name),
				       CLI_ARG("time-zone", CLI_ARG_STR, &in.time_zone),
				       CLI_ARG("tz", CLI_ARG_STR, &in.time_zone), CLI_ARG_END};

	return cli_noun_main(&def, argc, argv, args, &in);
}

/* service create --code C --name N --kind bpo|kpo --category CAT | service list */
int cli_service(int argc, char **argv)
{
	static const char *const cols[] = { "id", "code", "kind", "category", "name", NULL };
	static const struct cli_noun_def def = {
	    .noun = "service",
	    .verbs = "create list update",
	    .usage = "usage: alihdaya service create --code CODE --name NAME --kind bpo|kpo "
		     "--category CAT\n"
		     "       alihdaya service list [--json] [--data DIR]\n"
		     "       alihdaya service update ID [--name NAME] [--category CAT] [--data DIR]\n\n"
		     "Services are the provider's catalogue; 'alihdaya init' installs the default one.\n",
	    .kind = APP_SERVICE,
	    .cols = cols,
	    .create = CMD_SERVICE_CREATE,
	};
	struct service_in in = {0};
	const struct cli_arg args[] = {CLI_ARG("code", CLI_ARG_STR, &in.code),
				       CLI_ARG("name", CLI_ARG_STR, &in.name),
				       CLI_ARG("kind", CLI_ARG_STR, &in.kind),
				       CLI_ARG("category", CLI_ARG_STR, &in.category), CLI_ARG_END};

	return cli_noun_main(&def, argc, argv, args, &in);
}
