# shikiri-build: the host tool that compiles a config into shikiri.img.
# It links the hypervisor's own plan_check() (hv/core/plan_*.c: with its
# shared-memory and network rules) and CRC so both sides agree on what a
# valid plan is, and runs under ASan/UBSan like all host code.

SHIKIRI_BUILD := $(BUILD)/bin/shikiri-build

# Everything but main(), so unit tests can link the tool's pieces.
SHIKIRI_BUILD_LIB_SRCS := $(filter-out tools/shikiri-build/main.c, \
	$(wildcard tools/shikiri-build/*.c)) $(wildcard hv/core/plan_*.c) \
	hv/lib/crc32.c hv/arch/aarch64/plan_arch.c hv/arch/x86_64/plan_arch.c
SHIKIRI_BUILD_HDRS := $(wildcard tools/shikiri-build/*.h) include/shikiri/plan.h \
	include/shikiri/x86_layout.h hv/arch/aarch64/asm_defs.h \
	hv/include/hv/plan_check.h hv/include/hv/errno.h

$(SHIKIRI_BUILD): tools/shikiri-build/main.c $(SHIKIRI_BUILD_LIB_SRCS) \
		$(SHIKIRI_BUILD_HDRS)
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) -o $@ \
		$(filter %.c,$^) -lfdt
