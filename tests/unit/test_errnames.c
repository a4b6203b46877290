/* test_errnames.c: errno names in diagnostics (lib/errnames.c). */
#include "sockconf.h"
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

/* What lib's own calls (tmpfile, fork, kill) may leave has a name too. */
static void test_errors_of_lib_own_calls_have_their_names(void)
{
	ASSERT_STR_EQ(sc_errno_name(ESRCH), "ESRCH");
	ASSERT_STR_EQ(sc_errno_name(ENAMETOOLONG), "ENAMETOOLONG");
	ASSERT_STR_EQ(sc_errno_name(ELOOP), "ELOOP");
	ASSERT_STR_EQ(sc_errno_name(ECHILD), "ECHILD");
}

/* Where two names share a value, the one socket calls are documented with wins. */
static void test_shared_values_take_the_socket_name(void)
{
	ASSERT_STR_EQ(sc_errno_name(EAGAIN), "EAGAIN");
	ASSERT_STR_EQ(sc_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
}

static void test_errno_text_gives_name_and_number_or_the_number(void)
{
	char want[64];
	const char *a, *b;

	snprintf(want, sizeof want, "EPIPE (%d)", EPIPE);
	ASSERT_STR_EQ(errno_text(EPIPE), want);
	ASSERT_STR_EQ(errno_text(0), "0");
	ASSERT_STR_EQ(errno_text(99999), "99999");
	a = errno_text(ECONNRESET); /* two in one note() do not overwrite each other */
	b = errno_text(EPIPE);
	snprintf(want, sizeof want, "ECONNRESET (%d)", ECONNRESET);
	ASSERT_STR_EQ(a, want);
	ASSERT_CONTAINS(b, "EPIPE");
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_socket_errors_have_their_names),
	UNIT_TEST(test_unknown_errno_has_no_name),
	UNIT_TEST(test_format_gives_name_and_number),
	UNIT_TEST(test_format_is_cut_to_the_buffer),
	UNIT_TEST(test_errors_of_lib_own_calls_have_their_names),
	UNIT_TEST(test_shared_values_take_the_socket_name),
	UNIT_TEST(test_errno_text_gives_name_and_number_or_the_number),
};

void register_errnames_tests(void)
{
	ADD_SUITE("errnames", tests);
}
