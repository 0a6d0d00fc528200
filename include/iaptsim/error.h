/* iaptsim: error reporting.
 *
 * Every library function that can fail returns int: 0 on success, a negative IAPT_E*
 * code on failure. The message of the last failure on the calling thread is kept in
 * thread-local storage and read with iapt_error_last(). The library never prints, exits
 * or aborts: before its first call into GSL it switches GSL's default handler, which
 * aborts the process on any error, off (once per process); a handler the program installed
 * itself with gsl_set_error_handler is kept. GSL failures come back as IAPT_E* codes. */
#ifndef IAPTSIM_ERROR_H
#define IAPTSIM_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
	IAPT_OK = 0,
	IAPT_ERROR = -1,   /* generic failure */
	IAPT_ENOMEM = -2,  /* out of memory */
	IAPT_EINVAL = -3,  /* bad input: a scenario, a parameter value, an option */
	IAPT_ERANGE = -4,  /* a value outside its bounds */
	IAPT_EPARSE = -5,  /* a file that does not parse */
	IAPT_EIO = -6,     /* reading or writing a file failed */
	IAPT_ENOTFOUND = -7, /* a named thing does not exist */
	IAPT_ELUA = -8,    /* a plugin failed */
	IAPT_EGSL = -9     /* a GSL routine reported an error */
};

typedef struct iapt_error {
	int code;            /* the IAPT_E* code */
	const char *message; /* what went wrong, for people; never NULL */
	const char *file;    /* C source file that raised it (for bug reports) */
	int line;            /* and its line */
} iapt_error;

/* The last error raised on this thread. Borrowed: valid until the next failing call on
 * this thread. Returns a record with code IAPT_OK and message "" when there is none.
 * A successful call does not in general clear it; iapt_sim_run and iapt_engine_check do
 * (on entry, and iapt_sim_run again on success), so after them it describes their own
 * failure or reads IAPT_OK. */
const iapt_error *iapt_error_last(void);

/* Forget the last error on this thread. */
void iapt_error_clear(void);

/* True (non-zero) when code means the input was at fault (exit code 2 territory). */
int iapt_error_is_input(int code);

#ifdef __cplusplus
}
#endif
#endif
