/*
 * pattern.c: payloads a receiver can verify byte for byte.  The byte at
 * stream offset i depends on i through a 32-bit mix, so a lost, repeated
 * or reordered chunk of any length shows as a mismatch.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdlib.h>

static unsigned char pattern_byte(size_t offset)
{
	uint32_t x = (uint32_t)offset * 2654435761u;

	x ^= x >> 15;
	return (unsigned char)(x ^ (x >> 8));
}

void pattern_fill(unsigned char *buf, size_t len, size_t stream_offset)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern_byte(stream_offset + i);
}

size_t pattern_mismatch(const unsigned char *buf, size_t len, size_t stream_offset)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern_byte(stream_offset + i))
			return stream_offset + i;
	return (size_t)-1;
}

#define CHUNK 65536

/* Reads what is available at fd now; fails on a pattern mismatch. 0 at end of stream. */
static ssize_t drain_available(int fd, size_t *received)
{
	unsigned char buf[CHUNK];
	ssize_t n = sc_recv(fd, buf, sizeof buf, 0);
	size_t bad;

	if (n > 0) {
		bad = pattern_mismatch(buf, (size_t)n, *received);
		if (bad != (size_t)-1)
			sc_fail(NULL, "received data differs from what was sent, at stream offset %zu", bad);
		*received += (size_t)n;
	}
	return n;
}

void send_pattern_draining(int from, int to, size_t len, size_t *received)
{
	unsigned char buf[CHUNK];
	size_t sent = 0;
	double deadline = sc_plat_now_ms() + sc_wait_bound_ms();

	*received = 0;
	if (set_nonblocking(from, 1) == -1 || set_nonblocking(to, 1) == -1)
		sc_fail(NULL, "could not make the sockets non-blocking");
	while (sent < len) {
		size_t want = len - sent < CHUNK ? len - sent : CHUNK;
		ssize_t n;

		pattern_fill(buf, want, sent);
		n = sc_send(from, buf, want, MSG_NOSIGNAL);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
			char err[64];
			sc_format_errno(err, sizeof err, errno);
			sc_fail(NULL, "send() of pattern data failed after %zu of %zu bytes: %s", sent, len, err);
		}
		/* from's buffers are full: make room by reading at `to`, or wait for from's stack to
		 * take more (one that frees its buffer only on the peer's ACK: lwIP).  The two ends
		 * may live on two stacks, so each is polled on its own. */
		for (int backoff = 0;;) {
			struct pollfd in = {.fd = to, .events = POLLIN, .revents = 0};
			struct pollfd out = {.fd = from, .events = POLLOUT, .revents = 0};

			if (sc_poll(&in, 1, 0) == 1) {
				if (drain_available(to, received) == 0)
					sc_fail(NULL, "end of stream after %zu bytes while %zu were being sent",
						*received, len);
				break;
			}
			if (sc_poll(&out, 1, 0) == 1)
				break;
			if (sc_plat_now_ms() > deadline)
				sc_fail(NULL, "timed out after %d ms sending %zu pattern bytes (%zu sent)",
					sc_wait_bound_ms(), len, sent);
			sc_current_step = "the receiver to become readable or the sender writable";
			sc_backoff_pause(&backoff);
		}
	}
	set_nonblocking(from, 0);
	set_nonblocking(to, 0);
}

long long recv_pattern_until_end(int fd, size_t *received)
{
	for (;;) {
		ssize_t n;

		wait_readable(fd);
		n = drain_available(fd, received);
		if (n <= 0)
			return n; /* errno is recv()'s */
	}
}

/*
 * send() said EAGAIN: is the connection full, or only fd's buffer until the
 * peer's next ACK?  A stack with a small send buffer (lwIP's 64 KiB)
 * refuses long before a peer's window is full; room that comes back within
 * a quiet window means the data is still flowing.
 */
/* A look for room waits a quiet window, but never long: filling is setup, not the claim. */
#define ROOM_WAIT_MAX_MS 250

static int room_comes_back(int fd)
{
	struct pollfd out = {.fd = fd, .events = POLLOUT, .revents = 0};

	sc_current_step = "room in the send buffer (is the connection full?)";
	return sc_poll(&out, 1, sc_quiet_ms() < ROOM_WAIT_MAX_MS ? sc_quiet_ms() : ROOM_WAIT_MAX_MS) == 1 &&
	       (out.revents & POLLOUT);
}

size_t send_pattern_until_full(int fd)
{
	unsigned char buf[CHUNK];
	size_t sent = 0;
	double deadline = 0; /* set at the first refusal */

	if (set_nonblocking(fd, 1) == -1)
		sc_fail(NULL, "could not make the socket non-blocking");
	for (;;) {
		ssize_t n;

		pattern_fill(buf, sizeof buf, sent);
		n = sc_send(fd, buf, sizeof buf, MSG_NOSIGNAL);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!deadline) /* the first refusal: the peer's window has this long to fill */
				deadline = sc_plat_now_ms() + 4 * ROOM_WAIT_MAX_MS;
			if (!room_comes_back(fd) || sc_plat_now_ms() > deadline)
				return sent; /* full; or, past the bound, as full as it gets */
			continue;
		}
		if (n == -1) {
			char err[64];
			sc_format_errno(err, sizeof err, errno);
			sc_fail(NULL, "send() failed after %zu bytes while filling the send buffer: %s",
				sent, err);
		}
		sc_fail(NULL, "send() returned 0 after %zu bytes while filling the send buffer", sent);
	}
}

size_t recv_pattern_until_eof(int fd, size_t *received)
{
	for (;;) {
		ssize_t n;

		wait_readable(fd);
		n = drain_available(fd, received);
		if (n == 0)
			return *received;
		if (n == -1) {
			char err[64];
			sc_format_errno(err, sizeof err, errno);
			sc_fail(NULL, "recv() failed after %zu bytes: %s", *received, err);
		}
	}
}
