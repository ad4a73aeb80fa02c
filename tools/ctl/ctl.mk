# shikirictl: a static program for inside a VM (it goes into the test
# initramfs); it talks to the hypervisor's management page.  Built twice:
# for arm64 (cross) and for amd64 (the host's compiler).

SHIKIRICTL := $(BUILD)/guest/shikirictl
SHIKIRICTL_X86 := $(BUILD)/guest-x86_64/shikirictl
SHIKIRICTL_FLAGS := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -O2 \
	-static -Iinclude

$(SHIKIRICTL): tools/ctl/shikirictl.c include/shikiri/manage.h
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CROSS)gcc $(SHIKIRICTL_FLAGS) -o $@ $<

$(SHIKIRICTL_X86): tools/ctl/shikirictl.c include/shikiri/manage.h
	@mkdir -p $(dir $@)
	$(call msg,CC,$< (x86_64))
	$(Q)$(HOST_CC) $(SHIKIRICTL_FLAGS) -o $@ $<
