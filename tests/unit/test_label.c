/* test_label.c: naming a run's results file (runner/identity.c make_label). */
#include "identity.h"
#include "suites.h"

#include <string.h>

static char label[160];

static const char *label_of(const char *os, const char *release, const char *target)
{
	memset(label, 'x', sizeof label);
	make_label(label, sizeof label, os, release, target);
	return label;
}

static void test_label_drops_the_local_release_suffix(void)
{
	ASSERT_STR_EQ(label_of("Linux", "6.18.44-fc-v509", "native"), "linux-6.18.44-native");
}

static void test_label_of_a_plain_release_under_uml(void)
{
	ASSERT_STR_EQ(label_of("Linux", "6.1.176", "uml"), "linux-6.1.176-uml");
}

static void test_label_lowercases_the_os(void)
{
	ASSERT_STR_EQ(label_of("FreeBSD", "14.1-RELEASE-p5", "native"), "freebsd-14.1-native");
}

static void test_release_without_digits_is_unknown(void)
{
	ASSERT_STR_EQ(label_of("Linux", "rolling", "native"), "linux-unknown-native");
	ASSERT_STR_EQ(label_of("Linux", "", "qemu"), "linux-unknown-qemu");
	ASSERT_STR_EQ(label_of("Linux", "...", "native"), "linux-unknown-native");
}

static void test_trailing_dots_of_the_version_are_dropped(void)
{
	ASSERT_STR_EQ(label_of("Linux", "6.1.-rc3", "native"), "linux-6.1-native");
}

static void test_label_is_cut_to_the_buffer(void)
{
	char small[12];

	memset(small, 'x', sizeof small);
	make_label(small, sizeof small, "Linux", "6.18.44", "native");
	ASSERT_INT_EQ(small[sizeof small - 1], '\0');
	ASSERT_STR_EQ(small, "linux-6.18.");
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_label_drops_the_local_release_suffix),
	UNIT_TEST(test_label_of_a_plain_release_under_uml),
	UNIT_TEST(test_label_lowercases_the_os),
	UNIT_TEST(test_release_without_digits_is_unknown),
	UNIT_TEST(test_trailing_dots_of_the_version_are_dropped),
	UNIT_TEST(test_label_is_cut_to_the_buffer),
};

void register_label_tests(void)
{
	ADD_SUITE("make_label", tests);
}
