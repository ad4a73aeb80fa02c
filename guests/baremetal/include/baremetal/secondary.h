/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_SECONDARY_H
#define BAREMETAL_SECONDARY_H

/*
 * SECONDARY_ENTRY() - Define @entry, where a second vCPU started by PSCI
 * CPU_ON begins: it takes the 4 KiB stack @stack (a uint8_t array the
 * caller defines, 16-byte aligned), the test's exception vectors, and calls
 * @main, which never returns.  Only the first vCPU runs start.S, so every
 * other one needs this much before it can run C.
 */
#define SECONDARY_ENTRY(entry, stack, main)                 \
	void entry(void);                                   \
	__asm__(".text\n"                                   \
		".global " #entry "\n" #entry ":\n"         \
		"	adrp	x1, " #stack "\n"           \
		"	add	x1, x1, :lo12:" #stack "\n" \
		"	add	x1, x1, #4096\n"                      \
		"	mov	sp, x1\n"                             \
		"	adrp	x1, el1_vectors\n"                   \
		"	add	x1, x1, :lo12:el1_vectors\n"          \
		"	msr	vbar_el1, x1\n"                       \
		"	isb\n"                                    \
		"	bl	" #main "\n")

#endif
