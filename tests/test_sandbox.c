/* The plugin sandbox's bounds: the instruction budget and the memory cap hold whatever a
 * plugin does to escape them (catching the error, message handlers, finalisers, pattern
 * matching and library loops in C), plugin tables are read under protection, output is
 * bounded, and values handed to the API are checked. The hostile plugins are in
 * tests/data/plugins/hostile/ (their .expect files are for cli_test.sh). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "iaptsim/iaptsim.h"
#include "lua/host.h"
#include "lua/sandbox.h"

#define HOSTILE IAPT_TEST_DATA "/plugins/hostile"

/* ---- one sandboxed state, driven directly ---- */

typedef struct box {
	iapt_plugin pl;
	pstate ps;
} box;

static void box_open(box *b, long instructions, size_t memory_mb)
{
	memset(b, 0, sizeof *b);
	b->pl.name = (char *)"t";
	b->pl.path = (char *)"t.lua";
	b->pl.instructions = instructions;
	b->pl.memory_bytes = memory_mb << 20;
	b->ps.pl = &b->pl;
	b->ps.hook = -1;
	ck_assert_int_eq(iapt_lua__open(&b->ps), IAPT_OK); /* handler at 1, _ENV at 2 */
}

/* Run src as a chunk of the plugin: IAPT_OK or IAPT_ELUA. */
static int box_run(box *b, const char *src)
{
	lua_State *L = b->ps.L;
	ck_assert_int_eq(luaL_loadbufferx(L, src, strlen(src), "=t.lua", "t"), LUA_OK);
	lua_pushvalue(L, 2);
	(void)lua_setupvalue(L, -2, 1);
	return iapt_lua__pcall(&b->ps, 0, 0);
}

static const char called_key = 0;

static int set_called(lua_State *L)
{
	lua_pushboolean(L, 1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &called_key);
	return 0;
}

/* Call a C function in the state: IAPT_OK or IAPT_ELUA; it must not have run on failure. */
static int box_call(box *b)
{
	lua_State *L = b->ps.L;
	int rc;
	lua_pushcfunction(L, set_called);
	rc = iapt_lua__pcall(&b->ps, 0, 0);
	if (rc) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &called_key); /* allocates nothing: the state may be full */
		ck_assert_msg(lua_isnil(L, -1), "a call ran in a stopped plugin");
		lua_pop(L, 1);
	}
	return rc;
}

/* A global of the plugin as a number (raw: its _ENV raises on unknown names), or -1. */
static double box_global(box *b, const char *name)
{
	lua_State *L = b->ps.L;
	double v;
	lua_pushstring(L, name); /* interned already by the chunk that set it: no allocation */
	lua_rawget(L, 2);
	v = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : -1;
	lua_pop(L, 1);
	return v;
}

static void expect_msg(const char *frag)
{
	const char *m = iapt_error_last()->message;
	ck_assert_msg(strstr(m, frag) != NULL, "expected '%s' in: %s", frag, m);
}

/* After the budget is spent nothing of the plugin runs: not the code after a pcall, not a
 * message handler, not a later call. */
START_TEST(budget_spent_is_final)
{
	static const char *const catches[] = {
		"n = 0; pcall(function() while true do end end); n = 1",
		"n = 0; xpcall(function() while true do end end, function(e) n = n + 1; return e end); n = n + 10",
		"n = 0; while true do pcall(pcall, pcall, function() while true do end end); n = n + 1 end",
		"n = 0; local ok, f = pcall(load, 'while true do end'); pcall(f); n = 1",
		"n = 0; pcall(string.find, ('a'):rep(40), ('a*'):rep(40) .. 'b'); n = 1",
		"n = 0; pcall(table.move, {}, 1, 1e18, 1); n = 1",
	};
	size_t i;
	for (i = 0; i < sizeof catches / sizeof catches[0]; i++) {
		box b;
		box_open(&b, 100000, 8);
		ck_assert_msg(box_run(&b, catches[i]) == IAPT_ELUA, "%s ran", catches[i]);
		expect_msg(":1: instruction budget of 100000 per call exceeded");
		ck_assert_msg(box_global(&b, "n") == 0, "%s: n = %g: the plugin went on", catches[i], box_global(&b, "n"));
		ck_assert_int_eq(b.ps.dead, IAPT_LUA_SPENT);
		/* a later call, even a harmless one, fails at once with the same reason */
		ck_assert_int_eq(box_call(&b), IAPT_ELUA);
		expect_msg(":1: instruction budget of 100000 per call exceeded");
		ck_assert_int_eq(box_run(&b, "n = 2"), IAPT_ELUA);
		ck_assert(box_global(&b, "n") == 0);
		iapt_lua__close(&b.ps);
	}
}
END_TEST

/* The memory error caught by pcall (or load) stops the plugin too; but a state near its
 * cap whose garbage Lua's emergency collection frees goes on. */
START_TEST(memory_full_is_final)
{
	static const char *const catches[] = {
		"n = 0; pcall(string.rep, 'x', 2^24); n = 1",
		"n = 0; local t = {}; pcall(function() while true do t[#t + 1] = ('x'):rep(100) .. #t end end); n = 1",
		"n = 0; pcall(load, 'return \"' .. ('y'):rep(3e6) .. '\"'); n = 1",
	};
	size_t i;
	box b;
	for (i = 0; i < sizeof catches / sizeof catches[0]; i++) {
		box_open(&b, 100000000, 4);
		ck_assert_msg(box_run(&b, catches[i]) == IAPT_ELUA, "%s ran", catches[i]);
		expect_msg("memory cap of 4 MiB exceeded");
		ck_assert_msg(box_global(&b, "n") == 0, "%s: the plugin went on", catches[i]);
		ck_assert_int_eq(b.ps.dead, IAPT_LUA_FULL);
		ck_assert_int_eq(box_call(&b), IAPT_ELUA); /* (and no chunk can even be compiled) */
		expect_msg("memory cap of 4 MiB exceeded");
		iapt_lua__close(&b.ps);
	}
	box_open(&b, 100000000, 4);
	ck_assert_msg(box_run(&b, "n = 0; for i = 1, 200 do local s = ('x'):rep(1000000) .. i; n = n + #s end") == IAPT_OK, "%s",
		      iapt_error_last()->message);
	ck_assert(box_global(&b, "n") > 2e8);
	iapt_lua__close(&b.ps);
}
END_TEST

/* Library work in C counts: a pattern on a long subject, a full collection, big strings. */
START_TEST(library_work_is_charged)
{
	box b;
	box_open(&b, 1000000, 64);
	ck_assert_int_eq(box_run(&b, "s = ('ab '):rep(10000); k = select(2, s:gsub('%a+', ''))"), IAPT_OK);
	ck_assert(box_global(&b, "k") == 10000);
	/* a thousand times more is over a budget of a million */
	ck_assert_int_eq(box_run(&b, "s = ('ab '):rep(1e7); k = select(2, s:gsub('%a+', ''))"), IAPT_ELUA);
	expect_msg("instruction budget of 1000000 per call exceeded");
	iapt_lua__close(&b.ps);
	box_open(&b, 1000000, 64);
	ck_assert_int_eq(box_run(&b, "t = {}; for i = 1, 10 do t[i] = ('x'):rep(1e7) end"), IAPT_ELUA);
	expect_msg("instruction budget of 1000000 per call exceeded");
	iapt_lua__close(&b.ps);
}
END_TEST

/* A plugin whose text does not compile within its cap says so, naming the file. */
START_TEST(compile_over_the_cap)
{
	static const char head[] = "local s = '", tail[] = "'\nreturn {name = 'big', summary = 's'}\n";
	size_t n = 3u << 20;
	iapt_plugin pl;
	pstate ps;
	memset(&pl, 0, sizeof pl);
	memset(&ps, 0, sizeof ps);
	pl.path = (char *)"big.lua";
	pl.instructions = 1000000;
	pl.memory_bytes = 1u << 20;
	pl.source_len = sizeof head - 1 + n + sizeof tail - 1;
	ck_assert_ptr_nonnull(pl.source = malloc(pl.source_len + 1));
	memcpy(pl.source, head, sizeof head - 1);
	memset(pl.source + sizeof head - 1, 'x', n);
	memcpy(pl.source + sizeof head - 1 + n, tail, sizeof tail);
	ck_assert_int_eq(iapt_lua__open_state(&ps, &pl), IAPT_ELUA);
	ck_assert_str_eq(iapt_error_last()->message, "big.lua: memory cap of 1 MiB exceeded while compiling the plugin");
	iapt_lua__close_state(&ps);
	free(pl.source);
}
END_TEST

/* ---- hostile plugins in a scenario ---- */

/* A run with the scenario's plugins (the Lua host's hooks), as the command makes it. */
static int run_plugins(iapt_results **res, const iapt_scenario *sc)
{
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	iapt_plugin_host *host;
	int rc;
	ck_assert_int_eq(iapt_plugin_host_new(&host, sc), 0);
	ro.hooks = iapt_plugin_host_hooks(host);
	rc = iapt_sim_run(res, sc, &ro);
	iapt_plugin_host_free(host);
	return rc;
}

/* The scenario with plugin hostile/NAME.lua, its plugins loaded (*rc: how that went). */
static iapt_scenario *parse(const char *plugin, const char *limits, int *rc)
{
	char text[2048];
	iapt_scenario *sc = NULL;
	snprintf(text, sizeof text,
		 "iaptsim: 1\nname: hostile\nyears: [2019, 2020]\nseed: 7\nreplicates: 1\npopulation_scale: 0.001\n"
		 "parameters:\n  run.burn_in_years: 0\n  followup.years: 0\nplugins:\n  - use: %s/%s.lua\n%s",
		 HOSTILE, plugin, limits);
	ck_assert_msg(iapt_scenario_parse(&sc, text, strlen(text), "test.yaml") == 0, "%s", iapt_error_last()->message);
	*rc = iapt_plugins_load(sc);
	return sc;
}

/* Each plugin fails at load (the scenario does not parse) or in its run, with "file:line:"
 * and the reason, under a small budget so that the test is quick. */
START_TEST(hostile_plugins_fail_cleanly)
{
	static const struct {
		const char *plugin;
		int at_load, line;
		const char *frag;
	} cases[] = {
		{"pcall_hang", 1, 1, "instruction budget of 1000000 per call exceeded"},
		{"pcall_nested", 1, 3, "instruction budget of 1000000 per call exceeded"},
		{"load_pcall", 1, 0, "(load):1: instruction budget of 1000000 per call exceeded"},
		{"gc_hang", 1, 1, "setmetatable: __gc finalisers are not available to plugins"},
		{"gc_false", 1, 3, "setmetatable: __gc finalisers are not available to plugins"},
		{"pattern_hang", 1, 1, "instruction budget of 1000000 per call exceeded"},
		{"plain_find_hang", 1, 3, "instruction budget of 1000000 per call exceeded"},
		{"table_move_hang", 1, 2, "instruction budget of 1000000 per call exceeded"},
		{"len_insert_hang", 1, 3, "instruction budget of 1000000 per call exceeded"},
		{"sort_len_hang", 1, 3, "instruction budget of 1000000 per call exceeded"},
		{"proxy_abort", 1, 1, "boom\n  (while loading the plugin)"},
		{"proxy_loop", 1, 2, "instruction budget of 1000000 per call exceeded"},
		{"option_proxy", 1, 3, "option spec boom"},
		{"coroutine_escape", 1, 2, "attempt to read undefined global 'coroutine'"},
		{"xpcall_handler_hang", 0, 3, "instruction budget of 1000000 per call exceeded (an endless loop?)\n  (in setup of plugin 'xh', replicate 1)"},
		{"xpcall_then_loop", 0, 4, "instruction budget of 1000000 per call exceeded (an endless loop?)\n  (in on_year of plugin 'xl', replicate 1)"},
		{"tostring_error_loop", 0, 0, "instruction budget of 1000000 per call exceeded"},
		{"gsub_hang", 0, 4, "instruction budget of 1000000 per call exceeded (an endless loop?)\n  (in on_referral of plugin 'gh', replicate 1)"},
		{"gmatch_hang", 0, 4, "instruction budget of 1000000 per call exceeded"},
		{"concat_index_hang", 0, 5, "instruction budget of 1000000 per call exceeded"},
		{"gc_ctx_set", 0, 2, "setmetatable: __gc finalisers are not available to plugins"},
		{"pcall_memory", 0, 0, "memory cap of 16 MiB exceeded\n  (in setup of plugin 'pm', replicate 1)"},
		{"rep_memory", 0, 4, "memory cap of 16 MiB exceeded"},
		{"log_memory", 0, 2, "print: a line of 5000008 bytes takes the plugin's log in this replicate over its limit of 1024 KiB"},
		{"log_lines", 0, 5, "print: a line of 10008 bytes takes the plugin's log in this replicate over its limit of 1024 KiB"},
		{"flow_overflow", 0, 2, "ctx:flow: the value -1e+308 is not a finite number within [-1e12, 1e12]"},
		{"flow_sum", 0, 4, "ctx:flow: the value 1e+300 is not a finite number"},
		{"metric_inf", 0, 4, "ctx:metric: the value inf is not a finite number"},
		{"price_year_wrap", 0, 3, "year 4294969315 is outside [1990, 2100]"},
		{"year_wrap", 0, 4, "year -9223372036854775808 is outside [1990, 2100]"},
		{"set_combo", 0, 6,
		 "ctx:set in on_year broke a combination of parameters: 2020-21: employment.unemployed_share + "
		 "employment.sick_or_disabled_share + employment.not_seeking_work_share = 1.469, more than 1\n  (in on_year of plugin 'sc', replicate 1)"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char frag[512];
		int rc;
		iapt_scenario *sc = parse(cases[i].plugin, "    instructions: 1000000\n    memory_mb: 16\n", &rc);
		if (cases[i].line)
			snprintf(frag, sizeof frag, "%s.lua:%d: %s", cases[i].plugin, cases[i].line, cases[i].frag);
		else
			snprintf(frag, sizeof frag, "%s", cases[i].frag);
		if (cases[i].at_load) {
			ck_assert_msg(rc != 0, "%s loaded", cases[i].plugin);
		} else {
			iapt_results *res = NULL;
			ck_assert_msg(rc == 0, "%s: %s", cases[i].plugin, iapt_error_last()->message);
			rc = run_plugins(&res, sc);
			ck_assert_msg(rc == IAPT_ELUA, "%s: rc %d", cases[i].plugin, rc);
			ck_assert_ptr_null(res);
		}
		iapt_scenario_free(sc);
		ck_assert_msg(strstr(iapt_error_last()->message, frag) != NULL, "%s: expected '%s' in: %s", cases[i].plugin, frag,
			      iapt_error_last()->message);
	}
}
END_TEST

/* What the bounds must leave working: tame.lua checks pcall, xpcall, patterns, the table
 * library and logging as Lua 5.4 defines them, and counts its checks. */
START_TEST(tame_plugin_runs)
{
	char text[1024];
	iapt_scenario *sc = NULL;
	iapt_results *res = NULL;
	const char *log;
	snprintf(text, sizeof text,
		 "iaptsim: 1\nname: tame\nyears: 2019\nseed: 7\nreplicates: 1\npopulation_scale: 0.001\n"
		 "plugins:\n  - use: %s/plugins/tame.lua\n",
		 IAPT_TEST_DATA);
	ck_assert_msg(iapt_scenario_parse(&sc, text, strlen(text), "tame.yaml") == 0, "%s", iapt_error_last()->message);
	ck_assert_msg(iapt_plugins_load(sc) == 0, "%s", iapt_error_last()->message);
	ck_assert_msg(run_plugins(&res, sc) == 0, "%s", iapt_error_last()->message);
	ck_assert_double_eq(iapt_results_extra(res, 2019, 0, 0), 35);
	/* the first lines of the replicate are kept, the rest dropped with a note */
	log = iapt_results_log(res, 0);
	ck_assert_ptr_nonnull(strstr(log, "tame: line\t200\n"));
	ck_assert_ptr_null(strstr(log, "tame: line\t201\n"));
	ck_assert_ptr_nonnull(strstr(log, "tame: line\t200\n(log full: lines after the first 200 of replicate 1 dropped)\n"));
	iapt_results_free(res);
	iapt_scenario_free(sc);
}
END_TEST

/* ---- the sandbox's pattern matching (strmatch.c) against the system Lua's ---- */

/* Loaded in both states' own globals (not a plugin's _ENV): RUN(op, s, p, a, b) calls
 * string[op] (gmatch: the whole iteration; gsub with "F", "G" or "T": a function or table
 * replacement) under pcall and describes what came back, or "error". The method form
 * (s:op) is used for odd-numbered cases so both forms are compared. */
static const char driver[] =
	"local function ser(...)\n"
	"  local t = {tostring(select('#', ...))}\n"
	"  for i = 1, select('#', ...) do local v = select(i, ...)\n"
	"    t[#t + 1] = type(v) .. ':' .. tostring(v) end\n"
	"  return table.concat(t, '|')\n"
	"end\n"
	"local F = function(...) return ser(...) end\n"
	"local G = function(x) if x == 'a' then return nil elseif x == 'b' then return false\n"
	"  elseif x == '(' then return {} elseif x == '1' then return 7 end return 1.5 end\n"
	"local T = {a = '[A]', b = false, ab = 2, [1] = 'one', [2] = 2.5, ['('] = {}}\n"
	"function RUN(op, s, p, a, b, meth)\n"
	"  local ok, r = pcall(function()\n"
	"    if op == 'gmatch' then\n"
	"      local it = meth and s:gmatch(p, a) or string.gmatch(s, p, a)\n"
	"      local out = {}\n"
	"      for _ = 1, 100 do local res = table.pack(it())\n"
	"        out[#out + 1] = ser(table.unpack(res, 1, res.n))\n"
	"        if res[1] == nil then break end end\n"
	"      return table.concat(out, ' / ')\n"
	"    end\n"
	"    if op == 'gsub' then a = a == 'F' and F or a == 'G' and G or a == 'T' and T or a end\n"
	"    if meth then return ser(s[op](s, p, a, b)) end\n"
	"    return ser(string[op](s, p, a, b))\n"
	"  end)\n"
	"  return ok and r or 'error'\n"
	"end\n";

static void load_driver(lua_State *L)
{
	ck_assert_int_eq(luaL_loadstring(L, driver), LUA_OK);
	ck_assert_int_eq(lua_pcall(L, 0, 0, 0), LUA_OK);
}

/* Push a string in which \x7f stands for a zero byte. */
static void push_z(lua_State *L, const char *a)
{
	char buf[2048];
	size_t i, n = strlen(a);
	ck_assert_uint_lt(n, sizeof buf);
	for (i = 0; i < n; i++)
		buf[i] = a[i] == '\x7f' ? '\0' : a[i];
	lua_pushlstring(L, buf, n);
}

/* Push an argument written as text: "" is nil, "#n" the integer n, "!t"/"!f" a boolean,
 * anything else the string. */
static void push_arg(lua_State *L, const char *a)
{
	if (!a || !*a)
		lua_pushnil(L);
	else if (a[0] == '#')
		lua_pushinteger(L, atol(a + 1));
	else if (a[0] == '!')
		lua_pushboolean(L, a[1] == 't');
	else
		push_z(L, a);
}

static void run_one(lua_State *L, const char *op, const char *s, const char *p, const char *a,
		    const char *b, int meth, char *out, size_t n)
{
	lua_getglobal(L, "RUN");
	lua_pushstring(L, op);
	push_z(L, s);
	push_z(L, p);
	push_arg(L, a);
	push_arg(L, b);
	lua_pushboolean(L, meth);
	ck_assert_int_eq(lua_pcall(L, 6, 1, 0), LUA_OK);
	snprintf(out, n, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
}

typedef struct pcase {
	const char *op, *s, *p, *a, *b;
} pcase;

/* Hand-written cases for each feature of the manual's section 6.4.1 and the functions (\x7f is
 * a zero byte). */
static const pcase tricky[] = {
	{"find", "hello world", "o w", "", ""}, {"find", "hello", "l", "#-2", ""},
	{"find", "hello", "", "#10", ""}, {"find", "hello", "", "#6", ""}, {"find", "hello", "", "#-100", ""},
	{"find", "a.b", ".", "#1", "!t"}, {"find", "a+b", "+", "#1", "!t"}, {"find", "a+b", "a+", "", "!t"},
	{"find", "hello", "(l)(l)", "", ""}, {"find", "hello", "()ll()", "", ""}, {"find", "", "", "", ""},
	{"find", "abc", "^b", "#2", ""}, {"find", "abc", "^a", "#2", ""}, {"find", "abc", "c$", "", ""},
	{"find", "a$c", "$c", "", ""}, {"find", "a^c", "a^", "", ""}, {"find", "abc", "[", "", ""},
	{"find", "abc", "%", "", ""}, {"find", "abc", "(", "", ""}, {"find", "abc", ")", "", ""},
	{"find", "abc", "(()", "", ""}, {"find", "abc", "%b", "", ""}, {"find", "abc", "%ba", "", ""},
	{"find", "abc", "%f", "", ""}, {"find", "abc", "%fa", "", ""}, {"find", "abc", "%1", "", ""},
	{"find", "abc", "%0", "", ""}, {"find", "abc", "(a)%2", "", ""}, {"find", "abc", "(a%1)", "", ""},
	{"find", "aXa", "(a)X%1", "", ""}, {"find", "a()b", "()%1", "", ""},
	{"match", "THE (quick) fox", "%((%a+)%)", "", ""}, {"match", "f(a(b)c)d", "%b()", "", ""},
	{"match", "f(a(b)c", "%b()", "", ""}, {"match", "xaaxbx", "%bxx", "", ""},
	{"match", "THE (quick) fox", "%f[%a]%a+", "#5", ""}, {"match", "hello", "%f[%l]", "", ""},
	{"match", "hello", "%f[%z]", "", ""}, {"match", "hello", "%f[^%l]", "", ""},
	{"match", "key = value", "(%w+)%s*=%s*(%w+)", "", ""}, {"match", "  x  ", "^%s*(.-)%s*$", "", ""},
	{"match", "aaa", "a-", "", ""}, {"match", "aaa", "a-$", "", ""}, {"match", "aaab", "a*", "", ""},
	{"match", "aaab", "a+b", "", ""}, {"match", "b", "a?b", "", ""}, {"match", "ab", "a?b", "", ""},
	{"match", "]", "[]]", "", ""}, {"match", "a]", "[^]]", "", ""}, {"match", "-", "[a-]", "", ""},
	{"match", "-", "[-a]", "", ""}, {"match", "b", "[a-c]", "", ""}, {"match", "%", "[%%]", "", ""},
	{"match", "x-", "[%a-]+", "", ""}, {"match", "5", "[%D]", "", ""}, {"match", "^", "[%^]", "", ""},
	{"match", "a", "[^%a]", "", ""}, {"match", "a", "[]", "", ""}, {"match", "a", "[^]", "", ""},
	{"match", "a.b", "%.", "", ""}, {"match", "A1 _", "%A+", "", ""}, {"match", "\t x", "%S", "", ""},
	{"match", "abc", "()", "", ""}, {"match", "abc", "()", "#4", ""}, {"match", "abc", "()", "#5", ""},
	{"match", "abc", "(a)(b)(c)", "", ""}, {"match", "abc", "((a)(b))", "", ""},
	{"match", "abc", "(a", "", ""}, {"match", "bbc", "(a", "", ""}, {"match", "abc", "a)", "", ""},
	{"match", "aaa", "(a*(.)%w(%s*))", "", ""}, {"match", "x = 1", "()=()", "", ""},
	{"match", "hello", ".-(l+)(.*)", "", ""}, {"match", "a**b", "a**", "", ""}, {"match", "*a", "*a", "", ""},
	{"match", "abab", "(ab)%1", "", ""}, {"match", "abba", "(a)(b)%2%1", "", ""},
	{"match", "a\x7f" "b", "%z", "", ""}, {"find", "a\x7f" "b", "\x7f", "", "!t"}, {"find", "a\x7f" "b", "\x7f" "b", "", ""},
	{"gsub", "a\x7f" "b\x7f", "%z", "<%0>", ""}, {"match", "a\x7f" "b", "[\x7f-a]+", "", ""},
	{"find", "a\x7f\x7f" "b", "(\x7f)%1", "", ""}, {"match", "x\x7f", ".$", "", ""},
	{"gsub", "ab", "", "\x7f", ""}, {"match", "a\x7f" "b", "%f[%Z]%Z+", "#2", ""}, {"match", "a\x7f", "%f[%z]", "", ""},
	{"match", "ab", "a%f[\x7f]", "", ""}, {"match", "ab", "b%f[%z]$", "", ""}, {"gmatch", "\x7f" "a\x7f", "%Z*", "", ""}, {"match", "x", ".", "#0", ""}, {"match", "xy", ".", "#-1", ""},
	{"gmatch", "hello world from Lua", "%a+", "", ""}, {"gmatch", "k=v, a=b", "(%w+)=(%w+)", "", ""},
	{"gmatch", "abc", "", "", ""}, {"gmatch", "abc", "", "#3", ""}, {"gmatch", "abc", "", "#4", ""},
	{"gmatch", "abc", "", "#5", ""}, {"gmatch", "abc", "", "#-1", ""}, {"gmatch", "^a^a", "^a", "", ""},
	{"gmatch", "abc", "a*", "", ""}, {"gmatch", "abc", "()", "", ""}, {"gmatch", "THE (quick) fox", "%f[%a]%a*", "", ""},
	{"gmatch", "a,b,,c", "([^,]*)", "", ""}, {"gmatch", "abc", "(", "", ""},
	{"gsub", "hello world", "(%w+)", "%1 %1", ""}, {"gsub", "hello world", "%w+", "%0 %0", "#1"},
	{"gsub", "hello world from Lua", "(%w+)%s*(%w+)", "%2 %1", ""}, {"gsub", "abc", "%w", "%%", ""},
	{"gsub", "abc", "%w", "%", ""}, {"gsub", "abc", "%w", "%x", ""}, {"gsub", "abc", "%w", "%2", ""},
	{"gsub", "abc", "(%w)", "%2", ""}, {"gsub", "abc", "()", "%1", ""}, {"gsub", "abc", "", "-", ""},
	{"gsub", "abc", "%w*", "-", ""}, {"gsub", "hello world", "%w*", "X", ""}, {"gsub", "abc", "^", "-", ""},
	{"gsub", "abc", "^a", "-", ""}, {"gsub", "abc", "$", "-", ""}, {"gsub", "abc", "b*", "-", ""},
	{"gsub", "abc", "%w", "-", "#0"}, {"gsub", "abc", "%w", "-", "#-1"}, {"gsub", "abc", "%w", "-", "#2"},
	{"gsub", "abc", "%w", "F", ""}, {"gsub", "abc", "(%w)(%w)", "F", ""}, {"gsub", "abc", "()%w()", "F", ""},
	{"gsub", "ab(1", ".", "G", ""}, {"gsub", "ab(1", "%w", "G", ""}, {"gsub", "ab(", ".", "T", ""},
	{"gsub", "ab ab", "%w+", "T", ""}, {"gsub", "ab", "()", "T", ""}, {"gsub", "ab", "(a)(b)", "T", ""},
	{"gsub", "abc", "%w", "#5", ""}, {"gsub", "abc", "%w", "!t", ""}, {"gsub", "abc", "(", "-", ""},
	{"gsub", "abc", "(a", "-", ""}, {"gsub", "abc", "(b", "-", ""},
};

static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1664525u + 1013904223u;
	return *x >> 8;
}

START_TEST(patterns_agree_with_lua)
{
	/* pattern pieces over a small alphabet; some are deliberately malformed */
	static const char *const tok[] = {
		"a", "b", "a", "b", ".", "%a", "%d", "%A", "%s", "%w", "%p", "%%", "%(", "[ab]", "[^a]",
		"[a-c]", "[%a-]", "[]a]", "[^%d(]", "[", "]", "(", ")", "(", ")", "()", "*", "+", "-", "?",
		"*", "+", "-", "?", "^", "$", "%b()", "%bab", "%f[a]", "%f[%W]", "%f[^a]", "%1", "%2", "%",
		"1", " ", "-", "%z", "[%z]", "\x7f",
	};
	static const char subj_chars[] = "aab(b)a1 -\x7f";
	static const char *const inits[] = {"", "", "", "#1", "#2", "#-1", "#-3", "#0", "#4", "#9"};
	static const char *const repls[] = {"<%0>", "%1", "x%2", "%%", "%", "-", "F", "G", "T", "", "#3"};
	static const char *const ns[] = {"", "", "", "#1", "#2", "#0"};
	static const char *const ops[] = {"find", "match", "gmatch", "gsub"};
	box bx;
	lua_State *R = luaL_newstate(), *S;
	char want[4096], got[4096], pat[64], subj[16];
	uint32_t x = 20261130u;
	size_t i;
	int k, mismatches = 0, errors = 0, fails = 0;
	ck_assert_ptr_nonnull(R);
	luaL_openlibs(R);
	load_driver(R);
	box_open(&bx, 16000000000L, 256);
	S = bx.ps.L;
	load_driver(S);
	for (k = 0; k < (int)(sizeof tricky / sizeof tricky[0]) + 6000; k++) {
		const char *op, *s, *p, *a, *b;
		if (k < (int)(sizeof tricky / sizeof tricky[0])) {
			const pcase *c = &tricky[k];
			op = c->op, s = c->s, p = c->p, a = c->a, b = c->b;
		} else {
			int nt = 1 + (int)(lcg(&x) % 6), ns_ = (int)(lcg(&x) % 9);
			pat[0] = subj[0] = '\0';
			for (i = 0; i < (size_t)nt; i++)
				strcat(pat, tok[lcg(&x) % (sizeof tok / sizeof tok[0])]);
			for (i = 0; i < (size_t)ns_; i++)
				subj[i] = subj_chars[lcg(&x) % (sizeof subj_chars - 1)];
			subj[ns_] = '\0';
			op = ops[lcg(&x) % 4];
			s = subj, p = pat;
			if (!strcmp(op, "gsub")) {
				a = repls[lcg(&x) % (sizeof repls / sizeof repls[0])];
				b = ns[lcg(&x) % (sizeof ns / sizeof ns[0])];
			} else {
				a = inits[lcg(&x) % (sizeof inits / sizeof inits[0])];
				b = !strcmp(op, "find") && lcg(&x) % 4 == 0 ? "!t" : "";
			}
		}
		run_one(R, op, s, p, a, b, k & 1, want, sizeof want);
		bx.ps.ticks = bx.ps.charged = 0;
		run_one(S, op, s, p, a, b, k & 1, got, sizeof got);
		errors += !strcmp(want, "error");
		fails += !strcmp(want, "1|nil:nil");
		if (strcmp(want, got) != 0 && mismatches++ < 20)
			fprintf(stderr, "pattern mismatch: %s(\"%s\", \"%s\", %s, %s): lua %s, sandbox %s\n", op, s, p,
				a, b, want, got);
	}
	/* the corpus reaches errors, failed searches and matches alike */
	ck_assert_int_gt(errors, 500);
	ck_assert_int_gt(fails, 500);
	ck_assert_int_gt(k - errors - fails, 2000);
	/* long patterns: deep backtracking ("pattern too complex"), many captures, long runs */
	{
		static const struct { const char *unit; int n; const char *s; int sn; } big[] = {
			{"a?", 250, "a", 300}, {"a?", 150, "a", 300}, {"a*", 150, "a", 10}, {"a", 500, "a", 500},
			{"(a)", 32, "a", 40}, {"(a)", 33, "a", 40}, {"()", 33, "a", 1}, {"%b()", 50, "()", 60},
		};
		char bp[2048], bs[1024];
		for (i = 0; i < sizeof big / sizeof big[0]; i++, k++) {
			int j;
			bp[0] = bs[0] = '\0';
			for (j = 0; j < big[i].n; j++)
				strcat(bp, big[i].unit);
			for (j = 0; j < big[i].sn; j++)
				strcat(bs, big[i].s);
			run_one(R, "find", bs, bp, "", "", 0, want, sizeof want);
			bx.ps.ticks = bx.ps.charged = 0;
			run_one(S, "find", bs, bp, "", "", 1, got, sizeof got);
			if (strcmp(want, got) != 0 && mismatches++ < 20)
				fprintf(stderr, "pattern mismatch: find(%d x \"%s\", %d x \"%s\"): lua %.80s, sandbox %.80s\n",
					big[i].sn, big[i].s, big[i].n, big[i].unit, want, got);
		}
	}
	ck_assert_msg(mismatches == 0, "%d pattern cases differ from the system Lua (see stderr)", mismatches);
	lua_close(R);
	iapt_lua__close(&bx.ps);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, budget_spent_is_final);
	tcase_add_test(t, memory_full_is_final);
	tcase_add_test(t, library_work_is_charged);
	tcase_add_test(t, compile_over_the_cap);
	tcase_add_test(t, hostile_plugins_fail_cleanly);
	tcase_add_test(t, tame_plugin_runs);
	tcase_add_test(t, patterns_agree_with_lua);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
