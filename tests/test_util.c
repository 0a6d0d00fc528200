#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "check_main.h"

START_TEST(distance_and_suggest)
{
	static const char *const keys[] = {"replicates", "seed", "years", "population_scale"};
	ck_assert_uint_eq(iapt_str__distance("kitten", "sitting", 5), 3);
	ck_assert_uint_eq(iapt_str__distance("same", "same", 5), 0);
	ck_assert_uint_eq(iapt_str__distance("abc", "abcdefgh", 2), 3); /* capped: cap + 1 */
	ck_assert_str_eq(iapt_str__suggest("replicate", keys, 4), "replicates");
	ck_assert_str_eq(iapt_str__suggest("populaton_scale", keys, 4), "population_scale");
	ck_assert_ptr_null(iapt_str__suggest("colour", keys, 4));
	ck_assert_str_eq(iapt_str__suggest("POPULATION_SCALE", keys, 4), "population_scale"); /* case alone */
}
END_TEST

/* The nearest few: every candidate at the fewest edits, in order, at most max; the same
 * word in other case alone; none when nothing is near. */
START_TEST(suggest_several)
{
	static const char *const codes[] = {"02A", "02D", "99A", "02E", "02F", "12F", "02FF"};
	const char *out[3] = {NULL, NULL, NULL};
	ck_assert_uint_eq(iapt_str__suggest_n("02Z", codes, 7, out, 3), 3);
	ck_assert_str_eq(out[0], "02A");
	ck_assert_str_eq(out[1], "02D");
	ck_assert_str_eq(out[2], "02E");
	ck_assert_uint_eq(iapt_str__suggest_n("12Z", codes, 7, out, 3), 1); /* 12F is one edit, 02A..02F two */
	ck_assert_str_eq(out[0], "12F");
	ck_assert_uint_eq(iapt_str__suggest_n("02f", codes, 7, out, 3), 1); /* case alone, though 02A is one edit */
	ck_assert_str_eq(out[0], "02F");
	ck_assert_uint_eq(iapt_str__suggest_n("ZZZ", codes, 7, out, 3), 0);
	ck_assert_uint_eq(iapt_str__suggest_n("02Z", codes, 7, out, 0), 0);
	ck_assert_uint_eq(iapt_str__suggest_n("02f", codes, 7, out, 0), 0);
}
END_TEST

START_TEST(numbers_round_trip)
{
	iapt_buf b = {0};
	iapt_buf__number(&b, 0.1, "NA");
	iapt_buf__put(&b, " ", 1);
	iapt_buf__number(&b, 1.0 / 3.0, "NA");
	iapt_buf__put(&b, " ", 1);
	iapt_buf__number(&b, NAN, "NA");
	iapt_buf__put(&b, " ", 1);
	iapt_buf__number(&b, -0.0, "NA");
	iapt_buf__put(&b, " ", 1);
	iapt_buf__number(&b, 1694790, "NA");
	ck_assert(iapt_buf__ok(&b));
	ck_assert_str_eq(b.ptr, "0.1 0.3333333333333333 NA 0 1694790");
	iapt_buf__free(&b);
}
END_TEST

START_TEST(json_escapes)
{
	iapt_buf b = {0};
	iapt_buf__json_string(&b, "a\"b\\c\nd\x01");
	ck_assert_str_eq(b.ptr, "\"a\\\"b\\\\c\\nd\\u0001\"");
	iapt_buf__free(&b);
}
END_TEST

START_TEST(atomic_write_and_read)
{
	char dir[] = "/tmp/iapt_test_XXXXXX", path[256], *text = NULL;
	size_t len = 0;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a/b/out.txt", dir);
	/* the folder does not exist yet: an I/O error, and nothing written */
	ck_assert_int_eq(iapt_file__write_atomic(path, "x", 1), IAPT_EIO);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/a/b", dir);
	ck_assert_int_eq(iapt_file__mkdirs(path), 0);
	snprintf(path, sizeof path, "%s/a/b/out.txt", dir);
	ck_assert_int_eq(iapt_file__write_atomic(path, "hello\n", 6), 0);
	ck_assert_int_eq(iapt_file__read(path, &text, &len), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(text, "hello\n");
	free(text);
	ck_assert_int_eq(iapt_file__read("/nonexistent/file.yaml", &text, &len), IAPT_ENOTFOUND);
	ck_assert_ptr_null(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/a/b", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST


START_TEST(text_checks_and_excerpts)
{
	size_t off = 9, line = 9, col = 9;
	iapt_buf b = {0};
	char lng[400];
	ck_assert_int_eq(iapt_text__check("a\xC3\xA9\n\xE2\x82\xAC", 7, &off, &line, &col), 0);
	ck_assert_int_eq(iapt_text__check("ab\r\nc\xC3\xA9\xC3", 8, &off, &line, &col), 1); /* cut short */
	ck_assert_uint_eq(off, 7);
	ck_assert_uint_eq(line, 1);
	ck_assert_uint_eq(col, 2);
	ck_assert_int_eq(iapt_text__check("\xC0\xAF", 2, &off, &line, &col), 1);       /* overlong */
	ck_assert_int_eq(iapt_text__check("\xED\xA0\x80", 3, &off, &line, &col), 1);   /* surrogate */
	ck_assert_int_eq(iapt_text__check("\xF4\x90\x80\x80", 4, &off, &line, &col), 1); /* > U+10FFFF */
	ck_assert_int_eq(iapt_text__check("x\ry\0", 4, &off, &line, &col), 2);          /* CR ends a line */
	ck_assert_uint_eq(line, 1);
	ck_assert_uint_eq(col, 1);
	ck_assert_uint_eq(iapt_text__bom("\xEF\xBB\xBFyear", 7), 3);
	ck_assert_uint_eq(iapt_text__bom("year", 4), 0);
	/* tabs are kept so the caret lines up; control bytes show as '?' */
	iapt_buf__excerpt(&b, "\tab\x01" "cd", 6, 4);
	ck_assert_str_eq(b.ptr, "\n  \tab?cd\n  \t   ^");
	iapt_buf__free(&b);
	/* a caret past the end of the line */
	iapt_buf__excerpt(&b, "ab", 2, 4);
	ck_assert_str_eq(b.ptr, "\n  ab\n      ^");
	iapt_buf__free(&b);
	/* a long line: 60 characters either side of the caret */
	memset(lng, 'x', sizeof lng);
	lng[200] = 'C';
	iapt_buf__excerpt(&b, lng, sizeof lng, 200);
	ck_assert_uint_eq(b.len, 3 + 3 + 120 + 3 + 3 + 3 + 60 + 1);
	ck_assert_int_eq(b.ptr[3 + 3 + 60], 'C');
	ck_assert_int_eq(b.ptr[b.len - 1], '^');
	iapt_buf__free(&b);
}
END_TEST

/* A message at a place in a file names its file (a caller adds no "path: " in front). */
START_TEST(messages_at_a_place)
{
	ck_assert_int_eq(iapt_error__starts_at_place("s.yaml:7:16: plugins.x.with.y: no service 'Z'\n  y: Z\n     ^"), 1);
	ck_assert_int_eq(iapt_error__starts_at_place("dir/a b.yaml:1:1: unknown key"), 1);
	ck_assert_int_eq(iapt_error__starts_at_place("plugins.x.with.y (the plugin's default): no service 'Z'"), 0);
	ck_assert_int_eq(iapt_error__starts_at_place("services.csv:12: no header"), 0);        /* no column */
	ck_assert_int_eq(iapt_error__starts_at_place(":7:16: no file"), 0);
	ck_assert_int_eq(iapt_error__starts_at_place("s.yaml:7:: x"), 0);
	ck_assert_int_eq(iapt_error__starts_at_place("s.yaml:7:16"), 0);                      /* no message */
	ck_assert_int_eq(iapt_error__starts_at_place("a\nb.yaml:7:16: split"), 0);            /* not the first line */
	ck_assert_int_eq(iapt_error__starts_at_place("x: uncertainty (s.yaml:8:24): draws"), 0);
	ck_assert_int_eq(iapt_error__starts_at_place(""), 0);
}
END_TEST

/* iapt_error__at shows its line as the scenario parser does: the caret under the column
 * counted in characters (a multibyte character before it is one), tabs kept, control
 * characters as '?', a long line cut to a window around the caret. */
START_TEST(error_at_shows_its_line)
{
	char longline[400];
	const char *m;
	ck_assert_int_eq(iapt_error__at(IAPT_EINVAL, "s.yaml", 6, 14, "  caf\xc3\xa9: {x: \"ZZZ\"}", "bad"), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "s.yaml:7:15: bad\n    caf\xc3\xa9: {x: \"ZZZ\"}\n                ^");
	iapt_error__at(IAPT_EINVAL, "s.yaml", 0, 3, "\tx:\x1b[2J y", "bad");
	ck_assert_str_eq(iapt_error_last()->message, "s.yaml:1:4: bad\n  \tx:?[2J y\n  \t  ^");
	memset(longline, 'a', sizeof longline - 1);
	longline[sizeof longline - 1] = 0;
	iapt_error__at(IAPT_EINVAL, "s.yaml", 0, 300, longline, "bad");
	m = iapt_error_last()->message;
	ck_assert_ptr_nonnull(strstr(m, "\n  ..."));
	ck_assert_uint_lt(strlen(m), 300);
	/* no text: the place alone */
	iapt_error__at(IAPT_EINVAL, "s.yaml", 1, 2, NULL, "bad");
	ck_assert_str_eq(iapt_error_last()->message, "s.yaml:2:3: bad");
}
END_TEST

/* Numbers in input files: whole strings, decimal, finite; blanks on either side refused alike. */
START_TEST(numbers_are_whole_decimal_strings)
{
	static const char *good[] = {"0.5", "-3", "1e3", "+2.25", ".5"};
	static const char *bad[] = {"", " 0.5", "0.5 ", "\t1", "0x10", "inf", "nan", "1e999", "1,5", "5%", "abc"};
	size_t k;
	double v;
	for (k = 0; k < sizeof good / sizeof good[0]; k++)
		ck_assert_msg(iapt_str__number(good[k], &v) == IAPT_OK, "'%s' refused", good[k]);
	ck_assert(iapt_str__number("1e3", &v) == IAPT_OK && v == 1000);
	for (k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ck_assert_msg(iapt_str__number(bad[k], &v) == IAPT_EINVAL, "'%s' accepted", bad[k]);
}
END_TEST

START_TEST(errors_are_per_thread_records)
{
	const iapt_error *e;
	iapt_error_clear();
	ck_assert_int_eq(iapt_error_last()->code, IAPT_OK);
	ck_assert_int_eq(iapt_error__set(IAPT_ERANGE, "x is %d", 3), IAPT_ERANGE);
	iapt_error__prefix("while %s", "testing");
	e = iapt_error_last();
	ck_assert_int_eq(e->code, IAPT_ERANGE);
	ck_assert_str_eq(e->message, "while testing: x is 3");
	ck_assert_ptr_nonnull(e->file);
	ck_assert(iapt_error_is_input(IAPT_ERANGE));
	ck_assert(!iapt_error_is_input(IAPT_ENOMEM));
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, distance_and_suggest);
	tcase_add_test(tc, suggest_several);
	tcase_add_test(tc, numbers_round_trip);
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, atomic_write_and_read);
	tcase_add_test(tc, errors_are_per_thread_records);
	tcase_add_test(tc, messages_at_a_place);
	tcase_add_test(tc, error_at_shows_its_line);
	tcase_add_test(tc, numbers_are_whole_decimal_strings);
	tcase_add_test(tc, text_checks_and_excerpts);
	suite_add_tcase(s, tc);
	return s;
}
