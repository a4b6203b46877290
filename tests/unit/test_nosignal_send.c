/*
 * test_nosignal_send.c: lib's MSG_NOSIGNAL where the OS has only
 * SO_NOSIGPIPE (macOS), built and run here on Linux.
 *
 * lib/stack_posix.c is compiled into this file as macOS would compile it:
 * <sys/socket.h> without MSG_NOSIGNAL and with SO_NOSIGPIPE.  Its send(),
 * getsockopt() and setsockopt() are replaced by a model of one socket with
 * macOS's documented rule (send on a broken connection: EPIPE, and SIGPIPE
 * unless SO_NOSIGPIPE is on).  What this proves is the kernel send op's
 * logic; that macOS's kernel keeps that rule is not proven here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/epoll.h>
#endif

/* the system's declarations are in; from here on the names are macOS's */
#undef MSG_NOSIGNAL
#ifndef SO_NOSIGPIPE
#define SO_NOSIGPIPE 0x1022 /* macOS <sys/socket.h> */
#endif
#define SC_LIB_INTERNAL
#include "sockconf.h" /* lib's names, before send() is the model's below */

#define MODEL_FD 1000

static struct {
	int open;          /* MODEL_FD is a descriptor */
	int broken;        /* the connection is gone: a send fails with EPIPE */
	int nosigpipe;     /* SO_NOSIGPIPE */
	unsigned sigpipes; /* SIGPIPEs the kernel raised */
	int sends;         /* send() calls that reached the kernel */
	int flags_sent;    /* the flags of the last one */
	int option_calls;  /* getsockopt/setsockopt(SO_NOSIGPIPE) calls */
} model;

static ssize_t model_send(int fd, const void *buf, size_t len, int flags)
{
	(void)buf;
	if (fd != MODEL_FD || !model.open) {
		errno = EBADF;
		return -1;
	}
	model.sends++;
	model.flags_sent = flags;
	if (model.broken) {
		if (!model.nosigpipe)
			model.sigpipes++;
		errno = EPIPE;
		return -1;
	}
	return (ssize_t)len;
}

static int model_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	if (fd != MODEL_FD || !model.open) {
		errno = EBADF;
		return -1;
	}
	if (level != SOL_SOCKET || name != SO_NOSIGPIPE || *len < sizeof(int)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	model.option_calls++;
	memcpy(val, &model.nosigpipe, sizeof(int));
	*len = sizeof(int);
	return 0;
}

static int model_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (fd != MODEL_FD || !model.open) {
		errno = EBADF;
		return -1;
	}
	if (level != SOL_SOCKET || name != SO_NOSIGPIPE || len != sizeof(int)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	model.option_calls++;
	memcpy(&model.nosigpipe, val, sizeof(int));
	errno = 0; /* a call that succeeds may still change errno */
	return 0;
}

/* function-like: the calls are the model's, the stack's .send member stays .send */
#define send(fd, buf, len, flags) model_send(fd, buf, len, flags)
#define getsockopt(fd, level, name, val, len) model_getsockopt(fd, level, name, val, len)
#define setsockopt(fd, level, name, val, len) model_setsockopt(fd, level, name, val, len)
#define sc_kernel_stack sc_kernel_stack_as_on_macos
#include "stack_posix.c"
#undef send
#undef getsockopt
#undef setsockopt

#include "suites.h"

static const struct sc_stack *const macos = &sc_kernel_stack_as_on_macos;
static const char data[] = "late";

static void model_reset(int broken, int nosigpipe)
{
	memset(&model, 0, sizeof model);
	model.open = 1, model.broken = broken, model.nosigpipe = nosigpipe;
}

static void test_msg_nosignal_is_libs_own_flag_without_the_os_one(void)
{
	ASSERT_INT_EQ(MSG_NOSIGNAL, SC_MSG_NOSIGNAL_BY_SOCKOPT);
}

static void test_msg_nosignal_send_to_broken_connection_fails_epipe_without_sigpipe(void)
{
	model_reset(1, 0);
	ASSERT_INT_EQ(macos->send(MODEL_FD, data, sizeof data, MSG_NOSIGNAL), -1);
	ASSERT_INT_EQ(errno, EPIPE); /* the send's errno, not the restoring setsockopt's */
	ASSERT_INT_EQ(model.sigpipes, 0);
	ASSERT_INT_EQ(model.nosigpipe, 0); /* back off after the call */
}

static void test_plain_send_to_broken_connection_raises_sigpipe(void)
{
	model_reset(1, 0);
	ASSERT_INT_EQ(macos->send(MODEL_FD, data, sizeof data, 0), -1);
	ASSERT_INT_EQ(errno, EPIPE);
	ASSERT_INT_EQ(model.sigpipes, 1);
	ASSERT_INT_EQ(model.option_calls, 0); /* the option is not touched */
}

static void test_plain_send_after_msg_nosignal_send_raises_sigpipe_again(void)
{
	model_reset(1, 0);
	macos->send(MODEL_FD, data, sizeof data, MSG_NOSIGNAL);
	macos->send(MODEL_FD, data, sizeof data, 0);
	ASSERT_INT_EQ(model.sigpipes, 1);
}

static void test_so_nosigpipe_the_case_set_stays_set(void)
{
	model_reset(1, 1);
	macos->send(MODEL_FD, data, sizeof data, MSG_NOSIGNAL);
	ASSERT_INT_EQ(model.nosigpipe, 1);
	ASSERT_INT_EQ(model.sigpipes, 0);
}

static void test_libs_flag_never_reaches_the_kernel_and_the_others_do(void)
{
	model_reset(0, 0);
	ASSERT_INT_EQ(macos->send(MODEL_FD, data, sizeof data, MSG_NOSIGNAL | MSG_DONTWAIT), sizeof data);
	ASSERT_INT_EQ(model.sends, 1);
	ASSERT_INT_EQ(model.flags_sent, MSG_DONTWAIT);
}

static void test_msg_nosignal_send_on_closed_descriptor_fails_ebadf(void)
{
	model_reset(1, 0);
	model.open = 0;
	ASSERT_INT_EQ(macos->send(MODEL_FD, data, sizeof data, MSG_NOSIGNAL), -1);
	ASSERT_INT_EQ(errno, EBADF);
}

void register_nosignal_send_tests(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_msg_nosignal_is_libs_own_flag_without_the_os_one),
		UNIT_TEST(test_msg_nosignal_send_to_broken_connection_fails_epipe_without_sigpipe),
		UNIT_TEST(test_plain_send_to_broken_connection_raises_sigpipe),
		UNIT_TEST(test_plain_send_after_msg_nosignal_send_raises_sigpipe_again),
		UNIT_TEST(test_so_nosigpipe_the_case_set_stays_set),
		UNIT_TEST(test_libs_flag_never_reaches_the_kernel_and_the_others_do),
		UNIT_TEST(test_msg_nosignal_send_on_closed_descriptor_fails_ebadf),
	};

	ADD_SUITE("kernel send without MSG_NOSIGNAL (macOS, modelled)", tests);
}
