/* backlog.c - the smoothest on-time staffing for deferred work (Yao-Demers-Shenker). */
#include "core/backlog.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/err.h"

/*
 * YDS on a discrete timeline. Each round finds the critical window: the run
 * of still-free intervals with the highest density (work of the batches
 * that fit entirely inside it, per interval). No feasible profile can do
 * better than that density somewhere in the window, and staffing exactly
 * that density across it finishes those batches (EDF inside the window).
 * The window is then removed from the timeline, batches overlapping it lose
 * those intervals, and the next round runs on what is left.
 *
 * Each round costs O(m^2 + nb) for m free intervals; the number of rounds
 * is the number of distinct staffing levels, usually small.
 */

struct scratch {
	int *free_pos;	  /* compressed index -> interval */
	int *comp;	  /* interval -> compressed index, or -1 when used */
	int *r, *d;	  /* per batch: window in compressed coordinates */
	bool *active;	  /* per batch */
	int *head, *next; /* batches bucketed by compressed release */
	double *add;	  /* per compressed due: work of the batches seen */
	double *level;	  /* per interval: fractional workers */
};

static void scratch_free(struct scratch *s)
{
	free(s->free_pos);
	free(s->comp);
	free(s->r);
	free(s->d);
	free(s->active);
	free(s->head);
	free(s->next);
	free(s->add);
	free(s->level);
}

static int scratch_alloc(struct scratch *s, size_t n, size_t nb)
{
	*s = (struct scratch){0};
	s->free_pos = malloc(n * sizeof(int));
	s->comp = malloc(n * sizeof(int));
	s->r = malloc((nb ? nb : 1) * sizeof(int));
	s->d = malloc((nb ? nb : 1) * sizeof(int));
	s->active = malloc((nb ? nb : 1) * sizeof(bool));
	s->head = malloc(n * sizeof(int));
	s->next = malloc((nb ? nb : 1) * sizeof(int));
	s->add = malloc(n * sizeof(double));
	s->level = malloc(n * sizeof(double));
	if (!s->free_pos || !s->comp || !s->r || !s->d || !s->active || !s->head || !s->next ||
	    !s->add || !s->level) {
		scratch_free(s);
		return ERR_NOMEM;
	}
	return 0;
}

static bool valid_batch(const struct backlog_batch *b, size_t n)
{
	return b->release >= 0 && b->due >= b->release && (size_t)b->due < n &&
	       isfinite(b->items) && b->items >= 0 && isfinite(b->handle_s) && b->handle_s >= 0 &&
	       b->items * b->handle_s < 1e15;
}

int backlog_required(const struct backlog_batch *batches, size_t nb, size_t n, double interval_s,
		     double productive, double *rate, long *whole)
{
	struct scratch s;
	size_t left = 0;
	double capacity; /* worker-seconds of work one rostered worker gives per interval */
	int rc;

	if (n == 0 || (nb > 0 && !batches) || !isfinite(interval_s) || interval_s <= 0 ||
	    !isfinite(productive) || productive <= 0 || productive > 1)
		return ERR_INVALID;
	if (n > BACKLOG_MAX_INTERVALS || nb > BACKLOG_MAX_BATCHES)
		return ERR_TOOBIG;
	for (size_t i = 0; i < nb; i++) {
		if (!valid_batch(&batches[i], n))
			return ERR_INVALID;
	}
	if ((rc = scratch_alloc(&s, n, nb)) < 0)
		return rc;
	capacity = interval_s * productive;
	for (size_t t = 0; t < n; t++) {
		s.comp[t] = (int)t;
		s.level[t] = 0;
	}
	for (size_t i = 0; i < nb; i++) {
		s.active[i] = batches[i].items * batches[i].handle_s > 0;
		left += s.active[i];
	}

	while (left > 0) {
		int m = 0, best_s = 0, best_e = 0;
		double best = -1;

		/* Compress the free intervals and map each batch's window onto them. */
		for (size_t t = 0; t < n; t++) {
			if (s.comp[t] >= 0) {
				s.comp[t] = m;
				s.free_pos[m++] = (int)t;
			}
		}
		for (int k = 0; k < m; k++) {
			s.head[k] = -1;
			s.add[k] = 0;
		}
		for (size_t i = 0; i < nb; i++) {
			int lo, hi;

			if (!s.active[i])
				continue;
			/* First free interval at or after release, last at or before due. */
			for (lo = batches[i].release; s.comp[lo] < 0; lo++)
				;
			for (hi = batches[i].due; s.comp[hi] < 0; hi--)
				;
			s.r[i] = s.comp[lo];
			s.d[i] = s.comp[hi];
			s.next[i] = s.head[s.r[i]];
			s.head[s.r[i]] = (int)i;
		}

		/* Densest window: sweep starts downward, adding batches released there. */
		for (int st = m - 1; st >= 0; st--) {
			double w = 0;

			for (int i = s.head[st]; i >= 0; i = s.next[i])
				s.add[s.d[i]] += batches[i].items * batches[i].handle_s;
			for (int e = st; e < m; e++) {
				double dens;

				w += s.add[e];
				dens = w / (double)(e - st + 1);
				/* Ties go to the longer window: fewer rounds, same profile. */
				if (dens > best * (1 + 1e-12) ||
				    (dens >= best * (1 - 1e-12) && e - st > best_e - best_s)) {
					best = dens;
					best_s = st;
					best_e = e;
				}
			}
		}

		for (int k = best_s; k <= best_e; k++) {
			int t = s.free_pos[k];

			s.level[t] = best / capacity;
			s.comp[t] = -1;
		}
		for (size_t i = 0; i < nb; i++) {
			if (s.active[i] && s.r[i] >= best_s && s.d[i] <= best_e) {
				s.active[i] = false;
				left--;
			}
		}
	}
	for (size_t t = 0; t < n; t++) {
		if (rate)
			rate[t] = s.level[t];
		/* The tolerance keeps 3.0000000000000004 workers at 3. */
		if (whole)
			whole[t] = (long)ceil(s.level[t] * (1 - 1e-12) - 1e-9);
	}
	scratch_free(&s);
	return 0;
}

int backlog_from_arrivals(const double *arrivals, size_t n, double interval_s, double handle_s,
			  double sla_s, struct backlog_batch *out)
{
	double k;

	if (!arrivals || !out || n == 0 || n > BACKLOG_MAX_INTERVALS || !isfinite(interval_s) ||
	    interval_s <= 0 || !isfinite(handle_s) || handle_s < 0 || !isfinite(sla_s))
		return ERR_INVALID;
	k = floor(sla_s / interval_s + 1e-9);
	if (k < 1)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		double due = (double)i + k - 1;

		if (!isfinite(arrivals[i]) || arrivals[i] < 0)
			return ERR_INVALID;
		out[i] = (struct backlog_batch){
		    .release = (int)i,
		    .due = due > (double)(n - 1) ? (int)(n - 1) : (int)due,
		    .items = arrivals[i],
		    .handle_s = handle_s,
		};
	}
	return 0;
}
