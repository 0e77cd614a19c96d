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
# CC=clang; CFLAGS, CPPFLAGS and LDFLAGS add to the project's flags.
# make MPI=1      ./cdnsim built with mpicc, so that `mpirun -n K ./cdnsim
#                 sweep ...` spreads a sweep over K ranks (objects in
#                 build-mpi/)

PKGS     := yaml-0.1 gsl sqlite3 libzstd
DEB_PKGS := libyaml-dev libgsl-dev libsqlite3-dev libzstd-dev check \
            pkg-config gnuplot-nox openmpi-bin libopenmpi-dev
ifeq ($(MPI),1)
CC       := mpicc
B        ?= build-mpi
MPIFLAGS := -DCDNSIM_MPI
endif
B        ?= build
O        ?= -O2
SAN      ?=
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
ALL_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -g $(O) $(WARN) $(SAN) \
              $(MPIFLAGS) -Isim $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)
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
	$(Q)rm -f $@ && ar rcs $@ $^

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
