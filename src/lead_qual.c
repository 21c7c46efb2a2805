/*-------------------------------------------------------------------------
 *
 * lead_qual.c
 *	  Module entry point of the lead_qual extension.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "lead_qual.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	lq_registry_init();
}
