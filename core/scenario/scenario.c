/* Scenario files: YAML -> validated plain C. The only file that includes yaml.h. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "iaptsim/scenario.h"
#include "params/params_internal.h"
#include "scenario/scenario_internal.h"
#include "scenario/uncertainty.h"
#include "util/util.h"

#define MAX_SCENARIO_BYTES IAPT_FILE_MAX_TEXT
/* Deeper than any scenario needs (five levels); refused as the parser gets there */
#define MAX_DEPTH 32
/* Each include is a file read and parsed: a list of them is bounded too */
#define MAX_INCLUDES 64

typedef iapt_scenario__ctx ctx;
/* the name every handler uses; shared with inherit.c */
#define fail_at iapt_scenario__fail_at

/* file:LINE:COL: message, then the line and a caret (libyaml counts from 0). */
int iapt_scenario__fail_at(ctx *c, int code, yaml_mark_t mark, const char *fmt, ...)
{
	char msg[1024];
	const char *ls = c->text, *le;
	size_t line = 0;
	iapt_buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	while (line < mark.line && ls < c->text + c->len) {
		const char *nl = memchr(ls, '\n', (size_t)(c->text + c->len - ls));
		if (!nl) break;
		ls = nl + 1;
		line++;
	}
	le = ls;
	while (le < c->text + c->len && *le != '\n' && *le != '\r')
		le++;
	iapt_buf__printf(&b, "%s:%zu:%zu: %s", c->path, mark.line + 1, mark.column + 1, msg);
	if (le > ls || mark.line == line)
		iapt_buf__excerpt(&b, ls, (size_t)(le - ls), mark.column);
	iapt_error__set(code, "%s", iapt_buf__ok(&b) ? b.ptr : msg);
	iapt_buf__free(&b);
	return code;
}

static int syntax_error(ctx *c, const yaml_parser_t *parser)
{
	if (parser->context)
		return fail_at(c, IAPT_EPARSE, parser->problem_mark, "YAML syntax error: %s %s started at line %zu, column %zu",
			       parser->problem ? parser->problem : "unknown", parser->context, parser->context_mark.line + 1,
			       parser->context_mark.column + 1);
	return fail_at(c, IAPT_EPARSE, parser->problem_mark, "YAML syntax error: %s", parser->problem ? parser->problem : "unknown");
}

/* Before the document is built: the text is UTF-8 without NUL bytes; nesting stays within
 * MAX_DEPTH, counted as events arrive (a deep file is refused once the parser reaches the
 * limit, not after reading all of it: libyaml's document loader is quadratic in depth);
 * and no node has an explicit tag, which the loader would silently drop (`!!str 5` is not
 * the number 5). */
static int prescan(ctx *c)
{
	static const char core[] = "tag:yaml.org,2002:";
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t off, line, col;
	int depth = 0, rc = IAPT_OK, done = 0, bad;
	if ((bad = iapt_text__check(c->text, c->len, &off, &line, &col))) {
		yaml_mark_t m;
		m.index = off;
		m.line = line;
		m.column = col;
		if (bad == 2)
			return fail_at(c, IAPT_EINVAL, m, "not a text file (a NUL byte)");
		return fail_at(c, IAPT_EPARSE, m, "invalid UTF-8 (byte 0x%02X): a scenario is UTF-8 text", (unsigned char)c->text[off]);
	}
	if (!yaml_parser_initialize(&parser))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->text, c->len);
	while (!done && !rc) {
		const char *tag = NULL;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = syntax_error(c, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT: done = 1; break;
		case YAML_SEQUENCE_START_EVENT: tag = (const char *)ev.data.sequence_start.tag; depth++; break;
		case YAML_MAPPING_START_EVENT: tag = (const char *)ev.data.mapping_start.tag; depth++; break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: depth--; break;
		case YAML_SCALAR_EVENT: tag = (const char *)ev.data.scalar.tag; break;
		default: break;
		}
		if (tag) {
			int std = !strncmp(tag, core, sizeof core - 1);
			rc = fail_at(c, IAPT_EINVAL, ev.start_mark, "explicit YAML tag '%s%s' is not supported: write the value without it",
				     std ? "!!" : "", std ? tag + sizeof core - 1 : tag);
		} else if (depth > MAX_DEPTH) {
			rc = fail_at(c, IAPT_EINVAL, ev.start_mark, "nested more than %d levels deep", MAX_DEPTH);
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int get_number(ctx *c, const yaml_node_t *n, const char *what, double *out)
{
	char *end;
	const char *s;
	double v;
	if (n->type != YAML_SCALAR_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: expected a number, got %s", what, node_kind(n));
	s = scalar(n);
	if (!is_plain(n))
		return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: expected a number, got the quoted string \"%s\"", what, s);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(v) || strchr(s, 'x') || strchr(s, 'X'))
		return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: '%s' is not a number", what, s);
	*out = v;
	return IAPT_OK;
}

static int get_int(ctx *c, const yaml_node_t *n, const char *what, long long lo, long long hi, long long *out)
{
	double v = 0;
	int rc = get_number(c, n, what, &v);
	if (rc)
		return rc;
	if (v != floor(v))
		return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: expected a whole number, got %s", what, scalar(n));
	if (v < (double)lo || v > (double)hi)
		return fail_at(c, IAPT_ERANGE, n->start_mark, "%s: %s is out of range [%lld, %lld]", what, scalar(n), lo, hi);
	*out = (long long)v;
	return IAPT_OK;
}

static int get_string(ctx *c, const yaml_node_t *n, const char *what, char **out)
{
	char *s;
	if (n->type != YAML_SCALAR_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: expected a string, got %s", what, node_kind(n));
	if (!(s = iapt_str__dup(scalar(n))))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	free(*out);
	*out = s;
	return IAPT_OK;
}

/* A financial year: 2019 or "2019-20". */
static int get_year(ctx *c, const yaml_node_t *n, const char *what, int *out)
{
	const char *s;
	long long y = 0;
	if (n->type != YAML_SCALAR_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: expected a year like 2019 or 2019-20, got %s", what, node_kind(n));
	s = scalar(n);
	if (strlen(s) == 7 && s[4] == '-') {
		char *end;
		long a, b;
		errno = 0;
		a = strtol(s, &end, 10);
		if (end != s + 4)
			goto bad;
		b = strtol(s + 5, &end, 10);
		if (*end || end != s + 7)
			goto bad;
		if ((a + 1) % 100 != b)
			return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: '%s' is not a financial year (expected %ld-%02ld)", what, s, a, (a + 1) % 100);
		y = a;
	} else {
		int rc;
		if (!is_plain(n) || strspn(s, "0123456789") != strlen(s) || !*s)
			goto bad;
		rc = get_int(c, n, what, IAPT_SCENARIO_MIN_YEAR, IAPT_SCENARIO_MAX_YEAR, &y);
		if (rc)
			return rc;
	}
	if (y < IAPT_SCENARIO_MIN_YEAR || y > IAPT_SCENARIO_MAX_YEAR)
		return fail_at(c, IAPT_ERANGE, n->start_mark, "%s: %s is out of range [%d, %d]", what, s, IAPT_SCENARIO_MIN_YEAR, IAPT_SCENARIO_MAX_YEAR);
	*out = (int)y;
	return IAPT_OK;
bad:
	return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: expected a year like 2019 or 2019-20, got '%s'", what, s);
}

typedef struct key_ref {
	const char *key;
	size_t at; /* its place in the mapping */
} key_ref;

static int key_ref_cmp(const void *x, const void *y)
{
	const key_ref *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->at > b->at) - (a->at < b->at);
}

/* Rejects duplicate keys and non-scalar keys of a mapping. Duplicates are found by sorting
 * (a mapping may have hundreds of thousands of keys in a file at the size limit), and the
 * one reported is the first in the file to repeat an earlier key. */
static int check_mapping(ctx *c, const yaml_node_t *map, const char *what)
{
	yaml_node_pair_t *p, *start;
	key_ref *refs;
	size_t n, k, dup = (size_t)-1, first = 0;
	if (map->type != YAML_MAPPING_NODE)
		return fail_at(c, IAPT_EINVAL, map->start_mark, "%s: expected a mapping, got %s", what, node_kind(map));
	start = map->data.mapping.pairs.start;
	n = (size_t)(map->data.mapping.pairs.top - start);
	for (p = start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k1 = yaml_document_get_node(c->doc, p->key);
		if (k1->type != YAML_SCALAR_NODE)
			return fail_at(c, IAPT_EINVAL, k1->start_mark, "%s: keys must be plain names, got %s", what, node_kind(k1));
	}
	if (n < 2)
		return IAPT_OK;
	if (!(refs = malloc(n * sizeof *refs)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		refs[k].key = scalar(yaml_document_get_node(c->doc, start[k].key));
		refs[k].at = k;
	}
	qsort(refs, n, sizeof *refs, key_ref_cmp);
	/* in each run of equal keys (in file order), the second repeats the first */
	for (k = 1; k < n; k++)
		if (!strcmp(refs[k].key, refs[k - 1].key) && (k < 2 || strcmp(refs[k - 1].key, refs[k - 2].key)) &&
		    (dup == (size_t)-1 || refs[k].at < dup)) {
			dup = refs[k].at;
			first = refs[k - 1].at;
		}
	free(refs);
	if (dup != (size_t)-1) {
		yaml_node_t *k1 = yaml_document_get_node(c->doc, start[dup].key), *k2 = yaml_document_get_node(c->doc, start[first].key);
		return fail_at(c, IAPT_EINVAL, k1->start_mark, "duplicate key '%s' (first given on line %zu)", scalar(k1), k2->start_mark.line + 1);
	}
	return IAPT_OK;
}

static int h_version(ctx *c, yaml_node_t *n)
{
	long long v = 0;
	int rc = get_int(c, n, "iaptsim", 0, INT_MAX, &v);
	if (rc)
		return rc;
	if (v != 1)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "iaptsim: scenario format version %lld is not supported (this program reads version 1)", v);
	return IAPT_OK;
}

static int h_name(ctx *c, yaml_node_t *n)
{
	int rc = get_string(c, n, "name", &c->sc->name);
	if (!rc && c->sc->name[0] == '\0')
		return fail_at(c, IAPT_EINVAL, n->start_mark, "name: must not be empty");
	return rc;
}

static int h_description(ctx *c, yaml_node_t *n)
{
	return get_string(c, n, "description", &c->sc->description);
}

static int h_years(ctx *c, yaml_node_t *n)
{
	yaml_node_item_t *it;
	int ys[2] = {0, 0}, k = 0, rc;
	if (n->type == YAML_SCALAR_NODE) {
		if ((rc = get_year(c, n, "years", &ys[0])))
			return rc;
		c->sc->first_year = c->sc->last_year = ys[0];
		return IAPT_OK;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "years: expected [first, last], got %s", node_kind(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, k++) {
		yaml_node_t *y = yaml_document_get_node(c->doc, *it);
		if (k >= 2)
			return fail_at(c, IAPT_EINVAL, y->start_mark, "years: expected [first, last], got more than two years");
		if ((rc = get_year(c, y, "years", &ys[k])))
			return rc;
	}
	if (k != 2)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "years: expected [first, last], got %d year%s", k, k == 1 ? "" : "s");
	if (ys[1] < ys[0])
		return fail_at(c, IAPT_ERANGE, n->start_mark, "years: last year %d is before first year %d", ys[1], ys[0]);
	if (ys[1] - ys[0] + 1 > IAPT_SCENARIO_MAX_YEARS)
		return fail_at(c, IAPT_ERANGE, n->start_mark, "years: %d years is more than the %d a run may cover", ys[1] - ys[0] + 1,
			       IAPT_SCENARIO_MAX_YEARS);
	c->sc->first_year = ys[0];
	c->sc->last_year = ys[1];
	return IAPT_OK;
}

static int h_seed(ctx *c, yaml_node_t *n)
{
	const char *s;
	char *end;
	unsigned long long v;
	if (n->type != YAML_SCALAR_NODE || !is_plain(n))
		return fail_at(c, IAPT_EINVAL, n->start_mark, "seed: expected a whole number");
	s = scalar(n);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '-' || *s == '+' || end == s || *end || errno == ERANGE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "seed: '%s' is not a whole number in [0, 18446744073709551615]", s);
	c->sc->seed = v;
	return IAPT_OK;
}

static int h_replicates(ctx *c, yaml_node_t *n)
{
	long long v = 0;
	int rc = get_int(c, n, "replicates", 1, IAPT_SCENARIO_MAX_REPLICATES, &v);
	if (!rc)
		c->sc->replicates = (int)v;
	return rc;
}

static int h_scale(ctx *c, yaml_node_t *n)
{
	double v = 0;
	int rc = get_number(c, n, "population_scale", &v);
	if (rc)
		return rc;
	if (!(v > 0 && v <= IAPT_SCENARIO_MAX_SCALE))
		return fail_at(c, IAPT_ERANGE, n->start_mark, "population_scale: %s is out of range (0, %g]", scalar(n),
			       IAPT_SCENARIO_MAX_SCALE);
	c->sc->population_scale = v;
	return IAPT_OK;
}

static int set_param(ctx *c, size_t idx, int year, yaml_node_t *vnode, const char *pname)
{
	double v;
	char origin[512], what[256], *end;
	int rc, k;
	snprintf(what, sizeof what, year ? "parameters.%s[%d]" : "parameters.%s", pname, year);
	if (!strcmp(pname, "employment.mechanism") && vnode->type == YAML_SCALAR_NODE &&
	    iapt_employment_mechanism_parse(scalar(vnode), &k) == IAPT_OK) {
		v = k; /* the mechanism by name */
	} else if (!strcmp(pname, "employment.mechanism") && vnode->type == YAML_SCALAR_NODE &&
		   (strtod(scalar(vnode), &end), end == scalar(vnode) || *end)) {
		return fail_at(c, IAPT_EINVAL, vnode->start_mark,
			       "%s: '%s' is not one of flows, prevalence, flows_with_scarring (or their numbers 0, 1, 2)", what,
			       scalar(vnode));
	} else if ((rc = get_number(c, vnode, what, &v))) {
		return rc;
	}
	snprintf(origin, sizeof origin, "%s:%zu", c->path, vnode->start_mark.line + 1);
	if ((rc = iapt_params_set(c->sc->params, idx, year, v, origin))) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
		/* the registry's message names the parameter; say where it came from */
		return fail_at(c, rc, vnode->start_mark, "parameters.%s", msg);
	}
	return IAPT_OK;
}

static int h_parameters(ctx *c, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	int rc;
	if ((rc = check_mapping(c, n, "parameters")))
		return rc;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *pname = scalar(k);
		size_t idx;
		if (iapt_params_find(c->sc->params, pname, &idx) != IAPT_OK) {
			char msg[512];
			snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
			return fail_at(c, IAPT_ENOTFOUND, k->start_mark, "parameters: %s", msg);
		}
		c->given->param[idx] = c->depth;
		/* over a base, a parameter named here is replaced whole: a number here drops the
		 * base's year-by-year values (docs/scenario.md, "Starting from another scenario") */
		if (c->has_base) {
			iapt_param_info info;
			iapt_params_info(c->sc->params, idx, &info);
			if (info.n_schedule && (rc = iapt_params_set_constant(c->sc->params, idx, info.value, info.origin)))
				return rc;
		}
		if (v->type == YAML_MAPPING_NODE) {
			/* year-specific values: { 2012: 0.15, 2016-17: 0.11 } apply from that year on */
			yaml_node_pair_t *q;
			char what[256];
			snprintf(what, sizeof what, "parameters.%s", pname);
			if ((rc = check_mapping(c, v, what)))
				return rc;
			if (v->data.mapping.pairs.start == v->data.mapping.pairs.top)
				return fail_at(c, IAPT_EINVAL, v->start_mark, "%s: expected a number or {year: value, ...}, got an empty mapping", what);
			for (q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *yk = yaml_document_get_node(c->doc, q->key);
				yaml_node_t *yv = yaml_document_get_node(c->doc, q->value);
				yaml_node_pair_t *e;
				int year;
				if ((rc = get_year(c, yk, what, &year)))
					return rc;
				/* 2016 and 2016-17 are one year in two spellings: the mapping's own
				 * duplicate check compares text, so compare the years too */
				for (e = v->data.mapping.pairs.start; e < q; e++) {
					yaml_node_t *ek = yaml_document_get_node(c->doc, e->key);
					int y2 = 0;
					if (!get_year(c, ek, what, &y2) && y2 == year) {
						char lab[8];
						return fail_at(c, IAPT_EINVAL, yk->start_mark, "%s: year %s given twice (first as '%s' on line %zu)", what,
							       iapt_year_label(year, lab), scalar(ek), ek->start_mark.line + 1);
					}
				}
				if ((rc = set_param(c, idx, year, yv, pname)))
					return rc;
			}
		} else if ((rc = set_param(c, idx, 0, v, pname))) {
			return rc;
		}
	}
	return IAPT_OK;
}

/* ---- economics: { price_year, discount, perspectives, thresholds, qaly_value, ... } ---- */

/* { 0: 0.035, 31: 0.03 }: rate from year N of the appraisal on */
static int get_schedule(ctx *c, yaml_node_t *n, const char *what, iapt_discount_schedule *out)
{
	yaml_node_pair_t *p;
	int rc, k = 0;
	if (n->type == YAML_SCALAR_NODE) {
		double r;
		if ((rc = get_number(c, n, what, &r)))
			return rc;
		if (!(r >= 0 && r < 1))
			return fail_at(c, IAPT_ERANGE, n->start_mark, "%s: %s is out of range [0, 1)", what, scalar(n));
		out->n = 1;
		out->from[0] = 0;
		out->rate[0] = r;
		return IAPT_OK;
	}
	if ((rc = check_mapping(c, n, what)))
		return rc;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++, k++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		long long from = 0;
		double r;
		if (k >= IAPT_DISCOUNT_MAX_STEPS)
			return fail_at(c, IAPT_EINVAL, kn->start_mark, "%s: at most %d steps", what, IAPT_DISCOUNT_MAX_STEPS);
		if ((rc = get_int(c, kn, what, 0, 1000, &from)))
			return rc;
		if (k == 0 && from != 0)
			return fail_at(c, IAPT_EINVAL, kn->start_mark, "%s: the first step must be year 0, got %lld", what, from);
		if (k > 0 && from <= out->from[k - 1])
			return fail_at(c, IAPT_EINVAL, kn->start_mark, "%s: year %lld does not come after year %d", what, from, out->from[k - 1]);
		if ((rc = get_number(c, vn, what, &r)))
			return rc;
		if (!(r >= 0 && r < 1))
			return fail_at(c, IAPT_ERANGE, vn->start_mark, "%s: %s is out of range [0, 1)", what, scalar(vn));
		out->from[k] = (int)from;
		out->rate[k] = r;
	}
	if (k == 0)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: expected {0: rate, year: rate, ...}, got an empty mapping", what);
	out->n = k;
	return IAPT_OK;
}

static int e_discount(ctx *c, yaml_node_t *n)
{
	iapt_econ_settings *e = &c->sc->econ;
	yaml_node_pair_t *p;
	int rc, have_costs = 0, have_health = 0;
	if (n->type == YAML_SCALAR_NODE) {
		if (iapt_econ_discount_preset(e, scalar(n)) != IAPT_OK)
			return fail_at(c, IAPT_EINVAL, n->start_mark, "economics.discount: unknown schedule '%s' (known: green_book, nice, or {costs: ..., health: ...})", scalar(n));
		return IAPT_OK;
	}
	if ((rc = check_mapping(c, n, "economics.discount")))
		return rc;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		if (strcmp(scalar(kn), "costs") == 0) {
			rc = get_schedule(c, vn, "economics.discount.costs", &e->costs);
			have_costs = 1;
		} else if (strcmp(scalar(kn), "health") == 0) {
			rc = get_schedule(c, vn, "economics.discount.health", &e->health);
			have_health = 1;
		} else {
			return fail_at(c, IAPT_EINVAL, kn->start_mark, "economics.discount: unknown key '%s' (known: costs, health)", scalar(kn));
		}
		if (rc)
			return rc;
	}
	if (!have_costs || !have_health)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "economics.discount: a custom schedule needs both costs and health");
	snprintf(e->discount, sizeof e->discount, "custom");
	return IAPT_OK;
}

/* A financial year that the price index covers. */
static int get_price_year(ctx *c, yaml_node_t *n, const char *what, int *out)
{
	int rc = get_year(c, n, what, out);
	double l;
	if (!rc && iapt_price_level(*out, &l) != IAPT_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
		return fail_at(c, IAPT_ERANGE, n->start_mark, "%s: %s", what, msg);
	}
	return rc;
}

static int e_price_year(ctx *c, yaml_node_t *n)
{
	return get_price_year(c, n, "economics.price_year", &c->sc->econ.price_year);
}

static int e_perspectives(ctx *c, yaml_node_t *n)
{
	yaml_node_item_t *it;
	unsigned mask = 0;
	int k;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "economics.perspectives: expected a list like [nhs, exchequer, societal], got %s", node_kind(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *v = yaml_document_get_node(c->doc, *it);
		if (v->type != YAML_SCALAR_NODE)
			return fail_at(c, IAPT_EINVAL, v->start_mark, "economics.perspectives: expected a name, got %s", node_kind(v));
		for (k = 0; k < IAPT_PERSP__COUNT; k++)
			if (strcmp(scalar(v), iapt_perspective_name(k)) == 0)
				break;
		if (k == IAPT_PERSP__COUNT)
			return fail_at(c, IAPT_EINVAL, v->start_mark, "economics.perspectives: unknown perspective '%s' (known: nhs, exchequer, societal)", scalar(v));
		mask |= 1u << k;
	}
	if (!mask)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "economics.perspectives: name at least one of nhs, exchequer, societal");
	c->sc->econ.perspectives = mask;
	return IAPT_OK;
}

static int e_thresholds(ctx *c, yaml_node_t *n)
{
	iapt_econ_settings *e = &c->sc->econ;
	yaml_node_item_t *it;
	int k = 0, rc;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "economics.thresholds: expected a list of GBP per QALY, got %s", node_kind(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, k++) {
		yaml_node_t *v = yaml_document_get_node(c->doc, *it);
		double t;
		if (k >= IAPT_ECON_MAX_THRESHOLDS)
			return fail_at(c, IAPT_EINVAL, v->start_mark, "economics.thresholds: at most %d thresholds", IAPT_ECON_MAX_THRESHOLDS);
		if ((rc = get_number(c, v, "economics.thresholds", &t)))
			return rc;
		if (!(t >= 0 && t <= 1e7) || t != floor(t))
			return fail_at(c, IAPT_ERANGE, v->start_mark, "economics.thresholds: %s is not a whole number of GBP in [0, 10000000]", scalar(v));
		e->thresholds[k] = t;
	}
	e->n_thresholds = k;
	return IAPT_OK;
}

static int e_bounded(ctx *c, yaml_node_t *n, const char *what, double lo, double hi, double *out)
{
	double v = 0;
	int rc = get_number(c, n, what, &v);
	if (rc)
		return rc;
	if (!(v >= lo && v <= hi))
		return fail_at(c, IAPT_ERANGE, n->start_mark, "%s: %s is out of range [%g, %g]", what, scalar(n), lo, hi);
	*out = v;
	return IAPT_OK;
}

static int e_qaly_value(ctx *c, yaml_node_t *n)
{
	return e_bounded(c, n, "economics.qaly_value", 0, 1e7, &c->sc->econ.qaly_value);
}

static int e_qaly_year(ctx *c, yaml_node_t *n)
{
	return get_price_year(c, n, "economics.qaly_value_price_year", &c->sc->econ.qaly_value_year);
}

static int e_wellby_value(ctx *c, yaml_node_t *n)
{
	return e_bounded(c, n, "economics.wellby_value", 0, 1e7, &c->sc->econ.wellby_value);
}

static int e_wellby_year(ctx *c, yaml_node_t *n)
{
	return get_price_year(c, n, "economics.wellby_value_price_year", &c->sc->econ.wellby_value_year);
}

static int e_health_value(ctx *c, yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || iapt_health_value_parse(scalar(n), &c->sc->econ.health_value))
		return fail_at(c, IAPT_EINVAL, n->start_mark, "economics.health_value: '%s' is not one of qaly, wellby (which health measure enters the NPV)",
			       n->type == YAML_SCALAR_NODE ? scalar(n) : "(not a word)");
	return IAPT_OK;
}

static int e_optimism(ctx *c, yaml_node_t *n)
{
	return e_bounded(c, n, "economics.optimism_bias", 0, 10, &c->sc->econ.optimism_bias);
}

static int e_accrual(ctx *c, yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || iapt_accrual_parse(scalar(n), &c->sc->econ.accrual))
		return fail_at(c, IAPT_EINVAL, n->start_mark, "economics.accrual: '%s' is not one of start, middle, end",
			       n->type == YAML_SCALAR_NODE ? scalar(n) : "(not a word)");
	return IAPT_OK;
}

static const struct {
	const char *key;
	int (*handler)(ctx *, yaml_node_t *);
} econ_keys[] = {
	{"price_year", e_price_year},
	{"discount", e_discount},
	{"perspectives", e_perspectives},
	{"thresholds", e_thresholds},
	{"qaly_value", e_qaly_value},
	{"qaly_value_price_year", e_qaly_year},
	{"optimism_bias", e_optimism},
	{"accrual", e_accrual},
	{"health_value", e_health_value},
	{"wellby_value", e_wellby_value},
	{"wellby_value_price_year", e_wellby_year},
};
#define N_ECON (sizeof econ_keys / sizeof econ_keys[0])

static int h_economics(ctx *c, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	const char *names[N_ECON];
	char key[64];
	size_t i;
	int rc;
	for (i = 0; i < N_ECON; i++)
		names[i] = econ_keys[i].key;
	if ((rc = check_mapping(c, n, "economics")))
		return rc;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		for (i = 0; i < N_ECON; i++)
			if (strcmp(scalar(k), econ_keys[i].key) == 0)
				break;
		if (i == N_ECON) {
			const char *near = iapt_str__suggest(scalar(k), names, N_ECON);
			if (near)
				return fail_at(c, IAPT_EINVAL, k->start_mark, "economics: unknown key '%s' (did you mean '%s'?)", scalar(k), near);
			return fail_at(c, IAPT_EINVAL, k->start_mark, "economics: unknown key '%s' (known: price_year, discount, perspectives, thresholds, qaly_value, qaly_value_price_year, optimism_bias, accrual, health_value, wellby_value, wellby_value_price_year)", scalar(k));
		}
		if ((rc = econ_keys[i].handler(c, v)))
			return rc;
		snprintf(key, sizeof key, "economics.%s", econ_keys[i].key);
		if ((rc = iapt_scenario__origin(c, key, k->start_mark)))
			return rc;
	}
	return IAPT_OK;
}

/* ---- plugins: [{use: NAME or PATH, with: {option: value}, instructions: N, memory_mb: N}] ----
 * Kept as written, with the place of each value; the Lua host loads the plugins and checks
 * the values against their options (iapt_plugins_load), with messages at these places. */

/* The place of mark, as fail_at shows it. */
static int loc_of(ctx *c, yaml_mark_t mark, iapt_source_loc *out)
{
	const char *ls = c->text, *le;
	size_t line = 0;
	while (line < mark.line && ls < c->text + c->len) {
		const char *nl = memchr(ls, '\n', (size_t)(c->text + c->len - ls));
		if (!nl) break;
		ls = nl + 1;
		line++;
	}
	le = ls;
	while (le < c->text + c->len && *le != '\n' && *le != '\r')
		le++;
	out->line = mark.line;
	out->col = mark.column;
	if (!(out->file = iapt_str__dup(c->path)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	if (le > ls || mark.line == line) {
		if (!(out->text = malloc((size_t)(le - ls) + 1)))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		memcpy(out->text, ls, (size_t)(le - ls));
		out->text[le - ls] = '\0';
	}
	return IAPT_OK;
}

static void loc_free(iapt_source_loc *l)
{
	free(l->file);
	free(l->text);
}

static void spec_free(iapt_plugin_spec *sp)
{
	size_t k;
	free(sp->use);
	loc_free(&sp->use_at);
	free(sp->base_dir);
	loc_free(&sp->with_at);
	for (k = 0; k < sp->n_with; k++) {
		free(sp->with[k].name);
		loc_free(&sp->with[k].name_at);
		free(sp->with[k].value);
		loc_free(&sp->with[k].value_at);
	}
	free(sp->with);
}

static int with_entries(ctx *c, iapt_plugin_spec *sp, yaml_node_t *with)
{
	yaml_node_pair_t *p;
	int rc;
	if ((rc = loc_of(c, with->start_mark, &sp->with_at)))
		return rc;
	if (with->type != YAML_MAPPING_NODE) {
		sp->with_shape = node_kind(with); /* the host says so, naming the plugin */
		return IAPT_OK;
	}
	if ((rc = check_mapping(c, with, "plugins.with")))
		return rc;
	sp->with = calloc((size_t)(with->data.mapping.pairs.top - with->data.mapping.pairs.start) + 1, sizeof *sp->with);
	if (!sp->with)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (p = with->data.mapping.pairs.start; p < with->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key), *v = yaml_document_get_node(c->doc, p->value);
		iapt_plugin_setting *st = &sp->with[sp->n_with++];
		if (!(st->name = iapt_str__dup(scalar(k))))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		if ((rc = loc_of(c, k->start_mark, &st->name_at)) || (rc = loc_of(c, v->start_mark, &st->value_at)))
			return rc;
		if (v->type == YAML_SCALAR_NODE) {
			if (!(st->value = iapt_str__dup(scalar(v))))
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			st->quoted = !is_plain(v);
		} else {
			st->shape = node_kind(v);
		}
	}
	return IAPT_OK;
}

static int plugin_entry(ctx *c, yaml_node_t *n)
{
	static const char *const keys[] = {"use", "with", "instructions", "memory_mb"};
	yaml_node_pair_t *p;
	yaml_node_t *use = NULL, *with = NULL, *instr = NULL, *mem = NULL;
	iapt_plugin_spec *sp, *grown;
	char *slash;
	long long lim = 0;
	int rc;
	if ((rc = check_mapping(c, n, "plugins[]")))
		return rc;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key), *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k);
		if (strcmp(key, "use") == 0)
			use = v;
		else if (strcmp(key, "with") == 0)
			with = v;
		else if (strcmp(key, "instructions") == 0)
			instr = v;
		else if (strcmp(key, "memory_mb") == 0)
			mem = v;
		else {
			const char *near = iapt_str__suggest(key, keys, 4);
			return fail_at(c, IAPT_EINVAL, k->start_mark, "plugins: unknown key '%s'%s%s%s (known: use, with, instructions, memory_mb)",
				       key, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		}
	}
	if (!use)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "plugins: each entry needs 'use: NAME' (a built-in plugin) or 'use: ./file.lua'");
	if (use->type != YAML_SCALAR_NODE || !scalar(use)[0])
		return fail_at(c, IAPT_EINVAL, use->start_mark, "plugins.use: expected a plugin name or a path");
	grown = realloc(c->sc->plugin_specs, (c->sc->n_plugin_specs + 1) * sizeof *grown);
	if (!grown)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	c->sc->plugin_specs = grown;
	sp = &c->sc->plugin_specs[c->sc->n_plugin_specs++];
	memset(sp, 0, sizeof *sp);
	if (instr && (rc = get_int(c, instr, "plugins.instructions", 1000, 2000000000LL, &lim)))
		return rc;
	sp->instructions = instr ? (long)lim : 0;
	if (mem && (rc = get_int(c, mem, "plugins.memory_mb", 1, 4096, &lim)))
		return rc;
	sp->memory_mb = mem ? (int)lim : 0;
	if (!(sp->use = iapt_str__dup(scalar(use))) || !(sp->base_dir = iapt_str__dup(c->path)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	/* paths are relative to the scenario file's folder */
	if ((slash = strrchr(sp->base_dir, '/')))
		*slash = '\0';
	else {
		free(sp->base_dir);
		sp->base_dir = NULL;
	}
	if ((rc = loc_of(c, use->start_mark, &sp->use_at)))
		return rc;
	return with ? with_entries(c, sp, with) : IAPT_OK;
}

static int h_plugins(ctx *c, yaml_node_t *n)
{
	yaml_node_item_t *it;
	int rc;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "plugins: expected a list of {use: NAME, with: {...}}, got %s", node_kind(n));
	/* a file's list replaces its base's (a key is given once per file: only a base's are here) */
	for (size_t k = 0; k < c->sc->n_plugin_specs; k++)
		spec_free(&c->sc->plugin_specs[k]);
	c->sc->n_plugin_specs = 0;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		if ((rc = plugin_entry(c, yaml_document_get_node(c->doc, *it))))
			return rc;
	return IAPT_OK;
}

/* ---- uncertainty: { name: {dist: ..., ...}, correlations: [[a, b, rho], ...] } ---- */

static int find_param(ctx *c, yaml_node_t *k, const char *block, size_t *idx)
{
	if (iapt_params_find(c->sc->params, scalar(k), idx) != IAPT_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
		return fail_at(c, IAPT_ENOTFOUND, k->start_mark, "%s: %s", block, msg);
	}
	/* parameters that shape the run (its length, its services, the ledger) stay fixed */
	if (iapt_params__shapes_run(*idx))
		return fail_at(c, IAPT_EINVAL, k->start_mark, "%s: %s shapes the run and cannot vary", block, scalar(k));
	return IAPT_OK;
}

static const struct {
	const char *name;
	iapt_dist_kind kind;
	const char *a, *b;       /* the natural parameters */
	int by_moments;          /* may be given as mean and sd instead */
} dists[] = {
	{"fixed", IAPT_DIST_FIXED, "value", NULL, 0},
	{"normal", IAPT_DIST_NORMAL, "mean", "sd", 0},
	{"beta", IAPT_DIST_BETA, "alpha", "beta", 1},
	{"gamma", IAPT_DIST_GAMMA, "shape", "scale", 1},
	{"lognormal", IAPT_DIST_LOGNORMAL, "meanlog", "sdlog", 1},
	{"uniform", IAPT_DIST_UNIFORM, "min", "max", 0},
	{"discrete", IAPT_DIST_DISCRETE, "weights", NULL, 0},
};
#define N_DISTS (sizeof dists / sizeof dists[0])

/* {dist: discrete, weights: [w0, w1, ...]}: the whole numbers 0, 1, ... with chances in
 * proportion to the weights, for a whole-number parameter (structural uncertainty: which
 * employment mechanism, docs/uncertainty.md). */
static int get_discrete(ctx *c, yaml_node_t *k, yaml_node_t *v, iapt_uncertain *u, const char *what)
{
	yaml_node_pair_t *p;
	yaml_node_t *wn = NULL;
	yaml_node_item_t *it;
	iapt_param_info info;
	double sum = 0;
	size_t i;
	int rc, n = 0;
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *kk = yaml_document_get_node(c->doc, p->key);
		if (!strcmp(scalar(kk), "dist"))
			continue;
		if (strcmp(scalar(kk), "weights"))
			return fail_at(c, IAPT_EINVAL, kk->start_mark, "%s: a discrete distribution takes weights; not '%s'", what, scalar(kk));
		wn = yaml_document_get_node(c->doc, p->value);
	}
	if (!wn || wn->type != YAML_SEQUENCE_NODE)
		return fail_at(c, IAPT_EINVAL, wn ? wn->start_mark : v->start_mark, "%s: a discrete distribution needs weights: a list, one for each value 0, 1, ...", what);
	iapt_params_info(c->sc->params, u->param, &info);
	if (!info.integer)
		return fail_at(c, IAPT_EINVAL, v->start_mark, "%s: a discrete distribution is for a whole-number parameter", what);
	for (it = wn->data.sequence.items.start; it < wn->data.sequence.items.top; it++, n++) {
		yaml_node_t *x = yaml_document_get_node(c->doc, *it);
		double w;
		if (n >= IAPT_DIST_MAX_LEVELS)
			return fail_at(c, IAPT_EINVAL, x->start_mark, "%s: at most %d weights", what, IAPT_DIST_MAX_LEVELS);
		if ((rc = get_number(c, x, what, &w)))
			return rc;
		if (!(w >= 0))
			return fail_at(c, IAPT_ERANGE, x->start_mark, "%s: weight %s is negative", what, scalar(x));
		u->w[n] = w;
		sum += w;
	}
	if (!(sum > 0))
		return fail_at(c, IAPT_ERANGE, wn->start_mark, "%s: the weights add up to 0", what);
	for (i = 0; i < (size_t)n; i++)
		u->w[i] /= sum;
	u->n_levels = n;
	u->a = 0;
	u->b = n - 1;
	if (u->b > info.max)
		return fail_at(c, IAPT_ERANGE, wn->start_mark, "%s: %d weights give values 0 to %d, beyond the parameter's largest, %g", what, n, n - 1, info.max);
	snprintf(u->origin, sizeof u->origin, "%s:%zu:%zu", c->path, v->start_mark.line + 1, v->start_mark.column + 1);
	for (i = 0; i < c->sc->n_uncertain; i++)
		if (c->sc->uncertain[i].param == u->param && &c->sc->uncertain[i] != u)
			return fail_at(c, IAPT_EINVAL, k->start_mark, "%s: given twice", what);
	return IAPT_OK;
}

static int get_dist(ctx *c, yaml_node_t *k, yaml_node_t *v, iapt_uncertain *u)
{
	yaml_node_pair_t *p;
	yaml_node_t *dn = NULL, *an = NULL, *bn = NULL, *mn = NULL, *sn = NULL;
	char what[256], msg[256];
	const char *names[N_DISTS];
	size_t d, i;
	double a = 0, b = 0, m = 0, sd = 0, var;
	int rc;
	iapt_param_info info;
	snprintf(what, sizeof what, "uncertainty.%s", scalar(k));
	if ((rc = check_mapping(c, v, what)))
		return rc;
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++)
		if (!strcmp(scalar(yaml_document_get_node(c->doc, p->key)), "dist"))
			dn = yaml_document_get_node(c->doc, p->value);
	if (!dn || dn->type != YAML_SCALAR_NODE)
		return fail_at(c, IAPT_EINVAL, v->start_mark, "%s: needs 'dist:' (fixed, normal, beta, gamma, lognormal, uniform or discrete)", what);
	for (d = 0; d < N_DISTS; d++) {
		names[d] = dists[d].name;
		if (!strcmp(scalar(dn), dists[d].name))
			break;
	}
	if (d == N_DISTS) {
		const char *near = iapt_str__suggest(scalar(dn), names, N_DISTS);
		return fail_at(c, IAPT_EINVAL, dn->start_mark, "%s: unknown distribution '%s'%s%s%s (fixed, normal, beta, gamma, lognormal, uniform, discrete)",
			       what, scalar(dn), near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
	}
	u->dist = dists[d].kind;
	if (u->dist == IAPT_DIST_DISCRETE)
		return get_discrete(c, k, v, u, what);
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *kk = yaml_document_get_node(c->doc, p->key), *vv = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(kk);
		if (!strcmp(key, "dist"))
			continue;
		if (!strcmp(key, dists[d].a))
			an = vv;
		else if (dists[d].b && !strcmp(key, dists[d].b))
			bn = vv;
		else if (dists[d].by_moments && !strcmp(key, "mean"))
			mn = vv;
		else if (dists[d].by_moments && !strcmp(key, "sd"))
			sn = vv;
		else if (dists[d].by_moments)
			return fail_at(c, IAPT_EINVAL, kk->start_mark, "%s: a %s takes %s and %s, or mean and sd; not '%s'", what,
				       dists[d].name, dists[d].a, dists[d].b, key);
		else if (dists[d].b)
			return fail_at(c, IAPT_EINVAL, kk->start_mark, "%s: a %s takes %s and %s; not '%s'", what, dists[d].name,
				       dists[d].a, dists[d].b, key);
		else
			return fail_at(c, IAPT_EINVAL, kk->start_mark, "%s: a fixed value takes 'value'; not '%s'", what, key);
	}
	if ((an || bn) && (mn || sn))
		return fail_at(c, IAPT_EINVAL, v->start_mark, "%s: give %s and %s, or mean and sd, not both", what, dists[d].a, dists[d].b);
	if (mn || sn) {
		if (!mn || !sn)
			return fail_at(c, IAPT_EINVAL, v->start_mark, "%s: give both mean and sd", what);
		if ((rc = get_number(c, mn, what, &m)) || (rc = get_number(c, sn, what, &sd)))
			return rc;
		if (!(sd > 0))
			return fail_at(c, IAPT_ERANGE, sn->start_mark, "%s: sd must be more than 0", what);
		var = sd * sd;
		if (u->dist == IAPT_DIST_BETA) {
			if (!(m > 0 && m < 1) || !(var < m * (1 - m)))
				return fail_at(c, IAPT_ERANGE, mn->start_mark, "%s: a beta needs 0 < mean < 1 and sd^2 < mean (1 - mean) (here %g and %g)",
					       what, m, var);
			a = m * (m * (1 - m) / var - 1);
			b = (1 - m) * (m * (1 - m) / var - 1);
		} else if (u->dist == IAPT_DIST_GAMMA) {
			if (!(m > 0))
				return fail_at(c, IAPT_ERANGE, mn->start_mark, "%s: a gamma needs mean > 0", what);
			a = m * m / var;
			b = var / m;
		} else { /* lognormal */
			if (!(m > 0))
				return fail_at(c, IAPT_ERANGE, mn->start_mark, "%s: a lognormal needs mean > 0", what);
			b = sqrt(log1p(var / (m * m)));
			a = log(m) - b * b / 2;
		}
	} else {
		if (!an || (dists[d].b && !bn))
			return fail_at(c, IAPT_EINVAL, v->start_mark, dists[d].b ? "%s: a %s needs %s and %s%s" : "%s: a %s needs %s%s%s", what,
				       dists[d].name, dists[d].a, dists[d].b ? dists[d].b : "", dists[d].by_moments ? " (or mean and sd)" : "");
		if ((rc = get_number(c, an, what, &a)) || (bn && (rc = get_number(c, bn, what, &b))))
			return rc;
		if (u->dist == IAPT_DIST_NORMAL && !(b > 0))
			return fail_at(c, IAPT_ERANGE, bn->start_mark, "%s: sd must be more than 0", what);
		if ((u->dist == IAPT_DIST_BETA || u->dist == IAPT_DIST_GAMMA) && !(a > 0 && b > 0))
			return fail_at(c, IAPT_ERANGE, an->start_mark, "%s: %s and %s must be more than 0", what, dists[d].a, dists[d].b);
		if (u->dist == IAPT_DIST_LOGNORMAL && !(b > 0))
			return fail_at(c, IAPT_ERANGE, bn->start_mark, "%s: sdlog must be more than 0", what);
		if (u->dist == IAPT_DIST_UNIFORM && !(a < b))
			return fail_at(c, IAPT_ERANGE, an->start_mark, "%s: min must be less than max", what);
	}
	u->a = a;
	u->b = b;
	iapt_params_info(c->sc->params, u->param, &info);
	if ((rc = iapt_uncertain__check(u, info.min, info.max, msg, sizeof msg)))
		return fail_at(c, rc, v->start_mark, "%s: %s", what, msg);
	snprintf(u->origin, sizeof u->origin, "%s:%zu:%zu", c->path, v->start_mark.line + 1, v->start_mark.column + 1);
	for (i = 0; i < c->sc->n_uncertain; i++)
		if (c->sc->uncertain[i].param == u->param && &c->sc->uncertain[i] != u)
			return fail_at(c, IAPT_EINVAL, k->start_mark, "%s: given twice", what);
	return IAPT_OK;
}

const iapt_uncertain *iapt_scenario_uncertain(const iapt_scenario *sc, size_t param)
{
	size_t k;
	for (k = 0; k < sc->n_uncertain; k++)
		if (sc->uncertain[k].param == param)
			return &sc->uncertain[k];
	return NULL;
}

static int get_correlations(ctx *c, yaml_node_t *n)
{
	yaml_node_item_t *it;
	yaml_node_t **seen = NULL; /* [m * m]: where each pair was given, to refuse a second */
	size_t m = c->sc->n_uncertain, k;
	int rc = IAPT_OK;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "uncertainty.correlations: expected a list of [parameter, parameter, correlation]");
	if (!(c->sc->correlation = calloc(m * m + 1, sizeof(double))) || !(seen = calloc(m * m + 1, sizeof *seen)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (k = 0; k < m; k++)
		c->sc->correlation[k * m + k] = 1;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, *it), *x[3];
		size_t ix[2], j, p;
		const iapt_uncertain *u;
		double rho;
		if (e->type != YAML_SEQUENCE_NODE || e->data.sequence.items.top - e->data.sequence.items.start != 3) {
			rc = fail_at(c, IAPT_EINVAL, e->start_mark, "uncertainty.correlations: each entry is [parameter, parameter, correlation]");
			goto done;
		}
		for (j = 0; j < 3; j++)
			x[j] = yaml_document_get_node(c->doc, e->data.sequence.items.start[j]);
		for (j = 0; j < 2; j++) {
			if (x[j]->type != YAML_SCALAR_NODE || iapt_params_find(c->sc->params, scalar(x[j]), &p) != IAPT_OK ||
			    !(u = iapt_scenario_uncertain(c->sc, p))) {
				rc = fail_at(c, IAPT_EINVAL, x[j]->start_mark, "uncertainty.correlations: '%s' has no distribution in this uncertainty block",
					     x[j]->type == YAML_SCALAR_NODE ? scalar(x[j]) : "?");
				goto done;
			}
			ix[j] = (size_t)(u - c->sc->uncertain);
		}
		if (ix[0] == ix[1]) {
			rc = fail_at(c, IAPT_EINVAL, x[1]->start_mark, "uncertainty.correlations: a parameter with itself");
			goto done;
		}
		if ((rc = get_number(c, x[2], "uncertainty.correlations", &rho)))
			goto done;
		if (!(rho > -1 && rho < 1)) {
			rc = fail_at(c, IAPT_ERANGE, x[2]->start_mark, "uncertainty.correlations: %s is out of range (-1, 1)", scalar(x[2]));
			goto done;
		}
		if (seen[ix[0] * m + ix[1]]) {
			rc = fail_at(c, IAPT_EINVAL, e->start_mark, "uncertainty.correlations: %s and %s are given a correlation twice (first on line %zu)",
				     scalar(x[0]), scalar(x[1]), seen[ix[0] * m + ix[1]]->start_mark.line + 1);
			goto done;
		}
		seen[ix[0] * m + ix[1]] = seen[ix[1] * m + ix[0]] = e;
		c->sc->correlation[ix[0] * m + ix[1]] = c->sc->correlation[ix[1] * m + ix[0]] = rho;
	}
	if ((rc = iapt_uncertain__check_correlation(c->sc)))
		rc = fail_at(c, rc, n->start_mark, "%s", iapt_error_last()->message);
done:
	free(seen);
	return rc;
}

static int h_uncertainty(ctx *c, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	yaml_node_t *corr = NULL;
	size_t count = 0;
	int rc;
	if ((rc = check_mapping(c, n, "uncertainty")))
		return rc;
	/* the block replaces its base's whole, correlations too */
	free(c->sc->uncertain);
	free(c->sc->correlation);
	c->sc->uncertain = NULL;
	c->sc->correlation = NULL;
	c->sc->n_uncertain = 0;
	c->given->uncertainty = c->depth;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		count++;
	if (!(c->sc->uncertain = calloc(count + 1, sizeof *c->sc->uncertain)) ||
	    !(c->umarks = calloc(count + 1, sizeof *c->umarks)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key), *v = yaml_document_get_node(c->doc, p->value);
		iapt_uncertain *u = &c->sc->uncertain[c->sc->n_uncertain];
		if (!strcmp(scalar(k), "correlations")) {
			corr = v;
			continue;
		}
		if ((rc = find_param(c, k, "uncertainty", &u->param)))
			return rc;
		c->umarks[c->sc->n_uncertain] = k->start_mark;
		c->sc->n_uncertain++;
		if ((rc = get_dist(c, k, v, u)))
			return rc;
	}
	return corr ? get_correlations(c, corr) : IAPT_OK;
}

/* ---- sensitivity: { name: [low, high], ... } ---- */

static int h_sensitivity(ctx *c, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	size_t count = 0;
	int rc;
	if ((rc = check_mapping(c, n, "sensitivity")))
		return rc;
	free(c->sc->ranges);
	c->sc->ranges = NULL;
	c->sc->n_ranges = 0;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		count++;
	if (!(c->sc->ranges = calloc(count + 1, sizeof *c->sc->ranges)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key), *v = yaml_document_get_node(c->doc, p->value);
		iapt_range *r = &c->sc->ranges[c->sc->n_ranges];
		iapt_param_info info;
		char what[256];
		if ((rc = find_param(c, k, "sensitivity", &r->param)))
			return rc;
		snprintf(what, sizeof what, "sensitivity.%s", scalar(k));
		if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top - v->data.sequence.items.start != 2)
			return fail_at(c, IAPT_EINVAL, v->start_mark, "%s: expected [low, high]", what);
		if ((rc = get_number(c, yaml_document_get_node(c->doc, v->data.sequence.items.start[0]), what, &r->low)) ||
		    (rc = get_number(c, yaml_document_get_node(c->doc, v->data.sequence.items.start[1]), what, &r->high)))
			return rc;
		iapt_params_info(c->sc->params, r->param, &info);
		if (!(r->low < r->high))
			return fail_at(c, IAPT_ERANGE, v->start_mark, "%s: low %g must be less than high %g", what, r->low, r->high);
		if (r->low < info.min || r->high > info.max)
			return fail_at(c, IAPT_ERANGE, v->start_mark, "%s: [%g, %g] goes outside the parameter's bounds [%g, %g]", what, r->low,
				       r->high, info.min, info.max);
		c->sc->n_ranges++;
	}
	return IAPT_OK;
}

/* compare_to: BASE.yaml, relative to this scenario's folder */
static int h_compare_to(ctx *c, yaml_node_t *n)
{
	const char *slash = strrchr(c->path, '/');
	iapt_buf b = {0};
	if (n->type != YAML_SCALAR_NODE || !scalar(n)[0])
		return fail_at(c, IAPT_EINVAL, n->start_mark, "compare_to: expected the path of the base scenario");
	if (scalar(n)[0] == '/' || !slash)
		iapt_buf__printf(&b, "%s", scalar(n));
	else
		iapt_buf__printf(&b, "%.*s/%s", (int)(slash - c->path), c->path, scalar(n));
	if (!iapt_buf__ok(&b))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	if (!strcmp(b.ptr, c->path)) {
		iapt_buf__free(&b);
		return fail_at(c, IAPT_EINVAL, n->start_mark, "compare_to: a scenario cannot be its own base");
	}
	free(c->sc->compare_to);
	c->sc->compare_to = b.ptr;
	return IAPT_OK;
}

/* include: FILE.yaml (or a list): files holding a parameters block, such as the fitted.yaml
 * that iaptsim calibrate writes; relative to this scenario's folder, applied where the key
 * stands (a later parameters block overrides them). */
static int include_one(ctx *c, yaml_node_t *n)
{
	const char *slash = strrchr(c->path, '/');
	iapt_buf path = {0};
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *p;
	ctx sub;
	char *text = NULL;
	size_t len;
	int rc;
	if (n->type != YAML_SCALAR_NODE || !scalar(n)[0])
		return fail_at(c, IAPT_EINVAL, n->start_mark, "include: expected a file name");
	if (scalar(n)[0] == '/' || !slash)
		iapt_buf__printf(&path, "%s", scalar(n));
	else
		iapt_buf__printf(&path, "%.*s/%s", (int)(slash - c->path), c->path, scalar(n));
	if (!iapt_buf__ok(&path))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	if (!strcmp(path.ptr, c->path)) {
		iapt_buf__free(&path);
		return fail_at(c, IAPT_EINVAL, n->start_mark, "include: a scenario cannot include itself");
	}
	if ((rc = iapt_file__read(path.ptr, &text, &len))) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
		iapt_buf__free(&path);
		return fail_at(c, IAPT_EINVAL, n->start_mark, "include: %s", msg);
	}
	memset(&sub, 0, sizeof sub);
	sub.path = path.ptr;
	sub.text = text;
	sub.len = len;
	sub.sc = c->sc;
	sub.depth = c->depth; /* an include's values are its file's */
	sub.given = c->given;
	if ((rc = prescan(&sub)))
		goto done;
	if (!yaml_parser_initialize(&parser)) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto done;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = syntax_error(&sub, &parser);
		yaml_parser_delete(&parser);
		goto done;
	}
	sub.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		yaml_mark_t m = {0, 0, 0};
		rc = fail_at(&sub, IAPT_EINVAL, root ? root->start_mark : m, "an included file holds a parameters block");
	} else if (!(rc = check_mapping(&sub, root, "included file"))) {
		for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top && !rc; p++) {
			yaml_node_t *k = yaml_document_get_node(&doc, p->key);
			if (strcmp(scalar(k), "parameters"))
				rc = fail_at(&sub, IAPT_EINVAL, k->start_mark, "an included file holds only a parameters block; not '%s'", scalar(k));
			else
				rc = h_parameters(&sub, yaml_document_get_node(&doc, p->value));
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
done:
	free(text);
	iapt_buf__free(&path);
	return rc;
}

static int h_include(ctx *c, yaml_node_t *n)
{
	yaml_node_item_t *it;
	int rc;
	if (n->type != YAML_SEQUENCE_NODE)
		return include_one(c, n);
	if (n->data.sequence.items.top - n->data.sequence.items.start > MAX_INCLUDES)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "include: at most %d files", MAX_INCLUDES);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		if ((rc = include_one(c, yaml_document_get_node(c->doc, *it))))
			return rc;
	return IAPT_OK;
}

/* base: is read before the file's other keys, wherever it stands (walk) */
static int h_base_read(ctx *c, yaml_node_t *n)
{
	(void)c;
	(void)n;
	return IAPT_OK;
}

/* services: synthetic | PATH.csv (relative to this scenario's folder); the engine reads and
 * checks the table (iapt_engine_check) */
static int h_services(ctx *c, yaml_node_t *n)
{
	const char *slash = strrchr(c->path, '/');
	iapt_buf b = {0};
	if (n->type != YAML_SCALAR_NODE || !scalar(n)[0])
		return fail_at(c, IAPT_EINVAL, n->start_mark, "services: expected 'synthetic' or the path of a services table (data/services.md)");
	if (!strcmp(scalar(n), IAPT_SERVICES_SYNTHETIC) || scalar(n)[0] == '/' || !slash)
		iapt_buf__printf(&b, "%s", scalar(n));
	else
		iapt_buf__printf(&b, "%.*s/%s", (int)(slash - c->path), c->path, scalar(n));
	if (!iapt_buf__ok(&b))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	free(c->sc->services);
	c->sc->services = b.ptr;
	return IAPT_OK;
}

/* output: { services: true | false } */
static int h_output(ctx *c, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	int rc;
	if ((rc = check_mapping(c, n, "output")))
		return rc;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key), *v = yaml_document_get_node(c->doc, p->value);
		if (strcmp(scalar(k), "services"))
			return fail_at(c, IAPT_EINVAL, k->start_mark, "output: unknown key '%s' (known keys: services)", scalar(k));
		if (v->type == YAML_SCALAR_NODE && !strcmp(scalar(v), "true"))
			c->sc->output_services = 1;
		else if (v->type == YAML_SCALAR_NODE && !strcmp(scalar(v), "false"))
			c->sc->output_services = 0;
		else
			return fail_at(c, IAPT_EINVAL, v->start_mark, "output.services: expected true or false");
	}
	return IAPT_OK;
}

static const struct {
	const char *name;
	double lo, hi;
} svc_features[IAPT_SVCF__COUNT] = {
#define IAPT_X_(id, name, up, lo, hi, doc) {name, lo, hi},
	IAPT_SVC_FEATURE_LIST(IAPT_X_)
#undef IAPT_X_
};

const char *iapt_svc_feature_name(int f)
{
	return f >= 0 && f < IAPT_SVCF__COUNT ? svc_features[f].name : NULL;
}

static int svc_feature(ctx *c, yaml_node_t *n, const char *what)
{
	const char *names[IAPT_SVCF__COUNT], *near;
	int f;
	if (n->type != YAML_SCALAR_NODE)
		return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: expected a feature name, got %s", what, node_kind(n));
	for (f = 0; f < IAPT_SVCF__COUNT; f++) {
		if (!strcmp(scalar(n), svc_features[f].name))
			return f;
		names[f] = svc_features[f].name;
	}
	/* the published features that act through a service's capacity in the model */
	if (!strcmp(scalar(n), "treated") || !strcmp(scalar(n), "wait"))
		return fail_at(c, IAPT_EINVAL, n->start_mark,
			       "%s: '%s' acts through the service's capacity in the model: name 'capacity' (docs/scenario.md, services_policy)", what,
			       scalar(n));
	near = iapt_str__suggest(scalar(n), names, IAPT_SVCF__COUNT);
	return fail_at(c, IAPT_EINVAL, n->start_mark, "%s: unknown feature '%s'%s%s%s (features: pd, step_up, dna, sessions, capacity)", what,
		       scalar(n), near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

/* services_policy: { features: [pd, ...], years: [first, last], floor: best_quartile | {feature: level} } */
static int h_services_policy(ctx *c, yaml_node_t *n)
{
	static const char *const keys[] = {"features", "years", "floor"};
	iapt_services_policy pol;
	yaml_node_pair_t *p;
	yaml_node_t *given[3] = {NULL, NULL, NULL};
	yaml_node_item_t *it;
	int rc, f, k;
	memset(&pol, 0, sizeof pol);
	for (f = 0; f < IAPT_SVCF__COUNT; f++)
		pol.level[f] = NAN;
	if ((rc = check_mapping(c, n, "services_policy")))
		return rc;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		for (k = 0; k < 3 && strcmp(scalar(kn), keys[k]); k++)
			;
		if (k == 3) {
			const char *near = iapt_str__suggest(scalar(kn), keys, 3);
			return fail_at(c, IAPT_EINVAL, kn->start_mark, "services_policy: unknown key '%s'%s%s%s (known keys: features, years, floor)",
				       scalar(kn), near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		}
		given[k] = yaml_document_get_node(c->doc, p->value);
	}
	if (!given[0] || !given[1])
		return fail_at(c, IAPT_EINVAL, n->start_mark, "services_policy: missing '%s' (give features and years)", given[0] ? "years" : "features");
	if (given[0]->type != YAML_SEQUENCE_NODE || given[0]->data.sequence.items.start == given[0]->data.sequence.items.top)
		return fail_at(c, IAPT_EINVAL, given[0]->start_mark, "services_policy.features: expected a list of features, as [pd, dna]");
	for (it = given[0]->data.sequence.items.start; it < given[0]->data.sequence.items.top; it++) {
		yaml_node_t *fn = yaml_document_get_node(c->doc, *it);
		if ((f = svc_feature(c, fn, "services_policy.features")) < 0)
			return f;
		if (pol.features & (1u << f))
			return fail_at(c, IAPT_EINVAL, fn->start_mark, "services_policy.features: '%s' is given twice", scalar(fn));
		pol.features |= 1u << f;
	}
	/* years: [first, last] of the phase-in, or one year for all at once */
	if (given[1]->type == YAML_SEQUENCE_NODE) {
		int ys[2], m = 0;
		for (it = given[1]->data.sequence.items.start; it < given[1]->data.sequence.items.top; it++, m++) {
			if (m == 2)
				return fail_at(c, IAPT_EINVAL, given[1]->start_mark, "services_policy.years: expected [first, last] of the phase-in");
			if ((rc = get_year(c, yaml_document_get_node(c->doc, *it), "services_policy.years", &ys[m])))
				return rc;
		}
		if (m != 2)
			return fail_at(c, IAPT_EINVAL, given[1]->start_mark, "services_policy.years: expected [first, last] of the phase-in");
		if (ys[1] < ys[0])
			return fail_at(c, IAPT_EINVAL, given[1]->start_mark, "services_policy.years: the last year %d is before the first %d", ys[1], ys[0]);
		pol.first_year = ys[0];
		pol.last_year = ys[1];
	} else {
		if ((rc = get_year(c, given[1], "services_policy.years", &pol.first_year)))
			return rc;
		pol.last_year = pol.first_year;
	}
	if (given[2]) {
		yaml_node_t *fl = given[2];
		if (fl->type == YAML_SCALAR_NODE && !strcmp(scalar(fl), "best_quartile"))
			;
		else if (fl->type == YAML_MAPPING_NODE) {
			if ((rc = check_mapping(c, fl, "services_policy.floor")))
				return rc;
			for (p = fl->data.mapping.pairs.start; p < fl->data.mapping.pairs.top; p++) {
				yaml_node_t *kn = yaml_document_get_node(c->doc, p->key), *vn = yaml_document_get_node(c->doc, p->value);
				char what[64];
				double v;
				if ((f = svc_feature(c, kn, "services_policy.floor")) < 0)
					return f;
				if (!(pol.features & (1u << f)))
					return fail_at(c, IAPT_EINVAL, kn->start_mark, "services_policy.floor: '%s' is not in services_policy.features", scalar(kn));
				snprintf(what, sizeof what, "services_policy.floor.%s", svc_features[f].name);
				if (vn->type == YAML_SCALAR_NODE && !strcmp(scalar(vn), "best_quartile"))
					continue;
				if ((rc = get_number(c, vn, what, &v)))
					return rc;
				if (!(v >= svc_features[f].lo && v <= svc_features[f].hi))
					return fail_at(c, IAPT_ERANGE, vn->start_mark, "%s: %s is out of range [%g, %g]", what, scalar(vn), svc_features[f].lo,
						       svc_features[f].hi);
				pol.level[f] = v;
			}
		} else
			return fail_at(c, IAPT_EINVAL, fl->start_mark,
				       "services_policy.floor: expected best_quartile or a level per feature, as {pd: 0.9}");
	}
	c->sc->services_policy = pol;
	return IAPT_OK;
}

typedef int (*key_handler)(ctx *, yaml_node_t *);
typedef struct key_def {
	const char *key;
	key_handler handler; /* NULL: known but not supported by this version */
	int required;
	const char *later;   /* why it is not supported yet */
} key_def;

static const key_def top_keys[] = {
	{"iaptsim", h_version, 1, NULL},
	{"base", h_base_read, 0, NULL},
	{"name", h_name, 1, NULL},
	{"description", h_description, 0, NULL},
	{"years", h_years, 1, NULL},
	{"seed", h_seed, 0, NULL},
	{"replicates", h_replicates, 0, NULL},
	{"population_scale", h_scale, 0, NULL},
	{"include", h_include, 0, NULL},
	{"parameters", h_parameters, 0, NULL},
	{"uncertainty", h_uncertainty, 0, NULL},
	{"sensitivity", h_sensitivity, 0, NULL},
	{"plugins", h_plugins, 0, NULL},
	{"economics", h_economics, 0, NULL},
	{"compare_to", h_compare_to, 0, NULL},
	{"services", h_services, 0, NULL},
	{"output", h_output, 0, NULL},
	{"services_policy", h_services_policy, 0, NULL},
};
#define N_TOP (sizeof top_keys / sizeof top_keys[0])

int iapt_scenario__origin(ctx *c, const char *key, yaml_mark_t mark)
{
	iapt_scenario *sc = c->sc;
	iapt_scenario_origin *o = NULL, *grown;
	iapt_buf b = {0};
	size_t k;
	for (k = 0; k < sc->n_origins && !o; k++)
		if (!strcmp(sc->origins[k].key, key))
			o = &sc->origins[k];
	iapt_buf__printf(&b, "%s:%zu", c->path, mark.line + 1);
	if (!iapt_buf__ok(&b))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	if (!o) {
		if (!(grown = realloc(sc->origins, (sc->n_origins + 1) * sizeof *grown))) {
			iapt_buf__free(&b);
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		}
		sc->origins = grown;
		o = &sc->origins[sc->n_origins];
		if (!(o->key = iapt_str__dup(key))) {
			iapt_buf__free(&b);
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		}
		o->at = NULL;
		sc->n_origins++;
	}
	free(o->at);
	o->at = b.ptr;
	return IAPT_OK;
}

/* The scenario's checks that need every file of a chain read: at the top only. */
static int check_whole(ctx *c, yaml_node_t *root)
{
	size_t i;
	for (i = 0; i < N_TOP; i++) {
		if (top_keys[i].required && !(c->seen & (1u << i)))
			return fail_at(c, IAPT_EINVAL, root->start_mark, "missing required key '%s'%s", top_keys[i].key,
				       c->has_base ? " (in this file or its base)" : "");
	}
	/* a draw applies to every year: a year-by-year schedule for the same parameter would be lost */
	for (i = 0; i < c->sc->n_uncertain; i++) {
		iapt_param_info info;
		iapt_params_info(c->sc->params, c->sc->uncertain[i].param, &info);
		if (!info.n_schedule)
			continue;
		if (c->umarks) /* the block is this file's */
			return fail_at(c, IAPT_EINVAL, c->umarks[i],
				       "uncertainty.%s: the parameter has year-by-year values in parameters; a draw applies to every year, so give one or the other",
				       info.name);
		return iapt_error__set(IAPT_EINVAL,
				       "%s: uncertainty.%s: the parameter has year-by-year values in parameters (%s); a draw applies to every year, so give one or the other",
				       c->sc->uncertain[i].origin, info.name, c->path);
	}
	/* a value given in the block's file or a file that starts from it would be lost to the
	 * draws; a base's value, which the block now varies, is what a child may override */
	for (i = 0; i < c->sc->n_uncertain; i++) {
		iapt_uncertain *u = &c->sc->uncertain[i];
		iapt_param_info info;
		iapt_params_info(c->sc->params, u->param, &info);
		if (c->given->param[u->param] <= c->given->uncertainty) {
			if (c->umarks)
				return fail_at(c, IAPT_EINVAL, c->umarks[i],
					       "uncertainty.%s: the parameter also has a value in parameters (%s), which the draws would replace in every replicate; %s",
					       info.name, info.origin, IAPT_SCENARIO__FIXED_HINT);
			return iapt_error__set(IAPT_EINVAL,
					       "%s: uncertainty.%s: the parameter also has a value in parameters (%s), which the draws would replace in every replicate; %s",
					       u->origin, info.name, info.origin, IAPT_SCENARIO__FIXED_HINT);
		}
		/* what a later change (--set) is told from: iapt_uncertain__check_fixed */
		u->fixed_value = info.value;
		snprintf(u->fixed_at, sizeof u->fixed_at, "%s", info.origin);
	}
	return IAPT_OK;
}

static int walk(ctx *c)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	yaml_node_pair_t *p;
	const char *names[N_TOP];
	size_t i;
	int rc;

	for (i = 0; i < N_TOP; i++)
		names[i] = top_keys[i].key;
	if (!root) {
		yaml_mark_t m = {0, 0, 0};
		return fail_at(c, IAPT_EINVAL, m, "empty scenario: expected a mapping with at least iaptsim, name and years");
	}
	if ((rc = check_mapping(c, root, "scenario")))
		return rc;
	/* the base first, wherever its key stands: every other key of this file overrides it */
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		if (!strcmp(scalar(k), "base")) {
			c->has_base = 1;
			if ((rc = iapt_scenario__base(c, yaml_document_get_node(c->doc, p->value))))
				return rc;
		}
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k);
		for (i = 0; i < N_TOP; i++)
			if (strcmp(key, top_keys[i].key) == 0)
				break;
		if (i == N_TOP) {
			const char *near = iapt_str__suggest(key, names, N_TOP);
			if (near)
				return fail_at(c, IAPT_EINVAL, k->start_mark, "unknown key '%s' (did you mean '%s'?)", key, near);
			return fail_at(c, IAPT_EINVAL, k->start_mark, "unknown key '%s' (known keys: iaptsim, base, name, description, years, seed, replicates, population_scale, include, parameters, uncertainty, sensitivity, plugins, economics, compare_to, services, output, services_policy)", key);
		}
		if (!top_keys[i].handler)
			return fail_at(c, IAPT_EINVAL, k->start_mark, "'%s' is not supported yet: %s", key, top_keys[i].later);
		c->seen |= 1u << i;
		if ((rc = top_keys[i].handler(c, v)))
			return rc;
		if (strcmp(key, "economics") && (rc = iapt_scenario__origin(c, key, k->start_mark)))
			return rc;
	}
	return c->child ? IAPT_OK : check_whole(c, root);
}

int iapt_scenario__read(ctx *c)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	int have_doc = 0, rc;

	if (c->len > MAX_SCENARIO_BYTES)
		return iapt_error__set(IAPT_EINVAL, "%s: scenario file is larger than %zu bytes", c->path, MAX_SCENARIO_BYTES);
	if ((rc = prescan(c)))
		return rc;
	if (!yaml_parser_initialize(&parser))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->text, c->len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = syntax_error(c, &parser);
		goto cleanup;
	}
	have_doc = 1;
	c->doc = &doc;
	if (yaml_document_get_root_node(&doc)) {
		/* one document only */
		if (!yaml_parser_load(&parser, &extra)) {
			rc = fail_at(c, IAPT_EPARSE, parser.problem_mark, "YAML syntax error: %s",
				     parser.problem ? parser.problem : "unknown");
			goto cleanup;
		}
		if (yaml_document_get_root_node(&extra)) {
			yaml_mark_t m = yaml_document_get_root_node(&extra)->start_mark;
			yaml_document_delete(&extra);
			rc = fail_at(c, IAPT_EINVAL, m, "a scenario file holds one YAML document; found a second");
			goto cleanup;
		}
		yaml_document_delete(&extra);
	}
	if (!(rc = walk(c)) && !c->has_base)
		iapt_sha256__hex(c->text, c->len, c->sha256);
cleanup:
	free(c->umarks);
	c->umarks = NULL;
	c->doc = NULL;
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int iapt_scenario_parse(iapt_scenario **out, const char *text, size_t len, const char *path)
{
	iapt_scenario *sc = NULL;
	int rc, given_param[IAPT_P__COUNT];
	struct iapt_scenario__given given = {given_param, INT_MAX};
	size_t i;
	ctx c;

	*out = NULL;
	for (i = 0; i < IAPT_P__COUNT; i++)
		given_param[i] = INT_MAX; /* the default: given by no file */
	memset(&c, 0, sizeof c);
	c.given = &given;
	c.path = path;
	c.text = text;
	c.len = len;
	sc = calloc(1, sizeof *sc);
	if (!sc || !(sc->path = iapt_str__dup(path)) || !(sc->description = iapt_str__dup(""))) {
		iapt_scenario_free(sc);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	sc->seed = 1;
	sc->replicates = 10;
	sc->population_scale = 1.0;
	sc->output_services = 1;
	iapt_econ_defaults(&sc->econ);
	if ((rc = iapt_params_new(&sc->params))) {
		iapt_scenario_free(sc);
		return rc;
	}
	c.sc = sc;
	if ((rc = iapt_scenario__read(&c))) {
		iapt_scenario_free(sc);
		return rc;
	}
	/* the file's own bytes, or with a base, those and its bases' (inherit.c) */
	memcpy(sc->sha256, c.sha256, sizeof sc->sha256);
	*out = sc;
	return IAPT_OK;
}

int iapt_scenario_load(iapt_scenario **out, const char *path)
{
	char *text;
	size_t len;
	int rc;
	*out = NULL;
	if ((rc = iapt_file__read(path, &text, &len)))
		return rc;
	rc = iapt_scenario_parse(out, text, len, path);
	free(text);
	return rc;
}

void iapt_scenario_free(iapt_scenario *sc)
{
	if (!sc)
		return;
	free(sc->path);
	free(sc->name);
	free(sc->description);
	iapt_params_free(sc->params);
	for (size_t k = 0; k < sc->n_plugin_specs; k++)
		spec_free(&sc->plugin_specs[k]);
	free(sc->plugin_specs);
	for (size_t k = 0; k < sc->n_plugins; k++)
		iapt_plugin_free(sc->plugins[k]);
	free(sc->plugins);
	free(sc->uncertain);
	free(sc->correlation);
	free(sc->ranges);
	free(sc->compare_to);
	free(sc->services);
	for (size_t k = 0; k < sc->n_origins; k++) {
		free(sc->origins[k].key);
		free(sc->origins[k].at);
	}
	free(sc->origins);
	free(sc);
}

const char *iapt_year_label(int year, char buf[8])
{
	snprintf(buf, 8, "%04u-%02u", (unsigned)year % 10000u, ((unsigned)year + 1u) % 100u);
	return buf;
}
