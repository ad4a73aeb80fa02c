# make fuzz: libFuzzer on the config front end, for a bounded time
# (FUZZ_SECONDS, default 120), seeded with every config in the repository.
# Not part of make test.  Needs clang and its runtime (installed here).

FUZZ_SECONDS ?= 120
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_BIN := $(FUZZ_OUT)/fuzz_config
FUZZ_BOARD := $(FUZZ_OUT)/qemu-virt.dtb
FUZZ_SEEDS := $(wildcard configs/*.dts tests/system/configs/*.dts)

.PHONY: fuzz fuzz-setup
fuzz-setup:
	@dpkg-query -W -f='$${Status}' clang libclang-rt-14-dev 2>/dev/null | \
		grep -c 'ok installed' | grep -q 2 || \
		apt-get install -y -q clang libclang-rt-14-dev >/dev/null

$(FUZZ_BIN): tests/fuzz/fuzz_config.c $(SHIKIRI_BUILD_LIB_SRCS) \
		$(SHIKIRI_BUILD_HDRS) | fuzz-setup
	@mkdir -p $(dir $@)
	clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -Iinclude -Ihv/include \
		-Itools/shikiri-build -fsanitize=fuzzer,address,undefined \
		-o $@ $(filter %.c,$^) -lfdt

$(FUZZ_BOARD): tests/unit/golden/qemu-virt.dts
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

fuzz: setup $(FUZZ_BIN) $(FUZZ_BOARD)
	@rm -rf $(FUZZ_OUT)/corpus && mkdir -p $(FUZZ_OUT)/corpus
	@for f in $(FUZZ_SEEDS); do \
		dtc -q -I dts -O dtb -o $(FUZZ_OUT)/corpus/$$(basename $$f).dtb $$f; \
	done
	SHIKIRI_FUZZ_BOARD=$(FUZZ_BOARD) $(FUZZ_BIN) \
		-max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-artifact_prefix=$(FUZZ_OUT)/ $(FUZZ_OUT)/corpus 2>&1 | \
		tee $(FUZZ_OUT)/fuzz.log | grep -E '^#[0-9]+.*(pulse|DONE)|ERROR|SUMMARY|crash-|Done' ; \
		grep -E '^Done [0-9]+ runs|stat::number_of_executed_units' $(FUZZ_OUT)/fuzz.log || true
