#ifndef EVALMOCK_CSQLITE_SHIM_H
#define EVALMOCK_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
