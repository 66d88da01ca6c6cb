# shapelint: `make` builds build/shapelint, `make demo` lints the bundled
# example models, `make test` runs every test, `make install [PREFIX=/usr/local]`
# installs it, `make deb` builds build/shapelint_VERSION_ARCH.deb. Each
# installs missing Debian packages first (tools/install-deps.sh).
BUILD ?= build
JOBS ?= $(shell nproc)
# Warnings are errors in CI (CI=true), plain warnings elsewhere.
WERROR := $(if $(filter true 1 yes,$(CI)),ON,OFF)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test test-sanitize fuzz bench install deb clean

all: build

deps:
	@tools/install-deps.sh

$(BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -DSHAPELINT_WERROR=$(WERROR) $(CMAKE_FLAGS)

configure: deps
	cmake -S . -B $(BUILD) -DSHAPELINT_WERROR=$(WERROR) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@tools/demo.sh $(BUILD)/shapelint

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer
# (but the packaging tests install_*, which only package the binary and read
# its --help: `make test` runs them).
test-sanitize: deps
	cmake -S . -B build-sanitize -DSHAPELINT_SANITIZE=ON -DSHAPELINT_WERROR=$(WERROR) -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -E '^install_'

# libFuzzer over load -> propagate -> report, seeded with the committed
# models and libonnx-testdata, for FUZZ_SECONDS. Crashes land in
# build-fuzz/artifacts/; commit each as a regression case.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DSHAPELINT_FUZZ=ON -DSHAPELINT_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-fuzz -j $(JOBS) --target fuzz_check
	tools/fuzz.sh build-fuzz $(FUZZ_SECONDS)

# Benchmarks (bench/README.md): builds shapelint and the references in
# build-bench (Release), runs the pass microbenchmarks, generates the
# benchmark set into BENCH_DATA (about 3.3 GB) and prints bench/compare's table.
BENCH_DATA ?= build-bench/data
BENCH_ARGS ?=
bench:
	@tools/install-deps.sh --bench
	cmake -S . -B build-bench -DSHAPELINT_BENCH=ON -DSHAPELINT_TESTS=OFF -DCMAKE_BUILD_TYPE=Release
	cmake --build build-bench -j $(JOBS) --target bench_tools
	build-bench/shapelint_bench
	bench/generate $(BENCH_DATA)
	bench/compare --shapelint build-bench/shapelint --tools-dir build-bench --out $(BENCH_DATA) $(BENCH_ARGS)

# The binary, its man page and bash/zsh completions under PREFIX (default:
# CMAKE_INSTALL_PREFIX, /usr/local); DESTDIR works as usual.
PREFIX ?=
install: build
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

# A Debian package of the same files under /usr, with its runtime Depends.
deb: build
	cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD) build-sanitize build-fuzz build-bench
