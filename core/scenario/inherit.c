/* base: PATH: a scenario that starts from another and overrides only what differs.
 * The base is read first into the same scenario, then the file's own keys apply over it;
 * how each key merges is in docs/scenario.md ("Starting from another scenario"). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_internal.h"
#include "util/util.h"

/* The file's real path, to find a cycle however its paths are spelled; NULL when it
 * cannot be resolved (then it cannot be read either, which says why). */
static char *real_path(const char *path)
{
	return realpath(path, NULL);
}

/* "a.yaml -> b.yaml -> ... -> path", from the file loaded down to c, then path */
static void chain(const iapt_scenario__ctx *c, const char *path, iapt_buf *b)
{
	if (c->child)
		chain(c->child, c->path, b);
	else
		iapt_buf__printf(b, "%s", c->path);
	iapt_buf__printf(b, " -> %s", path);
}

/* Whether path (resolved as real) is c or a file that c is the base of. */
static int in_chain(const iapt_scenario__ctx *c, const char *real)
{
	for (; c; c = c->child) {
		char *r = real_path(c->path);
		int same = r && !strcmp(r, real);
		free(r);
		if (same)
			return 1;
	}
	return 0;
}

int iapt_scenario__base(iapt_scenario__ctx *c, yaml_node_t *n)
{
	const char *slash = strrchr(c->path, '/');
	iapt_buf path = {0}, msg = {0}, both = {0};
	iapt_scenario__ctx sub;
	char *text = NULL, *real = NULL;
	size_t len;
	int rc;
	if (n->type != YAML_SCALAR_NODE || !n->data.scalar.value[0])
		return iapt_scenario__fail_at(c, IAPT_EINVAL, n->start_mark, "base: expected the path of the scenario to start from");
	if (n->data.scalar.value[0] == '/' || !slash)
		iapt_buf__printf(&path, "%s", (const char *)n->data.scalar.value);
	else
		iapt_buf__printf(&path, "%.*s/%s", (int)(slash - c->path), c->path, (const char *)n->data.scalar.value);
	if (!iapt_buf__ok(&path))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	/* a file is its own base textually too when it was parsed from memory (no real path) */
	if ((real = real_path(path.ptr)) ? in_chain(c, real) : !strcmp(path.ptr, c->path)) {
		chain(c, path.ptr, &msg);
		rc = iapt_buf__ok(&msg) ? iapt_scenario__fail_at(c, IAPT_EINVAL, n->start_mark, "base: a cycle: %s", msg.ptr)
					: iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto done;
	}
	if (c->depth >= IAPT_SCENARIO__MAX_BASES) {
		chain(c, path.ptr, &msg);
		rc = iapt_buf__ok(&msg) ? iapt_scenario__fail_at(c, IAPT_EINVAL, n->start_mark, "base: more than %d files deep: %s",
								 IAPT_SCENARIO__MAX_BASES, msg.ptr)
					: iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = iapt_file__read(path.ptr, &text, &len))) {
		char why[1024];
		snprintf(why, sizeof why, "%s", iapt_error_last()->message);
		rc = iapt_scenario__fail_at(c, IAPT_EINVAL, n->start_mark, "base: %s", why);
		goto done;
	}
	memset(&sub, 0, sizeof sub);
	sub.path = path.ptr;
	sub.text = text;
	sub.len = len;
	sub.sc = c->sc;
	sub.depth = c->depth + 1;
	sub.child = c;
	sub.given = c->given;
	if ((rc = iapt_scenario__read(&sub)))
		goto done;
	/* required keys may come from the base */
	c->seen |= sub.seen;
	/* what was read: this file's bytes and, through its hash, every base's */
	iapt_buf__printf(&both, "%.*s", (int)c->len, c->text);
	iapt_buf__printf(&both, "\nbase %s\n", sub.sha256);
	if (!iapt_buf__ok(&both)) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto done;
	}
	iapt_sha256__hex(both.ptr, both.len, c->sha256);
done:
	free(real);
	free(text);
	iapt_buf__free(&path);
	iapt_buf__free(&msg);
	iapt_buf__free(&both);
	return rc;
}
