/* A result folder is whole or not there (include/iaptsim/output.h, iapt_output_begin).
 *
 * Every file goes into a temporary folder beside the target, ".NAME.tmp-XXXXXX"; at the end
 * renameat2(RENAME_EXCHANGE) swaps it with the earlier result in one step (rename(2) cannot
 * replace a folder that is not empty), and the earlier result, now under the temporary
 * name, is removed. A kill, a full disk or a crash at any moment leaves the old whole
 * result or the new whole one, plus at most a temporary folder that the next run into the
 * same target removes. A lock file beside the target, ".NAME.lock", keeps two runs from
 * writing the same target at once; it is removed at the end. */
#define _GNU_SOURCE /* renameat2, nftw */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jansson.h>

#include "iaptsim/output.h"
#include "util/util.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

struct iapt_output_dir {
	char *final;  /* the target, as given */
	char *parent; /* its folder ("." if none) */
	char *name;   /* its last component */
	char *tmp;    /* parent/.name.tmp-XXXXXX: where the files are written */
	char *lock;   /* parent/.name.lock, removed at the end */
	int lock_fd;
};

/* What an earlier result may hold: the files every command writes, the temporary names
 * iapt_file__write_atomic uses, and (a comparison) strategies' folders that are results
 * themselves. */
static const char *const result_files[] = {
	"summary.csv", "summary_nhstt.csv", "replicates.csv", "employment_transitions.csv", "economics.csv", "ledger.csv",
	"budget_impact.csv", "psa.csv", "services.csv", "run.json", "report.html",
	"comparison.csv", "frontier.csv", "ceac.csv", "evpi.csv", "tornado.csv", "calibration.csv", "fit.csv",
	"fitted.yaml",
};

static int known_file(const char *name)
{
	size_t k, n;
	for (k = 0; k < sizeof result_files / sizeof result_files[0]; k++) {
		n = strlen(result_files[k]);
		if (!strncmp(name, result_files[k], n) && (!name[n] || (!strncmp(name + n, ".tmp", 4) && strlen(name + n) == 10)))
			return 1;
	}
	return 0;
}

/* 1 if dir/run.json was written by iaptsim */
static int has_run_json(const char *dir)
{
	char path[PATH_MAX], *text = NULL;
	size_t len;
	json_t *j;
	int yes;
	snprintf(path, sizeof path, "%s/run.json", dir);
	if (iapt_file__read_max(path, IAPT_FILE_MAX_DATA, &text, &len))
		return 0;
	j = json_loadb(text, len, 0, NULL);
	free(text);
	yes = j && json_is_string(json_object_get(j, "program")) && !strcmp(json_string_value(json_object_get(j, "program")), "iaptsim");
	json_decref(j);
	return yes;
}

/* Is dir empty or an earlier result of iaptsim and nothing else? *what names the first
 * entry that is not. */
static int is_result(const char *dir, int depth, char *what, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ok = 1, any = 0;
	if (!d) {
		snprintf(what, n, "%s (%s)", dir, strerror(errno));
		return 0;
	}
	while (ok && (e = readdir(d))) {
		char sub[PATH_MAX];
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		any = 1;
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		if (lstat(sub, &st) != 0) {
			ok = 0;
		} else if (S_ISREG(st.st_mode)) {
			ok = known_file(e->d_name);
		} else if (S_ISDIR(st.st_mode) && depth == 0 && has_run_json(sub)) {
			if (!is_result(sub, 1, what, n))
				break; /* what names the entry inside */
		} else {
			ok = 0;
		}
		if (!ok)
			snprintf(what, n, "%s", sub);
	}
	closedir(d);
	if (ok && any && !has_run_json(dir)) {
		snprintf(what, n, "%s has no run.json of iaptsim", dir);
		ok = 0;
	}
	return ok;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) ? -1 : 0;
}

static int remove_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Temporary folders of earlier runs into this target that were killed: ours to remove,
 * since we hold the lock. */
static void remove_stale(const iapt_output_dir *o)
{
	DIR *d = opendir(o->parent);
	struct dirent *e;
	char prefix[NAME_MAX + 16];
	size_t n = (size_t)snprintf(prefix, sizeof prefix, ".%s.tmp-", o->name);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strncmp(e->d_name, prefix, n) && strlen(e->d_name) == n + 6) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/%s", o->parent, e->d_name);
			remove_tree(path);
		}
	}
	closedir(d);
}

void iapt_output_abort(iapt_output_dir *o)
{
	if (!o)
		return;
	if (o->tmp)
		remove_tree(o->tmp);
	if (o->lock_fd >= 0) {
		/* unlinked while held: a run that opened it meanwhile finds its inode gone (below) */
		unlink(o->lock);
		close(o->lock_fd);
	}
	free(o->lock);
	free(o->final);
	free(o->parent);
	free(o->name);
	free(o->tmp);
	free(o);
}

int iapt_output_begin(iapt_output_dir **out, const char *final)
{
	iapt_output_dir *o = calloc(1, sizeof *o);
	char what[PATH_MAX + 64], *slash, *path = NULL;
	struct stat st, st2;
	struct flock fl;
	size_t n;
	int rc = IAPT_OK, fd;
	*out = NULL;
	if (!o)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	o->lock_fd = -1;
	if (!final[0]) {
		rc = iapt_error__set(IAPT_EINVAL, "the output folder is an empty name");
		goto fail;
	}
	if (!(o->final = iapt_str__dup(final)) || !(path = iapt_str__dup(final))) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto fail;
	}
	/* an existing folder is judged before anything is made */
	if (stat(final, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			rc = iapt_error__set(IAPT_EINVAL, "%s: exists and is not a folder: give -o a new folder or an earlier result of iaptsim", final);
			goto fail;
		}
		if (!is_result(final, 0, what, sizeof what)) {
			rc = iapt_error__set(IAPT_EINVAL, "%s: holds files that are not an iaptsim result (%s): give -o a new or empty folder, or an earlier result to replace",
					     final, what);
			goto fail;
		}
		/* ".", "..", "a/.": work on the real path, whose last component can be swapped */
		free(path);
		if (!(path = realpath(final, NULL))) {
			rc = iapt_error__set(IAPT_EINVAL, "%s: %s", final, strerror(errno));
			goto fail;
		}
	} else if (errno != ENOENT) {
		rc = iapt_error__set(IAPT_EINVAL, "%s: cannot use as the output folder: %s", final, strerror(errno));
		goto fail;
	}
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	slash = strrchr(path, '/');
	if (slash && slash == path) {
		o->parent = iapt_str__dup("/");
		o->name = iapt_str__dup(path + 1);
	} else if (slash) {
		*slash = '\0';
		o->parent = iapt_str__dup(path);
		o->name = iapt_str__dup(slash + 1);
	} else {
		o->parent = iapt_str__dup(".");
		o->name = iapt_str__dup(path);
	}
	if (!o->parent || !o->name) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto fail;
	}
	if (!o->name[0] || !strcmp(o->name, ".") || !strcmp(o->name, "..")) {
		rc = iapt_error__set(IAPT_EINVAL, "%s: cannot be an output folder", final);
		goto fail;
	}
	if (iapt_file__mkdirs(o->parent)) {
		snprintf(what, sizeof what, "%s", iapt_error_last()->message);
		rc = iapt_error__set(IAPT_EINVAL, "%s: cannot make the output folder: %s", final, what);
		goto fail;
	}
	/* one run at a time per target: the lock is taken before anything beside it changes */
	snprintf(what, sizeof what, "%s/.%s.lock", o->parent, o->name);
	if (!(o->lock = iapt_str__dup(what))) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto fail;
	}
	if ((fd = open(what, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		rc = iapt_error__set(IAPT_EINVAL, "%s: cannot write the output folder here: %s", final, strerror(errno));
		goto fail;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	/* an open-file-description lock: a second begin in the same process is refused too */
	if (fcntl(fd, F_OFD_SETLK, &fl) != 0 && (errno != EINVAL || fcntl(fd, F_SETLK, &fl) != 0)) {
		close(fd);
		rc = iapt_error__set(IAPT_EINVAL, "%s: another iaptsim run is writing this folder (it holds %s); wait for it or choose another -o",
				     final, what);
		goto fail;
	}
	/* still the file at that name, not one a finishing run has just removed */
	if (fstat(fd, &st) != 0 || stat(what, &st2) != 0 || st.st_ino != st2.st_ino || st.st_dev != st2.st_dev) {
		close(fd);
		rc = iapt_error__set(IAPT_EINVAL, "%s: another iaptsim run is writing this folder (it holds %s); wait for it or choose another -o",
				     final, what);
		goto fail;
	}
	o->lock_fd = fd;
	remove_stale(o);
	snprintf(what, sizeof what, "%s/.%s.tmp-XXXXXX", o->parent, o->name);
	if (!(o->tmp = iapt_str__dup(what))) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto fail;
	}
	if (!mkdtemp(o->tmp)) {
		rc = iapt_error__set(IAPT_EINVAL, "%s: cannot write the output folder here: %s", final, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		goto fail;
	}
	if (chmod(o->tmp, 0755) != 0) {
		rc = iapt_error__set(IAPT_EIO, "%s: %s", o->tmp, strerror(errno));
		goto fail;
	}
	free(path);
	*out = o;
	return IAPT_OK;
fail:
	free(path);
	iapt_output_abort(o);
	return rc;
}

const char *iapt_output_dir_path(const iapt_output_dir *o)
{
	return o->tmp;
}

int iapt_output_commit(iapt_output_dir *o)
{
	char path[PATH_MAX];
	struct stat st;
	int rc = IAPT_OK, exists;
	if (sync_dir(o->tmp) != 0) {
		rc = iapt_error__set(IAPT_EIO, "%s: cannot sync: %s", o->tmp, strerror(errno));
		goto done;
	}
	snprintf(path, sizeof path, "%s/%s", o->parent, o->name);
	exists = lstat(path, &st) == 0;
	if (!exists) {
		if (rename(o->tmp, path) != 0) {
			rc = iapt_error__set(IAPT_EIO, "%s: cannot move the result into place: %s", o->final, strerror(errno));
			goto done;
		}
		free(o->tmp);
		o->tmp = NULL;
	} else if (syscall(SYS_renameat2, AT_FDCWD, o->tmp, AT_FDCWD, path, RENAME_EXCHANGE) != 0) {
		/* a file system without the exchange: move the old result aside, then the new in;
		 * in between the target is missing for a moment, never mixed */
		char old[PATH_MAX];
		int fd;
		if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
			rc = iapt_error__set(IAPT_EIO, "%s: cannot swap the result into place: %s", o->final, strerror(errno));
			goto done;
		}
		snprintf(old, sizeof old, "%s/.%s.tmp-XXXXXX", o->parent, o->name);
		if ((fd = mkstemp(old)) < 0 || close(fd) != 0 || unlink(old) != 0 || rename(path, old) != 0 || rename(o->tmp, path) != 0) {
			rc = iapt_error__set(IAPT_EIO, "%s: cannot move the result into place: %s", o->final, strerror(errno));
			goto done;
		}
		remove_tree(old);
	}
	/* after the exchange o->tmp holds the earlier result */
	if (o->tmp)
		remove_tree(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	sync_dir(o->parent);
done:
	iapt_output_abort(o);
	return rc;
}
