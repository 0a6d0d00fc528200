#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

int iapt_file__write_atomic(const char *path, const char *data, size_t len)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	int fd = -1, rc = IAPT_EIO;
	size_t off = 0;

	if (!tmp)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		iapt_error__set(IAPT_EIO, "%s: cannot create: %s", path, strerror(errno));
		free(tmp);
		return IAPT_EIO;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			iapt_error__set(IAPT_EIO, "%s: write failed: %s", path, strerror(errno));
			goto cleanup;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		iapt_error__set(IAPT_EIO, "%s: cannot sync: %s", path, strerror(errno));
		goto cleanup;
	}
	if (close(fd) != 0) {
		fd = -1;
		iapt_error__set(IAPT_EIO, "%s: close failed: %s", path, strerror(errno));
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		iapt_error__set(IAPT_EIO, "%s: cannot rename into place: %s", path, strerror(errno));
		goto cleanup;
	}
	rc = IAPT_OK;
cleanup:
	if (fd >= 0)
		close(fd);
	if (rc != IAPT_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}

int iapt_file__read(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	*out = NULL;
	if (!f)
		return iapt_error__set(errno == ENOENT ? IAPT_ENOTFOUND : IAPT_EIO, "%s: cannot open: %s",
				       path, strerror(errno));
	for (;;) {
		size_t r;
		if (n + 4096 + 1 > cap) {
			char *p;
			cap = cap ? cap * 2 : 8192;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return iapt_error__set(IAPT_ENOMEM, "out of memory reading %s", path);
			}
			buf = p;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return iapt_error__set(IAPT_EIO, "%s: read error", path);
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return IAPT_OK;
}

int iapt_file__mkdirs(const char *path)
{
	char *p = iapt_str__dup(path), *s;
	int rc = IAPT_OK;
	if (!p)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				rc = iapt_error__set(IAPT_EIO, "%s: cannot create folder: %s", p, strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return rc;
}
