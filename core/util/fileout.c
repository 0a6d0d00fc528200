#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a folder";
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int iapt_file__read_max(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int fd, rc = IAPT_OK;
	*out = NULL;
	if (len)
		*len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return iapt_error__set(errno == ENOENT ? IAPT_ENOTFOUND : IAPT_EINVAL, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = iapt_error__set(IAPT_EINVAL, "%s: cannot read: %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = iapt_error__set(IAPT_EINVAL, "%s: is %s, not a file", path, file_kind(st.st_mode));
		goto cleanup;
	}
	if ((uintmax_t)st.st_size > max) {
		rc = iapt_error__set(IAPT_EINVAL, "%s: larger than the %zu bytes this kind of input may have", path, max);
		goto cleanup;
	}
	/* the size may change while we read (a growing file): the limit is checked as we go */
	for (;;) {
		ssize_t r;
		if (n + 1 >= cap) {
			size_t want = cap ? cap * 2 : (size_t)st.st_size + 2 > 8192 ? (size_t)st.st_size + 2 : 8192;
			char *p;
			if (want > max + 2)
				want = max + 2;
			if (!(p = realloc(buf, want))) {
				rc = iapt_error__set(IAPT_ENOMEM, "out of memory reading %s", path);
				goto cleanup;
			}
			buf = p;
			cap = want;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = iapt_error__set(errno == EISDIR ? IAPT_EINVAL : IAPT_EIO, "%s: read error: %s", path, strerror(errno));
			goto cleanup;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			rc = iapt_error__set(IAPT_EINVAL, "%s: larger than the %zu bytes this kind of input may have", path, max);
			goto cleanup;
		}
	}
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
	if (len)
		*len = n;
cleanup:
	free(buf);
	close(fd);
	return rc;
}

int iapt_file__read(const char *path, char **out, size_t *len)
{
	return iapt_file__read_max(path, IAPT_FILE_MAX_TEXT, out, len);
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
