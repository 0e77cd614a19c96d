# cdnsim: one non-recursive GNU Makefile (see docs/architecture.md).
#
# make            build ./cdnsim (and build/libsim.a)
# make deps       install the Debian packages the project needs, if missing
# make demo       deps + build + run the default scenario
# make test       deps + build + run every test (Check)
# make test-all   the same with the TCases tagged slow (CDNSIM_SLOW=1)
# make sanitize   the tests under ASan + UBSan
# make bench      throughput and memory benchmark (not a test)
# make install    PREFIX/bin/cdnsim and PREFIX/share/cdnsim/reports/*.gp
#                 (PREFIX=/usr/local; DESTDIR stages)
# make format     clang-format the sources; format-check only reports
#
# Knobs: O=-O2 (optimisation), SAN= (sanitizer flags), V=1 (echo commands),
# CC=clang, LTO= (no link-time optimisation; `make clean` first);
# CFLAGS, CPPFLAGS and LDFLAGS add to the project's flags.
# make MPI=1      ./cdnsim built with mpicc, so that `mpirun -n K ./cdnsim
#                 sweep ...` spreads a sweep over K ranks (objects in
#                 build-mpi/)

PKGS     := yaml-0.1 gsl sqlite3 libzstd nettle
DEB_PKGS := libyaml-dev libgsl-dev libsqlite3-dev libzstd-dev nettle-dev check \
            pkg-config gnuplot-nox openmpi-bin libopenmpi-dev
ifeq ($(MPI),1)
CC       := mpicc
B        ?= build-mpi
MPIFLAGS := -DCDNSIM_MPI
endif
B        ?= build
O        ?= -O2
SAN      ?=
# Link-time optimisation, so that small functions called across files
# (the object table's, the queue's, the generators') are inlined where the
# model calls them. On by default with gcc, except in sanitizer builds;
# `make LTO=` turns it off. clang's needs a linker plugin that a default
# install lacks, so it stays off there.
ifeq ($(origin LTO),undefined)
LTO := $(if $(SAN),,$(if $(shell $(CC) -v 2>&1 | grep '^gcc version'),-flto=auto))
endif
AR       := $(if $(LTO),gcc-ar,ar)
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wwrite-strings

# pkg-config is asked when something is first compiled or linked, not
# when the Makefile is read (`make test` installs packages with `make
# deps` before it builds), and a missing package stops the build with
# pkg-config's own message. Each result is kept for the rest of the run.
pkg_config = $(shell pkg-config $(1) 2>&1 || echo PKG-CONFIG-FAILED)
pkg_checked = $(if $(findstring PKG-CONFIG-FAILED,$(1)),$(error \
    pkg-config $(2): $(strip $(subst PKG-CONFIG-FAILED,,$(1))); `make deps` \
    installs the packages),$(1))
PKG_CFLAGS = $(eval PKG_CFLAGS := $(call pkg_checked,$(call \
    pkg_config,--cflags $(PKGS)),--cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $(call pkg_checked,$(call \
    pkg_config,--libs $(PKGS)),--libs $(PKGS)))$(PKG_LIBS)
CHECK_LIBS = $(eval CHECK_LIBS := $(call pkg_checked,$(call \
    pkg_config,--libs check),--libs check))$(CHECK_LIBS)

# The project's flags live in ALL_CFLAGS, ahead of the user's CFLAGS and
# CPPFLAGS, so that `make CFLAGS=-O0` adds to them instead of dropping the
# language standard, the warnings and the include path.
ALL_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -g $(O) $(LTO) $(WARN) \
              $(SAN) $(MPIFLAGS) -Isim $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(O) $(LTO) $(SAN) $(LDFLAGS)
LDLIBS      = $(PKG_LIBS) -lm

# make install: the binary in $(PREFIX)/bin and the gnuplot templates in
# $(PREFIX)/share/cdnsim/reports, where `cdnsim report` looks for them
# relative to its own executable (rep_find_templates in
# sim/report/report.c), so an installed tree can be moved as a whole.
# DESTDIR stages the tree for packaging and is not part of that path.
PREFIX  ?= /usr/local
INSTALL ?= install
CLANG_FORMAT ?= clang-format

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC  := $(sort $(filter-out sim/cli/%,$(wildcard sim/*/*.c)))
CLI_SRC  := $(sort $(wildcard sim/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(B)/%.o)

.PHONY: all deps demo test test-all sanitize bench install uninstall \
        clean format format-check

all: cdnsim

cdnsim: $(B)/cdnsim
	$(Q)cp $< $@

$(B)/libsim.a: $(LIB_OBJ)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/cdnsim: $(CLI_OBJ) $(B)/libsim.a
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The CLI objects (minus main.c) are linked into the tests so that the
# command-line behaviour can be tested in-process as well as by exec.
$(B)/check_all: $(TEST_OBJ) $(filter-out $(B)/sim/cli/main.o,$(CLI_OBJ)) \
                $(B)/libsim.a
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS) \
	    $(CHECK_LIBS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

demo: deps
	$(Q)$(MAKE) --no-print-directory cdnsim
	@mkdir -p results
	./cdnsim run topologies/global.yaml workloads/zipf.yaml \
	    --json results/demo.json --db results/demo.db

# Tests exec ./cdnsim from the repository root (CDNSIM_BIN overrides).
# The MPI sweep test runs build-mpi/cdnsim (CDNSIM_MPI_BIN), made here
# whenever mpicc is installed; without it that test is skipped. Looked
# up when the recipe runs, so that a `make deps` just before counts.
MPI_TEST := if command -v mpicc >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory MPI=1 build-mpi/cdnsim || exit 1; \
	    export CDNSIM_MPI_BIN=build-mpi/cdnsim; fi
test: deps
	$(Q)$(MAKE) --no-print-directory cdnsim $(B)/check_all
	$(Q)$(MPI_TEST); echo CDNSIM_BIN=./cdnsim $(B)/check_all; \
	    CDNSIM_BIN=./cdnsim $(B)/check_all

test-all: deps
	$(Q)$(MAKE) --no-print-directory cdnsim $(B)/check_all
	$(Q)$(MPI_TEST); echo CDNSIM_BIN=./cdnsim CDNSIM_SLOW=1 $(B)/check_all; \
	    CDNSIM_BIN=./cdnsim CDNSIM_SLOW=1 $(B)/check_all

SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all
sanitize: deps
	$(Q)$(MAKE) --no-print-directory B=build-san O=-O1 SAN="$(SANFLAGS)" \
	    build-san/cdnsim build-san/check_all
	CK_FORK=no CDNSIM_BIN=build-san/cdnsim CDNSIM_SANITIZE=1 \
	    build-san/check_all

bench: deps
	$(Q)$(MAKE) --no-print-directory cdnsim
	tools/bench.sh

install: cdnsim
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/cdnsim/reports
	$(INSTALL) -m 755 cdnsim $(DESTDIR)$(PREFIX)/bin/cdnsim
	$(INSTALL) -m 644 $(wildcard reports/*.gp) \
	    $(DESTDIR)$(PREFIX)/share/cdnsim/reports/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/cdnsim
	rm -rf $(DESTDIR)$(PREFIX)/share/cdnsim

# .clang-format holds the style; the sources are every .c and .h under
# sim/ and tests/. format-check changes nothing and fails on a difference.
FORMAT_SRC := $(sort $(wildcard sim/*/*.[ch] tests/*.[ch]))
format:
	$(CLANG_FORMAT) -i $(FORMAT_SRC)

format-check:
	$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build build-san build-mpi cdnsim

# ---- fuzzing: make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="..."] ------------
#
# libFuzzer harnesses (tests/fuzz/, see README.md "Fuzzing") built with
# clang and ASan+UBSan into build-fuzz/fuzz/, each run for FUZZ_SECONDS
# (default 30) one after the other over its corpus: build-fuzz/corpus/NAME
# (what the fuzzer finds; kept between runs), then the seeds committed in
# tests/fuzz/corpus/NAME and those taken from tests/data (and the example
# files). FUZZ_FLAGS passes more libFuzzer options (-jobs=N -workers=N).
# A crash, leak or sanitizer report leaves the input in
# build-fuzz/artifacts/ and fails the target.

DEB_PKGS      += clang libclang-rt-14-dev
FORMAT_SRC    += $(sort $(wildcard tests/fuzz/*.[ch]))
FUZZ_SECONDS  ?= 30
FUZZ_FLAGS    ?=
FUZZ_B        := build-fuzz
FUZZ_SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined \
                 -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_ALL      := topology workload set run vary parse cache_control \
                 trace_oracle_general trace_oracle_general_zst \
                 trace_csv trace_csv_zst trace_webcachesim \
                 trace_webcachesim_zst
FUZZ_TARGETS  ?= $(FUZZ_ALL)

# Seeds from the tree, per harness (shell globs).
FUZZ_YAML_SEEDS := tests/data/*.yaml tests/data/bad/*.yaml \
                   tests/scenarios/*.yaml topologies/*.yaml \
                   topologies/reference/*.yaml workloads/*.yaml
FUZZ_SEEDS_topology                 := $(FUZZ_YAML_SEEDS)
FUZZ_SEEDS_workload                 := $(FUZZ_YAML_SEEDS)
FUZZ_SEEDS_run                      := $(FUZZ_YAML_SEEDS)
FUZZ_SEEDS_trace_csv                := tests/data/traces/*.csv \
                                       tests/data/traces/*.tsv
FUZZ_SEEDS_trace_csv_zst            := tests/data/traces/*.csv.zst \
                                       $(FUZZ_SEEDS_trace_csv)
FUZZ_SEEDS_trace_oracle_general     := tests/data/traces/*.oracleGeneral.bin
FUZZ_SEEDS_trace_oracle_general_zst := \
    tests/data/traces/*.oracleGeneral.bin.zst \
    $(FUZZ_SEEDS_trace_oracle_general)
FUZZ_SEEDS_trace_webcachesim        := tests/data/traces/*.tr \
                                       tests/data/webcachesim-test.tr
FUZZ_SEEDS_trace_webcachesim_zst    := tests/data/traces/*.tr.zst \
                                       tests/data/traces/*.tr

# -timeout: an input that takes longer than FUZZ_TIMEOUT_NAME (default
# 30 s) is a failure, a hang; -close_fd_mask FUZZ_MASK_NAME (default 1,
# stdout) keeps a chatty harness's log small.

# Dictionaries: words the mutations splice in.
FUZZ_DICT_topology := tests/fuzz/config.dict
FUZZ_DICT_workload := tests/fuzz/config.dict
FUZZ_DICT_run      := tests/fuzz/config.dict
FUZZ_DICT_set      := tests/fuzz/config.dict
FUZZ_DICT_vary     := tests/fuzz/config.dict

.PHONY: fuzz fuzz-build fuzz-clean

# One harness's run, as shell text: its seeds are copied together (libFuzzer
# takes directories), and a failure is noted in $$failed.
fuzz_one = h=$(1); seeds=$(FUZZ_B)/seeds/$$h; rm -rf $$seeds; \
    mkdir -p $$seeds $(FUZZ_B)/corpus/$$h $(FUZZ_B)/artifacts; \
    $(if $(FUZZ_SEEDS_$(1)),cp $(wildcard $(FUZZ_SEEDS_$(1))) $$seeds/;) \
    echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
    $(FUZZ_B)/fuzz/$$h -max_total_time=$(FUZZ_SECONDS) \
        -print_final_stats=1 -close_fd_mask=$(or $(FUZZ_MASK_$(1)),1) \
        -timeout=$(or $(FUZZ_TIMEOUT_$(1)),30) \
        $(if $(FUZZ_DICT_$(1)),-dict=$(FUZZ_DICT_$(1))) \
        -artifact_prefix=$(FUZZ_B)/artifacts/$$h- $(FUZZ_FLAGS) \
        $(FUZZ_B)/corpus/$$h $(wildcard tests/fuzz/corpus/$(1)) $$seeds \
        >$(FUZZ_B)/$$h.log 2>&1 || failed="$$failed $$h"; \
    grep -E '^(stat::number_of_executed_units|INFO: seed corpus|==[0-9]+==|SUMMARY|fuzz:)' \
        $(FUZZ_B)/$$h.log | sed 's/^/    /';

fuzz: deps
	$(Q)$(MAKE) --no-print-directory B=$(FUZZ_B) CC=clang O=-O1 \
	    SAN="$(FUZZ_SANFLAGS)" fuzz-build
	$(Q)failed=""; $(foreach h,$(FUZZ_TARGETS),$(call fuzz_one,$(h))) \
	if [ -n "$$failed" ]; then \
	    echo "fuzz: FAILED:$$failed (logs: $(FUZZ_B)/NAME.log; inputs in" \
	         "$(FUZZ_B)/artifacts/)"; exit 1; fi

# Also the clang build of .ci/run (CC=clang B=build-clang).
clean: fuzz-clean
fuzz-clean:
	rm -rf $(FUZZ_B) build-clang

# Made by the recursive make of `fuzz`, with B=build-fuzz and the
# sanitizer flags in SAN (-fsanitize=fuzzer-no-link: coverage without
# libFuzzer's main, which only the harnesses link).
FUZZ_HOBJ  = $(B)/tests/fuzz/fuzz_util.o \
             $(filter-out $(B)/sim/cli/main.o,$(CLI_OBJ)) $(B)/libsim.a
FUZZ_CFLAGS = $(ALL_CFLAGS) -Itests/fuzz

fuzz-build: $(FUZZ_ALL:%=$(B)/fuzz/%)

# Kept, so that a second `make fuzz` relinks nothing.
.SECONDARY: $(FUZZ_ALL:%=$(B)/tests/fuzz/h_%.o)

$(B)/fuzz/%: $(B)/tests/fuzz/h_%.o $(FUZZ_HOBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

$(B)/tests/fuzz/h_topology.o: FUZZ_DEFS := -DFUZZ_CONFIG=1
$(B)/tests/fuzz/h_workload.o: FUZZ_DEFS := -DFUZZ_CONFIG=2
$(B)/tests/fuzz/h_set.o:      FUZZ_DEFS := -DFUZZ_CONFIG=3
$(B)/tests/fuzz/h_run.o:      FUZZ_DEFS := -DFUZZ_CONFIG=4
$(B)/tests/fuzz/h_topology.o $(B)/tests/fuzz/h_workload.o \
$(B)/tests/fuzz/h_set.o $(B)/tests/fuzz/h_run.o: tests/fuzz/fuzz_config.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FUZZ_CFLAGS) $(FUZZ_DEFS) -MMD -MP -c -o $@ $<

$(B)/tests/fuzz/h_trace_%.o: FUZZ_DEFS = \
    -DFUZZ_FORMAT=TRACE_$(shell echo $(patsubst %_zst,%,$*) | tr a-z A-Z) \
    -DFUZZ_ZSTD=$(if $(filter %_zst,$*),1,0)
$(B)/tests/fuzz/h_trace_%.o: tests/fuzz/fuzz_trace.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FUZZ_CFLAGS) $(FUZZ_DEFS) -MMD -MP -c -o $@ $<

$(B)/tests/fuzz/h_%.o: tests/fuzz/fuzz_%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/fuzz/fuzz_util.o: tests/fuzz/fuzz_util.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

# The compiler writes these; without a rule of their own make would try
# to remake them through the harness rules above.
$(B)/tests/fuzz/%.d: ;
-include $(wildcard $(B)/tests/fuzz/*.d)
# ---- end of fuzzing --------------------------------------------------------
