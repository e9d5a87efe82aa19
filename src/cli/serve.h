/* serve.h - running the server on an already opened installation (serve and demo share it). */
#ifndef ALIHDAYA_CLI_SERVE_H
#define ALIHDAYA_CLI_SERVE_H

#include "cli/common.h"

/* Serves until SIGTERM/SIGINT, then stops gracefully and closes ctx. Exit code. */
int cli_serve_run(struct cli_ctx *ctx);

#endif
