/* test_case_tap.c: the strict reader of a case's output (runner/case_tap.c). */
#include "case_tap.h"
#include "suites.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct case_tap tap;

static int parse(const char *text)
{
	case_tap_free(&tap); /* the texts an earlier test parsed */
	return case_tap_parse(text, strlen(text), &tap);
}

/* The output is rejected, and the reason says `why`. */
#define ASSERT_REJECTED(text, why)                \
	do {                                      \
		ASSERT_INT_EQ(parse(text), -1);   \
		ASSERT_CONTAINS(tap.error, why);  \
	} while (0)

static const char well_formed[] =
	"# id: shutrd.data_dropped\n"
	"# claim: Data arriving after SHUT_RD is discarded\n"
	"# cite: POSIX.1-2017 shutdown() <https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html>\n"
	"# cite: RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>\n"
	"1..3\n"
	"not ok 1 - inet\n"
	"  ---\n"
	"  message: \"a \\\"quoted\\\" word, a back\\\\slash\\nand a second line\"\n"
	"  got: \"5\"\n"
	"  control: \"bell\\x07 tab\\t del\\x7F\"\n"
	"  plain: no quotes here\n"
	"  ...\n"
	"ok 2 - inet6\n"
	"# a comment between points\n"
	"ok 3 - unix # SKIP AF_UNIX has no SHUT_RD here\n";

static void test_well_formed_output_parses(void)
{
	ASSERT_INT_EQ(parse(well_formed), 0);
	ASSERT_STR_EQ(tap.error, "");
	ASSERT_STR_EQ(tap.id, "shutrd.data_dropped");
	ASSERT_STR_EQ(tap.claim, "Data arriving after SHUT_RD is discarded");
	ASSERT_INT_EQ(tap.ncites, 2);
	ASSERT_STR_EQ(tap.cites[1], "RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>");
	ASSERT_INT_EQ(tap.have_plan, 1);
	ASSERT_INT_EQ(tap.planned, 3);
	ASSERT_INT_EQ(tap.npoints, 3);
}

static void test_points_keep_status_family_and_skip_reason(void)
{
	ASSERT_INT_EQ(parse(well_formed), 0);
	ASSERT_INT_EQ(tap.points[0].ok, 0);
	ASSERT_INT_EQ(tap.points[0].skip, 0);
	ASSERT_STR_EQ(tap.points[0].family, "inet");
	ASSERT_INT_EQ(tap.points[1].ok, 1);
	ASSERT_INT_EQ(tap.points[1].skip, 0);
	ASSERT_STR_EQ(tap.points[1].family, "inet6");
	ASSERT_INT_EQ(tap.points[1].ndiag, 0);
	ASSERT_INT_EQ(tap.points[2].ok, 1);
	ASSERT_INT_EQ(tap.points[2].skip, 1);
	ASSERT_STR_EQ(tap.points[2].family, "unix");
	ASSERT_STR_EQ(tap.points[2].skip_reason, "AF_UNIX has no SHUT_RD here");
}

static void test_yaml_values_are_unescaped(void)
{
	ASSERT_INT_EQ(parse(well_formed), 0);
	ASSERT_INT_EQ(tap.points[0].ndiag, 4);
	ASSERT_STR_EQ(point_diag(&tap.points[0], "message"),
		      "a \"quoted\" word, a back\\slash\nand a second line");
	ASSERT_STR_EQ(point_diag(&tap.points[0], "got"), "5");
	ASSERT_STR_EQ(point_diag(&tap.points[0], "control"), "bell\a tab\t del\x7f");
	ASSERT_STR_EQ(point_diag(&tap.points[0], "plain"), "no quotes here");
}

static void test_point_diag_finds_keys_and_misses_others(void)
{
	ASSERT_INT_EQ(parse(well_formed), 0);
	ASSERT_STR_EQ(point_diag(&tap.points[0], "got"), "5");
	CU_ASSERT_PTR_NULL(point_diag(&tap.points[0], "errno"));
	CU_ASSERT_PTR_NULL(point_diag(&tap.points[0], "go"));
	CU_ASSERT_PTR_NULL(point_diag(&tap.points[1], "got"));
}

/* What lib's writer quotes, this reader gives back byte for byte. */
static void test_values_round_trip_through_the_writer(void)
{
	static const char *const values[] = {
		"plain",
		"\"quoted\" and \\backslashed\\",
		"two\nlines\r\n",
		"\x01\x02\x1f\x7f tab\there",
		"\xc3\xa9t\xc3\xa9 UTF-8",
		"ends with a backslash \\",
		"key: value # not a comment",
		"",
	};
	char text[8192], quoted[1024];
	size_t n;

	n = (size_t)snprintf(text, sizeof text, "# id: x\n1..1\nnot ok 1 - inet\n  ---\n");
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		tap_yaml_quote(quoted, sizeof quoted, values[i]);
		n += (size_t)snprintf(text + n, sizeof text - n, "  v%zu: %s\n", i, quoted);
	}
	snprintf(text + n, sizeof text - n, "  ...\n");
	ASSERT_INT_EQ(parse(text), 0);
	ASSERT_INT_EQ(tap.points[0].ndiag, sizeof values / sizeof values[0]);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		char key[8];
		snprintf(key, sizeof key, "v%zu", i);
		ASSERT_STR_EQ(point_diag(&tap.points[0], key), values[i]);
	}
}

static void test_crlf_line_ends_are_accepted(void)
{
	ASSERT_INT_EQ(parse("# id: x\r\n1..1\r\nnot ok 1 - inet\r\n  ---\r\n  got: \"5\"\r\n  ...\r\n"),
		      0);
	ASSERT_STR_EQ(tap.id, "x");
	ASSERT_STR_EQ(tap.points[0].family, "inet");
	ASSERT_STR_EQ(point_diag(&tap.points[0], "got"), "5");
}

static void test_last_line_without_newline_counts(void)
{
	ASSERT_INT_EQ(parse("1..1\nok 1 - inet"), 0);
	ASSERT_INT_EQ(tap.npoints, 1);
}

static void test_plan_missing_is_an_error(void)
{
	ASSERT_REJECTED("# id: x\nok 1 - inet\n", "no plan");
	ASSERT_REJECTED("", "no plan");
}

static void test_second_plan_is_an_error(void)
{
	ASSERT_REJECTED("1..1\nok 1 - inet\n1..1\n", "a second plan");
	ASSERT_CONTAINS(tap.error, "line 3");
}

static void test_malformed_plan_is_an_error(void)
{
	ASSERT_REJECTED("1..x\n", "malformed plan");
	ASSERT_REJECTED("1..\n", "malformed plan");
	ASSERT_REJECTED("1..2 # two\nok 1 - inet\nok 2 - inet6\n", "malformed plan");
	ASSERT_REJECTED("1..9\n", "malformed plan"); /* more points than a case can have */
}

static void test_too_few_points_is_an_error(void)
{
	ASSERT_REJECTED("1..3\nok 1 - inet\nok 2 - inet6\n", "planned 3 points, printed 2");
}

static void test_too_many_points_is_an_error(void)
{
	ASSERT_REJECTED("1..1\nok 1 - inet\nok 2 - inet6\n", "planned 1 points, printed 2");
}

static void test_more_points_than_the_limit_is_an_error(void)
{
	char text[1024];
	size_t n = (size_t)snprintf(text, sizeof text, "1..%d\n", MAX_POINTS);

	for (int i = 1; i <= MAX_POINTS + 1; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "ok %d - inet\n", i);
	ASSERT_REJECTED(text, "more than");
}

static void test_out_of_order_point_numbers_are_an_error(void)
{
	ASSERT_REJECTED("1..2\nok 2 - inet\nok 1 - inet6\n", "out-of-order");
	ASSERT_CONTAINS(tap.error, "line 2");
	ASSERT_REJECTED("1..2\nok 1 - inet\nok 1 - inet6\n", "out-of-order");
	ASSERT_REJECTED("1..2\nok 1 - inet\nok 3 - inet6\n", "out-of-order");
}

static void test_malformed_points_are_errors(void)
{
	ASSERT_REJECTED("1..1\nok 1 inet\n", "malformed");
	ASSERT_REJECTED("1..1\nok 1 - \n", "malformed");
	ASSERT_REJECTED("1..1\nok x - inet\n", "malformed");
	ASSERT_REJECTED("1..1\nok 1 - inet # TODO later\n", "malformed");
	ASSERT_REJECTED("1..1\nnot ok 1 - inet # SKIP a failure is no skip\n", "malformed");
	ASSERT_REJECTED("1..1\nok 1 - a_family_name_longer_than_the_field_holds\n", "malformed");
}

static void test_garbage_line_is_an_error_with_the_line(void)
{
	ASSERT_REJECTED("# id: x\n1..1\nSegmentation fault\nok 1 - inet\n", "unparseable output");
	ASSERT_CONTAINS(tap.error, "line 3");
	ASSERT_CONTAINS(tap.error, "Segmentation fault");
	ASSERT_REJECTED("1..1\n\nok 1 - inet\n", "line 2"); /* an empty line inside */
	ASSERT_REJECTED("1..1\nok\n", "unparseable output");
}

static void test_yaml_before_any_point_is_an_error(void)
{
	ASSERT_REJECTED("1..1\n  ---\n  got: \"1\"\n  ...\nok 1 - inet\n", "line 2");
}

static void test_unterminated_yaml_is_an_error(void)
{
	ASSERT_REJECTED("1..1\nnot ok 1 - inet\n  ---\n  got: \"5\"\n", "inside YAML");
}

static void test_malformed_yaml_line_is_an_error(void)
{
	ASSERT_REJECTED("1..1\nnot ok 1 - inet\n  ---\n  no colon here\n  ...\n", "malformed YAML");
	ASSERT_CONTAINS(tap.error, "line 4");
	ASSERT_REJECTED("1..1\nnot ok 1 - inet\n  ---\n    deep: \"x\"\n  ...\n", "malformed YAML");
	ASSERT_REJECTED("1..1\nnot ok 1 - inet\n  ---\nok 2 - inet6\n  ...\n", "malformed YAML");
}

static void test_nul_byte_is_an_error(void)
{
	static const char text[] = "1..1\nok 1 - in\0et\n";

	case_tap_free(&tap);
	ASSERT_INT_EQ(case_tap_parse(text, sizeof text - 1, &tap), -1);
	ASSERT_CONTAINS(tap.error, "NUL");
}

static void test_bail_out_is_an_error(void)
{
	ASSERT_REJECTED("1..1\nBail out! no sockets at all\n", "bailed out");
	ASSERT_CONTAINS(tap.error, "no sockets at all");
}

static void test_line_over_the_limit_is_an_error(void)
{
	size_t len = 100000;
	char *text = malloc(len + 32);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	strcpy(text, "1..1\n# ");
	memset(text + 7, 'x', len);
	strcpy(text + 7 + len, "\nok 1 - inet\n");
	ASSERT_REJECTED(text, "longer than");
	ASSERT_CONTAINS(tap.error, "line 2");
	free(text);
}

static void test_long_comment_within_the_limit_is_accepted(void)
{
	char text[1200];

	strcpy(text, "1..1\n# ");
	memset(text + 7, 'x', 1000);
	strcpy(text + 1007, "\nok 1 - inet\n");
	ASSERT_INT_EQ(parse(text), 0);
}

static void test_malformed_quoted_string_is_an_error(void)
{
	ASSERT_REJECTED("1..1\nnot ok 1 - inet\n  ---\n  got: \"5\n  ...\n", "malformed quoted string");
	ASSERT_CONTAINS(tap.error, "line 4");
	ASSERT_REJECTED("1..1\nnot ok 1 - inet\n  ---\n  got: \"a\\qb\"\n  ...\n",
			"malformed quoted string");
	ASSERT_REJECTED("1..1\nnot ok 1 - inet\n  ---\n  got: \"5\" trailing\n  ...\n",
			"malformed quoted string");
	ASSERT_REJECTED("1..1\nnot ok 1 - inet\n  ---\n  got: \"\\x4\"\n  ...\n",
			"malformed quoted string");
}

static void test_extra_yaml_pairs_beyond_the_limit_are_dropped(void)
{
	char text[4096];
	size_t n = (size_t)snprintf(text, sizeof text, "1..1\nnot ok 1 - inet\n  ---\n");

	for (int i = 0; i < MAX_DIAG + 4; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "  k%d: \"%d\"\n", i, i);
	snprintf(text + n, sizeof text - n, "  ...\n");
	ASSERT_INT_EQ(parse(text), 0);
	ASSERT_INT_EQ(tap.points[0].ndiag, MAX_DIAG);
	ASSERT_STR_EQ(point_diag(&tap.points[0], "k0"), "0");
	CU_ASSERT_PTR_NULL(point_diag(&tap.points[0], "k16"));
}

static void test_error_from_an_earlier_parse_does_not_stick(void)
{
	ASSERT_INT_EQ(parse("garbage\n"), -1);
	ASSERT_INT_EQ(parse("1..1\nok 1 - inet\n"), 0);
	ASSERT_STR_EQ(tap.error, "");
	ASSERT_STR_EQ(tap.id, "");
}

/* What a case printed is kept in storage of its size: a runner keeps little per case (issue 14). */
static void test_a_case_tap_is_small_and_its_texts_outlive_the_output(void)
{
	char text[] = "# id: x\n# claim: the claim\n# cite: RFC 9293\n1..2\nnot ok 1 - inet\n  ---\n"
		      "  got: \"5\"\n  ...\nok 2 - unix # SKIP no wire\n";

	CU_ASSERT(sizeof(struct case_tap) <= 2048);
	ASSERT_INT_EQ(parse(text), 0);
	memset(text, '#', sizeof text - 1); /* the reader copied what it keeps */
	ASSERT_STR_EQ(tap.claim, "the claim");
	ASSERT_STR_EQ(tap.cites[0], "RFC 9293");
	ASSERT_STR_EQ(point_diag(&tap.points[0], "got"), "5");
	ASSERT_STR_EQ(tap.points[1].skip_reason, "no wire");
}

static void test_freeing_keeps_the_id_families_and_counts(void)
{
	ASSERT_INT_EQ(parse("# id: x\n# claim: c\n# quiet: 40 ms w\n1..1\nnot ok 1 - inet\n  ---\n"
			    "  got: \"5\"\n  ...\n"), 0);
	case_tap_free(&tap);
	CU_ASSERT_PTR_NULL(tap.text);
	ASSERT_STR_EQ(tap.id, "x");
	ASSERT_STR_EQ(tap.claim, "");
	ASSERT_INT_EQ(tap.ncites, 0);
	ASSERT_INT_EQ(tap.npoints, 1);
	ASSERT_STR_EQ(tap.points[0].family, "inet");
	ASSERT_INT_EQ(tap.points[0].ok, 0);
	CU_ASSERT_PTR_NULL(point_diag(&tap.points[0], "got"));
	ASSERT_INT_EQ(tap.quiet_ms, 40);
	case_tap_free(&tap); /* twice: nothing more */
	CU_ASSERT_PTR_NULL(tap.text);
}

static void test_a_failed_parse_keeps_what_it_read(void)
{
	ASSERT_INT_EQ(parse("# id: x\n# claim: c\nok 1 - inet\n  ---\n  got: \"5\"\n  ...\n"), -1);
	ASSERT_CONTAINS(tap.error, "no plan");
	ASSERT_STR_EQ(tap.claim, "c");
	ASSERT_STR_EQ(point_diag(&tap.points[0], "got"), "5");
}

static void test_an_adopted_part_lives_as_long_as_its_adopter(void)
{
	static const char part_text[] = "1..1\nnot ok 1 - inet6\n  ---\n  got: \"7\"\n  ...\n";
	static struct case_tap part;

	ASSERT_INT_EQ(case_tap_parse(part_text, sizeof part_text - 1, &part), 0);
	ASSERT_INT_EQ(parse("1..1\nok 1 - inet\n"), 0);
	tap.points[tap.npoints++] = part.points[0];
	case_tap_adopt(&tap, &part);
	CU_ASSERT_PTR_NULL(part.text);
	case_tap_free(&part); /* its texts are tap's now */
	ASSERT_STR_EQ(point_diag(&tap.points[1], "got"), "7");
	case_tap_free(&tap); /* both go */
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_a_case_tap_is_small_and_its_texts_outlive_the_output),
	UNIT_TEST(test_freeing_keeps_the_id_families_and_counts),
	UNIT_TEST(test_a_failed_parse_keeps_what_it_read),
	UNIT_TEST(test_an_adopted_part_lives_as_long_as_its_adopter),
	UNIT_TEST(test_well_formed_output_parses),
	UNIT_TEST(test_points_keep_status_family_and_skip_reason),
	UNIT_TEST(test_yaml_values_are_unescaped),
	UNIT_TEST(test_point_diag_finds_keys_and_misses_others),
	UNIT_TEST(test_values_round_trip_through_the_writer),
	UNIT_TEST(test_crlf_line_ends_are_accepted),
	UNIT_TEST(test_last_line_without_newline_counts),
	UNIT_TEST(test_plan_missing_is_an_error),
	UNIT_TEST(test_second_plan_is_an_error),
	UNIT_TEST(test_malformed_plan_is_an_error),
	UNIT_TEST(test_too_few_points_is_an_error),
	UNIT_TEST(test_too_many_points_is_an_error),
	UNIT_TEST(test_more_points_than_the_limit_is_an_error),
	UNIT_TEST(test_out_of_order_point_numbers_are_an_error),
	UNIT_TEST(test_malformed_points_are_errors),
	UNIT_TEST(test_garbage_line_is_an_error_with_the_line),
	UNIT_TEST(test_yaml_before_any_point_is_an_error),
	UNIT_TEST(test_unterminated_yaml_is_an_error),
	UNIT_TEST(test_malformed_yaml_line_is_an_error),
	UNIT_TEST(test_nul_byte_is_an_error),
	UNIT_TEST(test_bail_out_is_an_error),
	UNIT_TEST(test_line_over_the_limit_is_an_error),
	UNIT_TEST(test_long_comment_within_the_limit_is_accepted),
	UNIT_TEST(test_malformed_quoted_string_is_an_error),
	UNIT_TEST(test_extra_yaml_pairs_beyond_the_limit_are_dropped),
	UNIT_TEST(test_error_from_an_earlier_parse_does_not_stick),
};

void register_case_tap_tests(void)
{
	ADD_SUITE("case_tap_parse", tests);
}
