/* test_errnames.c: errno names in diagnostics (lib/errnames.c). */
#include "outcome.h"
#include "suites.h"

#include <errno.h>
#include <stdio.h>

static void test_socket_errors_have_their_names(void)
{
	ASSERT_STR_EQ(sc_errno_name(ECONNRESET), "ECONNRESET");
	ASSERT_STR_EQ(sc_errno_name(EPIPE), "EPIPE");
	ASSERT_STR_EQ(sc_errno_name(ENOTCONN), "ENOTCONN");
	ASSERT_STR_EQ(sc_errno_name(EBADF), "EBADF");
	ASSERT_STR_EQ(sc_errno_name(ENOTSOCK), "ENOTSOCK");
	ASSERT_STR_EQ(sc_errno_name(EINVAL), "EINVAL");
}

static void test_unknown_errno_has_no_name(void)
{
	CU_ASSERT_PTR_NULL(sc_errno_name(0));
	CU_ASSERT_PTR_NULL(sc_errno_name(-1));
	CU_ASSERT_PTR_NULL(sc_errno_name(99999));
}

static void test_format_gives_name_and_number(void)
{
	char out[64], want[64];

	sc_format_errno(out, sizeof out, ECONNRESET);
	snprintf(want, sizeof want, "ECONNRESET (%d)", ECONNRESET);
	ASSERT_STR_EQ(out, want);
	sc_format_errno(out, sizeof out, 99999);
	ASSERT_STR_EQ(out, "errno 99999");
}

static void test_format_is_cut_to_the_buffer(void)
{
	char out[6];

	sc_format_errno(out, sizeof out, ECONNRESET);
	ASSERT_STR_EQ(out, "ECONN");
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_socket_errors_have_their_names),
	UNIT_TEST(test_unknown_errno_has_no_name),
	UNIT_TEST(test_format_gives_name_and_number),
	UNIT_TEST(test_format_is_cut_to_the_buffer),
};

void register_errnames_tests(void)
{
	ADD_SUITE("errnames", tests);
}
