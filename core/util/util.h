/* Internal helpers shared inside core. Not installed. */
#ifndef IAPT_UTIL_H
#define IAPT_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include "iaptsim/error.h"

#if defined(__GNUC__)
#define IAPT__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define IAPT__PRINTF(a, b)
#endif

/* Record an error for this thread and return code (so callers can `return iapt_error__set(...)`). */
int iapt_error__set_at(const char *file, int line, int code, const char *fmt, ...) IAPT__PRINTF(4, 5);
#define iapt_error__set(code, ...) iapt_error__set_at(__FILE__, __LINE__, (code), __VA_ARGS__)
/* Switch GSL's abort-on-error handler off (once per process, thread-safe). Every path into
 * a GSL routine that can raise an error calls this first: making a random stream
 * (iapt_rng_new), factoring a correlation matrix, calibrating. */
void iapt_error__gsl_init(void);
/* An error at a place in an input file: "file:LINE:COL: message", then the line (text, if
 * not NULL) and a caret under the column, as iapt_buf__excerpt shows them (a window around
 * the caret; control characters as '?'). line and col count from 0, col in characters (as
 * libyaml's marks). Returns code. */
int iapt_error__at_loc(const char *cfile, int cline, int code, const char *file, size_t line, size_t col, const char *text,
		       const char *fmt, ...) IAPT__PRINTF(8, 9);
#define iapt_error__at(code, file, line, col, text, ...) \
	iapt_error__at_loc(__FILE__, __LINE__, (code), (file), (line), (col), (text), __VA_ARGS__)
/* 1 if message starts at a place in a file, "FILE:LINE:COL: ..." (as iapt_error__at makes
 * them: the text before its first ": ", on its first line, ends in ":LINE:COL"), else 0. Such
 * a message names its file already: a caller adding context need not name it again. */
int iapt_error__starts_at_place(const char *message);
/* Prefix the current message with "prefix: " (adds context on the way up). */
void iapt_error__prefix(const char *fmt, ...) IAPT__PRINTF(1, 2);

/* A growable string. Zero-initialise; free with iapt_buf__free. On allocation failure the
 * buffer goes into an error state and iapt_buf__ok returns 0. */
typedef struct iapt_buf {
	char *ptr;
	size_t len, cap;
	int failed;
} iapt_buf;
void iapt_buf__printf(iapt_buf *b, const char *fmt, ...) IAPT__PRINTF(2, 3);
void iapt_buf__put(iapt_buf *b, const char *s, size_t n);
int iapt_buf__ok(const iapt_buf *b);
void iapt_buf__free(iapt_buf *b);
/* A JSON string literal, quotes included. */
void iapt_buf__json_string(iapt_buf *b, const char *s);
/* A number formatted with up to 17 significant digits, shortest that round-trips; "NA"
 * (CSV) or "null" (JSON) for NaN is the caller's choice through na. */
void iapt_buf__number(iapt_buf *b, double v, const char *na);
/* A CSV text cell: quoted (RFC 4180) when it holds a comma, a quote or a line break. */
void iapt_buf__csv_text(iapt_buf *b, const char *s);

/* Levenshtein distance, capped at cap+1 (cheap early out). */
size_t iapt_str__distance(const char *a, const char *b, size_t cap);
/* The closest of candidates[0..n) to s if it is a near miss, else NULL. */
const char *iapt_str__suggest(const char *s, const char *const *candidates, size_t n);
/* The candidates nearest to s by the same rule (the same word in other case alone, else
 * those at the fewest edits, if a near miss), in candidates' order: at most max of them into
 * out. Returns how many (0: none near). */
size_t iapt_str__suggest_n(const char *s, const char *const *candidates, size_t n, const char **out, size_t max);

/* CSV (RFC 4180): split the record at *pos into at most max fields, NUL-terminated in place
 * (quotes removed, doubled quotes undone); *pos moves past the record. Returns the number of
 * fields, 0 at the end of the text, -1 for a quoted field left open. */
int iapt_csv__record(char **pos, char **field, int max);

/* Is text valid UTF-8 without NUL bytes? 0 if so; else 1 (invalid UTF-8) or 2 (a NUL)
 * with the bad byte's offset, line and column (0-based, the column in characters, as
 * libyaml counts). */
int iapt_text__check(const char *text, size_t len, size_t *off, size_t *line, size_t *col);
/* 3 if text starts with a UTF-8 byte-order mark (as Excel writes CSV), else 0. */
size_t iapt_text__bom(const char *text, size_t len);
/* Under an error: "\n  LINE\n  ^" for the line line[0..n) with the caret at character col
 * (0-based); a long line is cut to a window around the caret, marked "...". Control
 * characters and invalid UTF-8 bytes show as '?'. */
void iapt_buf__excerpt(iapt_buf *b, const char *line, size_t n, size_t col);

/* The SHA-256 of data as 64 lower-case hex digits and a NUL (provenance in run.json). */
void iapt_sha256__hex(const char *data, size_t len, char out[65]);
char *iapt_str__dup(const char *s);
/* A whole string as a finite decimal number (no hexadecimal, no blanks before or after);
 * IAPT_EINVAL otherwise. */
int iapt_str__number(const char *s, double *out);

/* Write data to path atomically: a temporary file in the same folder, fsync, rename. */
int iapt_file__write_atomic(const char *path, const char *data, size_t len);
/* Size limits per kind of input, in bytes, checked while reading (docs/scenario.md says them). */
#define IAPT_FILE_MAX_TEXT ((size_t)4 << 20)   /* scenarios, includes, plugins */
#define IAPT_FILE_MAX_DATA ((size_t)256 << 20) /* targets, observed and mix CSVs; results read back */
/* Read a whole regular file of at most max bytes; *out is NUL-terminated; free it. A folder,
 * FIFO, device or socket is refused without blocking (IAPT_EINVAL, the reason in the
 * message), as is a file that is or grows larger than max; a missing file is
 * IAPT_ENOTFOUND, an unreadable one IAPT_EINVAL. */
int iapt_file__read_max(const char *path, size_t max, char **out, size_t *len);
/* The same, and a gzip file (it starts with the gzip magic bytes 1f 8b; one or more
 * members, as gzip writes them) is inflated with zlib: *out holds what it holds, at most max
 * bytes. A damaged, truncated or trailing-garbage gzip file is IAPT_EPARSE "PATH: not a
 * valid gzip file: REASON"; any other file is returned as it is. */
int iapt_file__read_gz_max(const char *path, size_t max, char **out, size_t *len);
/* 1 if data[0..n) starts with the gzip magic bytes. */
int iapt_gz__is(const char *data, size_t n);
/* Inflate the gzip data data[0..n) (path names it in messages) into *out, NUL-terminated,
 * at most max bytes; errors as iapt_file__read_gz_max. */
int iapt_gz__inflate(const char *path, const char *data, size_t n, size_t max, char **out, size_t *len);
/* The same with max = IAPT_FILE_MAX_TEXT. */
int iapt_file__read(const char *path, char **out, size_t *len);
/* mkdir -p */
int iapt_file__mkdirs(const char *path);

#endif
