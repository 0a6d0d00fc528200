/* Pattern matching for the plugin sandbox (string.find, match, gmatch, gsub) with a step
 * counter (plugins/README.md, "The sandbox"): iaptsim's own implementation of the pattern
 * semantics of the Lua 5.4 Reference Manual, section 6.4.1 "Patterns", and of the four
 * functions of section 6.4, written from the manual.
 *
 * Why not the system Lua's: its matcher backtracks in C without limit, where the instruction
 * budget's count hook never fires, so string.find(("a"):rep(40), ("a*"):rep(40) .. "b")
 * would run for ages. Here every pattern item tried at a subject position, and every
 * character scanned by a repetition, a balance, a back-reference or a plain search, is one
 * step; steps are charged to the budget of the call in progress (iapt_lua__charge in
 * sandbox.c) in batches, so an exponential pattern ends with the budget error. The tests in
 * tests/test_sandbox.c compare these functions with the system Lua's on many patterns. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "lua/sandbox.h"

#define SM_MAXCAP 32      /* captures in one pattern (the manual's Lua has 32) */
#define SM_MAXDEPTH 200   /* nested recursion of the matcher before "pattern too complex" */
#define SM_BATCH 1024     /* steps gathered before they are charged */
#define SM_OPEN (-1)      /* capture length: '(' seen, ')' not yet */
#define SM_POS (-2)       /* capture length: a position capture "()" */
#define SM_SPECIALS "^$*+?.([%-"

typedef struct sm_cap {
	const char *at;
	ptrdiff_t len; /* >= 0, SM_OPEN or SM_POS */
} sm_cap;

typedef struct sm {
	lua_State *L;
	const char *s0, *s1; /* subject [s0, s1) */
	const char *p1;      /* end of the pattern */
	int ncap;
	int depth;           /* recursion still allowed */
	lua_Integer steps;   /* not yet charged */
	sm_cap cap[SM_MAXCAP];
} sm;

static void sm_flush(sm *m)
{
	lua_Integer n = m->steps;
	m->steps = 0;
	iapt_lua__charge(m->L, n);
}

static void sm_step(sm *m, lua_Integer n)
{
	m->steps += n;
	if (m->steps >= SM_BATCH)
		sm_flush(m);
}

/* Whether c is in the class letter k (%a, %d, ..., upper case for the complement); any other
 * k stands for itself. */
static int sm_class(int c, int k)
{
	int r;
	switch (tolower(k)) {
	case 'a': r = isalpha(c); break;
	case 'c': r = iscntrl(c); break;
	case 'd': r = isdigit(c); break;
	case 'g': r = isgraph(c); break;
	case 'l': r = islower(c); break;
	case 'p': r = ispunct(c); break;
	case 's': r = isspace(c); break;
	case 'u': r = isupper(c); break;
	case 'w': r = isalnum(c); break;
	case 'x': r = isxdigit(c); break;
	case 'z': r = c == 0; break; /* Lua 5.1's %z, which the system Lua still accepts */
	default: return k == c;
	}
	r = r != 0;
	return isupper(k) ? !r : r;
}

/* The end (one past) of the single-character class at p, which is before the pattern's end. */
static const char *sm_class_end(sm *m, const char *p)
{
	if (*p == '%') {
		if (p + 1 >= m->p1)
			luaL_error(m->L, "malformed pattern (ends with '%%')");
		return p + 2;
	}
	if (*p == '[') {
		const char *q = p + 1;
		if (q < m->p1 && *q == '^')
			q++;
		/* the first character of a set may be ']' and is then an ordinary member */
		do {
			if (q >= m->p1)
				luaL_error(m->L, "malformed pattern (missing ']')");
			if (*q++ == '%') {
				if (q >= m->p1)
					luaL_error(m->L, "malformed pattern (missing ']')");
				q++;
			}
		} while (q >= m->p1 || *q != ']');
		return q + 1;
	}
	return p + 1;
}

/* Whether c is in the set [..] from p (its '[') to close (its ']'). */
static int sm_in_set(int c, const char *p, const char *close)
{
	int want = 1;
	const char *q = p + 1;
	if (*q == '^') {
		want = 0;
		q++;
	}
	while (q < close) {
		if (*q == '%' && q + 1 < close) {
			if (sm_class(c, (unsigned char)q[1]))
				return want;
			q += 2;
		} else if (q + 2 < close && q[1] == '-') {
			if ((unsigned char)q[0] <= c && c <= (unsigned char)q[2])
				return want;
			q += 3;
		} else {
			if ((unsigned char)*q == c)
				return want;
			q++;
		}
	}
	return !want;
}

/* Whether the subject character c matches the class [p, end). */
static int sm_single(int c, const char *p, const char *end)
{
	switch (*p) {
	case '.': return 1;
	case '%': return sm_class(c, (unsigned char)p[1]);
	case '[': return sm_in_set(c, p, end - 1);
	default: return (unsigned char)*p == c;
	}
}

static const char *sm_match(sm *m, const char *s, const char *p);

static const char *sm_capture(sm *m, const char *s, const char *p, ptrdiff_t kind)
{
	const char *r;
	if (m->ncap >= SM_MAXCAP)
		luaL_error(m->L, "too many captures");
	m->cap[m->ncap].at = s;
	m->cap[m->ncap].len = kind;
	m->ncap++;
	r = sm_match(m, s, p);
	if (!r)
		m->ncap--;
	return r;
}

static const char *sm_close(sm *m, const char *s, const char *p)
{
	int i = m->ncap - 1;
	const char *r;
	while (i >= 0 && m->cap[i].len != SM_OPEN)
		i--;
	if (i < 0)
		luaL_error(m->L, "invalid pattern capture");
	m->cap[i].len = s - m->cap[i].at;
	r = sm_match(m, s, p);
	if (!r)
		m->cap[i].len = SM_OPEN;
	return r;
}

/* %bxy at s: the end of the balanced run, or NULL. */
static const char *sm_balance(sm *m, const char *s, int x, int y)
{
	int open = 1;
	if (s >= m->s1 || (unsigned char)*s != x)
		return NULL;
	for (s++; s < m->s1; s++) {
		int c = (unsigned char)*s;
		sm_step(m, 1);
		if (c == y) {
			if (--open == 0)
				return s + 1;
		} else if (c == x) {
			open++;
		}
	}
	return NULL;
}

/* %1..%9 at s: the end of the repeated capture, or NULL. */
static const char *sm_backref(sm *m, const char *s, int d)
{
	int i = d - '1';
	size_t n;
	if (i < 0 || i >= m->ncap || m->cap[i].len == SM_OPEN)
		luaL_error(m->L, "invalid capture index %%%d in pattern", i + 1);
	if (m->cap[i].len == SM_POS)
		return NULL; /* a position is no text to repeat */
	n = (size_t)m->cap[i].len;
	sm_step(m, (lua_Integer)n);
	if ((size_t)(m->s1 - s) < n || memcmp(m->cap[i].at, s, n) != 0)
		return NULL;
	return s + n;
}

/* The single class [p, ep) repeated as often as possible from s, then fewer, before the rest
 * of the pattern at rest. */
static const char *sm_greedy(sm *m, const char *s, const char *p, const char *ep, const char *rest)
{
	ptrdiff_t n = 0;
	while (s + n < m->s1 && sm_single((unsigned char)s[n], p, ep)) {
		sm_step(m, 1);
		n++;
	}
	for (; n >= 0; n--) {
		const char *r = sm_match(m, s + n, rest);
		if (r)
			return r;
	}
	return NULL;
}

/* The same, as few times as possible first. */
static const char *sm_lazy(sm *m, const char *s, const char *p, const char *ep, const char *rest)
{
	for (;;) {
		const char *r = sm_match(m, s, rest);
		if (r)
			return r;
		if (s >= m->s1 || !sm_single((unsigned char)*s, p, ep))
			return NULL;
		sm_step(m, 1);
		s++;
	}
}

/* Match the pattern from p against the subject from s: the end of the match, or NULL. */
static const char *sm_match(sm *m, const char *s, const char *p)
{
	const char *r = NULL;
	if (m->depth-- <= 0)
		luaL_error(m->L, "pattern too complex");
	for (;;) {
		const char *ep;
		int ok;
		if (p >= m->p1) {
			r = s;
			break;
		}
		sm_step(m, 1);
		if (*p == '(') {
			if (p + 1 < m->p1 && p[1] == ')')
				r = sm_capture(m, s, p + 2, SM_POS);
			else
				r = sm_capture(m, s, p + 1, SM_OPEN);
			break;
		}
		if (*p == ')') {
			r = sm_close(m, s, p + 1);
			break;
		}
		if (*p == '$' && p + 1 == m->p1) {
			r = s == m->s1 ? s : NULL;
			break;
		}
		if (*p == '%' && p + 1 < m->p1) {
			int k = (unsigned char)p[1];
			if (k == 'b') {
				if (p + 3 >= m->p1)
					luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
				s = sm_balance(m, s, (unsigned char)p[2], (unsigned char)p[3]);
				if (!s)
					break;
				p += 4;
				continue;
			}
			if (k == 'f') {
				int before, here;
				if (p + 2 >= m->p1 || p[2] != '[')
					luaL_error(m->L, "missing '[' after '%%f' in pattern");
				ep = sm_class_end(m, p + 2);
				before = s == m->s0 ? 0 : (unsigned char)s[-1];
				here = s < m->s1 ? (unsigned char)*s : 0;
				if (sm_in_set(before, p + 2, ep - 1) || !sm_in_set(here, p + 2, ep - 1))
					break;
				p = ep;
				continue;
			}
			if (isdigit(k)) {
				s = sm_backref(m, s, k);
				if (!s)
					break;
				p += 2;
				continue;
			}
		}
		/* a single-character class, perhaps with a repetition */
		ep = sm_class_end(m, p);
		ok = s < m->s1 && sm_single((unsigned char)*s, p, ep);
		if (ep < m->p1) {
			if (*ep == '?') {
				if (ok && (r = sm_match(m, s + 1, ep + 1)) != NULL)
					break;
				p = ep + 1;
				continue;
			}
			if (*ep == '+') {
				r = ok ? sm_greedy(m, s + 1, p, ep, ep + 1) : NULL;
				break;
			}
			if (*ep == '*') {
				r = sm_greedy(m, s, p, ep, ep + 1);
				break;
			}
			if (*ep == '-') {
				r = sm_lazy(m, s, p, ep, ep + 1);
				break;
			}
		}
		if (!ok)
			break;
		s++;
		p = ep;
	}
	m->depth++;
	return r;
}

/* Try the pattern at s with no capture yet: the end of the match, or NULL. */
static const char *sm_try(sm *m, const char *s, const char *p)
{
	m->ncap = 0;
	m->depth = SM_MAXDEPTH;
	return sm_match(m, s, p);
}

static void sm_init(sm *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
	m->L = L;
	m->s0 = s;
	m->s1 = s + ls;
	m->p1 = p + lp;
	m->ncap = 0;
	m->depth = SM_MAXDEPTH;
	m->steps = 0;
}

/* Push capture i of the match [s, e); with no capture, index 0 is the whole match. */
static void sm_push_cap(sm *m, int i, const char *s, const char *e)
{
	if (i >= m->ncap) {
		if (i != 0)
			luaL_error(m->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(m->L, s, (size_t)(e - s));
		return;
	}
	if (m->cap[i].len == SM_OPEN)
		luaL_error(m->L, "unfinished capture");
	if (m->cap[i].len == SM_POS)
		lua_pushinteger(m->L, (lua_Integer)(m->cap[i].at - m->s0) + 1);
	else
		lua_pushlstring(m->L, m->cap[i].at, (size_t)m->cap[i].len);
}

/* Push the captures (or, when whole and there are none, the match): how many. */
static int sm_push_caps(sm *m, const char *s, const char *e, int whole)
{
	int i, n = m->ncap == 0 && whole ? 1 : m->ncap;
	luaL_checkstack(m->L, n, "too many captures");
	for (i = 0; i < n; i++)
		sm_push_cap(m, i, s, e);
	return n;
}

/* A 1-based init (negative counts from the end) as a 0-based offset; may exceed len. */
static size_t sm_init_pos(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos - 1;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 0;
	return (size_t)((lua_Integer)len + pos);
}

static int sm_no_specials(const char *p, size_t lp)
{
	size_t i;
	for (i = 0; i < lp; i++)
		if (p[i] != '\0' && strchr(SM_SPECIALS, p[i]))
			return 0;
	return 1;
}

/* The first occurrence of [p, p + lp) in [s, s1), counting characters compared, or NULL. */
static const char *sm_plain(sm *m, const char *s, const char *p, size_t lp)
{
	if (lp == 0)
		return s;
	for (; (size_t)(m->s1 - s) >= lp; s++) {
		size_t k = 0;
		while (k < lp && s[k] == p[k])
			k++;
		sm_step(m, (lua_Integer)(k + 1));
		if (k == lp)
			return s;
	}
	return NULL;
}

static int sm_find(lua_State *L, int find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t at = sm_init_pos(luaL_optinteger(L, 3, 1), ls);
	sm m;
	if (at > ls) {
		luaL_pushfail(L);
		return 1;
	}
	sm_init(&m, L, s, ls, p, lp);
	if (find && (lua_toboolean(L, 4) || sm_no_specials(p, lp))) {
		const char *hit = sm_plain(&m, s + at, p, lp);
		sm_flush(&m);
		if (!hit) {
			luaL_pushfail(L);
			return 1;
		}
		lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
		lua_pushinteger(L, (lua_Integer)(hit - s) + (lua_Integer)lp);
		return 2;
	} else {
		int anchored = lp > 0 && *p == '^';
		const char *from = s + at, *pat = anchored ? p + 1 : p;
		for (;;) {
			const char *e = sm_try(&m, from, pat);
			if (e) {
				sm_flush(&m);
				if (!find)
					return sm_push_caps(&m, from, e, 1);
				lua_pushinteger(L, (lua_Integer)(from - s) + 1);
				lua_pushinteger(L, (lua_Integer)(e - s));
				return 2 + sm_push_caps(&m, NULL, NULL, 0);
			}
			if (anchored || from >= m.s1)
				break;
			from++;
		}
		sm_flush(&m);
		luaL_pushfail(L);
		return 1;
	}
}

static int sm_l_find(lua_State *L)
{
	return sm_find(L, 1);
}

static int sm_l_match(lua_State *L)
{
	return sm_find(L, 0);
}

/* gmatch's iterator state: where the next search starts and where the last match ended
 * (a match may not end there again, so an empty match right after a match is skipped). */
typedef struct sm_iter {
	size_t next;
	size_t last;  /* offset of the last match's end, or (size_t)-1 before the first */
} sm_iter;

static int sm_gmatch_next(lua_State *L)
{
	size_t ls, lp;
	const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
	sm_iter *it = lua_touserdata(L, lua_upvalueindex(3));
	sm m;
	sm_init(&m, L, s, ls, p, lp);
	while (it->next <= ls) {
		const char *from = s + it->next;
		const char *e = sm_try(&m, from, p);
		if (e && (size_t)(e - s) != it->last) {
			it->next = it->last = (size_t)(e - s);
			sm_flush(&m);
			return sm_push_caps(&m, from, e, 1);
		}
		it->next++;
	}
	sm_flush(&m);
	return 0;
}

/* In gmatch a leading '^' is no anchor (it would stop the iteration): it matches itself. */
static int sm_l_gmatch(lua_State *L)
{
	size_t ls;
	sm_iter *it;
	(void)luaL_checklstring(L, 1, &ls);
	(void)luaL_checkstring(L, 2);
	size_t at = sm_init_pos(luaL_optinteger(L, 3, 1), ls);
	lua_settop(L, 2);
	it = lua_newuserdatauv(L, sizeof *it, 0);
	it->next = at > ls ? ls + 1 : at;
	it->last = (size_t)-1;
	lua_pushcclosure(L, sm_gmatch_next, 3);
	return 1;
}

/* Append the replacement string of gsub for the match [s, e). */
static void sm_add_string(sm *m, luaL_Buffer *b, const char *s, const char *e)
{
	size_t lr, i;
	const char *r = lua_tolstring(m->L, 3, &lr);
	for (i = 0; i < lr; i++) {
		int d;
		if (r[i] != '%') {
			luaL_addchar(b, r[i]);
			continue;
		}
		i++;
		d = i < lr ? (unsigned char)r[i] : 0;
		if (d == '%') {
			luaL_addchar(b, '%');
		} else if (isdigit(d)) {
			if (d == '0')
				luaL_addlstring(b, s, (size_t)(e - s));
			else {
				sm_push_cap(m, d - '1', s, e);
				luaL_tolstring(m->L, -1, NULL); /* a position capture becomes its digits */
				lua_remove(m->L, -2);
				luaL_addvalue(b);
			}
		} else {
			luaL_error(m->L, "invalid use of '%c' in replacement string", '%');
		}
	}
}

/* Append the replacement of the match [s, e) by a table or function, or the match itself when
 * that gives false or nil. */
static void sm_add_value(sm *m, luaL_Buffer *b, const char *s, const char *e, int kind)
{
	lua_State *L = m->L;
	if (kind == LUA_TFUNCTION) {
		int n;
		lua_pushvalue(L, 3);
		n = sm_push_caps(m, s, e, 1);
		lua_call(L, n, 1);
	} else {
		sm_push_cap(m, 0, s, e);
		lua_gettable(L, 3);
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return;
	}
	if (!lua_isstring(L, -1))
		luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
}

static int sm_l_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	int kind = lua_type(L, 3);
	lua_Integer most = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
	int anchored = lp > 0 && *p == '^';
	const char *from = s, *last = NULL;
	luaL_Buffer b;
	sm m;
	luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION ||
	                 kind == LUA_TTABLE, 3, "string/function/table");
	if (anchored) {
		p++;
		lp--;
	}
	luaL_buffinit(L, &b);
	sm_init(&m, L, s, ls, p, lp);
	while (n < most) {
		const char *e = sm_try(&m, from, p);
		if (e && e != last) {
			n++;
			sm_flush(&m); /* before a replacement function runs */
			if (kind == LUA_TFUNCTION || kind == LUA_TTABLE)
				sm_add_value(&m, &b, from, e, kind);
			else
				sm_add_string(&m, &b, from, e);
			from = last = e;
		} else if (from < m.s1) {
			luaL_addchar(&b, *from++);
		} else {
			break;
		}
		if (anchored)
			break;
	}
	sm_flush(&m);
	luaL_addlstring(&b, from, (size_t)(m.s1 - from));
	luaL_pushresult(&b);
	lua_pushinteger(L, n);
	return 2;
}

void iapt_lua__open_patterns(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{"find", sm_l_find},
		{"match", sm_l_match},
		{"gmatch", sm_l_gmatch},
		{"gsub", sm_l_gsub},
		{NULL, NULL},
	};
	luaL_setfuncs(L, fns, 0);
}
