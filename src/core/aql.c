/* aql.c - ISO 2859-1 Table 1 (code letters) and Table 2-A (single sampling, normal inspection). */
#include "core/aql.h"

#include "util/err.h"
#include "util/names.h"

/* The code letters in order, and each one's sample size. */
static const char letters[] = "ABCDEFGHJKLMNPQR";
#define N_LETTERS 16
static const int64_t sizes[N_LETTERS] = {2,  3,	  5,   8,   13,	 20,  32,   50,
					 80, 125, 200, 315, 500, 800, 1250, 2000};

/* Table 1: the upper bound of each lot size range, and per range the letter (as an
 * index into letters) at S-1, S-2, S-3, S-4, I, II, III. */
static const int64_t lot_max[] = {8,	15,   25,    50,    90,	    150,    280,      500,
				  1200, 3200, 10000, 35000, 150000, 500000, INT64_MAX};
#define N_RANGES (sizeof(lot_max) / sizeof(lot_max[0]))
enum { A, B, C, D, E, F, G, H, J, K, L, M, N, P, Q, R };
static const unsigned char table1[N_RANGES][AQL_LEVEL__COUNT] = {
    {A, A, A, A, A, A, B}, /* 2 to 8 */
    {A, A, A, A, A, B, C}, /* 9 to 15 */
    {A, A, B, B, B, C, D}, /* 16 to 25 */
    {A, B, B, C, C, D, E}, /* 26 to 50 */
    {B, B, C, C, C, E, F}, /* 51 to 90 */
    {B, B, C, D, D, F, G}, /* 91 to 150 */
    {B, C, D, E, E, G, H}, /* 151 to 280 */
    {B, C, D, E, F, H, J}, /* 281 to 500 */
    {C, C, E, F, G, J, K}, /* 501 to 1 200 */
    {C, D, E, G, H, K, L}, /* 1 201 to 3 200 */
    {C, D, F, G, J, L, M}, /* 3 201 to 10 000 */
    {C, D, F, H, K, M, N}, /* 10 001 to 35 000 */
    {D, E, G, J, L, N, P}, /* 35 001 to 150 000 */
    {D, E, G, J, M, P, Q}, /* 150 001 to 500 000 */
    {D, E, H, K, N, Q, R}, /* 500 001 and over */
};

/* Table 2-A's AQL columns in thousandths of a percent. */
static const int aql_cols[] = {10,    15,    25,     40,     65,     100,    150,    250,    400,
			       650,   1000,  1500,   2500,   4000,   6500,   10000,  15000,  25000,
			       40000, 65000, 100000, 150000, 250000, 400000, 650000, 1000000};
#define N_COLS (sizeof(aql_cols) / sizeof(aql_cols[0]))

/*
 * Table 2-A is diagonal: the cell of letter i and column j depends only on
 * d = i + j - 14 (the AQL steps and the sample sizes both grow by about 1.6,
 * so n x AQL is constant along a diagonal). d = 0 is Ac 0 (letter A at 6.5 %,
 * ..., Q at 0.010 %), then an up arrow, a down arrow, and the plans below; d < 0
 * is a down arrow, and past the last plan an up arrow. The plans Ac 30 and 44
 * exist only on rows A to E (nonconformities per 100 units, small samples);
 * from row F on, the cell after Ac 21 is an up arrow.
 */
#define UP (-1)
#define DOWN (-2)
static const int diag_ac[] = {0, UP, DOWN, 1, 2, 3, 5, 7, 10, 14, 21, 30, 44};
#define N_DIAG ((int)(sizeof(diag_ac) / sizeof(diag_ac[0])))

static int cell(int letter, int col)
{
	int d = letter + col - 14;

	if (d < 0)
		return DOWN;
	if (d >= N_DIAG || (letter >= F && diag_ac[d] > 21))
		return UP;
	return diag_ac[d];
}

static const char *const level_names[AQL_LEVEL__COUNT] = {"S-1", "S-2", "S-3", "S-4",
							  "I",	 "II",	"III"};
NAMES_ENUM(aql_level, enum aql_level, level_names)

char aql_code_letter(int64_t lot_size, enum aql_level level)
{
	if (lot_size < 1 || (unsigned)level >= AQL_LEVEL__COUNT)
		return 0;
	for (size_t r = 0; r < N_RANGES; r++)
		if (lot_size <= lot_max[r])
			return letters[table1[r][level]];
	return 0; /* not reached: the last range is open */
}

int64_t aql_sample_size(char code)
{
	for (int i = 0; i < N_LETTERS; i++)
		if (letters[i] == code)
			return sizes[i];
	return 0;
}

bool aql_accepts(const struct aql_plan *p, int64_t found)
{
	return found <= p->ac;
}

int aql_plan_milli(int64_t lot_size, enum aql_level level, int aql_milli, struct aql_plan *out)
{
	char code = aql_code_letter(lot_size, level);
	int col = -1, i, ac;

	for (size_t j = 0; j < N_COLS; j++)
		if (aql_cols[j] == aql_milli)
			col = (int)j;
	if (!code || col < 0)
		return ERR_INVALID;
	for (i = 0; letters[i] != code; i++)
		;
	/* Follow the arrows: at most 15 steps, each to the next row in the arrow's way. */
	while ((ac = cell(i, col)) < 0) {
		if (ac == DOWN && i == N_LETTERS - 1) {
			col++; /* R at 0.015 %: nothing below, R's plan to the right */
			continue;
		}
		if (ac == UP && i == 0) {
			col--; /* A at 10 %: nothing above, A's plan to the left */
			continue;
		}
		i += ac == DOWN ? 1 : -1;
	}
	out->code = letters[i];
	out->n = sizes[i] < lot_size ? sizes[i] : lot_size;
	out->ac = ac;
	out->re = ac + 1;
	return 0;
}

int aql_plan(int64_t lot_size, enum aql_level level, int aql_centi, struct aql_plan *out)
{
	if (aql_centi <= 0 || aql_centi > 100000)
		return ERR_INVALID;
	return aql_plan_milli(lot_size, level, aql_centi * 10, out);
}
