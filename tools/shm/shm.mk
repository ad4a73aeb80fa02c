# shikiri-shm: a static arm64 program for inside a VM (it goes into the
# test initramfs): reads, writes and rings a shared-memory region from
# Linux userspace (docs/communication.md).

SHIKIRI_SHM := $(BUILD)/guest/shikiri-shm

$(SHIKIRI_SHM): tools/shm/shikiri-shm.c include/shikiri/shm.h
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CROSS)gcc $(SHIKIRICTL_FLAGS) -o $@ $<
