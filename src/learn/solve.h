/*-------------------------------------------------------------------------
 *
 * solve.h
 *	  The linear algebra of learn(): symmetric positive definite systems
 *	  (Cholesky), for Newton steps and for the covariance of the fitted
 *	  coefficients (solve.c).  Small dense matrices, at most a few hundred
 *	  rows, in double precision, row-major.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_SOLVE_H
#define LQ_SOLVE_H

#include "postgres.h"

extern bool CholeskyFactor(double *a, int n);
extern void CholeskySolve(const double *l, int n, double *b);
extern void CholeskyInverse(const double *l, int n, double *inv);

#endif							/* LQ_SOLVE_H */
