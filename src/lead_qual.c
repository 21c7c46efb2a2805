/*-------------------------------------------------------------------------
 *
 * lead_qual.c
 *	  Module entry point of the lead_qual extension.
 *
 * The map of the code is doc/hacking.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "registry/registry.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	RegistryInit();
}
