/* sender.h - the webhook sender: a thread of `serve` that delivers the outbox with libcurl. */
#ifndef ALIHDAYA_CLI_SENDER_H
#define ALIHDAYA_CLI_SENDER_H

#include <stdbool.h>

#include "app/app.h"
#include "util/buf.h"

struct webhook_sender;

/*
 * Starts the thread: it delivers due outbox rows (store_webhook_due) one at
 * a time, signed, with timeouts (connect 5 s, total timeout_ms), and records
 * every attempt through the engine (CMD_WEBHOOK_ATTEMPT). Time is app's
 * clock (serve --clock-file moves it in tests). Unless allow_private, a
 * connection to a loopback, private, link-local or reserved address is
 * refused, whatever name resolved to it (util/netaddr.h says why), and the
 * attempt is recorded as failed with that reason. app must outlive the
 * sender. OUT: *out, stopped with webhook_sender_stop().
 */
int webhook_sender_start(const struct app *app, long timeout_ms, bool allow_private,
			 struct webhook_sender **out, struct buf *err);
/* Stops after the delivery in flight (at most the timeout) and joins. NULL is fine. */
void webhook_sender_stop(struct webhook_sender *s);

#endif
