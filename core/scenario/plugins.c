/* A scenario's plugins as plain data (iaptsim/scenario.h): freeing a description and
 * finding its options. Loading them is the Lua host's (core/lua/). */
#include <stdlib.h>
#include <string.h>

#include "iaptsim/scenario.h"
#include "util/util.h"

void iapt_plugin_free(iapt_plugin *p)
{
	size_t i, k;
	if (!p)
		return;
	for (i = 0; i < p->n_options; i++) {
		iapt_plugin_option *o = &p->options[i];
		free(o->name);
		free(o->doc);
		free(o->def_str);
		free(o->str);
		free(o->origin);
		for (k = 0; k < o->n_choices; k++)
			free(o->choices[k]);
		free(o->choices);
	}
	for (i = 0; i < p->n_metrics; i++) {
		free(p->metrics[i].name);
		free(p->metrics[i].doc);
	}
	for (i = 0; i < p->n_fields; i++) {
		free(p->fields[i].name);
		free(p->fields[i].doc);
	}
	free(p->fields);
	for (i = 0; i < p->n_categories; i++) {
		free(p->categories[i].name);
		free(p->categories[i].doc);
	}
	free(p->categories);
	for (i = 0; i < p->n_groups; i++) {
		free(p->groups[i].name);
		free(p->groups[i].doc);
		for (k = 0; k < p->groups[i].n_levels; k++)
			free(p->groups[i].levels[k]);
		free(p->groups[i].levels);
	}
	free(p->groups);
	free(p->wait_weeks);
	free(p->options);
	free(p->metrics);
	free(p->name);
	free(p->summary);
	free(p->use);
	free(p->path);
	free(p->source);
	free(p);
}

int iapt_plugin_option_find(const iapt_plugin *p, const char *name, size_t *index)
{
	const char *names[256];
	size_t i, n = p->n_options < 256 ? p->n_options : 256;
	const char *near;
	for (i = 0; i < p->n_options; i++) {
		if (strcmp(p->options[i].name, name) == 0) {
			*index = i;
			return IAPT_OK;
		}
	}
	for (i = 0; i < n; i++)
		names[i] = p->options[i].name;
	near = iapt_str__suggest(name, names, n);
	if (near)
		return iapt_error__set(IAPT_ENOTFOUND, "plugin '%s' has no option '%s' (did you mean '%s'?)", p->name, name, near);
	if (!p->n_options)
		return iapt_error__set(IAPT_ENOTFOUND, "plugin '%s' has no options; '%s' is unknown", p->name, name);
	{
		iapt_buf b = {0};
		for (i = 0; i < p->n_options; i++)
			iapt_buf__printf(&b, "%s%s", i ? ", " : "", p->options[i].name);
		iapt_error__set(IAPT_ENOTFOUND, "plugin '%s' has no option '%s' (its options: %s)", p->name, name,
				iapt_buf__ok(&b) ? b.ptr : "?");
		iapt_buf__free(&b);
	}
	return IAPT_ENOTFOUND;
}

