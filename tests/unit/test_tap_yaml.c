/* test_tap_yaml.c: YAML double-quoted scalars (lib/tap.c). */
#include "suites.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char quoted[4096], plain[4096];

static const char *quote(const char *in)
{
	tap_yaml_quote(quoted, sizeof quoted, in);
	return quoted;
}

static void test_quote_wraps_plain_text_in_quotes(void)
{
	ASSERT_STR_EQ(quote("ECONNRESET (104)"), "\"ECONNRESET (104)\"");
	ASSERT_STR_EQ(quote(""), "\"\"");
}

static void test_quote_escapes_quotes_backslashes_and_controls(void)
{
	ASSERT_STR_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
	ASSERT_STR_EQ(quote("line\nnext\ttab"), "\"line\\nnext\\ttab\"");
	ASSERT_STR_EQ(quote("\x01\x1f\r\x7f"), "\"\\x01\\x1f\\x0d\\x7f\"");
	/* bytes above 0x7f (UTF-8) pass as they are */
	ASSERT_STR_EQ(quote("\xc3\xa9"), "\"\xc3\xa9\"");
	ASSERT_STR_EQ(quote("\xe2\x82\xac \xf0\x9f\x98\x80"), "\"\xe2\x82\xac \xf0\x9f\x98\x80\"");
}

/* What is not UTF-8 is escaped byte by byte: a UTF-8 reader never meets it raw. */
static void test_quote_escapes_bytes_that_are_not_utf8(void)
{
	ASSERT_STR_EQ(quote("\xff\xfe"), "\"\\xff\\xfe\"");
	ASSERT_STR_EQ(quote("a\xc3"), "\"a\\xc3\"");              /* cut short at the end */
	ASSERT_STR_EQ(quote("\xc3("), "\"\\xc3(\"");                /* no continuation byte */
	ASSERT_STR_EQ(quote("\xc0\xaf"), "\"\\xc0\\xaf\"");         /* overlong '/' */
	ASSERT_STR_EQ(quote("\xed\xa0\x80"), "\"\\xed\\xa0\\x80\""); /* a surrogate */
	ASSERT_STR_EQ(quote("\xf4\x90\x80\x80"), "\"\\xf4\\x90\\x80\\x80\""); /* past U+10FFFF */
	ASSERT_STR_EQ(quote("\x80"), "\"\\x80\"");                  /* a lone continuation byte */
}

/* Characters YAML may not carry raw in a scalar: C1 controls, its line breaks, the BOM. */
static void test_quote_escapes_characters_yaml_does_not_print(void)
{
	ASSERT_STR_EQ(quote("a\xc2\x85" "b"), "\"a\\u0085b\"");      /* NEL */
	ASSERT_STR_EQ(quote("\xc2\x80\xc2\x9f"), "\"\\u0080\\u009f\"");
	ASSERT_STR_EQ(quote("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\""); /* LS, PS */
	ASSERT_STR_EQ(quote("\xef\xbb\xbf"), "\"\\ufeff\"");
	ASSERT_STR_EQ(quote("\xef\xbf\xbe\xef\xbf\xbf"), "\"\\ufffe\\uffff\"");
	ASSERT_STR_EQ(quote("\xc2\xa0"), "\"\xc2\xa0\"");           /* U+00A0 is printable */
}

static void test_escaped_characters_round_trip(void)
{
	static const char *const values[] = {
		"a\xc2\x85" "b\xe2\x80\xa8" "c", "\xff", "\xc3", "x\xed\xa0\x80y", "\xef\xbb\xbf",
		"\xe2\x82\xac\xc3\xa9\xf0\x9f\x98\x80",
	};

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		tap_yaml_quote(quoted, sizeof quoted, values[i]);
		ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, quoted), 0);
		ASSERT_STR_EQ(plain, values[i]);
	}
	ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, "\"\\u00e9\\u0041\\u20AC\""), 0);
	ASSERT_STR_EQ(plain, "\xc3\xa9" "A\xe2\x82\xac");
}

/* Every byte value in every position: the quoted text is valid UTF-8 with nothing YAML refuses. */
static void test_quoted_text_is_printable_utf8(void)
{
	char in[4];
	unsigned bad = 0;

	for (int a = 0x80; a < 0x100; a++)
		for (int b = 0x01; b < 0x100; b++) {
			in[0] = (char)a, in[1] = (char)b, in[2] = (char)0x80, in[3] = '\0';
			tap_yaml_quote(quoted, sizeof quoted, in);
			for (const char *p = quoted; *p;) {
				unsigned long cp = 0;
				size_t len = tap_utf8_char(p, &cp);
				if (len == 0 || cp < 0x20 || cp == 0x7f || tap_yaml_unprintable(cp)) {
					bad++;
					break;
				}
				p += len;
			}
		}
	ASSERT_INT_EQ(bad, 0);
}

static void test_utf8_char_lengths(void)
{
	unsigned long cp = 0;

	ASSERT_INT_EQ(tap_utf8_char("A", &cp), 1);
	ASSERT_INT_EQ(cp, 0x41);
	ASSERT_INT_EQ(tap_utf8_char("\xc3\xa9", &cp), 2);
	ASSERT_INT_EQ(cp, 0xe9);
	ASSERT_INT_EQ(tap_utf8_char("\xe2\x82\xac", &cp), 3);
	ASSERT_INT_EQ(cp, 0x20ac);
	ASSERT_INT_EQ(tap_utf8_char("\xf4\x8f\xbf\xbf", &cp), 4);
	ASSERT_INT_EQ(cp, 0x10ffff);
	ASSERT_INT_EQ(tap_utf8_char("\xe0\x80\x80", NULL), 0); /* overlong */
	ASSERT_INT_EQ(tap_utf8_char("\xe2\x82", NULL), 0);     /* cut short */
	ASSERT_INT_EQ(tap_utf8_char("\xf5\x80\x80\x80", NULL), 0);
}

static void test_every_byte_round_trips(void)
{
	char all[256];

	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	tap_yaml_quote(quoted, sizeof quoted, all);
	ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, quoted), 0);
	ASSERT_INT_EQ(strlen(plain), 255);
	CU_ASSERT(memcmp(plain, all, 256) == 0);
}

static void test_quoted_text_has_no_raw_control_characters(void)
{
	char all[256];

	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	tap_yaml_quote(quoted, sizeof quoted, all);
	for (const char *p = quoted; *p; p++)
		CU_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void test_round_trip_of_awkward_strings(void)
{
	static const char *const values[] = {
		"\\", "\"", "\\\"", "\\n is not a newline", "ends with \\", "\"\"\"",
		"x: y", "  leading and trailing  ", "\\x41 literally",
	};

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		tap_yaml_quote(quoted, sizeof quoted, values[i]);
		ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, quoted), 0);
		ASSERT_STR_EQ(plain, values[i]);
	}
}

/* Cut to a small buffer, the result is still one valid quoted string of a prefix. */
static void test_truncation_keeps_a_valid_quoted_prefix(void)
{
	static const char in[] = "ab\"c\\d\ne\x01" "fgh";

	for (size_t size = 3; size <= 40; size++) {
		char *small = malloc(size); /* exact size: ASan sees any overrun */
		char back[64];

		CU_ASSERT_PTR_NOT_NULL_FATAL(small);
		tap_yaml_quote(small, size, in);
		CU_ASSERT(strlen(small) < size);
		CU_ASSERT(strlen(small) >= 2);
		ASSERT_INT_EQ(tap_yaml_unquote(back, sizeof back, small), 0);
		CU_ASSERT(strncmp(back, in, strlen(back)) == 0);
		if (size >= 40)
			ASSERT_STR_EQ(back, in);
		free(small);
	}
}

static void test_truncation_never_splits_an_escape(void)
{
	char small[6];

	/* "\"a\\\"" would need 4 + 1 closing quote + NUL = 6: fits */
	tap_yaml_quote(small, sizeof small, "a\"b");
	ASSERT_STR_EQ(small, "\"a\\\"\"");
	/* one less, and the escape is dropped whole */
	tap_yaml_quote(small, 5, "a\"b");
	ASSERT_STR_EQ(small, "\"a\"");
	tap_yaml_quote(small, 5, "\x01");
	ASSERT_STR_EQ(small, "\"\"");
}

static void test_buffer_too_small_for_quotes_gives_empty_string(void)
{
	char tiny[3] = {'x', 'x', 'x'};

	tap_yaml_quote(tiny, 2, "abc");
	ASSERT_INT_EQ(tiny[0], '\0');
	ASSERT_INT_EQ(tiny[2], 'x');
	tiny[0] = 'x';
	tap_yaml_quote(tiny, 0, "abc");
	ASSERT_INT_EQ(tiny[0], 'x');
	tap_yaml_quote(tiny, 3, "abc");
	ASSERT_STR_EQ(tiny, "\"\"");
}

static void test_unquote_of_a_plain_scalar_takes_it_as_it_is(void)
{
	ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, "no quotes \\n here"), 0);
	ASSERT_STR_EQ(plain, "no quotes \\n here");
	ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, ""), 0);
	ASSERT_STR_EQ(plain, "");
}

static void test_unquote_accepts_upper_case_hex(void)
{
	ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, "\"\\x7F\\x0a\""), 0);
	ASSERT_STR_EQ(plain, "\x7f\n");
	ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, "\"\\uFEFF\""), 0);
	ASSERT_STR_EQ(plain, "\xef\xbb\xbf");
}

static void test_unquote_cuts_to_the_buffer(void)
{
	char small[4];

	ASSERT_INT_EQ(tap_yaml_unquote(small, sizeof small, "\"abcdef\""), 0);
	ASSERT_STR_EQ(small, "abc");
	ASSERT_INT_EQ(tap_yaml_unquote(small, sizeof small, "abcdef"), 0);
	ASSERT_STR_EQ(small, "abc");
	ASSERT_INT_EQ(tap_yaml_unquote(small, 0, "\"a\""), -1);
}

static void test_malformed_quoted_strings_are_rejected(void)
{
	static const char *const bad[] = {
		"\"unterminated",     /* no closing quote */
		"\"a\" trailing",     /* text after the closing quote */
		"\"a\"\"",            /* a second quote */
		"\"a\\qb\"",          /* unknown escape */
		"\"a\\x4\"",          /* short hex escape */
		"\"a\\xzz\"",         /* not hex */
		"\"a\\x\"",           /* no hex digits */
		"\"a\\\"",            /* the escape eats the closing quote */
		"\"a\\",              /* a backslash at the end */
		"\"\\u12\"",           /* short \u escape */
		"\"\\ud800\"",         /* half a UTF-16 surrogate pair */
		"\"",                 /* a lone quote */
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(plain, "stale");
		ASSERT_INT_EQ(tap_yaml_unquote(plain, sizeof plain, bad[i]), -1);
		ASSERT_STR_EQ(plain, "");
	}
}

static void test_pair_writes_indented_key_and_quoted_value(void)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	tap_yaml_pair(f, 2, "got", "a \"b\"\n");
	tap_yaml_pair(f, 6, "errno", NULL);
	fclose(f);
	ASSERT_STR_EQ(buf, "  got: \"a \\\"b\\\"\\n\"\n      errno: \"\"\n");
	free(buf);
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_quote_wraps_plain_text_in_quotes),
	UNIT_TEST(test_quote_escapes_quotes_backslashes_and_controls),
	UNIT_TEST(test_quote_escapes_bytes_that_are_not_utf8),
	UNIT_TEST(test_quote_escapes_characters_yaml_does_not_print),
	UNIT_TEST(test_escaped_characters_round_trip),
	UNIT_TEST(test_quoted_text_is_printable_utf8),
	UNIT_TEST(test_utf8_char_lengths),
	UNIT_TEST(test_every_byte_round_trips),
	UNIT_TEST(test_quoted_text_has_no_raw_control_characters),
	UNIT_TEST(test_round_trip_of_awkward_strings),
	UNIT_TEST(test_truncation_keeps_a_valid_quoted_prefix),
	UNIT_TEST(test_truncation_never_splits_an_escape),
	UNIT_TEST(test_buffer_too_small_for_quotes_gives_empty_string),
	UNIT_TEST(test_unquote_of_a_plain_scalar_takes_it_as_it_is),
	UNIT_TEST(test_unquote_accepts_upper_case_hex),
	UNIT_TEST(test_unquote_cuts_to_the_buffer),
	UNIT_TEST(test_malformed_quoted_strings_are_rejected),
	UNIT_TEST(test_pair_writes_indented_key_and_quoted_value),
};

void register_tap_yaml_tests(void)
{
	ADD_SUITE("tap_yaml", tests);
}
