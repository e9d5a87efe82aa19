/* admin.c - installation subcommands: init, token, user, client, service. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/wire.h"

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

/* token create --user NAME [--data DIR] */
int cli_token(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, 0, 'd' },
					      { "user", required_argument, 0, 'u' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct cmd cm = { .type = CMD_TOKEN_CREATE };
	const char *user = NULL;
	struct user_rec u;
	int c, rc = 0;

	if ((rc = start(&ctx, "token")))
		return rc;
	if (argc < 2 || strcmp(argv[1], "create")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
			goto help;
		return cli_fail("token", 2, "usage: alihdaya token create --user NAME [--data DIR]");
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "d:u:h", opts, NULL)) != -1) {
		if (common_opt(&ctx, c, optarg, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		switch (c) {
		case 'u': user = optarg; break;
		case 'h': goto help;
		default: return 2;
		}
	}
	if (!user)
		return cli_fail("token create", 2, "--user NAME is required");
	/* Beside a running server, the server makes the token (cli_engine). */
	if ((rc = open_or_fail(&ctx, "token create", CLI_WRITE, false)))
		return rc;
	if (store_user_by_name(ctx.store, user, &u)) {
		rc = cli_fail("token create", 1, "no user named '%s' (see: alihdaya user list)", user);
		goto out;
	}
	cm.u.token.user_id = u.id;
	rc = cli_engine(&ctx, "token create", &cm);
	if (!rc)
		printf("%s\n", cm.result.token);
out:
	cli_close(&ctx);
	return rc;
help:
	printf("usage: alihdaya token create --user NAME [--data DIR]\n\n"
	       "Prints a new bearer token for the user. Only its hash is stored: keep the\n"
	       "printed text, it cannot be shown again. Use it as 'Authorization: Bearer TOKEN'.\n");
	return 0;
}

/* ------------------------------------------------------------------ */

/* user create --name N --role R [--client ID] | user list */
int cli_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' },  { "name", required_argument, 0, 'n' },
		{ "role", required_argument, 0, 'r' },  { "client", required_argument, 0, 'c' },
		{ "json", no_argument, 0, 'j' },        { "after", required_argument, 0, 'A' },
		{ "limit", required_argument, 0, 'L' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	static const char *const cols[] = { "id", "name", "role", "client_id", NULL };
	struct cmd cm = { .type = CMD_USER_CREATE };
	struct cli_noun w;
	json_t *out = NULL;
	int c, rc;

	if ((rc = cli_noun_begin(&w, argc, argv, "user")))
		return rc;
	if (strcmp(w.verb, "create") && strcmp(w.verb, "list"))
		goto help;
	while ((c = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (c) {
		case 'n':
			if (cli_copy(cm.u.user.name, sizeof(cm.u.user.name), optarg))
				return cli_fail("user", 2, "--name: 1 to %d bytes", MODEL_CODE_MAX - 1);
			break;
		case 'r':
			if (role_parse(optarg, &cm.u.user.role))
				return cli_fail("user", 2,
						"--role: admin, manager, worker, client or auditor");
			break;
		case 'c':
			if (cli_parse_id(optarg, &cm.u.user.client_id))
				return cli_fail("user", 2, "--client: a client id");
			break;
		case 'h': goto help;
		default: return 2;
		}
	}
	if (!strcmp(w.verb, "list")) {
		if ((rc = cli_noun_open(&w, CLI_READ)))
			return rc;
		rc = wire_user_list(w.ctx.store, &w.pg, &out);
		rc = cli_noun_list(&w, rc, out, cols);
		goto out;
	}
	if (!cm.u.user.name[0])
		return cli_fail("user create", 2, "--name is required");
	if (cm.u.user.role == ROLE_CLIENT && !cm.u.user.client_id)
		return cli_fail("user create", 2, "--client ID is required for a client user");
	/* Beside a running server, the server makes the user (cli_engine). */
	if ((rc = cli_noun_open(&w, CLI_WRITE)))
		return rc;
	rc = cli_noun_created(&w, &cm);
out:
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya user create --name NAME --role ROLE [--client ID] [--data DIR]\n"
	       "       alihdaya user list [--json] [--after ID] [--limit N] [--data DIR]\n\n"
	       "ROLE is admin, manager, worker, client or auditor; a client user belongs to\n"
	       "exactly one client (--client). Workers are made with 'alihdaya worker create'.\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}

/* client create --code C --name N [--tz ZONE] | client list */
int cli_client(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' },  { "code", required_argument, 0, 'c' },
		{ "name", required_argument, 0, 'n' },  { "tz", required_argument, 0, 'z' },
		{ "json", no_argument, 0, 'j' },        { "after", required_argument, 0, 'A' },
		{ "limit", required_argument, 0, 'L' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	static const char *const cols[] = { "id", "code", "name", "time_zone", NULL };
	struct cmd cm = { .type = CMD_CLIENT_CREATE };
	struct cli_noun w;
	json_t *out = NULL;
	int c, rc;

	if ((rc = cli_noun_begin(&w, argc, argv, "client")))
		return rc;
	if (strcmp(w.verb, "create") && strcmp(w.verb, "list"))
		goto help;
	snprintf(cm.u.client.time_zone, sizeof(cm.u.client.time_zone), "UTC");
	while ((c = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (c) {
		case 'c':
			if (cli_copy(cm.u.client.code, sizeof(cm.u.client.code), optarg))
				return cli_fail("client", 2, "--code: 1 to %d bytes", MODEL_CODE_MAX - 1);
			break;
		case 'n':
			if (cli_copy(cm.u.client.name, sizeof(cm.u.client.name), optarg))
				return cli_fail("client", 2, "--name: 1 to %d bytes", MODEL_NAME_MAX - 1);
			break;
		case 'z':
			if (!clock_valid_tz(optarg) ||
			    cli_copy(cm.u.client.time_zone, sizeof(cm.u.client.time_zone), optarg))
				return cli_fail("client", 2, "--tz: '%s' is not an IANA time zone", optarg);
			break;
		case 'h': goto help;
		default: return 2;
		}
	}
	if (!strcmp(w.verb, "list")) {
		if ((rc = cli_noun_open(&w, CLI_READ)))
			return rc;
		rc = wire_client_list(w.ctx.store, &w.pg, &out);
		rc = cli_noun_list(&w, rc, out, cols);
		goto out;
	}
	if (!cm.u.client.code[0] || !cm.u.client.name[0])
		return cli_fail("client create", 2, "--code and --name are required");
	if ((rc = cli_noun_open(&w, CLI_WRITE)))
		return rc;
	rc = cli_noun_created(&w, &cm);
out:
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya client create --code CODE --name NAME [--tz ZONE] [--data DIR]\n"
	       "       alihdaya client list [--json] [--after ID] [--limit N] [--data DIR]\n\n"
	       "A client is one outsourcing customer; all its data carries its id.\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}

/* service create --code C --name N --kind bpo|kpo --category CAT | service list */
int cli_service(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' },     { "code", required_argument, 0, 'c' },
		{ "name", required_argument, 0, 'n' },     { "kind", required_argument, 0, 'k' },
		{ "category", required_argument, 0, 'g' }, { "json", no_argument, 0, 'j' },
		{ "after", required_argument, 0, 'A' },    { "limit", required_argument, 0, 'L' },
		{ "help", no_argument, 0, 'h' },           { 0, 0, 0, 0 }
	};
	static const char *const cols[] = { "id", "code", "kind", "category", "name", NULL };
	struct cmd cm = { .type = CMD_SERVICE_CREATE };
	struct service_rec *sv = &cm.u.service;
	bool have_kind = false;
	struct cli_noun w;
	json_t *out = NULL;
	int c, rc;

	if ((rc = cli_noun_begin(&w, argc, argv, "service")))
		return rc;
	if (strcmp(w.verb, "create") && strcmp(w.verb, "list"))
		goto help;
	while ((c = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (c) {
		case 'c':
			if (cli_copy(sv->code, sizeof(sv->code), optarg))
				return cli_fail("service", 2, "--code: 1 to %d bytes", MODEL_CODE_MAX - 1);
			break;
		case 'n':
			if (cli_copy(sv->name, sizeof(sv->name), optarg))
				return cli_fail("service", 2, "--name: 1 to %d bytes", MODEL_NAME_MAX - 1);
			break;
		case 'k':
			if (service_kind_parse(optarg, &sv->kind))
				return cli_fail("service", 2, "--kind: bpo or kpo");
			have_kind = true;
			break;
		case 'g':
			if (cli_copy(sv->category, sizeof(sv->category), optarg))
				return cli_fail("service", 2, "--category: 1 to %d bytes",
						MODEL_CODE_MAX - 1);
			break;
		case 'h': goto help;
		default: return 2;
		}
	}
	if (!strcmp(w.verb, "list")) {
		if ((rc = cli_noun_open(&w, CLI_READ)))
			return rc;
		rc = wire_service_list(w.ctx.store, &w.pg, &out);
		rc = cli_noun_list(&w, rc, out, cols);
		goto out;
	}
	if (!sv->code[0] || !sv->name[0] || !have_kind || !sv->category[0])
		return cli_fail("service create", 2, "--code, --name, --kind and --category are required");
	if ((rc = cli_noun_open(&w, CLI_WRITE)))
		return rc;
	rc = cli_noun_created(&w, &cm);
out:
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya service create --code CODE --name NAME --kind bpo|kpo --category CAT\n"
	       "       alihdaya service list [--json] [--data DIR]\n\n"
	       "Services are the provider's catalogue; 'alihdaya init' installs the default one.\n");
	return cli_wants_help(argc, argv) ? 0 : 2;
}
