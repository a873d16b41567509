// libevent 2.1 answers a request it cannot read (malformed request line or header, request
// line and headers past evhttp_set_max_headers_size, body past evhttp_set_max_body_size, an
// Expect other than 100-continue) by calling its exported evhttp_send_error, which writes a
// text/html page; no callback of the server sees these requests. libevent's own calls go
// through its PLT, so the definition below, in the executable, takes their place (as a
// program's malloc does for libc's), hands the request to the writer evalmock installed, and
// falls back to libevent's function (found with RTLD_NEXT) when there is none or it declines.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <sys/types.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include "CEvhttpErrorPage.h"

typedef void (*send_error_function)(struct evhttp_request *, int, const char *);

static _Atomic(evalmock_error_page_writer) installed_writer;

void evalmock_set_error_page_writer(evalmock_error_page_writer writer) {
    atomic_store(&installed_writer, writer);
}

static send_error_function libevent_send_error(void) {
    static _Atomic(send_error_function) resolved;
    send_error_function function = atomic_load(&resolved);
    if (function == NULL) {
        function = (send_error_function)dlsym(RTLD_NEXT, "evhttp_send_error");
        atomic_store(&resolved, function);
    }
    return function;
}

void evhttp_send_error(struct evhttp_request *req, int error, const char *reason) {
    evalmock_error_page_writer writer = atomic_load(&installed_writer);
    if (writer != NULL && req != NULL) {
        // A request line that was never read leaves version 0.0, which evhttp_send_reply would
        // put in the status line; libevent's error page sets 1.1 the same way.
        if (req->major == 0) {
            req->major = 1;
            req->minor = 1;
        }
        if (writer(req, error)) return;
    }
    send_error_function original = libevent_send_error();
    if (original != NULL && original != evhttp_send_error) original(req, error, reason);
}

int evalmock_error_page_interposed(void) {
    return dlsym(RTLD_DEFAULT, "evhttp_send_error") == (void *)evhttp_send_error;
}

size_t evalmock_request_headers_size(const struct evhttp_request *request) {
    return request->headers_size;
}
