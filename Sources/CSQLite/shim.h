#ifndef EVALMOCK_CSQLITE_SHIM_H
#define EVALMOCK_CSQLITE_SHIM_H
#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call. Memory statistics (on by default) take
 * a global mutex around every allocation SQLite makes; evalmock reads none of them. Takes
 * effect only before SQLite initialises (the first open); later it is refused, harmlessly. */
static inline int evalmock_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
