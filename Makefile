# SPDX-License-Identifier: MIT
#
# The front door. Everything real happens in CMake/CTest; these targets are
# the names people type. See README.md.
#
#   make          build build/m365ir
#   make check    install missing packages, then all tests, a sanitizer
#                 build of the test suite, fuzz-corpus replay and style checks
#   make demo     analyze a generated compromise story
#   make bench    throughput and memory figures beside jq and wc -l
#   make fuzz     libFuzzer harnesses (clang); FUZZ_SECONDS per target
#   make asan     only the ASan+UBSan build and its tests

# CMake's generated makefiles would otherwise print every directory change.
MAKEFLAGS += --no-print-directory

BUILD    ?= build
ASAN     ?= build-asan
FUZZBLD  ?= build-fuzz
BENCHBLD ?= build-bench
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE    ?= cmake
FUZZ_SECONDS ?= 60

all: deps-quiet
	@$(CMAKE) -S . -B $(BUILD) -DIR_DEVELOPER=ON >/dev/null
	@$(CMAKE) --build $(BUILD) -j $(JOBS)

deps:
	@sh scripts/install-deps.sh

# Builds should not fail with a confusing cmake error when a package is
# missing: the install script prints the exact apt command instead.
deps-quiet:
	@sh scripts/install-deps.sh

test: all
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps-quiet
	@$(CMAKE) -S . -B $(ASAN) -DIR_DEVELOPER=ON -DIR_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang >/dev/null
	@$(CMAKE) --build $(ASAN) -j $(JOBS)
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

style:
	@sh scripts/checksrc
	@sh scripts/check-registry

check: test asan style
	@echo "m365ir: all checks passed"

demo: all
	@sh scripts/demo.sh $(BUILD)

# Benchmarks measure the optimised build people would ship (-O3), in its
# own directory so that it never mixes with the debug-friendly default.
bench: deps-quiet
	@$(CMAKE) -S . -B $(BENCHBLD) -DCMAKE_BUILD_TYPE=Release \
		-DIR_TESTS=OFF >/dev/null
	@$(CMAKE) --build $(BENCHBLD) -j $(JOBS) >/dev/null
	@sh bench/run.sh $(BENCHBLD)

fuzz: deps-quiet
	@$(CMAKE) -S . -B $(FUZZBLD) -DIR_FUZZ=ON -DIR_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang >/dev/null
	@$(CMAKE) --build $(FUZZBLD) -j $(JOBS)
	@sh fuzz/run.sh $(FUZZBLD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZBLD) $(BENCHBLD)

.PHONY: all deps deps-quiet test asan style check demo bench fuzz clean
