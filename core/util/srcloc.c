/* Errors at a place in an input file: "file:LINE:COL: message", then the line and a caret
 * under the column (iapt_buf__excerpt: tabs kept, so the caret lines up). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int iapt_error__at_loc(const char *cfile, int cline, int code, const char *file, size_t line, size_t col, const char *text,
		       const char *fmt, ...)
{
	char msg[1024]; /* as the scenario parser's messages */
	iapt_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	iapt_buf__printf(&b, "%s:%zu:%zu: %s", file, line + 1, col + 1, msg);
	if (text) /* the scenario parser's excerpt: a window around the caret, control characters shown as '?' */
		iapt_buf__excerpt(&b, text, strlen(text), col);
	iapt_error__set_at(cfile, cline, code, "%s", iapt_buf__ok(&b) ? b.ptr : msg);
	iapt_buf__free(&b);
	return code;
}

int iapt_error__starts_at_place(const char *message)
{
	const char *e = strstr(message, ": "), *p = e;
	int k;
	if (!e || memchr(message, '\n', (size_t)(e - message)))
		return 0;
	for (k = 0; k < 2; k++) { /* COL, then LINE: digits after a colon */
		const char *d = p;
		while (p > message && p[-1] >= '0' && p[-1] <= '9')
			p--;
		if (p == d || p == message || p[-1] != ':')
			return 0;
		p--;
	}
	return p > message; /* and a file before them */
}

int iapt_str__number(const char *s, double *out)
{
	char *end;
	double v;
	/* blanks before it, which strtod would skip, are refused as those after it are */
	if (isspace((unsigned char)*s))
		return IAPT_EINVAL;
	errno = 0;
	v = strtod(s, &end);
	/* hexadecimal and infinities are not numbers a person means in a scenario */
	if (end == s || *end || errno == ERANGE || !isfinite(v) || strchr(s, 'x') || strchr(s, 'X'))
		return IAPT_EINVAL;
	*out = v;
	return IAPT_OK;
}
