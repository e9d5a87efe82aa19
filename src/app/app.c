/* app.c - running a prepared command: the one way the adapters reach the engine. */
#include "app/app.h"

#include "util/err.h"

int app_call(const struct app *app, struct cmd *c)
{
	if (!app->engine) {
		c->rc = ERR_SHUTDOWN;
		return c->rc;
	}
	return engine_call(app->engine, c);
}

int app_submit(const struct app *app, struct cmd *c, void (*on_done)(struct cmd *c, void *arg),
	       void *arg)
{
	if (!app->engine)
		return ERR_SHUTDOWN;
	return engine_submit(app->engine, c, on_done, arg);
}
