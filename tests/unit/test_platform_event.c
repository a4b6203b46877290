/* test_platform_event.c: the platform layer's one-shot event and its bounded wait. */
#include "platform.h"
#include "suites.h"

#include <stddef.h>

/* The platform has no way to free an event: each test keeps its own here,
 * reachable, so LeakSanitizer (make sanitize) has nothing to report
 * (volatile, or the optimiser drops stores nothing reads). */
static struct sc_plat_event *volatile woken, *volatile preset, *volatile unset;

static void set_event(void *e)
{
	sc_plat_event_set(e);
}

static void test_event_wait_returns_once_another_thread_sets_it(void)
{
	struct sc_plat_event *e = woken = sc_plat_event_new();
	double start = sc_plat_now_ms();

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	ASSERT_INT_EQ(sc_plat_thread_start(set_event, e), 0);
	ASSERT_INT_EQ(sc_plat_event_wait(e, 10000), 1);
	CU_ASSERT(sc_plat_now_ms() - start < 10000); /* woken, not timed out */
}

static void test_event_set_before_the_wait_is_seen_at_once(void)
{
	struct sc_plat_event *e = preset = sc_plat_event_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	sc_plat_event_set(e);
	ASSERT_INT_EQ(sc_plat_event_wait(e, 0), 1);
}

static void test_event_wait_times_out_no_sooner_than_its_bound(void)
{
	struct sc_plat_event *e = unset = sc_plat_event_new();
	double start, waited;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	start = sc_plat_now_ms();
	ASSERT_INT_EQ(sc_plat_event_wait(e, 30), 0);
	waited = sc_plat_now_ms() - start;
	CU_ASSERT(waited >= 30);
	CU_ASSERT(waited < 5000); /* a generous bound for a loaded machine */
}

void register_platform_event_tests(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_event_wait_returns_once_another_thread_sets_it),
		UNIT_TEST(test_event_set_before_the_wait_is_seen_at_once),
		UNIT_TEST(test_event_wait_times_out_no_sooner_than_its_bound),
	};

	ADD_SUITE("platform event (lib/platform_posix.c)", tests);
}
