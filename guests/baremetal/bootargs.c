/* SPDX-License-Identifier: MIT */
/* key=value words of /chosen/bootargs. */
#include "baremetal/bootargs.h"
#include "baremetal/platform.h"
#include "baremetal/string.h"

const char *bootargs_get(const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *s = platform.bootargs;

	while (s && *s) {
		size_t w = 0;

		while (*s == ' ')
			s++;
		while (s[w] && s[w] != ' ')
			w++;
		if (w > klen && strncmp(s, key, klen) == 0 && s[klen] == '=') {
			*len = w - klen - 1;
			return s + klen + 1;
		}
		s += w;
	}
	return NULL;
}

bool bootargs_is(const char *key, const char *value)
{
	size_t len;
	const char *v = bootargs_get(key, &len);

	return v && len == strlen(value) && strncmp(v, value, len) == 0;
}

/* Parse a number at *@s (end at @end): 0x hex or decimal. */
static bool number(const char **s, const char *end, uint64_t *out)
{
	const char *p = *s, *digits;
	unsigned base = 10;
	uint64_t v = 0;

	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (digits = p; p < end; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		v = v * base + d;
	}
	if (p == digits)
		return false;
	*s = p;
	*out = v;
	return true;
}

int bootargs_ranges(const char *key, struct range *out, unsigned max)
{
	size_t len;
	const char *v = bootargs_get(key, &len), *end;
	unsigned n = 0;

	if (!v)
		return 0;
	end = v + len;
	while (v < end) {
		struct range r;

		if (n == max || !number(&v, end, &r.start) || v == end ||
		    *v++ != '-' || !number(&v, end, &r.end) || r.end <= r.start)
			return -1;
		out[n++] = r;
		if (v < end && *v++ != ',')
			return -1;
	}
	return (int)n;
}

int bootargs_u64(const char *key, uint64_t *out)
{
	size_t len;
	const char *v = bootargs_get(key, &len), *p = v;

	if (!v)
		return 1;
	return number(&p, v + len, out) && p == v + len ? 0 : -1;
}
