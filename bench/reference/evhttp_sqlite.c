/*
 * The physical ceiling for evalmock's design: a minimal libevent evhttp server in C.
 *
 *   evhttp_sqlite fixed  PORT          answers every request 201 with a fixed JSON body
 *   evhttp_sqlite insert PORT DBPATH   inserts each request body into SQLite (WAL,
 *                                      synchronous=NORMAL, one prepared statement, one
 *                                      transaction per request), then answers 201
 *
 * No routing, no JSON parsing, no validation: whatever evalmock does beyond this is its own cost.
 */
#include <sys/types.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char reply[] = "{\"id\":\"1\",\"runId\":\"135\",\"inputs\":{},\"expected\":{},\"outputs\":{}}";
static sqlite3 *db;
static sqlite3_stmt *insert;

static void respond(struct evhttp_request *req) {
    struct evbuffer *out = evbuffer_new();
    evbuffer_add(out, reply, sizeof(reply) - 1);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    evhttp_send_reply(req, 201, "Created", out);
    evbuffer_free(out);
}

static void on_fixed(struct evhttp_request *req, void *arg) {
    (void)arg;
    respond(req);
}

static void on_insert(struct evhttp_request *req, void *arg) {
    (void)arg;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t length = evbuffer_get_length(in);
    const unsigned char *body = evbuffer_pullup(in, -1);
    sqlite3_bind_text(insert, 1, (const char *)body, (int)length, SQLITE_TRANSIENT);
    if (sqlite3_step(insert) != SQLITE_DONE) {
        evhttp_send_error(req, 500, sqlite3_errmsg(db));
        sqlite3_reset(insert);
        return;
    }
    sqlite3_reset(insert);
    respond(req);
}

static void on_signal(evutil_socket_t fd, short events, void *base) {
    (void)fd;
    (void)events;
    event_base_loopexit(base, NULL);
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[1], "insert") == 0 && argc < 4)) {
        fprintf(stderr, "usage: %s fixed PORT | insert PORT DBPATH\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int inserting = strcmp(argv[1], "insert") == 0;
    if (inserting) {
        if (sqlite3_open(argv[3], &db) != SQLITE_OK) return 1;
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                         "CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
                     NULL, NULL, NULL);
        sqlite3_prepare_v2(db, "INSERT INTO records (body) VALUES (?)", -1, &insert, NULL);
    }
    struct event_base *base = event_base_new();
    struct evhttp *http = evhttp_new(base);
    evhttp_set_gencb(http, inserting ? on_insert : on_fixed, NULL);
    if (evhttp_bind_socket(http, "127.0.0.1", (ev_uint16_t)atoi(argv[2])) != 0) {
        perror("bind");
        return 1;
    }
    struct event *term = evsignal_new(base, SIGTERM, on_signal, base);
    event_add(term, NULL);
    printf("listening on 127.0.0.1:%s\n", argv[2]);
    fflush(stdout);
    event_base_dispatch(base);
    event_free(term);
    evhttp_free(http);
    event_base_free(base);
    if (inserting) {
        sqlite3_finalize(insert);
        sqlite3_close(db);
    }
    return 0;
}
