/* wall.c - the ethical wall in routing: a worker's last work for each client, kept in memory. */
#include "engine/engine_int.h"

/*
 * Routing asks this for every engagement with queued work on every take-next,
 * so it is a scan of at most WORKED_MAX pairs per wall client, never a store
 * read. Recovery loads the pairs from the item events (store_worked_each);
 * every assign and submit updates them (engine__step_apply). A worker who
 * worked for more than WORKED_MAX clients forgets the one it worked for
 * longest ago.
 */

void engine__worked(struct live_worker *lw, int64_t client_id, int64_t at)
{
	size_t oldest = 0;

	for (size_t i = 0; i < lw->n_worked; i++) {
		if (lw->worked[i].client_id == client_id) {
			if (at > lw->worked[i].at)
				lw->worked[i].at = at;
			return;
		}
		if (lw->worked[i].at < lw->worked[oldest].at)
			oldest = i;
	}
	if (lw->n_worked < WORKED_MAX)
		oldest = lw->n_worked++;
	lw->worked[oldest] = (struct worked){ client_id, at };
}

bool engine__walled(const struct live_worker *lw, const struct engagement_rec *e, int64_t now)
{
	int64_t window = (int64_t)e->wall_days * 86400 * 1000;

	if (e->wall_days <= 0)
		return false;
	for (size_t k = 0; k < e->n_wall && k < MODEL_MAX_WALL; k++)
		for (size_t i = 0; i < lw->n_worked; i++)
			if (lw->worked[i].client_id == e->wall[k] && now - lw->worked[i].at < window)
				return true;
	return false;
}
