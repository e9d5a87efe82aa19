/* aql.h - acceptance sampling by attributes in the manner of ISO 2859-1 (AQL tables). */
#ifndef ALIHDAYA_AQL_H
#define ALIHDAYA_AQL_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Single sampling plans for normal inspection, ISO 2859-1 (and its twins
 * ANSI/ASQ Z1.4, MIL-STD-105E): Table 1 gives the sample size code letter of
 * a lot size and an inspection level; Table 2-A the plan (sample size n,
 * acceptance number Ac, rejection number Re) of a code letter and an AQL.
 * A lot is accepted when the sample holds at most Ac nonconforming units (or
 * nonconformities), and goes back whole when it holds Re or more.
 *
 * Table 2-A's arrows are followed as the standard says: down to the first
 * plan below, up to the first plan above; the plan used is that row's (its
 * letter and its n). When the plan's n is at least the lot size, every unit
 * is inspected: n becomes the lot size and Ac, Re stay. Two arrows of the
 * table point off its edge, and there we chose (not the standard): letter A
 * at 10 % points up with no row above, we take A's plan to its left (Ac 0,
 * n 2); letter R at 0.015 % points down with no row below, we take R's plan
 * to its right (Ac 1, n 2000).
 *
 * AQL columns: 0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40,
 * 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10 (percent nonconforming) and 15, 25, 40,
 * 65, 100, 150, 250, 400, 650, 1000 (nonconformities per 100 units). Any
 * other AQL is ERR_INVALID: the standard's plans exist only for these.
 * Pure: no I/O, no allocation.
 */

enum aql_level { AQL_S1, AQL_S2, AQL_S3, AQL_S4, AQL_GI, AQL_GII, AQL_GIII };
#define AQL_LEVEL__COUNT 7

struct aql_plan {
	char code; /* the code letter of the plan used ('A'..'R', no 'I' or 'O') */
	int64_t n; /* units to inspect (the lot size when the plan's n reaches it) */
	int ac, re;
};

/*
 * The plan of a lot of lot_size units (>= 1) at level for an AQL given in
 * hundredths of a percent (250 = 2.5 %, 1000 = 10 %). The columns 0.015,
 * 0.025 and 0.065 % are not whole hundredths: aql_plan_milli() reaches them.
 * 0 and *out, or ERR_INVALID (lot size, level or AQL).
 */
int aql_plan(int64_t lot_size, enum aql_level level, int aql_centi, struct aql_plan *out);
/* The same with the AQL in thousandths of a percent (65 = 0.065 %, 2500 = 2.5 %). */
int aql_plan_milli(int64_t lot_size, enum aql_level level, int aql_milli, struct aql_plan *out);

/* Table 1: the code letter of a lot size (>= 1) at level; 0 when either is invalid. */
char aql_code_letter(int64_t lot_size, enum aql_level level);
/* The sample size of a code letter ('A' 2 .. 'R' 2000); 0 for another letter. */
int64_t aql_sample_size(char code);
/* Whether a sample with `found` nonconforming units accepts the lot under p. */
bool aql_accepts(const struct aql_plan *p, int64_t found);

/* "S-1" .. "S-4", "I", "II", "III"; parse answers 0 or ERR_INVALID. */
const char *aql_level_name(enum aql_level l);
int aql_level_parse(const char *s, enum aql_level *out);

#endif
