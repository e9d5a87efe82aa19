/* import_runner.h - the server's import thread: spooled uploads' rows created off the request's
 * thread. */
#ifndef ALIHDAYA_APP_IMPORT_RUNNER_H
#define ALIHDAYA_APP_IMPORT_RUNNER_H

#include "app/imports.h"

/*
 * One thread, one job at a time, oldest first. A request whose body is
 * spooled hands its import over (submit) and answers 202 at once; the
 * runner parses the file and feeds the batches through the engine, whose
 * group commit interleaves them with other users' commands. stop: the
 * running job fails at its next piece as a stopped server's does, queued
 * ones likewise (the engine must still run), and the thread ends.
 */
struct app_import_runner;
int app_import_runner_start(const struct app *app, struct app_import_runner **out, struct buf *err);
/*
 * im (spooled, its body all in) is the runner's from now on. OUT: *rec, the
 * job as it stands (state running, or failed if the upload already failed).
 */
void app_import_runner_submit(struct app_import_runner *q, struct app_import *im,
			      struct import_rec *rec);
void app_import_runner_stop(struct app_import_runner *q);

#endif
