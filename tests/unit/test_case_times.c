/*
 * test_case_times.c: the case times that steer the next run's schedule
 * (case_times.c): a case keeps the longer of this run's time and half the
 * last, so one quick run by chance does not undo its split by family; a
 * filtered run keeps the others' times; SOCKCONF_TIMES_FILE (a guest's)
 * names the file.
 */
#include "case_times.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct case_entry entries[] = {
	{.id = "linger.nonblocking", .path = "cases/linger.nonblocking", .executable = 1},
	{.id = "shutrd.blocked_recv_wakes", .path = "cases/shutrd.blocked_recv_wakes", .executable = 1},
};
static const struct catalog cat = {entries, 2};
static char path[64];

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void save(double first, double second)
{
	struct case_result r[2];

	memset(r, 0, sizeof r);
	r[0].ms = first;
	r[1].ms = second;
	ASSERT_INT_EQ(case_times_save(path, &cat, r), 0);
}

static void load(double *ms)
{
	ASSERT_INT_EQ(case_times_load(path, &cat, ms), 0);
}

static void fresh_path(void)
{
	int fd;

	snprintf(path, sizeof path, "/tmp/sockconf-times-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd != -1);
	close(fd);
}

static void test_a_quick_run_keeps_half_the_long_time(void)
{
	double ms[2];

	fresh_path();
	write_file("linger.nonblocking 1050.0\nshutrd.blocked_recv_wakes 2100.0\n");
	save(1040, 50); /* the recv had not blocked yet: quick this time */
	load(ms);
	ASSERT_INT_EQ((long)ms[0], 1040);
	ASSERT_INT_EQ((long)ms[1], 1050); /* still split next run (>= 400 ms) */
	save(1040, 50);
	save(1040, 50);
	load(ms);
	ASSERT_INT_EQ((long)ms[1], 262); /* halved each quick run: a case that became fast stops splitting */
	unlink(path);
}

static void test_a_case_not_in_the_run_keeps_its_time(void)
{
	struct case_entry one = entries[0];
	const struct catalog only = {&one, 1};
	struct case_result r;
	double ms[2];

	fresh_path();
	write_file("linger.nonblocking 1050.0\nshutrd.blocked_recv_wakes 2100.0\n");
	memset(&r, 0, sizeof r);
	r.ms = 900;
	ASSERT_INT_EQ(case_times_save(path, &only, &r), 0);
	load(ms);
	ASSERT_INT_EQ((long)ms[0], 900);
	ASSERT_INT_EQ((long)ms[1], 2100);
	unlink(path);
}

static void test_sockconf_times_file_names_the_file(void)
{
	char out[256];

	case_times_path("/cases", "linux-6.1-uml-kernel-x86_64", out, sizeof out);
	ASSERT_STR_EQ(out, "/cases/.times/linux-6.1-uml-kernel-x86_64");
	setenv("SOCKCONF_TIMES_FILE", "/times", 1);
	case_times_path("/cases", "linux-6.1-uml-kernel-x86_64", out, sizeof out);
	ASSERT_STR_EQ(out, "/times");
	unsetenv("SOCKCONF_TIMES_FILE");
}

void register_case_times_tests(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_a_quick_run_keeps_half_the_long_time),
		UNIT_TEST(test_a_case_not_in_the_run_keeps_its_time),
		UNIT_TEST(test_sockconf_times_file_names_the_file),
	};
	ADD_SUITE("case times", tests);
}
