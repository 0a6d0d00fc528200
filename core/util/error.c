#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "util/util.h"

#define IAPT_ERRMSG_MAX 4096

static _Thread_local char msg_buf[IAPT_ERRMSG_MAX];
static _Thread_local iapt_error last = {IAPT_OK, "", NULL, 0};

const iapt_error *iapt_error_last(void)
{
	if (last.message == NULL)
		last.message = "";
	return &last;
}

void iapt_error_clear(void)
{
	msg_buf[0] = '\0';
	last.code = IAPT_OK;
	last.message = msg_buf;
	last.file = NULL;
	last.line = 0;
}

int iapt_error_is_input(int code)
{
	return code == IAPT_EINVAL || code == IAPT_ERANGE || code == IAPT_EPARSE ||
	       code == IAPT_ENOTFOUND;
}

int iapt_error__set_at(const char *file, int line, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg_buf, sizeof msg_buf, fmt, ap);
	va_end(ap);
	last.code = code;
	last.message = msg_buf;
	last.file = file;
	last.line = line;
	return code;
}

void iapt_error__prefix(const char *fmt, ...)
{
	char tmp[IAPT_ERRMSG_MAX];
	size_t n;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	n = strlen(tmp);
	if (n + 2 < sizeof tmp) {
		memcpy(tmp + n, ": ", 3);
		n += 2;
		memcpy(tmp + n, msg_buf, strnlen(msg_buf, sizeof tmp - n - 1));
		tmp[n + strnlen(msg_buf, sizeof tmp - n - 1)] = '\0';
	}
	memcpy(msg_buf, tmp, sizeof msg_buf);
	last.message = msg_buf;
}

/* GSL's default handler aborts the process on any error (a correlation matrix that is not
 * positive definite, an impossible argument). The library reports errors instead, so before
 * its first GSL call it switches that handler off, once per process. A handler the host
 * program installed itself is left in place: what it does is the host's choice. */
static void gsl_handler_off(void)
{
	gsl_error_handler_t *prev = gsl_set_error_handler_off();
	if (prev)
		gsl_set_error_handler(prev);
}

void iapt_error__gsl_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, gsl_handler_off);
}
