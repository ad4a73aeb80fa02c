/* SPDX-License-Identifier: MIT */
/*
 * The fake architecture's system register accessors: the same names as
 * hv/arch/aarch64/include/arch/sysreg_access.h, reading and writing the
 * register file of the fake CPU that runs the code (hv/arch/fake/sysreg.c).
 * A register is named by its spelling after macro expansion, so
 * ICH_VTR_EL2 and S3_4_C12_C11_1 are the same register.
 */
#ifndef ARCH_SYSREG_ACCESS_H
#define ARCH_SYSREG_ACCESS_H

#include <stdint.h>

#define FAKE_SYSREG_NAME(r) #r
#define FAKE_SYSREG_NAME_OF(r) FAKE_SYSREG_NAME(r)

#define read_sysreg(r) fake_sysreg_read(FAKE_SYSREG_NAME_OF(r))
#define write_sysreg(r, v) \
	fake_sysreg_write(FAKE_SYSREG_NAME_OF(r), (uint64_t)(v))

#define isb() ((void)0)
#define dsb(opt) ((void)0)
#define wfi() ((void)0)

/** fake_sysreg_read() - Register @name of the current fake CPU. */
uint64_t fake_sysreg_read(const char *name);

/** fake_sysreg_write() - Set register @name of the current fake CPU. */
void fake_sysreg_write(const char *name, uint64_t val);

#endif /* ARCH_SYSREG_ACCESS_H */
