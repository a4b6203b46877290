/* test_pattern.c: payloads a receiver checks byte for byte (lib/pattern.c). */
#include "sockconf.h"
#include "suites.h"

#include <string.h>

#define NO_MISMATCH ((size_t)-1)

static unsigned char buf[70000];

static void test_filled_buffer_has_no_mismatch_at_any_offset(void)
{
	static const size_t offsets[] = {0, 1, 255, 256, 65535, 65536, 1000003, (size_t)1 << 31};

	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		pattern_fill(buf, sizeof buf, offsets[i]);
		ASSERT_INT_EQ(pattern_mismatch(buf, sizeof buf, offsets[i]), NO_MISMATCH);
	}
}

static void test_chunks_filled_in_pieces_match_the_whole(void)
{
	static unsigned char whole[4096];

	pattern_fill(whole, sizeof whole, 100);
	pattern_fill(buf, 1000, 100);
	pattern_fill(buf + 1000, sizeof whole - 1000, 1100);
	CU_ASSERT(memcmp(buf, whole, sizeof whole) == 0);
	ASSERT_INT_EQ(pattern_mismatch(whole + 1000, 96, 1100), NO_MISMATCH);
}

static void test_flipped_byte_is_found_at_its_stream_offset(void)
{
	static const size_t where[] = {0, 1, 4095, 65536, sizeof buf - 1};

	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
		pattern_fill(buf, sizeof buf, 5000);
		buf[where[i]] ^= 0x01;
		ASSERT_INT_EQ(pattern_mismatch(buf, sizeof buf, 5000), 5000 + where[i]);
	}
}

static void test_first_of_several_bad_bytes_is_reported(void)
{
	pattern_fill(buf, 1024, 0);
	buf[700] ^= 0x80;
	buf[300] ^= 0x80;
	ASSERT_INT_EQ(pattern_mismatch(buf, 1024, 0), 300);
}

static void test_buffer_checked_at_the_wrong_offset_mismatches(void)
{
	pattern_fill(buf, 4096, 0);
	CU_ASSERT(pattern_mismatch(buf, 4096, 1) != NO_MISMATCH);
}

/* A lost or repeated chunk of any length shifts the stream: it shows. */
static void test_shifted_stream_mismatches_for_any_shift(void)
{
	static const size_t shifts[] = {1, 2, 3, 8, 255, 256, 4096, 65536, 1u << 20, 1u << 24};

	for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++) {
		size_t bad;

		pattern_fill(buf, 64, shifts[i]); /* the first `shift` bytes were lost */
		bad = pattern_mismatch(buf, 64, 0);
		CU_ASSERT(bad != NO_MISMATCH && bad < 64);
		pattern_fill(buf, 64, 0); /* the stream's start was sent twice */
		bad = pattern_mismatch(buf, 64, shifts[i]);
		CU_ASSERT(bad != NO_MISMATCH && bad >= shifts[i] && bad < shifts[i] + 64);
	}
}

static void test_pattern_is_not_constant(void)
{
	unsigned seen[256] = {0};
	unsigned distinct = 0;

	pattern_fill(buf, 4096, 0);
	for (size_t i = 0; i < 4096; i++)
		seen[buf[i]]++;
	for (int v = 0; v < 256; v++)
		distinct += seen[v] != 0;
	CU_ASSERT(distinct > 200);
}

static void test_empty_buffer_never_mismatches(void)
{
	ASSERT_INT_EQ(pattern_mismatch(buf, 0, 12345), NO_MISMATCH);
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_filled_buffer_has_no_mismatch_at_any_offset),
	UNIT_TEST(test_chunks_filled_in_pieces_match_the_whole),
	UNIT_TEST(test_flipped_byte_is_found_at_its_stream_offset),
	UNIT_TEST(test_first_of_several_bad_bytes_is_reported),
	UNIT_TEST(test_buffer_checked_at_the_wrong_offset_mismatches),
	UNIT_TEST(test_shifted_stream_mismatches_for_any_shift),
	UNIT_TEST(test_pattern_is_not_constant),
	UNIT_TEST(test_empty_buffer_never_mismatches),
};

void register_pattern_tests(void)
{
	ADD_SUITE("pattern", tests);
}
