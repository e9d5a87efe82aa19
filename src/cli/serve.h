/* serve.h - running the server on an already opened installation (serve and demo share it). */
#ifndef ALIHDAYA_CLI_SERVE_H
#define ALIHDAYA_CLI_SERVE_H

#include <signal.h>

#include "cli/common.h"

/*
 * Blocks the stop signals (SIGTERM, SIGINT, SIGHUP) in the calling thread
 * and so in every thread it starts after: called before cli_open, which
 * starts the engine's thread, so that only cli_serve_run's sigwait takes
 * them (a thread that did not block them would be killed by their default
 * action, and the process with it, without a clean stop).
 */
void cli_serve_block_signals(sigset_t *set);

/* Serves until SIGTERM/SIGINT, then stops gracefully and closes ctx. Exit code. */
int cli_serve_run(struct cli_ctx *ctx);

#endif
