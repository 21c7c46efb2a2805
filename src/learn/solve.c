/*-------------------------------------------------------------------------
 *
 * solve.c
 *	  Cholesky factorisation and what it solves (solve.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "learn/solve.h"

/*
 * Factor the symmetric positive definite n x n matrix a (row-major, both
 * triangles filled) in place into L, lower triangular, a = L L'.  Returns
 * false when a is not positive definite (numerically).
 */
bool
CholeskyFactor(double *a, int n)
{
	for (int j = 0; j < n; j++)
	{
		double		d = a[j * n + j];

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < j; k++)
			d -= a[j * n + k] * a[j * n + k];
		if (!(d > 0))
			return false;
		d = sqrt(d);
		a[j * n + j] = d;
		for (int i = j + 1; i < n; i++)
		{
			double		s = a[i * n + j];

			for (int k = 0; k < j; k++)
				s -= a[i * n + k] * a[j * n + k];
			a[i * n + j] = s / d;
		}
		for (int i = 0; i < j; i++)
			a[i * n + j] = 0;	/* the upper triangle is no longer used */
	}
	return true;
}

/* Solve L L' x = b in place (b becomes x), L from CholeskyFactor. */
void
CholeskySolve(const double *l, int n, double *b)
{
	for (int i = 0; i < n; i++)
	{
		double		s = b[i];

		for (int k = 0; k < i; k++)
			s -= l[i * n + k] * b[k];
		b[i] = s / l[i * n + i];
	}
	for (int i = n - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (int k = i + 1; k < n; k++)
			s -= l[k * n + i] * b[k];
		b[i] = s / l[i * n + i];
	}
}

/* The inverse (n x n, row-major) of the matrix whose factor is l. */
void
CholeskyInverse(const double *l, int n, double *inv)
{
	double	   *col = palloc(sizeof(double) * n);

	for (int j = 0; j < n; j++)
	{
		CHECK_FOR_INTERRUPTS();
		memset(col, 0, sizeof(double) * n);
		col[j] = 1;
		CholeskySolve(l, n, col);
		for (int i = 0; i < n; i++)
			inv[i * n + j] = col[i];
	}
	pfree(col);
}
