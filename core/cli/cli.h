/* Inside the iaptsim command (core/cli): what every command shares. Not installed.
 *
 * A command is one file, cmd_<name>.c, that defines `const iapt_cli_command
 * iapt_cli_cmd_<name>` (its synopsis, summary, option table and function) and one row in
 * commands.h. Its option table says how each option is parsed and where its value goes
 * (an offset into the command's own argument struct, whose first member is an
 * iapt_cli_args); the command's --help and the top-level usage are generated from it. */
#ifndef IAPT_CLI_H
#define IAPT_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "iaptsim/iaptsim.h"

/* Exit codes: 0 ok, 1 the run failed, 2 bad input (nothing written). */
enum { IAPT_CLI_OK = 0, IAPT_CLI_RUN = 1, IAPT_CLI_INPUT = 2 };

/* Under mpirun: this process's rank, and whether replicates are split across ranks. Only
 * rank 0 prints and writes; every rank runs its share and returns the same exit code. */
extern int iapt_cli__rank, iapt_cli__distribute;

/* A repeatable option's values, in the order given. */
typedef struct iapt_cli_list {
	const char **v;
	int n;
} iapt_cli_list;

struct iapt_cli_option;
/* An option as given, for run.json (iapt_cli__meta). */
typedef struct iapt_cli_given {
	const struct iapt_cli_option *opt;
	const char *value; /* NULL for a flag */
	int order;         /* position on the command line */
} iapt_cli_given;

/* What every command's arguments start with: the positional arguments and the options
 * that several commands share. Each command's own struct has this as its first member. */
typedef struct iapt_cli_args {
	const char *cmd;
	const char **files; /* positional arguments */
	int n_files;
	const char *outdir;  /* -o */
	iapt_cli_list sets;  /* --set NAME=VALUE */
	int threads, quiet;
	int no_services; /* --no-services: no services.csv, region=, icb= or service= rows */
	int has_seed, has_reps, has_scale;
	unsigned long long seed;
	int reps;
	double scale;
	iapt_cli_given *given; /* every option given, in order (iapt_cli__meta) */
	int n_given;
} iapt_cli_args;

/* The argument struct of a command that has no options of its own. */
typedef struct iapt_cli_plain_args {
	iapt_cli_args common;
} iapt_cli_plain_args;

/* How an option's value is read. */
typedef enum iapt_cli_kind {
	IAPT_CLI_FLAG,   /* no value: int set to 1 */
	IAPT_CLI_STRING, /* const char * */
	IAPT_CLI_LIST,   /* repeatable: appended to an iapt_cli_list */
	IAPT_CLI_WHOLE,  /* int in [lo, hi] */
	IAPT_CLI_U64,    /* unsigned long long, any */
	IAPT_CLI_REAL,   /* double in (lo, hi] when lo_open, else [lo, hi] */
	IAPT_CLI_CUSTOM  /* parse(option, value, destination) */
} iapt_cli_kind;

typedef struct iapt_cli_option {
	const char *name; /* long name, without "--" */
	int short_name;   /* 'o', or 0 */
	const char *arg;  /* what the value is, for --help ("DIR"); NULL for a flag */
	const char *help; /* lines separated by '\n' */
	iapt_cli_kind kind;
	size_t offset;    /* of the value in the command's argument struct */
	size_t given;     /* of an int set to 1 when the option is given; 0 for none */
	double lo, hi;
	int lo_open;
	int (*parse)(const char *option, const char *value, void *dest); /* IAPT_CLI_CUSTOM: 0 or an exit code */
} iapt_cli_option;

/* Rows that commands share, for a command whose argument struct is `type`. */
#define IAPT_CLI_OPT_OUTPUT(type, what, help_text) \
	{"output", 'o', what, help_text, IAPT_CLI_STRING, offsetof(type, common.outdir), 0, 0, 0, 0, NULL}
#define IAPT_CLI_OPT_SET(type) \
	{"set", 0, "NAME=VALUE", "override a parameter; NAME@YEAR=VALUE from that year on\n(repeat for more)", \
	 IAPT_CLI_LIST, offsetof(type, common.sets), 0, 0, 0, 0, NULL}
#define IAPT_CLI_OPT_SEED(type) \
	{"seed", 0, "N", "override the scenario's seed", IAPT_CLI_U64, offsetof(type, common.seed), \
	 offsetof(type, common.has_seed), 0, 0, 0, NULL}
#define IAPT_CLI_OPT_REPLICATES(type) \
	{"replicates", 0, "N", "override the number of replicates", IAPT_CLI_WHOLE, offsetof(type, common.reps), \
	 offsetof(type, common.has_reps), 1, IAPT_SCENARIO_MAX_REPLICATES, 0, NULL}
#define IAPT_CLI_OPT_SCALE(type) \
	{"scale", 0, "X", "override population_scale, in (0, 1]", IAPT_CLI_REAL, offsetof(type, common.scale), \
	 offsetof(type, common.has_scale), 0, IAPT_SCENARIO_MAX_SCALE, 1, NULL}
#define IAPT_CLI_OPT_THREADS(type) \
	{"threads", 0, "N", "worker threads (default: every core); results do not depend on it", IAPT_CLI_WHOLE, \
	 offsetof(type, common.threads), 0, 1, 1024, 0, NULL}
#define IAPT_CLI_OPT_QUIET(type) \
	{"quiet", 'q', NULL, "no progress or summary table (plugins' print lines and warnings still go to stderr)", IAPT_CLI_FLAG, offsetof(type, common.quiet), 0, 0, 0, 0, NULL}
/* The options of every command that runs a scenario, after its -o row. */
#define IAPT_CLI_OPT_NO_SERVICES(type) \
	{"no-services", 0, NULL, "no services.csv and no region=, icb= or service= groups in summary.csv\n(faster; as output: services: false)", \
	 IAPT_CLI_FLAG, offsetof(type, common.no_services), 0, 0, 0, 0, NULL}
#define IAPT_CLI_OPTS_RUN(type) \
	IAPT_CLI_OPT_SEED(type), IAPT_CLI_OPT_REPLICATES(type), IAPT_CLI_OPT_SCALE(type), IAPT_CLI_OPT_THREADS(type), \
	IAPT_CLI_OPT_SET(type), IAPT_CLI_OPT_NO_SERVICES(type), IAPT_CLI_OPT_QUIET(type)

typedef struct iapt_cli_command {
	const char *name;
	const char *synopsis; /* the positional arguments, as in "usage: iaptsim NAME SYNOPSIS" */
	const char *summary;  /* what it does; lines separated by '\n' */
	int min_args, max_args; /* positional arguments; max -1: no limit. Fewer than min: the
	                         * command says what is missing. */
	const iapt_cli_option *options;
	size_t n_options;
	size_t args_size; /* of the command's argument struct */
	void (*init)(void *args); /* defaults beyond zero and iapt_cli_args's; may be NULL */
	int (*run)(void *args, int argc, char **argv); /* returns the exit code */
} iapt_cli_command;

/* The command table (main.c, from commands.h). */
extern const iapt_cli_command *const iapt_cli__commands[];
extern const size_t iapt_cli__n_commands;

/* Parse argv[2..] for cmd into args (args_size bytes, zeroed first). Returns 0, an exit
 * code, or -1 when --help was asked for (the command's help is printed). Lists in args are
 * freed with iapt_cli__args_free. */
int iapt_cli__parse(const iapt_cli_command *cmd, int argc, char **argv, void *args);
void iapt_cli__args_free(const iapt_cli_command *cmd, void *args);
/* A command's --help text, on f. */
void iapt_cli__help(const iapt_cli_command *cmd, FILE *f);

/* Messages (rank 0 only) and the exit code they mean. */
/* iapt_params_assign for --set and --alt-set, which also takes employment.mechanism by name and
 * says where an economics.* setting goes (it is the scenario's block, not a parameter). */
int iapt_cli__assign(iapt_params *p, const char *assignment, const char *origin);
int iapt_cli__input_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int iapt_cli__out_of_memory(void);
/* The library's last error, and 2 for bad input or 1 otherwise. */
int iapt_cli__report(int rc);

/* Load the scenario at path and apply --set, --seed, --replicates and --scale; every check
 * that parsing cannot do happens here. Prints why on failure and returns the exit code. */
int iapt_cli__load(const iapt_cli_args *a, const char *path, iapt_scenario **out);
/* The first positional argument, loaded; "<cmd>: needs a scenario file" without one. */
int iapt_cli__load_first(const iapt_cli_args *a, iapt_scenario **out);

/* A progress line on stderr: label, replicates done, the rate, the time left. */
typedef struct iapt_cli_progress {
	struct timespec t0;
	char label[256];
} iapt_cli_progress;
/* Start (or restart) p's clock with a new label ("" for none). */
void iapt_cli__progress_start(iapt_cli_progress *p, const char *label);

/* How this process makes a run: iapt_sim_run, or under mpirun with more than one rank,
 * iapt_sim_run_distributed (each rank a share of the replicates, every rank all results). */
typedef int (*iapt_cli_run_fn)(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt);
iapt_cli_run_fn iapt_cli__runner(void);
/* Run options for runs of sc, for iapt_cli__runner() or a library call that runs sc itself:
 * the command's threads, the hooks of sc's plugins (the Lua host: *host, to free with
 * iapt_plugin_host_free after the runs) and, with p, progress on stderr when it is a
 * terminal (unless -q). Returns a library code. */
int iapt_cli__run_options(const iapt_cli_args *a, const iapt_scenario *sc, iapt_run_options *ro, iapt_cli_progress *p,
			  iapt_plugin_host **host);
/* Run a scenario with those options and a progress line labelled label. Returns a
 * library code. */
int iapt_cli__simulate(const iapt_cli_args *a, const iapt_scenario *sc, const char *label, iapt_results **res);

/* The results folder: -o, or results/<prefix><slug of name>. buf holds it if needed. */
const char *iapt_cli__outdir(const iapt_cli_args *a, const char *prefix, const char *name, char *buf, size_t n);
/* The results folder is taken before any simulation (iapt_output_begin: a folder holding
 * other files, another run on it, or one that cannot be written is exit 2 now, not after
 * hours of work): returns an exit code, *od NULL on ranks other than 0. iapt_cli__out_end
 * swaps the files written into iapt_output_dir_path(*od) into place if rc is 0, else drops
 * them; it returns rc or the commit's error. */
int iapt_cli__out_begin(const char *dir, iapt_output_dir **od);
int iapt_cli__out_end(iapt_output_dir *od, int rc);
/* What shaped a result, for run.json (iapt_output_meta): the command and the options given,
 * in the command's option-table order (so the order typed does not matter), with seed,
 * replicates and scale as the values in effect. -o, --threads and -q are left out: runs
 * that differ only in those write identical run.json and report.html. Returns the storage
 * to free after writing; NULL when out of memory (m then lists no options). */
char *iapt_cli__meta(const iapt_cli_args *a, iapt_output_meta *m);
/* The warning run.psa_draws_per_warm_up calls for, if any (iapt_sim_draws_per_warm_up):
 * in effect, or given and without effect. Printed to stderr (on rank 0) and put in msg
 * (of n bytes) for run.json; returns 1 if there is one. */
int iapt_cli__warmup_warning(const iapt_scenario *sc, char *msg, size_t n);

/* A warning (printed to stderr unless this is not rank 0, and written into msg, at most n
 * bytes) when the scenario sets access.first_treatment_priority_share or
 * access.unseen_leave_weekly while access.first_treatment_priority_weeks is 0 in every
 * year it runs, so that they change nothing. Returns 1 if it warned, else 0. */
int iapt_cli__priority_warning(const iapt_scenario *sc, char *msg, size_t n);
/* Where a scenario's services come from, for people: "synthetic services", "the built-in
 * table", or the table's path (borrowed from src). */
const char *iapt_cli__services_label(const iapt_services_source *src);

/* The comparison of files[0] (the base) with files[1..n), as `iaptsim compare` makes it;
 * lambda: FROM, TO, STEP of the thresholds for ceac.csv and evpi.csv. run uses it for a
 * scenario with compare_to. */
int iapt_cli__compare(const iapt_cli_args *a, const char *const *files, int n, const double lambda[3]);

/* Tables on stdout. */
void iapt_cli__print_table(const iapt_scenario *sc, const iapt_results *res);
void iapt_cli__print_economics(const iapt_scenario *sc, const iapt_results *res);
void iapt_cli__print_budget(const iapt_scenario *sc, const iapt_results *res);
/* Each "warning: " line of the replicates' logs once, on stderr, after "iaptsim: WHO: ". */
void iapt_cli__print_warnings(const iapt_results *res, const char *who);
/* What plugins logged (print, ctx:log), replicate by replicate, on stderr. */
void iapt_cli__print_logs(const iapt_results *res);
/* Money for people: 1.23bn, 456.7m, 12.3k, NA. */
void iapt_cli__gbp(char *buf, size_t n, double v);
/* Mean over replicates of a measure of a perspective (NaN if undefined in any). */
double iapt_cli__econ_mean(const iapt_results *r, int perspective, int measure);

#endif
