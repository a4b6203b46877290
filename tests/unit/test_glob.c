/* test_glob.c: glob_match and selecting cases by filter (runner/catalog.c). */
#include "catalog.h"
#include "suites.h"

#include <string.h>

static void test_glob_exact_text_matches_itself_only(void)
{
	CU_ASSERT_TRUE(glob_match("rst.so_error", "rst.so_error"));
	CU_ASSERT_FALSE(glob_match("rst.so_error", "rst.so_erro"));
	CU_ASSERT_FALSE(glob_match("rst.so_erro", "rst.so_error"));
	CU_ASSERT_FALSE(glob_match("RST.so_error", "rst.so_error"));
}

static void test_glob_star_matches_any_run(void)
{
	CU_ASSERT_TRUE(glob_match("rst.*", "rst.so_error"));
	CU_ASSERT_TRUE(glob_match("rst.*", "rst."));
	CU_ASSERT_TRUE(glob_match("*", ""));
	CU_ASSERT_TRUE(glob_match("*", "anything at all"));
	CU_ASSERT_TRUE(glob_match("linux-*", "linux-6.18.44-native"));
	CU_ASSERT_TRUE(glob_match("*-native", "linux-6.18.44-native"));
	CU_ASSERT_FALSE(glob_match("linux-*", "gvisor-x"));
	CU_ASSERT_FALSE(glob_match("rst.*", "rst"));
}

static void test_glob_question_mark_matches_one_character(void)
{
	CU_ASSERT_TRUE(glob_match("fin.recv_zer?", "fin.recv_zero"));
	CU_ASSERT_TRUE(glob_match("linux-6.1.17?-uml", "linux-6.1.176-uml"));
	CU_ASSERT_FALSE(glob_match("?", ""));
	CU_ASSERT_FALSE(glob_match("a?", "a"));
	CU_ASSERT_FALSE(glob_match("a?", "abc"));
}

static void test_glob_multiple_stars(void)
{
	CU_ASSERT_TRUE(glob_match("*.*_*", "fin.recv_zero"));
	CU_ASSERT_TRUE(glob_match("linux-*-*", "linux-6.18.44-native"));
	CU_ASSERT_TRUE(glob_match("a*b*c", "axxbyybzzc"));
	CU_ASSERT_TRUE(glob_match("**a**", "a"));
	CU_ASSERT_TRUE(glob_match("*a*a*a", "aaa"));
	CU_ASSERT_FALSE(glob_match("*a*a*a", "aa"));
	CU_ASSERT_FALSE(glob_match("a*b*c", "axxbyyczzb"));
	/* backtracking past a false start */
	CU_ASSERT_TRUE(glob_match("*ab", "aab"));
	CU_ASSERT_TRUE(glob_match("*abc*abd", "abcabcabd"));
}

static void test_glob_no_match(void)
{
	CU_ASSERT_FALSE(glob_match("shutrd.*", "shutwr.send_epipe"));
	CU_ASSERT_FALSE(glob_match("*.x", "a.y"));
	CU_ASSERT_FALSE(glob_match("abc", ""));
}

static void test_glob_empty_pattern_matches_only_empty_text(void)
{
	CU_ASSERT_TRUE(glob_match("", ""));
	CU_ASSERT_FALSE(glob_match("", "a"));
}

/* ---- catalog_select on a catalog made by hand ----------------------------- */

static const char *const ids[] = {
	"fin.recv_zero",          "fin.recv_zero_after_shut_wr", "rst.close_with_unread_data",
	"rst.linger0_econnreset", "shutrd.data_dropped",         "shutwr.send_epipe",
};
#define NIDS (sizeof ids / sizeof ids[0])

static struct case_entry entries[NIDS];
static struct catalog cat;
static char err[256];

static void make_catalog(void)
{
	memset(entries, 0, sizeof entries);
	for (size_t i = 0; i < NIDS; i++) {
		strcpy(entries[i].id, ids[i]);
		strcpy(entries[i].path, "cases/");
		strcat(entries[i].path, ids[i]);
		entries[i].executable = 1;
	}
	cat.cases = entries;
	cat.n = NIDS;
	err[0] = '\0';
}

static int select_with(const char *const *filters, size_t n)
{
	make_catalog();
	return catalog_select(&cat, filters, n, err, sizeof err);
}

static void test_select_without_filters_keeps_every_case(void)
{
	ASSERT_INT_EQ(select_with(NULL, 0), 0);
	ASSERT_INT_EQ(cat.n, NIDS);
}

static void test_select_by_id_keeps_that_case_only(void)
{
	const char *f[] = {"fin.recv_zero"};

	ASSERT_INT_EQ(select_with(f, 1), 0);
	ASSERT_INT_EQ(cat.n, 1);
	ASSERT_STR_EQ(cat.cases[0].id, "fin.recv_zero");
	ASSERT_STR_EQ(cat.cases[0].path, "cases/fin.recv_zero");
}

static void test_select_by_glob(void)
{
	const char *f[] = {"*_e*"};

	ASSERT_INT_EQ(select_with(f, 1), 0);
	ASSERT_INT_EQ(cat.n, 2);
	if (cat.n == 2) {
		ASSERT_STR_EQ(cat.cases[0].id, "rst.linger0_econnreset");
		ASSERT_STR_EQ(cat.cases[1].id, "shutwr.send_epipe");
	}
}

static void test_select_by_group_keeps_its_cases(void)
{
	const char *f[] = {"rst"};

	ASSERT_INT_EQ(select_with(f, 1), 0);
	ASSERT_INT_EQ(cat.n, 2);
	if (cat.n == 2) {
		ASSERT_STR_EQ(cat.cases[0].id, "rst.close_with_unread_data");
		ASSERT_STR_EQ(cat.cases[1].id, "rst.linger0_econnreset");
	}
}

static void test_group_is_a_whole_first_component(void)
{
	const char *f[] = {"shut"};

	ASSERT_INT_EQ(select_with(f, 1), -1);
	ASSERT_CONTAINS(err, "'shut'");
}

static void test_select_several_filters_keeps_catalog_order_once(void)
{
	const char *f[] = {"shutrd", "fin.*", "fin.recv_zero"};

	ASSERT_INT_EQ(select_with(f, 3), 0);
	ASSERT_INT_EQ(cat.n, 3);
	if (cat.n == 3) {
		ASSERT_STR_EQ(cat.cases[0].id, "fin.recv_zero");
		ASSERT_STR_EQ(cat.cases[1].id, "fin.recv_zero_after_shut_wr");
		ASSERT_STR_EQ(cat.cases[2].id, "shutrd.data_dropped");
	}
}

static void test_filter_selecting_nothing_is_an_error_naming_it(void)
{
	const char *f[] = {"rst", "nosuch.case"};

	ASSERT_INT_EQ(select_with(f, 2), -1);
	ASSERT_CONTAINS(err, "nosuch.case");
	ASSERT_NOT_CONTAINS(err, "'rst'");
	ASSERT_INT_EQ(cat.n, NIDS); /* the catalog is left as it was */
}

static void test_catalog_find_by_exact_id(void)
{
	make_catalog();
	CU_ASSERT_PTR_EQUAL(catalog_find(&cat, "shutrd.data_dropped"), &entries[4]);
	CU_ASSERT_PTR_NULL(catalog_find(&cat, "shutrd"));
	CU_ASSERT_PTR_NULL(catalog_find(&cat, "shutrd.*"));
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_glob_exact_text_matches_itself_only),
	UNIT_TEST(test_glob_star_matches_any_run),
	UNIT_TEST(test_glob_question_mark_matches_one_character),
	UNIT_TEST(test_glob_multiple_stars),
	UNIT_TEST(test_glob_no_match),
	UNIT_TEST(test_glob_empty_pattern_matches_only_empty_text),
	UNIT_TEST(test_select_without_filters_keeps_every_case),
	UNIT_TEST(test_select_by_id_keeps_that_case_only),
	UNIT_TEST(test_select_by_glob),
	UNIT_TEST(test_select_by_group_keeps_its_cases),
	UNIT_TEST(test_group_is_a_whole_first_component),
	UNIT_TEST(test_select_several_filters_keeps_catalog_order_once),
	UNIT_TEST(test_filter_selecting_nothing_is_an_error_naming_it),
	UNIT_TEST(test_catalog_find_by_exact_id),
};

void register_glob_tests(void)
{
	ADD_SUITE("glob and catalog_select", tests);
}
