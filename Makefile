# SPDX-License-Identifier: GPL-2.0
#
# One Makefile for everything. Outputs go to $(BUILD); sanitizer and fuzz
# builds use their own build directories so objects never mix.
#
#   make            wg-xdp binary and BPF objects
#   make test       deps, build, every test (unit, ASan+UBSan unit, bpf, fuzz smoke, netns)
#   make demo       deps, build, the demo
#   make fuzz       each libFuzzer target for FUZZ_SECONDS
#   make deps       install what is missing (Debian, as root)

BUILD ?= build
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
SAN ?=
FUZZ_SECONDS ?= 60

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wno-unused-parameter
CPPFLAGS := -Iinclude -Iuser -I$(BUILD) -D_GNU_SOURCE
ALL_CFLAGS = $(CFLAGS) $(WARN) -std=gnu11 $(SANFLAGS) -MMD -MP
LDLIBS := -lbpf -lxdp -lsodium -lcrypto -lb2 -lmnl -lelf -lz -lpthread

ifeq ($(SAN),asan)
CC := $(CLANG)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ifeq ($(SAN),fuzz)
CC := $(CLANG)
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
endif

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/*.h) $(wildcard include/wgx/*.h)

CORE_SRCS := $(filter-out user/main.c,$(wildcard user/*.c user/cli/*.c))
CORE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRCS))
LIBWGX := $(BUILD)/libwgx.a
BIN := $(BUILD)/wg-xdp

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
BPFTEST_SRCS := $(wildcard tests/bpf/test_*.c)
BPFTEST_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/bpf/%,$(BPFTEST_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRCS))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%,$(FUZZ_SRCS))

.DELETE_ON_ERROR:
.PHONY: all test unit-tests tools peers vmdeps vmtest bpf-tests fuzzers fuzz demo deps bench clean install
.SECONDARY:

all: $(BIN) $(BPF_OBJS)

# --- BPF: clang -target bpf -> bpftool gen object -> bpftool gen skeleton ---
$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(BUILD)/bpf/%.tmp.o: bpf/%.bpf.c $(BUILD)/vmlinux.h $(BPF_HDRS)
	@mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-Iinclude -Ibpf -I$(BUILD) -c $< -o $@

$(BPF_OBJS): $(BUILD)/bpf/%.bpf.o: $(BUILD)/bpf/%.tmp.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

# --- userspace ---
$(BUILD)/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(LIBWGX): $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(BUILD)/user/main.o $(LIBWGX)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIBWGX)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/bpf/%: $(BUILD)/tests/bpf/%.o $(LIBWGX)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIBWGX)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIBWGX)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

unit-tests: $(UNIT_BINS) $(TOOL_BINS)
bpf-tests: $(BPFTEST_BINS) $(BPF_OBJS)
fuzzers:
	$(Q)$(MAKE) --no-print-directory BUILD=build/fuzz SAN=fuzz $(patsubst build/%,build/fuzz/%,$(FUZZ_BINS))

# --- entry points ---
deps:
	$(Q)./tools/deps.sh

peers:
	$(Q)./tools/peers.sh

vmdeps:
	$(Q)./tools/vmdeps.sh

vmtest: deps vmdeps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./vmtest/run.sh

test: deps peers vmdeps
	$(Q)$(MAKE) --no-print-directory all unit-tests bpf-tests
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan SAN=asan unit-tests build/asan/wg-xdp
	$(Q)$(MAKE) --no-print-directory fuzzers
	$(Q)./tests/run.sh

fuzz: fuzzers
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh

$(BUILD)/bench/aead_bench: bench/aead_bench.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(WARN) -o $@ $< -lsodium -lcrypto

bench: deps peers
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/bench/aead_bench
	$(Q)./bench/aead.sh $(BUILD)/bench/aead_bench
	$(Q)./bench/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./tools/demo.sh

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)/usr/local/bin/wg-xdp

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
