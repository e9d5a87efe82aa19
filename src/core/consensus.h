/* consensus.h - aggregating several workers' answers to one label: majority vote and Dawid-Skene.
 */
#ifndef ALIHDAYA_CONSENSUS_H
#define ALIHDAYA_CONSENSUS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Overlap for judgement tasks: k workers answer the same item, each answer one
 * class (a label in 0 .. n_classes-1, e.g. the index of a normalised field
 * value). Items, workers and classes are dense indexes the caller maps from
 * its ids. Outputs: label[n_items] and conf[n_items], the caller's arrays.
 * An item without answers gets label CONSENSUS_NONE and conf 0.
 *
 * Errors: ERR_INVALID (n_classes 0, an answer out of range, max_iter < 1,
 * tol < 0 or NaN), ERR_NOMEM. Nothing is written to the outputs on error.
 * Pure: no I/O, no global state; the memory is allocated once per call.
 */

#define CONSENSUS_NONE UINT32_MAX

struct answer {
	uint32_t item, worker, label;
};

/*
 * Majority vote: the class with the most answers; conf = its share of the
 * item's answers. Tie rule (deterministic, independent of answer order):
 * among the classes with the most votes, the lowest class index wins.
 * Memory O(n_items * n_classes).
 */
int consensus_majority(const struct answer *a, size_t n, uint32_t n_items, uint32_t n_workers,
		       uint32_t n_classes, uint32_t *label, double *conf);

/*
 * Dawid & Skene (1979): EM over a class prior and one confusion matrix per
 * worker (P(answers l | true class k)), started from the majority vote's
 * shares of each item (the E-step's posterior before the first M-step).
 * Smoothing: every confusion cell starts with CONSENSUS_DS_BETA pseudo-counts
 * and every prior class with CONSENSUS_DS_ALPHA, so a cell never seen (a
 * worker who never met a class) is small but never 0: no log(0), no NaN.
 * Stops when the log-likelihood of the answers, divided by the number of
 * answers, changes by less than tol between iterations, or after max_iter.
 * label = the class of highest posterior (ties: the lowest index); conf = that
 * posterior. OUT: *iters (NULL: not wanted), the iterations run.
 * Memory O(n + n_workers * n_classes^2 + n_items * n_classes); each iteration
 * is two passes over the answers of n_classes steps each, with no allocation.
 */
#define CONSENSUS_DS_BETA 0.01
#define CONSENSUS_DS_ALPHA 1.0
int consensus_dawid_skene(const struct answer *a, size_t n, uint32_t n_items, uint32_t n_workers,
			  uint32_t n_classes, int max_iter, double tol, uint32_t *label,
			  double *conf, int *iters);

#endif
