# Thin front for the two commands of the README's quick start.
#   make run    set up (Debian packages, configure, build) and run scenarios/default.yaml
#   make test   set up, build with warnings as errors, run every test through CTest
#   make test-sanitize   the same suites built with AddressSanitizer + UBSan
#   make test-report     the HTML report checked in headless Chromium
#   make build-mpi, test-mpi   iaptsim with Open MPI, and its identity test under mpirun
#   make bench  the benchmarks
#   make validation  regenerate docs/validation.md
#   make install [PREFIX=/usr/local]  the command, headers, libraries, iaptsim.pc, the CMake
#               package, and share/iaptsim (scenarios, plugins, data)
#   make example  install to a temporary prefix, build examples/ against it and run it
#               (also part of make test)
#   make fuzz-ci     the libFuzzer harnesses (fuzz/), 60 s each under ASan+UBSan; fails on a finding
#   make fuzz        the same, 30 minutes each (FUZZ_TIME=seconds to choose)
BUILD    ?= build
ASAN     ?= build-asan
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= scenarios/default.yaml
PREFIX   ?= /usr/local
# strace and time: the tests kill runs at each file write (tests/results_test.sh) and time inputs
DEB_PKGS  = cmake make gcc pkg-config libgsl-dev liblua5.4-dev libyaml-dev check libsubunit-dev nettle-dev libjansson-dev zlib1g-dev strace time python3

.PHONY: all deps deps-report deps-validation deps-mpi install-pkgs configure build build-mpi run test test-sanitize test-report test-mpi bench validation install example fuzz fuzz-ci fuzz-build clean

all: build

# the browser check of the report needs these too (make test-report)
REPORT_PKGS = chromium python3 python3-websocket python3-pil
# the services section of make validation (tools/service_regression.py) and the services tools'
# tests (skipped without it; .ci/run installs it): statsmodels, numpy, scipy
VALIDATION_PKGS = python3-statsmodels
# the interpreter Debian's python3-statsmodels is installed for
PYTHON_DEB ?= /usr/bin/python3
# the fuzz harnesses (make fuzz-ci, make fuzz): clang ships libFuzzer
FUZZ_PKGS = clang
FUZZ ?= build-fuzz
FUZZ_TIME ?= 60
# the MPI build (make build-mpi, make test-mpi)
MPI_PKGS = libopenmpi-dev openmpi-bin
MPI_BUILD ?= build-mpi

deps:
	@$(MAKE) --no-print-directory install-pkgs PKGS="$(DEB_PKGS)"

deps-report:
	@$(MAKE) --no-print-directory install-pkgs PKGS="$(REPORT_PKGS)"

deps-validation:
	@$(MAKE) --no-print-directory install-pkgs PKGS="$(VALIDATION_PKGS)"

deps-mpi: deps
	@$(MAKE) --no-print-directory install-pkgs PKGS="$(MPI_PKGS)"

install-pkgs:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "make: installing Debian packages:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -q && apt-get install -y -q --no-install-recommends $$missing || exit 1; \
	  else \
	    echo "make: missing Debian packages. Run:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DIAPTSIM_WERROR=ON

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Built quietly, so that the run's summary is what is left on the screen; the build's log is
# shown only if it fails (warnings are errors).
run: deps
	@log=$(BUILD)/make-run.log; mkdir -p $(BUILD); \
	echo "make: building iaptsim in $(BUILD)/ (log: $$log)"; \
	{ [ -f $(BUILD)/CMakeCache.txt ] || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DIAPTSIM_WERROR=ON; } >$$log 2>&1 \
	  && cmake --build $(BUILD) -j $(JOBS) >>$$log 2>&1 || { cat $$log; echo "make: the build failed (log above)"; exit 1; }
	$(BUILD)/iaptsim run $(SCENARIO)

test: build
	cd $(BUILD) && LANG=C TZ=UTC ctest --output-on-failure -j $(JOBS)

test-sanitize: deps
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DIAPTSIM_WERROR=ON -DIAPTSIM_SANITIZE=ON
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && LANG=C TZ=UTC ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -LE slow

# iaptsim built with MPI (mpirun -n N $(MPI_BUILD)/iaptsim ...), and its identity test
build-mpi: deps-mpi
	cmake -S . -B $(MPI_BUILD) -DCMAKE_BUILD_TYPE=Release -DIAPTSIM_WERROR=ON -DIAPTSIM_MPI=ON -DIAPTSIM_TESTS=OFF
	cmake --build $(MPI_BUILD) -j $(JOBS)

test-mpi: build-mpi
	bash tests/mpi_test.sh $(MPI_BUILD)/iaptsim .

# the HTML report in headless Chromium (tests/browser/run.sh)
test-report: build deps-report
	bash tests/browser/run.sh ./$(BUILD)/iaptsim $(BUILD)/browser-test

# docs/validation.md: the history scenario beside every published figure (data/)
# then, by group, the fitted years 2017-18 and 2018-19 and the checked year 2019-20 against
# data/nhstt/, the deprivation gap, and mean sessions by pathway (tools/validation_groups.py);
# then the years 2012-13 to 2024-25 (scenarios/history_2012_2025.yaml, headings one level
# down) and what they leave unexplained (docs/validation_years_notes.md); then the services'
# 2019-20 check (tools/services_check.py); then Services: the service-level regression of
# Clark 2018 and the between-CCG spread year by year, published table and model, the
# services' waits, and the two 2019-20 checks at seeds 1 to 10
# (tools/validation_services.py)
validation: build
	./$(BUILD)/iaptsim validate scenarios/history_2012_2020.yaml --observed data/national_annual.csv \
	  --mix data/pathway_mix.csv -o docs/validation.md
	python3 tools/validation_groups.py ./$(BUILD)/iaptsim >>docs/validation.md
	./$(BUILD)/iaptsim validate scenarios/history_2012_2025.yaml --observed data/national_annual.csv \
	  --mix data/pathway_mix.csv -o $(BUILD)/validation_years.md
	{ echo; sed 's/^#/##/' $(BUILD)/validation_years.md; echo; cat docs/validation_years_notes.md; } >>docs/validation.md
	{ echo; cat docs/validation_streams.md; } >>docs/validation.md
	{ echo; python3 tools/services_check.py ./$(BUILD)/iaptsim --markdown; cat docs/validation_services_notes.md; } >>docs/validation.md
	@$(MAKE) --no-print-directory deps-validation
	{ echo; $(PYTHON_DEB) tools/validation_services.py ./$(BUILD)/iaptsim; } >>docs/validation.md

bench: build
	./$(BUILD)/bench_national
	bench/followup_cost.sh $(BUILD)
	bench/plugin_hook_cost.sh $(BUILD)
	./$(BUILD)/bench_crn
	bench/threads_speedup.sh $(BUILD)
	bench/psa_cost.sh $(BUILD)
	bench/psa_cost.sh $(BUILD) 100 --set run.psa_draws_per_warm_up=10

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

example: build
	bash tests/install_test.sh $(BUILD) .

# libFuzzer harnesses for the scenario parser, the targets CSV reader and the reader of the
# published long format, gzip or not (fuzz/run.sh)
fuzz-build: deps
	@$(MAKE) --no-print-directory install-pkgs PKGS="$(FUZZ_PKGS)"
	cmake -S . -B $(FUZZ) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DIAPTSIM_WERROR=OFF -DIAPTSIM_FUZZ=ON -DIAPTSIM_TESTS=OFF
	cmake --build $(FUZZ) -j $(JOBS) --target fuzz_scenario fuzz_targets fuzz_nhstt

fuzz-ci: fuzz-build
	bash fuzz/run.sh $(FUZZ) $(FUZZ_TIME)

fuzz:
	@$(MAKE) --no-print-directory fuzz-ci FUZZ_TIME=$(if $(filter 60,$(FUZZ_TIME)),1800,$(FUZZ_TIME))

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
