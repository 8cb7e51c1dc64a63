/*
 * The floor for posrca's ingest benchmark: the least work that gets a terminal log's transactions
 * into SQLite. zlib gzread, a line split, and for every `ev=txn` line one prepared INSERT of its
 * values as text, all in one transaction. No validation, no masking, no dictionary, no indexes.
 * It uses the same journal settings as posrca (WAL, synchronous=NORMAL) so that the ratio compares
 * the work done, not the durability bought.
 *
 * Build: cc -O2 -o ingest-floor ingest-floor.c -lz -lsqlite3
 * Run:   ingest-floor LOG.gz DB
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_VALUES 16

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "%s: %s\n", what, db ? sqlite3_errmsg(db) : "error");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s LOG.gz DB\n", argv[0]);
        return 64;
    }
    gzFile in = gzopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 2; }
    gzbuffer(in, 1 << 20);
    sqlite3 *db;
    if (sqlite3_open(argv[2], &db) != SQLITE_OK) die(db, "open");
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;", 0, 0, 0);
    if (sqlite3_exec(db, "CREATE TABLE txn(v1 TEXT, v2 TEXT, v3 TEXT, v4 TEXT, v5 TEXT, v6 TEXT, v7 TEXT, v8 TEXT,"
                         " v9 TEXT, v10 TEXT, v11 TEXT, v12 TEXT, v13 TEXT, v14 TEXT, v15 TEXT, v16 TEXT)", 0, 0, 0) != SQLITE_OK)
        die(db, "create");
    sqlite3_stmt *insert;
    if (sqlite3_prepare_v2(db, "INSERT INTO txn VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &insert, 0) != SQLITE_OK)
        die(db, "prepare");
    sqlite3_exec(db, "BEGIN", 0, 0, 0);

    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    long rows = 0;
    for (;;) {
        int n = gzread(in, buf + len, (unsigned)(cap - len));
        if (n < 0) { fprintf(stderr, "gzread failed\n"); break; }
        if (n == 0 && len == 0) break;
        len += (size_t)n;
        char *start = buf, *end = buf + len;
        for (;;) {
            char *nl = memchr(start, '\n', (size_t)(end - start));
            if (!nl) {
                if (n == 0) nl = end; /* last line without newline */
                else break;
            }
            *nl = 0;
            if (strstr(start, " ev=txn")) {
                int k = 0;
                char *p = start;
                while (*p && k < MAX_VALUES) {
                    while (*p == ' ') p++;
                    char *tok = p;
                    while (*p && *p != ' ') p++;
                    char *eq = memchr(tok, '=', (size_t)(p - tok));
                    char *value = eq ? eq + 1 : tok;
                    if (p > tok) sqlite3_bind_text(insert, ++k, value, (int)(p - value), SQLITE_STATIC);
                }
                for (int j = k + 1; j <= MAX_VALUES; j++) sqlite3_bind_null(insert, j);
                if (sqlite3_step(insert) != SQLITE_DONE) die(db, "insert");
                sqlite3_reset(insert);
                rows++;
            }
            if (nl == end) { start = end; break; }
            start = nl + 1;
        }
        len = (size_t)(end - start);
        memmove(buf, start, len);
        if (n == 0) break;
        if (len == cap) { cap *= 2; buf = realloc(buf, cap); }
    }
    if (sqlite3_exec(db, "COMMIT", 0, 0, 0) != SQLITE_OK) die(db, "commit");
    sqlite3_finalize(insert);
    sqlite3_close(db);
    gzclose(in);
    printf("%ld\n", rows);
    return 0;
}
