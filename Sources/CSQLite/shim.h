#ifndef EVALMOCK_CSQLITE_SHIM_H
#define EVALMOCK_CSQLITE_SHIM_H
#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call. Takes effect only before SQLite
 * initialises (the first open); later it is refused, harmlessly.
 *
 * Memory statistics (on by default) take a global mutex around every allocation SQLite makes;
 * evalmock reads none of them.
 *
 * Statement journals stay in memory. Requests that write are savepoints of the group
 * transaction (group commit; all but creates that are a single INSERT), and a savepoint keeps
 * the pages it changes in a statement journal, which by default spills to a temporary file
 * past 64 KiB: a request changing more than 16 pages (a
 * Weave score writes a call and a feedback row, two tables and five indexes) then wrote each
 * of them to disk again. The journal is emptied when the request's savepoint is released, so
 * it holds no more than one request's pages. */
static inline void evalmock_sqlite3_configure(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
}
#endif
