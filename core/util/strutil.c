#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nettle/sha2.h>

#include "util/util.h"

static int buf_reserve(iapt_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;
	if (b->failed)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->ptr, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

void iapt_buf__put(iapt_buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return;
	memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void iapt_buf__printf(iapt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) < 0) {
		b->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int iapt_buf__ok(const iapt_buf *b)
{
	return !b->failed;
}

void iapt_buf__free(iapt_buf *b)
{
	free(b->ptr);
	memset(b, 0, sizeof *b);
}

void iapt_buf__json_string(iapt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	iapt_buf__put(b, "\"", 1);
	for (; *p; p++) {
		switch (*p) {
		case '"': iapt_buf__put(b, "\\\"", 2); break;
		case '\\': iapt_buf__put(b, "\\\\", 2); break;
		case '\n': iapt_buf__put(b, "\\n", 2); break;
		case '\r': iapt_buf__put(b, "\\r", 2); break;
		case '\t': iapt_buf__put(b, "\\t", 2); break;
		default:
			if (*p < 0x20)
				iapt_buf__printf(b, "\\u%04x", *p);
			else
				iapt_buf__put(b, (const char *)p, 1);
		}
	}
	iapt_buf__put(b, "\"", 1);
}

void iapt_buf__csv_text(iapt_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		iapt_buf__printf(b, "%s", s);
		return;
	}
	iapt_buf__put(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"')
			iapt_buf__put(b, "\"", 1);
		iapt_buf__put(b, s, 1);
	}
	iapt_buf__put(b, "\"", 1);
}

void iapt_buf__number(iapt_buf *b, double v, const char *na)
{
	char tmp[320]; /* %.*g of a double: the compiler cannot bound the precision of the search below */
	int prec;
	if (!isfinite(v)) {
		iapt_buf__put(b, na, strlen(na));
		return;
	}
	if (v == 0.0) { /* no "-0" */
		iapt_buf__put(b, "0", 1);
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) { /* whole numbers (counts) without an exponent */
		snprintf(tmp, sizeof tmp, "%.0f", v);
		iapt_buf__put(b, tmp, strlen(tmp));
		return;
	}
	/* Shortest %.*g that reads back to the same double: stable, locale-free with LANG=C.
	 * Reading back is monotone in the precision (a correctly rounded longer decimal is no
	 * farther off), so a binary search over 1..17 finds the same precision in 5 tries. */
	{
		int lo = 1, hi = 17;
		while (lo < hi) {
			prec = (lo + hi) / 2;
			snprintf(tmp, sizeof tmp, "%.*g", prec, v);
			if (strtod(tmp, NULL) == v)
				hi = prec;
			else
				lo = prec + 1;
		}
		snprintf(tmp, sizeof tmp, "%.*g", lo, v);
	}
	iapt_buf__put(b, tmp, strlen(tmp));
}

size_t iapt_str__distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[128];
	if (la >= 127 || lb >= 127)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0], best;
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = cur;
			if (row[j] < best)
				best = row[j];
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

/* how many edits a near miss of s may be: more for longer words */
static size_t suggest_cap(const char *s)
{
	size_t len = strlen(s);
	return len < 4 ? 1 : (len < 9 ? 2 : 3);
}

size_t iapt_str__suggest_n(const char *s, const char *const *candidates, size_t n, const char **out, size_t max)
{
	size_t i, m = 0, best_d, cap = suggest_cap(s);
	for (i = 0; i < n; i++)
		if (!strcasecmp(s, candidates[i])) {
			if (max)
				out[0] = candidates[i];
			return max ? 1 : 0;
		}
	best_d = cap + 1;
	for (i = 0; i < n; i++) {
		size_t d = iapt_str__distance(s, candidates[i], cap);
		if (d < best_d) {
			best_d = d;
			m = 0;
		}
		if (d == best_d && d <= cap && m < max)
			out[m++] = candidates[i];
	}
	return m;
}

const char *iapt_str__suggest(const char *s, const char *const *candidates, size_t n)
{
	size_t i, best_d = (size_t)-1;
	size_t cap = suggest_cap(s);
	const char *best = NULL;
	for (i = 0; i < n; i++) /* the same name in other case (DNA for dna) first, however long */
		if (!strcasecmp(s, candidates[i]))
			return candidates[i];
	for (i = 0; i < n; i++) {
		size_t d = iapt_str__distance(s, candidates[i], cap);
		if (d <= cap && d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}

char *iapt_str__dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void iapt_sha256__hex(const char *data, size_t len, char out[65])
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;
	sha256_init(&h);
	sha256_update(&h, len, (const uint8_t *)data);
	sha256_digest(&h, sizeof d, d);
	for (i = 0; i < sizeof d; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Split the record at *pos into fields (NUL-terminated in place); returns the number of
 * fields, advances *pos past the record; -1 on an unterminated quote. */
int iapt_csv__record(char **pos, char **field, int max)
{
	char *p = *pos, *w;
	int n = 0;
	if (!*p)
		return 0;
	for (;;) {
		field[n] = w = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					return -1;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				*w++ = *p++;
		}
		if (n < max - 1)
			n++;
		{
			char end = *p; /* read before the NUL below, which may land on it */
			*w = '\0';
			if (end == ',') {
				p++;
				continue;
			}
			if (end == '\r' && p[1] == '\n')
				p += 2;
			else if (end == '\r' || end == '\n')
				p++;
		}
		break;
	}
	*pos = p;
	return n;
}

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 if it is not valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF included: RFC 3629). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k, need;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2, min = 0x80, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 3, min = 0x800, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n < need)
		return 0;
	for (k = 1; k < need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need;
}

int iapt_text__check(const char *text, size_t len, size_t *off, size_t *line, size_t *col)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, ln = 0, cl = 0;
	while (i < len) {
		size_t k = s[i] ? utf8_len(s + i, len - i) : 0;
		if (!k) {
			*off = i;
			*line = ln;
			*col = cl;
			return s[i] ? 1 : 2;
		}
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))) {
			ln++;
			cl = 0;
		} else if (s[i] != '\r') {
			cl++;
		}
		i += k;
	}
	return 0;
}

size_t iapt_text__bom(const char *text, size_t len)
{
	return len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/* The width of the excerpt shown under an error, in characters either side of the caret. */
#define EXCERPT_HALF 60

void iapt_buf__excerpt(iapt_buf *b, const char *line, size_t n, size_t col)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = 0, c = 0, first = col > EXCERPT_HALF ? col - EXCERPT_HALF : 0, last = col + EXCERPT_HALF;
	iapt_buf pad = {0}; /* the caret's line: tabs copied so the caret lines up */
	iapt_buf__put(b, "\n  ", 3);
	if (first > 0) {
		iapt_buf__put(b, "...", 3);
		iapt_buf__put(&pad, "   ", 3);
	}
	for (; i < n && c < last; c++) {
		size_t k = utf8_len(s + i, n - i);
		if (c >= first) {
			if (!k || (s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F)
				iapt_buf__put(b, "?", 1);
			else
				iapt_buf__put(b, line + i, k);
			if (c < col)
				iapt_buf__put(&pad, s[i] == '\t' ? "\t" : " ", 1);
		}
		i += k ? k : 1;
	}
	if (i < n)
		iapt_buf__put(b, "...", 3);
	for (c = c > first ? c : first; c < col; c++)
		iapt_buf__put(&pad, " ", 1);
	iapt_buf__put(b, "\n  ", 3);
	if (pad.len)
		iapt_buf__put(b, pad.ptr, pad.len);
	iapt_buf__put(b, "^", 1);
	if (!iapt_buf__ok(&pad))
		b->failed = 1;
	iapt_buf__free(&pad);
}
