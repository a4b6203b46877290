/* test_label.c: naming a run's results file (runner/identity.c make_label). */
#include "identity.h"
#include "suites.h"

#include <stdio.h>
#include <string.h>

static char label[160];

static struct identity identity_of(const char *os, const char *release, const char *target,
				   const char *machine)
{
	struct identity id;

	memset(&id, 0, sizeof id);
	snprintf(id.os, sizeof id.os, "%s", os);
	snprintf(id.kernel, sizeof id.kernel, "%s", release);
	snprintf(id.target, sizeof id.target, "%s", target);
	snprintf(id.stack, sizeof id.stack, "kernel");
	snprintf(id.machine, sizeof id.machine, "%s", machine);
	return id;
}

static const char *label_of(const char *os, const char *release, const char *target)
{
	struct identity id = identity_of(os, release, target, "x86_64");

	memset(label, 'x', sizeof label);
	make_label(label, sizeof label, &id);
	return label;
}

static void test_label_drops_the_local_release_suffix(void)
{
	ASSERT_STR_EQ(label_of("Linux", "6.18.44-fc-v509", "native"), "linux-6.18.44-native-kernel-x86_64");
}

static void test_label_of_a_plain_release_under_uml(void)
{
	ASSERT_STR_EQ(label_of("Linux", "6.1.176", "uml"), "linux-6.1.176-uml-kernel-x86_64");
}

static void test_label_lowercases_the_os(void)
{
	ASSERT_STR_EQ(label_of("FreeBSD", "14.1-RELEASE-p5", "native"), "freebsd-14.1-native-kernel-x86_64");
}

static void test_release_without_digits_is_unknown(void)
{
	ASSERT_STR_EQ(label_of("Linux", "rolling", "native"), "linux-unknown-native-kernel-x86_64");
	ASSERT_STR_EQ(label_of("Linux", "", "qemu"), "linux-unknown-qemu-kernel-x86_64");
	ASSERT_STR_EQ(label_of("Linux", "...", "native"), "linux-unknown-native-kernel-x86_64");
}

static void test_trailing_dots_of_the_version_are_dropped(void)
{
	ASSERT_STR_EQ(label_of("Linux", "6.1.-rc3", "native"), "linux-6.1-native-kernel-x86_64");
}

static void test_a_target_that_is_the_platform_is_named_once(void)
{
	ASSERT_STR_EQ(label_of("gvisor", "20221219", "gvisor"), "gvisor-20221219-kernel-x86_64");
}

static void test_label_words_make_no_directories(void)
{
	ASSERT_STR_EQ(label_of("GNU/kFreeBSD", "10.1", "native"), "gnu_kfreebsd-10.1-native-kernel-x86_64");
}

static void test_two_machines_on_one_kernel_get_two_labels(void)
{
	struct identity arm = identity_of("Linux", "6.18.44", "native", "aarch64");
	char arm_label[160];

	make_label(arm_label, sizeof arm_label, &arm);
	ASSERT_STR_EQ(arm_label, "linux-6.18.44-native-kernel-aarch64");
	ASSERT_STR_EQ(label_of("Linux", "6.18.44", "native"), "linux-6.18.44-native-kernel-x86_64");
}

static void test_label_is_cut_to_the_buffer(void)
{
	struct identity id = identity_of("Linux", "6.18.44", "native", "x86_64");
	char small[12];

	memset(small, 'x', sizeof small);
	make_label(small, sizeof small, &id);
	ASSERT_INT_EQ(small[sizeof small - 1], '\0');
	ASSERT_STR_EQ(small, "linux-6.18.");
}

/* label_check: the one rule for --label and for a guest's label */
static void test_label_check_takes_a_file_name_on_one_line(void)
{
	char why[160], longest[160], too_long[161];

	memset(longest, 'l', sizeof longest - 1), longest[sizeof longest - 1] = '\0';
	memset(too_long, 'l', sizeof too_long - 1), too_long[sizeof too_long - 1] = '\0';
	ASSERT_INT_EQ(label_check("linux-6.18.44-native-kernel-x86_64", why, sizeof why), 0);
	ASSERT_INT_EQ(label_check(longest, why, sizeof why), 0);
	ASSERT_INT_EQ(label_check(too_long, why, sizeof why), -1);
	ASSERT_STR_EQ(why, "the label is 160 characters long; at most 159 fit");
	ASSERT_INT_EQ(label_check("a\nok 9 - x", why, sizeof why), -1);
	ASSERT_STR_EQ(why, "the label has a control character (\\x0a) at character 2");
	ASSERT_INT_EQ(label_check("a\x7f", why, sizeof why), -1);
	ASSERT_CONTAINS(why, "(\\x7f)");
	ASSERT_INT_EQ(label_check("a b", why, sizeof why), -1);
	ASSERT_CONTAINS(why, "' ' at character 2");
	ASSERT_INT_EQ(label_check(".hidden", why, sizeof why), -1);
	ASSERT_INT_EQ(label_check("", why, sizeof why), -1);
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_label_drops_the_local_release_suffix),
	UNIT_TEST(test_label_of_a_plain_release_under_uml),
	UNIT_TEST(test_label_lowercases_the_os),
	UNIT_TEST(test_release_without_digits_is_unknown),
	UNIT_TEST(test_trailing_dots_of_the_version_are_dropped),
	UNIT_TEST(test_a_target_that_is_the_platform_is_named_once),
	UNIT_TEST(test_label_words_make_no_directories),
	UNIT_TEST(test_two_machines_on_one_kernel_get_two_labels),
	UNIT_TEST(test_label_is_cut_to_the_buffer),
	UNIT_TEST(test_label_check_takes_a_file_name_on_one_line),
};

void register_label_tests(void)
{
	ADD_SUITE("make_label", tests);
}
