/* gzip input: the published data come as .csv.gz (data/nhstt/). zlib inflates them in
 * memory, after iapt_file__read_max has read the file with its guards (no blocking on a
 * FIFO, a size limit), so a compressed and a plain file go through the same checks. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST /* next_in is const: the input is never written */
#include <zlib.h>

#include "iaptsim/error.h"
#include "util/util.h"

int iapt_gz__is(const char *data, size_t n)
{
	return n >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b;
}

int iapt_gz__inflate(const char *path, const char *data, size_t n, size_t max, char **out, size_t *len)
{
	z_stream z;
	char *buf = NULL;
	size_t cap = 0, used = 0, left = n;
	int rc = IAPT_OK, zr;
	*out = NULL;
	if (len)
		*len = 0;
	memset(&z, 0, sizeof z);
	/* 16 + MAX_WBITS: a gzip header and trailer (CRC and length checked), not raw deflate */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return iapt_error__set(IAPT_ENOMEM, "%s: out of memory inflating", path);
	z.next_in = (const Bytef *)data;
	for (;;) {
		if (!z.avail_in && left) { /* avail_in is an unsigned int: feed large input in pieces */
			z.avail_in = left > UINT_MAX ? UINT_MAX : (uInt)left;
			left -= z.avail_in;
		}
		if (used + 1 >= cap) {
			size_t want = cap ? cap * 2 : (n * 4 > 65536 ? n * 4 : 65536);
			char *p;
			if (want > max + 2)
				want = max + 2;
			if (want <= used + 1) {
				rc = iapt_error__set(IAPT_EINVAL, "%s: larger than the %zu bytes this kind of input may have, once inflated", path, max);
				goto cleanup;
			}
			if (!(p = realloc(buf, want))) {
				rc = iapt_error__set(IAPT_ENOMEM, "out of memory inflating %s", path);
				goto cleanup;
			}
			buf = p;
			cap = want;
		}
		z.next_out = (Bytef *)buf + used;
		z.avail_out = cap - used - 1 > UINT_MAX ? UINT_MAX : (uInt)(cap - used - 1);
		{
			uInt before = z.avail_out;
			zr = inflate(&z, Z_NO_FLUSH);
			used += before - z.avail_out;
		}
		if (used > max) {
			rc = iapt_error__set(IAPT_EINVAL, "%s: larger than the %zu bytes this kind of input may have, once inflated", path, max);
			goto cleanup;
		}
		if (zr == Z_STREAM_END) {
			if (!z.avail_in && !left)
				break;
			/* gzip allows several members one after another (gzip -c a b, R's gzcon appends) */
			if (!iapt_gz__is((const char *)z.next_in, z.avail_in)) {
				rc = iapt_error__set(IAPT_EPARSE, "%s: not a valid gzip file: bytes after the end of the compressed data", path);
				goto cleanup;
			}
			inflateReset(&z);
			continue;
		}
		if (zr == Z_OK)
			continue;
		if (zr == Z_BUF_ERROR && z.avail_out && !z.avail_in && !left) {
			rc = iapt_error__set(IAPT_EPARSE, "%s: not a valid gzip file: it ends before the compressed data do (truncated?)", path);
			goto cleanup;
		}
		if (zr == Z_BUF_ERROR)
			continue; /* more room needed */
		if (zr == Z_MEM_ERROR) {
			rc = iapt_error__set(IAPT_ENOMEM, "out of memory inflating %s", path);
			goto cleanup;
		}
		rc = iapt_error__set(IAPT_EPARSE, "%s: not a valid gzip file: %s", path, z.msg ? z.msg : "damaged data");
		goto cleanup;
	}
	buf[used] = '\0';
	*out = buf;
	buf = NULL;
	if (len)
		*len = used;
cleanup:
	inflateEnd(&z);
	free(buf);
	return rc;
}

int iapt_file__read_gz_max(const char *path, size_t max, char **out, size_t *len)
{
	char *raw;
	size_t n;
	int rc;
	*out = NULL;
	if (len)
		*len = 0;
	/* the compressed file may be at most max too: it is never larger than what it holds */
	if ((rc = iapt_file__read_max(path, max, &raw, &n)))
		return rc;
	if (!iapt_gz__is(raw, n)) {
		*out = raw;
		if (len)
			*len = n;
		return IAPT_OK;
	}
	rc = iapt_gz__inflate(path, raw, n, max, out, len);
	free(raw);
	return rc;
}
