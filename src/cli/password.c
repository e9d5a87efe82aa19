/* password.c - `alihdaya user password LOGIN` and `user password-link LOGIN`: passwords from the CLI. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "app/sessions.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/remote.h"
#include "sec/password.h"
#include "util/err.h"

static const char usage[] =
    "usage: alihdaya user password LOGIN [--stdin] [--data DIR]\n"
    "       alihdaya user password-link LOGIN [--base URL] [--data DIR]\n\n"
    "password sets LOGIN's password for signing in to the web application: asked\n"
    "twice without echo on a terminal, else (or with --stdin) read as the first line\n"
    "of standard input. At least 8 bytes. The user's browser sessions end.\n"
    "password-link prints a one-time link, usable for 24 hours, where the user sets\n"
    "their own password: URL/#/set-password/TOKEN (URL default http://127.0.0.1:PORT).\n"
    "Both also work while a server runs (they ask it).\n";

/* One line of stdin without its newline, echo off on a terminal. OUT: buf. 0 or -1. */
static int read_line(const char *prompt, bool tty, char *buf, size_t n)
{
	struct termios old, quiet;
	bool off = false;
	size_t len;

	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
		if (!tcgetattr(STDIN_FILENO, &old)) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			off = !tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
	}
	if (!fgets(buf, (int)n, stdin))
		buf[0] = '\0';
	if (off) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return len ? 0 : -1;
}

/* The password from the terminal (asked twice) or stdin. OUT: pw. 0 or the exit code. */
static int ask_password(bool from_stdin, char *pw, size_t n)
{
	bool tty = !from_stdin && isatty(STDIN_FILENO);
	char again[PASSWORD_MAX + 2];
	int rc = 0;

	if (read_line("new password: ", tty, pw, n))
		return cli_fail("user", 2, "no password given");
	if (tty && (read_line("again: ", tty, again, sizeof(again)) || strcmp(pw, again)))
		rc = cli_fail("user", 2, "the two passwords differ");
	sodium_memzero(again, sizeof(again));
	return rc;
}

/* A request to the server that holds the data directory. OUT: *answer (2xx only). */
static int ask_server(struct cli_ctx *ctx, const char *path, const char *body, json_t **answer)
{
	struct buf err = BUF_INIT;
	long status = 0;
	json_t *m;
	int rc = cli_remote_request(ctx, "POST", path, body, &status, answer, &err);

	if (rc) {
		rc = cli_fail("user", 1, "%s", buf_str(&err));
	} else if (status < 200 || status >= 300) {
		m = json_object_get(json_object_get(*answer, "error"), "message");
		rc = cli_fail("user", 1, "%s", json_is_string(m) ? json_string_value(m) : "refused");
		json_decref(*answer);
		*answer = NULL;
	}
	buf_release(&err);
	return rc;
}

/* user password LOGIN: hashed here (the CLI's thread), or by the server when one runs */
static int set_password(struct cli_ctx *ctx, const char *login, const char *pw)
{
	struct password_in in = {.login = login, .password = pw};
	struct buf err = BUF_INIT;
	struct cmd *c = NULL;
	json_t *ans = NULL, *body;
	struct user_rec u;
	char path[64], *text;
	int rc;

	if (ctx->served) {
		if ((rc = store_user_by_name(ctx->store, login, &u)))
			return cli_fail("user", rc == ERR_NOTFOUND ? 2 : 1, "no user named '%s'", login);
		snprintf(path, sizeof(path), "/v1/users/%lld/password", (long long)u.id);
		body = json_pack("{s:s}", "password", pw);
		text = body ? json_dumps(body, JSON_COMPACT) : NULL;
		rc = text ? ask_server(ctx, path, text, &ans) : cli_fail("user", 1, "out of memory");
		if (text)
			sodium_memzero(text, strlen(text));
		free(text);
		json_decref(body);
		json_decref(ans);
		return rc;
	}
	if (!(c = calloc(1, sizeof(*c))))
		return cli_fail("user", 1, "out of memory");
	if ((rc = app_password_set(&ctx->app, &AUTH_LOCAL_ADMIN, &in, c, &err)))
		rc = cli_fail("user", rc == ERR_INVALID || rc == ERR_NOTFOUND ? 2 : 1, "%s",
			      buf_str(&err));
	else
		rc = cli_engine(ctx, "user", c);
	buf_release(&err);
	cmd_release(c);
	free(c);
	return rc;
}

/* user password-link LOGIN: prints BASE/#/set-password/TOKEN */
static int make_link(struct cli_ctx *ctx, const char *login, const char *base)
{
	struct password_in in = {.login = login};
	struct buf err = BUF_INIT;
	struct cmd *c = NULL;
	json_t *ans = NULL;
	struct user_rec u;
	char path[64];
	int rc;

	if (ctx->served) {
		if ((rc = store_user_by_name(ctx->store, login, &u)))
			return cli_fail("user", rc == ERR_NOTFOUND ? 2 : 1, "no user named '%s'", login);
		snprintf(path, sizeof(path), "/v1/users/%lld/password-link", (long long)u.id);
		if (!(rc = ask_server(ctx, path, "{}", &ans)))
			printf("%s%s\n", base,
			       json_string_value(json_object_get(ans, "path")) ?: "");
		json_decref(ans);
		return rc;
	}
	if (!(c = calloc(1, sizeof(*c))))
		return cli_fail("user", 1, "out of memory");
	if ((rc = app_password_link(&ctx->app, &AUTH_LOCAL_ADMIN, &in, c, &err)))
		rc = cli_fail("user", rc == ERR_INVALID || rc == ERR_NOTFOUND ? 2 : 1, "%s",
			      buf_str(&err));
	else if (!(rc = cli_engine(ctx, "user", c)))
		printf("%s/#/set-password/%s\n", base, c->result.token);
	buf_release(&err);
	cmd_release(c);
	free(c);
	return rc;
}

/* user password LOGIN [--stdin] | user password-link LOGIN [--base URL] */
int cli_user_password(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' }, { "stdin", no_argument, 0, 's' },
		{ "base", required_argument, 0, 'b' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	bool link = !strcmp(argv[1], "password-link"), from_stdin = false;
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct buf err = BUF_INIT;
	char pw[PASSWORD_MAX + 2], base[256] = "";
	int c, rc;

	if ((rc = cli_config(&ctx, &err))) {
		rc = cli_fail("user", 2, "%s", buf_str(&err));
		goto out;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if ((rc = config_set(&ctx.cfg, "data", optarg, &err))) {
				rc = cli_fail("user", 2, "--data: %s", buf_str(&err));
				goto out;
			}
			break;
		case 's': from_stdin = true; break;
		case 'b': snprintf(base, sizeof(base), "%s", optarg); break;
		case 'h': fputs(usage, stdout); goto out;
		default: rc = 2; goto out;
		}
	}
	if (optind + 1 != argc) {
		rc = cli_fail("user", 2, "%s takes one login: alihdaya user %s LOGIN", argv[1],
			      argv[1]);
		goto out;
	}
	if (!base[0])
		snprintf(base, sizeof(base), "http://127.0.0.1:%d", ctx.cfg.port);
	pw[0] = '\0';
	if (!link && (rc = ask_password(from_stdin, pw, sizeof(pw))))
		goto out;
	if ((rc = cli_open(&ctx, CLI_WRITE, false, &err))) {
		rc = cli_fail("user", 1, "%s", buf_str(&err));
		goto out;
	}
	rc = link ? make_link(&ctx, argv[optind], base) : set_password(&ctx, argv[optind], pw);
	if (!rc && !link)
		printf("password of %s set; their browser sessions ended\n", argv[optind]);
	cli_close(&ctx);
out:
	sodium_memzero(pw, sizeof(pw));
	buf_release(&err);
	return rc;
}
