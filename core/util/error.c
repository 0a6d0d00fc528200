#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
