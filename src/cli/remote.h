/* remote.h - a CLI write sent to the server that holds the data directory, on its Unix socket. */
#ifndef ALIHDAYA_CLI_REMOTE_H
#define ALIHDAYA_CLI_REMOTE_H

#include "cli/common.h"

/*
 * How long a CLI write waits for the server's answer. A paused or busy
 * server is waited for; one that never answers is given up on.
 */
#define CLI_REMOTE_TIMEOUT_S 120

/*
 * Sends the command c as its API request (POST /v1/users, /v1/users/:id/tokens,
 * /v1/clients, ...) to <data dir>/alihdaya.sock, where the server answers as
 * the local admin, and waits for the answer.
 * OUT: c->rc (0 for a 2xx, else the ERR_* of the answer's error code) and
 * c->result as the local engine fills it: outcome, id (token create: the
 * user) and token on success, message on failure.
 * Returns c->rc; when the server could not be asked at all (no socket, no
 * answer, a command with no API request) err says why.
 */
int cli_remote_cmd(struct cli_ctx *ctx, struct cmd *c, struct buf *err);

/*
 * Any API request on the server's socket (the keyring's routes, client
 * removal: no engine command of their own). 0 when the server answered:
 * OUT: *status and *answer (its JSON body or NULL; json_decref()); else
 * err says why it could not be asked.
 */
int cli_remote_request(struct cli_ctx *ctx, const char *method, const char *path,
		       const char *body, long *status, json_t **answer, struct buf *err);

#endif
