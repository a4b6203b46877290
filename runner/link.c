/* link.c: the --link option, parsed strictly and named (see link.h). */
#include "link.h"

#include <stdio.h>
#include <string.h>

/* "20" or "20ms": whole milliseconds, 0 to LINK_MAX_MS; -1 otherwise. */
static int parse_ms(const char *s, size_t n, unsigned *out)
{
	unsigned long v = 0;
	size_t i = 0;

	if (n > 2 && s[n - 2] == 'm' && s[n - 1] == 's')
		n -= 2;
	if (n == 0 || n > 5)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > LINK_MAX_MS)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* "2", "2%", "0.5%": a percentage below 100 with at most three decimals, in thousandths. */
static int parse_pct(const char *s, size_t n, unsigned *out)
{
	unsigned long whole = 0, frac = 0;
	size_t i = 0, digits = 0, decimals = 0;

	if (n && s[n - 1] == '%')
		n--;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		whole = whole * 10 + (unsigned long)(s[i] - '0');
	if (digits == 0 || digits > 3)
		return -1;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, decimals++)
			frac = frac * 10 + (unsigned long)(s[i] - '0');
		if (decimals == 0 || decimals > 3)
			return -1;
		while (decimals++ < 3)
			frac *= 10;
	}
	if (i != n || whole >= 100)
		return -1;
	*out = (unsigned)(whole * 1000 + frac);
	return 0;
}

int link_parse(const char *text, struct link *l, char *err, size_t errsize)
{
	const char *p = text;

	memset(l, 0, sizeof *l);
	if (!*text) {
		snprintf(err, errsize, "--link wants delay=MS,jitter=MS,loss=PCT,reorder=PCT (any of them)");
		return -1;
	}
	for (;;) {
		size_t n = strcspn(p, ","), klen = strcspn(p, "=");
		const char *v = p + klen + 1;
		size_t vlen = klen < n ? n - klen - 1 : 0;
		int *has = NULL, bad = 0;

		if (klen >= n) {
			snprintf(err, errsize, "--link %s: '%.*s' is not KEY=VALUE (delay, jitter, loss, reorder)",
				 text, (int)n, p);
			return -1;
		}
		if (klen == 5 && strncmp(p, "delay", 5) == 0) {
			has = &l->has_delay;
			bad = parse_ms(v, vlen, &l->delay_ms);
		} else if (klen == 6 && strncmp(p, "jitter", 6) == 0) {
			has = &l->has_jitter;
			bad = parse_ms(v, vlen, &l->jitter_ms);
		} else if (klen == 4 && strncmp(p, "loss", 4) == 0) {
			has = &l->has_loss;
			bad = parse_pct(v, vlen, &l->loss_milli);
		} else if (klen == 7 && strncmp(p, "reorder", 7) == 0) {
			has = &l->has_reorder;
			bad = parse_pct(v, vlen, &l->reorder_milli);
		} else {
			snprintf(err, errsize, "--link %s: no such setting '%.*s' (delay, jitter, loss, reorder)",
				 text, (int)klen, p);
			return -1;
		}
		if (bad) {
			snprintf(err, errsize, "--link %s: bad value '%.*s' for %.*s (%s)", text, (int)vlen, v,
				 (int)klen, p,
				 has == &l->has_delay || has == &l->has_jitter
					 ? "milliseconds, 0 to 10000, e.g. 20ms"
					 : "a percentage below 100, e.g. 2%");
			return -1;
		}
		if (*has) {
			snprintf(err, errsize, "--link %s: %.*s given twice", text, (int)klen, p);
			return -1;
		}
		*has = 1;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	/* netem jitters and reorders the delay: without one there is nothing to vary */
	if ((l->has_jitter || l->has_reorder) && !l->delay_ms) {
		snprintf(err, errsize, "--link %s: %s needs a delay (netem varies the delay)", text,
			 l->has_jitter ? "jitter" : "reorder");
		return -1;
	}
	if (l->jitter_ms > l->delay_ms) {
		snprintf(err, errsize, "--link %s: jitter above the delay would ask for negative delays", text);
		return -1;
	}
	l->set = 1;
	return 0;
}

static void put_pct(char *out, size_t size, unsigned milli)
{
	if (milli % 1000 == 0)
		snprintf(out, size, "%u", milli / 1000);
	else if (milli % 100 == 0)
		snprintf(out, size, "%u.%u", milli / 1000, milli % 1000 / 100);
	else if (milli % 10 == 0)
		snprintf(out, size, "%u.%02u", milli / 1000, milli % 1000 / 10);
	else
		snprintf(out, size, "%u.%03u", milli / 1000, milli % 1000);
}

/* The link's settings in order, each as a prefix, the value and a unit; sep between. */
static void put_settings(const struct link *l, char *out, size_t size, const char *const names[4],
			 const char *pct_unit, const char *sep)
{
	char pct[16];
	size_t n = 0;

	out[0] = '\0';
	if (l->has_delay)
		n += (size_t)snprintf(out + n, size - n, "%s%s%ums", n ? sep : "", names[0], l->delay_ms);
	if (l->has_jitter && n < size)
		n += (size_t)snprintf(out + n, size - n, "%s%s%ums", n ? sep : "", names[1], l->jitter_ms);
	if (l->has_loss && n < size) {
		put_pct(pct, sizeof pct, l->loss_milli);
		n += (size_t)snprintf(out + n, size - n, "%s%s%s%s", n ? sep : "", names[2], pct, pct_unit);
	}
	if (l->has_reorder && n < size) {
		put_pct(pct, sizeof pct, l->reorder_milli);
		snprintf(out + n, size - n, "%s%s%s%s", n ? sep : "", names[3], pct, pct_unit);
	}
}

void link_describe(const struct link *l, char *out, size_t size)
{
	static const char *const names[4] = {"delay=", "jitter=", "loss=", "reorder="};

	put_settings(l, out, size, names, "%", ",");
}

void link_tag(const struct link *l, char *out, size_t size)
{
	static const char *const names[4] = {"d", "j", "l", "r"};

	put_settings(l, out, size, names, "pct", "-");
}

void link_netem_args(const struct link *l, char *out, size_t size)
{
	char pct[16];
	size_t n = 0;

	out[0] = '\0';
	/* netem's jitter is the second word of its delay */
	if (l->has_delay)
		n += (size_t)snprintf(out, size, "delay %ums", l->delay_ms);
	if (l->has_jitter && n < size)
		n += (size_t)snprintf(out + n, size - n, " %ums", l->jitter_ms);
	if (l->has_loss && n < size) {
		put_pct(pct, sizeof pct, l->loss_milli);
		n += (size_t)snprintf(out + n, size - n, "%sloss %s%%", n ? " " : "", pct);
	}
	if (l->has_reorder && n < size) {
		put_pct(pct, sizeof pct, l->reorder_milli);
		snprintf(out + n, size - n, "%sreorder %s%%", n ? " " : "", pct);
	}
}
