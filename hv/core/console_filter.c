/* SPDX-License-Identifier: MIT */
/*
 * What of a VM's output may reach the operator's terminal (the rule is in
 * docs/isolation.md, "Console").  Text, tabs, newlines, backspaces, valid
 * UTF-8 and SGR colour sequences pass; other control characters are shown
 * in caret notation ("^G"); every other escape sequence is removed whole;
 * bytes that are not UTF-8 show as '?'.  So a VM can neither move the
 * cursor nor clear the screen, nor start a line that looks like another
 * VM's or the hypervisor's, nor make the terminal answer into the input.
 * The state lives in the VM's struct console_vm: a sequence may be split
 * across any number of writes.
 */
#include "hv/console.h"
#include "hv/console_filter.h"

#define ESC 0x1b

enum state {
	S_TEXT,
	S_UTF8,	   /* a UTF-8 character: seq holds its first bytes */
	S_ESC,	   /* after ESC */
	S_ESC_IB,  /* ESC and intermediate bytes: a two-byte sequence */
	S_CSI,	   /* ESC [ and digits or ';' only: may be SGR */
	S_CSI_BAD, /* a control sequence that is not SGR: dropped */
	S_STRING,  /* OSC, DCS, SOS, PM, APC: dropped up to BEL or ST */
};

/* The range the next byte of a UTF-8 character must be in (RFC 3629):
 * no overlong forms, no surrogates, nothing past U+10FFFF, and none of
 * the C1 controls U+0080..U+009F, which terminals obey like ESC. */
static bool utf8_next_ok(const struct console_vm *c, uint8_t b)
{
	uint8_t lo = 0x80, hi = 0xbf;

	if (c->seq_len == 1) {
		switch ((uint8_t)c->seq[0]) {
		case 0xc2:
			lo = 0xa0;
			break;
		case 0xe0:
			lo = 0xa0;
			break;
		case 0xed:
			hi = 0x9f;
			break;
		case 0xf0:
			lo = 0x90;
			break;
		case 0xf4:
			hi = 0x8f;
			break;
		default:
			break;
		}
	}
	return b >= lo && b <= hi;
}

static unsigned utf8_length(uint8_t lead)
{
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

static unsigned text(struct console_vm *c, uint8_t b, char *out)
{
	unsigned n = utf8_length(b);

	if ((b >= 0x20 && b < 0x7f) || b == '\t' || b == '\n' || b == '\b') {
		out[0] = (char)b;
		return 1;
	}
	if (b == '\r')
		return 0; /* it would return the cursor over the prefix */
	if (b == ESC) {
		c->state = S_ESC;
		return 0;
	}
	if (b < 0x20 || b == 0x7f) {
		out[0] = '^';
		out[1] = (char)(b ^ 0x40); /* ^@..^_, and ^? for DEL */
		return 2;
	}
	if (!n) {
		out[0] =
			'?'; /* a stray continuation byte, or no UTF-8 at all */
		return 1;
	}
	c->seq[0] = (char)b;
	c->seq_len = 1;
	c->need = (uint8_t)(n - 1);
	c->state = S_UTF8;
	return 0;
}

/*
 * @b ends the sequence being read without being part of it (a control
 * character, or a byte no sequence may hold): the sequence is dropped and
 * @b is taken as text.  A terminal would obey such a control character in
 * the middle of a sequence; here it is shown like any other.
 */
static unsigned abort_sequence(struct console_vm *c, uint8_t b, char *out)
{
	c->state = S_TEXT;
	return text(c, b, out);
}

unsigned console_filter(struct console_vm *c, uint8_t b, char *out)
{
	unsigned n;

	switch (c->state) {
	case S_UTF8:
		if (!utf8_next_ok(c, b)) {
			out[0] = '?';
			c->state = S_TEXT;
			return 1 + text(c, b, out + 1);
		}
		c->seq[c->seq_len++] = (char)b;
		if (--c->need)
			return 0;
		c->state = S_TEXT;
		for (n = 0; n < c->seq_len; n++)
			out[n] = c->seq[n];
		return n;
	case S_ESC:
		if (b == '[') {
			c->seq[0] = ESC;
			c->seq[1] = '[';
			c->seq_len = 2;
			c->state = S_CSI;
		} else if (b == ']' || b == 'P' || b == 'X' || b == '^' ||
			   b == '_') {
			c->state = S_STRING;
		} else if (b >= 0x20 && b <= 0x2f) {
			c->state = S_ESC_IB;
		} else if (b >= 0x30 && b <= 0x7e) {
			c->state =
				S_TEXT; /* e.g. ESC c, a full terminal reset */
		} else if (b != ESC) {
			return abort_sequence(c, b, out);
		}
		return 0;
	case S_ESC_IB:
		if (b >= 0x30 && b <= 0x7e)
			c->state = S_TEXT; /* e.g. ESC ( 0, line drawing */
		else if (b < 0x20 || b > 0x2f)
			return abort_sequence(c, b, out);
		return 0;
	case S_CSI:
		if ((b >= '0' && b <= '9') || b == ';') {
			if (c->seq_len < CONSOLE_SGR_MAX - 1)
				c->seq[c->seq_len++] = (char)b;
			else
				c->state = S_CSI_BAD;
			return 0;
		}
		if (b == 'm') {
			c->seq[c->seq_len++] = 'm';
			c->state = S_TEXT;
			for (n = 0; n < c->seq_len; n++)
				out[n] = c->seq[n];
			return n;
		}
		/* Not SGR: the same byte decides what follows. */
		c->state = S_CSI_BAD;
		__attribute__((fallthrough));
	case S_CSI_BAD:
		if (b >= 0x40 && b <= 0x7e)
			c->state =
				S_TEXT; /* the final byte: all of it dropped */
		else if (b < 0x20 || b > 0x3f)
			return abort_sequence(c, b, out);
		return 0;
	case S_STRING:
		/* BEL or ST (ESC \) ends it; a newline ends it here too, so
		 * that a stray ESC ] cannot hide the VM's later lines. */
		if (b == 0x07 || b == 0x18 || b == 0x1a)
			c->state = S_TEXT;
		else if (b == ESC)
			c->state = S_ESC;
		else if (b == '\n')
			return abort_sequence(c, b, out);
		return 0;
	default:
		return text(c, b, out);
	}
}

void console_filter_reset(struct console_vm *c)
{
	c->state = S_TEXT;
	c->need = 0;
	c->seq_len = 0;
}
