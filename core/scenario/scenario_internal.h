/* Inside core/scenario: what scenario.c shares with inherit.c (base:). Not installed. */
#ifndef IAPT_SCENARIO_INTERNAL_H
#define IAPT_SCENARIO_INTERNAL_H

#include <yaml.h>

#include "iaptsim/scenario.h"
#include "util/util.h"

/* Deeper chains of base: than any scenario needs; refused with the chain named */
#define IAPT_SCENARIO__MAX_BASES 16

/* One scenario file being read into sc. A file named by base: is read with a context of
 * its own into the same sc, before the file that names it (its `child`). */
typedef struct iapt_scenario__ctx {
	const char *path;
	const char *text;
	size_t len;
	yaml_document_t *doc;
	iapt_scenario *sc;
	unsigned seen;       /* bit per top-level key, this file's and its bases' */
	yaml_mark_t *umarks; /* where each uncertain parameter was given */
	int has_base;        /* this file starts from another */
	int depth;           /* bases between this file and the one loaded (0: that one) */
	const struct iapt_scenario__ctx *child; /* the file whose base this is; NULL at the top */
	/* which file of the chain last gave each parameter's value, and the uncertainty block
	 * in force (as depth; INT_MAX: none): shared by the chain and its includes, so that a
	 * value given beside or after a distribution is refused (check_whole) */
	struct iapt_scenario__given {
		int *param; /* IAPT_P__COUNT of them */
		int uncertainty;
	} *given;
	char sha256[65];     /* this file's text, and its bases' through their hashes */
} iapt_scenario__ctx;

/* file:LINE:COL: message, then the line and a caret; sets the error and returns code. */
int iapt_scenario__fail_at(iapt_scenario__ctx *c, int code, yaml_mark_t mark, const char *fmt, ...) IAPT__PRINTF(4, 5);

/* Parse c->text (c->path names it) and apply it to c->sc: the checks before the document
 * is built, one document only, then every key. The checks of a whole scenario (required
 * keys, draws against year-by-year values) only at the top (c->child NULL). */
int iapt_scenario__read(iapt_scenario__ctx *c);

/* base: PATH (inherit.c): read the scenario at PATH, relative to c's folder, into c->sc
 * (its keys then overridden by c's); a cycle, a chain deeper than IAPT_SCENARIO__MAX_BASES,
 * or a file that cannot be read is an error at n. */
int iapt_scenario__base(iapt_scenario__ctx *c, yaml_node_t *n);

/* Note that key (a top-level key or "economics.KEY") was last given at mark of c's file. */
int iapt_scenario__origin(iapt_scenario__ctx *c, const char *key, yaml_mark_t mark);

#endif
