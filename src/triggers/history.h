/*-------------------------------------------------------------------------
 *
 * history.h
 *	  Checking a history trigger (record_history) as the first row it
 *	  fires for would (history.c), for trigger_check.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LQ_HISTORY_H
#define LQ_HISTORY_H

#include "postgres.h"

#include "commands/trigger.h"

#include "compat.h"

extern void HistoryCheck(TriggerData *td);

#endif							/* LQ_HISTORY_H */
