#ifndef EVALMOCK_CEVHTTP_ERROR_PAGE_H
#define EVALMOCK_CEVHTTP_ERROR_PAGE_H
#include <stddef.h>

struct evhttp_request;

/// Answers a request that libevent would answer with its HTML error page (`status` is the one
/// libevent chose: 400, 413, 417 or 501); returns nonzero if it sent the reply.
typedef int (*evalmock_error_page_writer)(struct evhttp_request *request, int status);

/// Installs the writer for the whole process (NULL: libevent's own page again).
void evalmock_set_error_page_writer(evalmock_error_page_writer writer);

/// Whether libevent's own calls to evhttp_send_error reach the definition in this target
/// (the executable exports it and libevent calls it through its PLT); otherwise libevent
/// keeps answering with its HTML page.
int evalmock_error_page_interposed(void);

/// How many bytes of request line and header lines libevent has read for `request`
/// (`headers_size` of event2/http_struct.h, which Swift sees as an opaque type).
size_t evalmock_request_headers_size(const struct evhttp_request *request);

#endif
