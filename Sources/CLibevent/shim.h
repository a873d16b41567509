#ifndef EVALMOCK_CLIBEVENT_SHIM_H
#define EVALMOCK_CLIBEVENT_SHIM_H
// sys/types.h must come first: event2 headers use fd_set and friends without including it,
// which breaks debug and sanitizer builds.
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <event2/thread.h>
#endif
