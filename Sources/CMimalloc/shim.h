#ifndef EVALMOCK_CMIMALLOC_SHIM_H
#define EVALMOCK_CMIMALLOC_SHIM_H
/* Linking libmimalloc replaces malloc and free for the whole process (its shared library
 * overrides them by symbol interposition): the Swift runtime's, SQLite's and libevent's
 * allocations too. The executable names mi_version() so that the library stays linked. */
#include <mimalloc.h>
#endif
