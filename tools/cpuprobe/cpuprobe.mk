# shikiri-cpu: a static arm64 program for inside a VM (it goes into the
# test initramfs): checks that the CPU features a VM is given work (MTE,
# SVE, pointer authentication, BTI, the PMU's interrupt, the hwcaps Linux
# finds), one subcommand per source file in tools/cpuprobe (main.c holds
# the table of them).  Only the functions holding a feature's instructions
# are compiled for it (target pragmas), so it runs on any arm64 CPU and
# says which features are not there.  sve.c's scalar reference loop must
# stay scalar: no auto-vectorization.

SHIKIRI_CPU := $(BUILD)/guest/shikiri-cpu
CPUPROBE_SRCS := $(wildcard tools/cpuprobe/*.c)
CPUPROBE_OBJS := $(CPUPROBE_SRCS:tools/cpuprobe/%.c=$(BUILD)/guest/cpuprobe/%.o)
CPUPROBE_FLAGS := $(SHIKIRICTL_FLAGS) -fno-tree-vectorize -MMD -MP

$(BUILD)/guest/cpuprobe/%.o: tools/cpuprobe/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CROSS)gcc $(CPUPROBE_FLAGS) -c -o $@ $<

$(SHIKIRI_CPU): $(CPUPROBE_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CROSS)gcc $(SHIKIRICTL_FLAGS) -o $@ $^

-include $(CPUPROBE_OBJS:.o=.d)
