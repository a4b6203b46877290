/* test_divergence.c: the expectation data and its lookup (runner/divergence.c). */
#include "divergence.h"
#include "suites.h"

#include <string.h>

static struct divergences d;
static char err[512];

static int parse(const char *text)
{
	divergences_free(&d);
	memset(err, 0, sizeof err);
	return divergences_parse(&d, text, "linux.txt", err, sizeof err);
}

/* Rejected, with "linux.txt:LINE:" and `why` in the message. */
#define ASSERT_REJECTED(text, where, why)          \
	do {                                       \
		ASSERT_INT_EQ(parse(text), -1);    \
		ASSERT_CONTAINS(err, where);       \
		ASSERT_CONTAINS(err, why);         \
	} while (0)

static const char two_records[] =
	"# Where Linux differs, as data.\n"               /* 1 */
	"\n"                                              /* 2 */
	"shutrd.data_dropped\n"                           /* 3 */
	"    on:     linux-*\n"                           /* 4 */
	"    family: inet inet6\n"                        /* 5 */
	"    kind:   divergence\n"                        /* 6 */
	"    got:    5\n"                                 /* 7 */
	"    # a comment inside a record\n"               /* 8 */
	"    why:    Linux keeps data after SHUT_RD\n"    /* 9 */
	"    source: https://example.org/tcp.c\n"         /* 10 */
	"    source: https://example.org/tcp_input.c  \n" /* 11 */
	"\n"                                              /* 12 */
	"rst.linger0_econnreset\n"                        /* 13 */
	"\ton: gvisor-*\n"                                /* 14 */
	"\tkind: documented\n"                            /* 15 */
	"\twhy: gVisor: the reset is reported as EPIPE\n" /* 16 */
	"\tsource: https://man7.org/linux/man-pages/man7/tcp.7.html\n"; /* 17 */

static void test_valid_file_gives_two_records(void)
{
	const struct divergence *r;

	ASSERT_INT_EQ(parse(two_records), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_INT_EQ(d.n, 2);
	if (d.n != 2)
		return;
	r = &d.items[0];
	ASSERT_STR_EQ(r->id, "shutrd.data_dropped");
	ASSERT_STR_EQ(r->on, "linux-*");
	ASSERT_INT_EQ(r->families, family_bit("inet") | family_bit("inet6"));
	ASSERT_INT_EQ(r->kind, KIND_DIVERGENCE);
	ASSERT_INT_EQ(r->has_got, 1);
	ASSERT_STR_EQ(r->got, "5");
	ASSERT_STR_EQ(r->why, "Linux keeps data after SHUT_RD");
	ASSERT_INT_EQ(r->nsources, 2);
	ASSERT_STR_EQ(r->sources[0], "https://example.org/tcp.c");
	ASSERT_STR_EQ(r->sources[1], "https://example.org/tcp_input.c");
	ASSERT_STR_EQ(r->where, "linux.txt:3");

	r = &d.items[1];
	ASSERT_STR_EQ(r->id, "rst.linger0_econnreset");
	ASSERT_STR_EQ(r->on, "gvisor-*");
	ASSERT_INT_EQ(r->families, 0);
	ASSERT_INT_EQ(r->kind, KIND_DOCUMENTED);
	ASSERT_INT_EQ(r->has_got, 0);
	ASSERT_STR_EQ(r->why, "gVisor: the reset is reported as EPIPE"); /* only the first colon splits */
	ASSERT_INT_EQ(r->nsources, 1);
	ASSERT_STR_EQ(r->where, "linux.txt:13");
}

static void test_parse_appends_to_what_is_loaded(void)
{
	char e2[256];

	ASSERT_INT_EQ(parse(two_records), 0);
	ASSERT_INT_EQ(divergences_parse(&d, "x.y\n on: a\n kind: divergence\n why: b\n source: c\n",
					"other.txt", e2, sizeof e2),
		      0);
	ASSERT_INT_EQ(d.n, 3);
	if (d.n == 3)
		ASSERT_STR_EQ(d.items[2].where, "other.txt:1");
}

static void test_family_list_may_use_commas(void)
{
	ASSERT_INT_EQ(parse("a.b\n on: linux-*\n family: inet,unix\n kind: divergence\n why: w\n source: s\n"),
		      0);
	if (d.n == 1)
		ASSERT_INT_EQ(d.items[0].families, family_bit("inet") | family_bit("unix"));
}

static void test_crlf_file_parses(void)
{
	ASSERT_INT_EQ(parse("a.b\r\n  on: linux-*\r\n  kind: divergence\r\n  got: 5\r\n  why: w\r\n"
			    "  source: s\r\n"),
		      0);
	if (d.n == 1) {
		ASSERT_STR_EQ(d.items[0].id, "a.b");
		ASSERT_STR_EQ(d.items[0].got, "5");
	}
}

static void test_family_bits(void)
{
	ASSERT_INT_EQ(family_bit("inet"), 1);
	ASSERT_INT_EQ(family_bit("inet6"), 2);
	ASSERT_INT_EQ(family_bit("unix"), 4);
	ASSERT_INT_EQ(family_bit("ipx"), 0);
	ASSERT_INT_EQ(family_bit(""), 0);
}

static void test_find_by_label_glob(void)
{
	ASSERT_INT_EQ(parse(two_records), 0);
	if (d.n != 2)
		return;
	CU_ASSERT_PTR_EQUAL(
		divergence_find(&d, "linux-6.18.44-native", "shutrd.data_dropped", "inet"),
		&d.items[0]);
	CU_ASSERT_PTR_EQUAL(divergence_find(&d, "linux-6.1.176-uml", "shutrd.data_dropped", "inet6"),
			    &d.items[0]);
	CU_ASSERT_PTR_NULL(divergence_find(&d, "gvisor-x", "shutrd.data_dropped", "inet"));
	CU_ASSERT_PTR_NULL(divergence_find(&d, "freebsd-14.1-native", "shutrd.data_dropped", "inet"));
}

static void test_find_by_family(void)
{
	ASSERT_INT_EQ(parse("shutrd.data_dropped\n on: linux-*\n family: inet\n kind: divergence\n"
			    " why: w\n source: s\n"),
		      0);
	CU_ASSERT_PTR_NOT_NULL(
		divergence_find(&d, "linux-6.18.44-native", "shutrd.data_dropped", "inet"));
	CU_ASSERT_PTR_NULL(divergence_find(&d, "linux-6.18.44-native", "shutrd.data_dropped", "unix"));
	CU_ASSERT_PTR_NULL(divergence_find(&d, "linux-6.18.44-native", "shutrd.data_dropped", "inet6"));
	CU_ASSERT_PTR_NULL(divergence_find(&d, "linux-6.18.44-native", "shutrd.data_dropped", "ipx"));
}

static void test_record_without_family_holds_for_every_family(void)
{
	ASSERT_INT_EQ(parse(two_records), 0);
	CU_ASSERT_PTR_NOT_NULL(divergence_find(&d, "gvisor-x", "rst.linger0_econnreset", "inet"));
	CU_ASSERT_PTR_NOT_NULL(divergence_find(&d, "gvisor-x", "rst.linger0_econnreset", "inet6"));
	CU_ASSERT_PTR_NOT_NULL(divergence_find(&d, "gvisor-x", "rst.linger0_econnreset", "unix"));
}

static void test_find_by_exact_id(void)
{
	ASSERT_INT_EQ(parse(two_records), 0);
	CU_ASSERT_PTR_NULL(divergence_find(&d, "linux-6.18.44-native", "shutrd", "inet"));
	CU_ASSERT_PTR_NULL(divergence_find(&d, "linux-6.18.44-native", "shutrd.data_dropped2", "inet"));
	CU_ASSERT_PTR_NULL(divergence_find(&d, "linux-6.18.44-native", "rst.linger0_econnreset", "inet"));
	CU_ASSERT_PTR_NULL(divergence_find(&d, "linux-6.18.44-native", "shutrd.*", "inet"));
}

static void test_empty_file_and_comments_only_give_no_records(void)
{
	ASSERT_INT_EQ(parse(""), 0);
	ASSERT_INT_EQ(d.n, 0);
	ASSERT_INT_EQ(parse("# nothing recorded\n\n   \n"), 0);
	ASSERT_INT_EQ(d.n, 0);
	CU_ASSERT_PTR_NULL(divergence_find(&d, "linux-6.18.44-native", "x", "inet"));
}

static void test_unknown_key_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n colour: red\n kind: divergence\n why: w\n source: s\n",
			"linux.txt:3:", "colour");
}

static void test_unknown_family_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n family: inet ipx\n kind: divergence\n why: w\n source: s\n",
			"linux.txt:3:", "ipx");
}

/* A "family:" line naming no family must not widen the record to every family. */
static void test_family_with_no_names_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n family: ,\n kind: divergence\n why: w\n source: s\n",
			"linux.txt:3:", "family");
}

static void test_missing_on_is_an_error(void)
{
	ASSERT_REJECTED("# c\na.b\n kind: divergence\n why: w\n source: s\nc.d\n on: linux-*\n"
			" kind: divergence\n why: w\n source: s\n",
			"linux.txt:2:", "'on:'");
	ASSERT_CONTAINS(err, "a.b");
}

static void test_missing_why_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n kind: divergence\n source: s\n", "linux.txt:1:", "'why:'");
}

static void test_missing_source_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n kind: divergence\n why: w\n", "linux.txt:1:", "'source:'");
}

static void test_missing_kind_is_an_error(void)
{
	ASSERT_REJECTED("# c\n\na.b\n on: linux-*\n why: w\n source: s\n", "linux.txt:3:", "'kind:'");
	ASSERT_CONTAINS(err, "a.b");
	ASSERT_CONTAINS(err, "documented or divergence");
}

static void test_unknown_kind_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n kind: bug\n why: w\n source: s\n", "linux.txt:3:",
			"unknown kind 'bug'");
	ASSERT_REJECTED("a.b\n on: linux-*\n kind: divergence\n kind: documented\n why: w\n"
			" source: s\n",
			"linux.txt:4:", "a second 'kind:'");
}

/* A documented record rests on the platform's own reference: it must cite it. */
static void test_documented_record_cites_its_platforms_documents(void)
{
	ASSERT_INT_EQ(parse("a.b\n on: linux-*-uml\n kind: documented\n why: w\n"
			    " source: https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/tcp.c\n"
			    " source: https://docs.kernel.org/networking/ip-sysctl.html\n"),
		      0);
	ASSERT_INT_EQ(parse("a.b\n on: windows-*\n kind: documented\n why: w\n"
			    " source: https://learn.microsoft.com/en-us/windows/win32/api/winsock/"
			    "nf-winsock-shutdown\n"),
		      0);
	/* gVisor implements Linux's interface: Linux's pages are its reference */
	ASSERT_INT_EQ(parse("a.b\n on: gvisor-*\n kind: documented\n why: w\n"
			    " source: https://man7.org/linux/man-pages/man7/socket.7.html\n"),
		      0);
	ASSERT_REJECTED("# x\na.b\n on: linux-*\n kind: documented\n why: w\n"
			" source: https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/tcp.c\n"
			" source: https://learn.microsoft.com/en-us/windows/win32/api/\n",
			"linux.txt:2:", "cites none of linux's own documents");
	ASSERT_CONTAINS(err, "https://man7.org/linux/man-pages/");
	/* a page whose address merely contains the site is not on it */
	ASSERT_REJECTED("a.b\n on: linux-*\n kind: documented\n why: w\n"
			" source: https://example.org/https://man7.org/linux/man-pages/\n",
			"linux.txt:1:", "cites none");
	/* a divergence needs no platform document */
	ASSERT_INT_EQ(parse("a.b\n on: linux-*\n kind: divergence\n why: w\n source: s\n"), 0);
}

static void test_documented_record_names_its_platform(void)
{
	ASSERT_REJECTED("a.b\n on: *-native-*\n kind: documented\n why: w\n"
			" source: https://man7.org/linux/man-pages/man7/socket.7.html\n",
			"linux.txt:1:", "names no platform");
	ASSERT_REJECTED("a.b\n on: linux*\n kind: documented\n why: w\n"
			" source: https://man7.org/linux/man-pages/man7/socket.7.html\n",
			"linux.txt:1:", "names no platform");
	ASSERT_REJECTED("a.b\n on: plan9-*\n kind: documented\n why: w\n"
			" source: https://man7.org/linux/man-pages/man7/socket.7.html\n",
			"linux.txt:1:", "names no platform");
	ASSERT_STR_EQ(record_kind_name(KIND_DOCUMENTED), "documented");
	ASSERT_STR_EQ(record_kind_name(KIND_DIVERGENCE), "divergence");
}

static void test_too_many_sources_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n kind: divergence\n why: w\n source: 1\n source: 2\n"
			" source: 3\n source: 4\n source: 5\n",
			"linux.txt:9:", "sources");
}

static void test_indented_line_before_any_id_is_an_error(void)
{
	ASSERT_REJECTED("# header\n    on: linux-*\n", "linux.txt:2:", "before any case id");
}

static void test_key_without_colon_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n why because\n kind: divergence\n source: s\n", "linux.txt:3:",
			"why because");
}

static void test_empty_value_is_an_error(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n why:   \n source: s\n", "linux.txt:3:", "'why:' has no value");
	ASSERT_REJECTED("a.b\n on: linux-*\n kind:\n source: s\n", "linux.txt:3:", "'kind:' has no value");
}

static void test_bad_id_is_an_error(void)
{
	ASSERT_REJECTED("shutrd data_dropped\n on: linux-*\n kind: divergence\n why: w\n source: s\n",
			"linux.txt:1:", "case id");
	ASSERT_REJECTED("a.b\n on: linux-*\n kind: divergence\n why: w\n source: s\nrst/x\n",
			"linux.txt:6:", "rst/x");
	/* a key written without its indentation is no id either */
	ASSERT_REJECTED("a.b\n on: linux-*\n kind: divergence\n why: w\n source: s\nfamily: inet\n",
			"linux.txt:6:", "case id");
}

static void test_line_too_long_is_an_error(void)
{
	char text[4096];
	size_t at;

	strcpy(text, "a.b\n on: linux-*\n why: ");
	at = strlen(text);
	memset(text + at, 'w', 3000);
	text[at + 3000] = '\0';
	strcat(text, "\n source: s\n");
	ASSERT_REJECTED(text, "linux.txt:3:", "too long");
}

#define RECORD(id, on, family) id "\n on: " on "\n" family " kind: divergence\n why: w\n source: s\n"

static void test_record_on_every_platform_is_an_error(void)
{
	ASSERT_REJECTED(RECORD("a.b", "*", ""), "linux.txt:1:", "'on: *' matches every platform");
	ASSERT_REJECTED(RECORD("a.b", "?*?", ""), "linux.txt:1:", "matches every platform");
	ASSERT_INT_EQ(parse(RECORD("a.b", "*-native-*", "")), 0);
}

static void test_records_that_can_match_one_failure_conflict(void)
{
	/* the same glob; globs that meet (linux-6.1* and linux-*-qemu-*: linux-6.12-qemu-...) */
	ASSERT_REJECTED(RECORD("a.b", "linux-*", "") RECORD("a.b", "linux-*", ""), "linux.txt:6:",
			"conflicts with linux.txt:1's");
	ASSERT_REJECTED(RECORD("a.b", "linux-6.1*", " family: inet\n")
			RECORD("a.b", "linux-*-qemu-*", " family: inet inet6\n"),
			"linux.txt:7:", "conflicts with linux.txt:1's");
	ASSERT_REJECTED(RECORD("a.b", "l?nux-*", "") RECORD("a.b", "*x-6.1", " family: unix\n"),
			"linux.txt:6:", "conflicts");
	/* apart: another case, family or platform */
	ASSERT_INT_EQ(parse(RECORD("a.b", "linux-*", "") RECORD("a.c", "linux-*", "")), 0);
	ASSERT_INT_EQ(parse(RECORD("a.b", "linux-*", " family: inet\n")
			    RECORD("a.b", "linux-*", " family: inet6 unix\n")), 0);
	ASSERT_INT_EQ(parse(RECORD("a.b", "linux-*", "") RECORD("a.b", "gvisor-*", "")), 0);
	ASSERT_INT_EQ(parse(RECORD("a.b", "linux-*-native", "") RECORD("a.b", "linux-*-qemu", "")), 0);
	ASSERT_INT_EQ(parse(RECORD("a.b", "linux-6.1?", "") RECORD("a.b", "linux-6.1", "")), 0);
}

static void test_control_characters_in_a_message_are_escaped(void)
{
	ASSERT_REJECTED("a.b\n on: linux-*\n \x1b[2Jcolour: red\n", "linux.txt:3:",
			"unknown key '\\x1b[2Jcolour'");
	CU_ASSERT_PTR_NULL(strchr(err, 0x1b));
}

static void test_shipped_linux_records_parse(void)
{
	char lerr[512];
	struct divergences shipped = {0};

	/* the Makefile runs the tests from the source tree's top */
	if (divergences_load(&shipped, "cases/divergences", lerr, sizeof lerr) == -1) {
		ASSERT_STR_EQ(lerr, "");
	} else {
		const struct divergence *r;

		CU_ASSERT(shipped.n >= 1);
		r = divergence_find(&shipped, "linux-6.18.44-native", "rst.buffered_data_after_rst",
				    "inet");
		CU_ASSERT_PTR_NOT_NULL(r);
		if (r)
			ASSERT_INT_EQ(r->kind, KIND_DIVERGENCE);
		r = divergence_find(&shipped, "linux-6.18.44-native", "linger.nonblocking", "inet");
		CU_ASSERT_PTR_NOT_NULL(r);
		if (r)
			ASSERT_INT_EQ(r->kind, KIND_DOCUMENTED);
		for (size_t i = 0; i < shipped.n; i++)
			CU_ASSERT(shipped.items[i].kind != KIND_UNSET);
	}
	divergences_free(&shipped);
}

static int cleanup(void)
{
	divergences_free(&d);
	return 0;
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_valid_file_gives_two_records),
	UNIT_TEST(test_parse_appends_to_what_is_loaded),
	UNIT_TEST(test_family_list_may_use_commas),
	UNIT_TEST(test_crlf_file_parses),
	UNIT_TEST(test_family_bits),
	UNIT_TEST(test_find_by_label_glob),
	UNIT_TEST(test_find_by_family),
	UNIT_TEST(test_record_without_family_holds_for_every_family),
	UNIT_TEST(test_find_by_exact_id),
	UNIT_TEST(test_empty_file_and_comments_only_give_no_records),
	UNIT_TEST(test_unknown_key_is_an_error),
	UNIT_TEST(test_unknown_family_is_an_error),
	UNIT_TEST(test_family_with_no_names_is_an_error),
	UNIT_TEST(test_missing_on_is_an_error),
	UNIT_TEST(test_missing_why_is_an_error),
	UNIT_TEST(test_missing_source_is_an_error),
	UNIT_TEST(test_missing_kind_is_an_error),
	UNIT_TEST(test_unknown_kind_is_an_error),
	UNIT_TEST(test_documented_record_cites_its_platforms_documents),
	UNIT_TEST(test_documented_record_names_its_platform),
	UNIT_TEST(test_too_many_sources_is_an_error),
	UNIT_TEST(test_indented_line_before_any_id_is_an_error),
	UNIT_TEST(test_key_without_colon_is_an_error),
	UNIT_TEST(test_empty_value_is_an_error),
	UNIT_TEST(test_bad_id_is_an_error),
	UNIT_TEST(test_line_too_long_is_an_error),
	UNIT_TEST(test_record_on_every_platform_is_an_error),
	UNIT_TEST(test_records_that_can_match_one_failure_conflict),
	UNIT_TEST(test_control_characters_in_a_message_are_escaped),
	UNIT_TEST(test_shipped_linux_records_parse),
};

void register_divergence_tests(void)
{
	/* the cleanup frees the last parse (ASan's leak check runs at exit) */
	ADD_SUITE_WITH_CLEANUP("divergences", cleanup, tests);
}
