# cdnsim: one non-recursive GNU Makefile (see docs/architecture.md).
#
# make            build ./cdnsim (and build/libsim.a)
# make deps       install the Debian packages the project needs, if missing
# make demo       deps + build + run the default scenario
# make test       deps + build + run every test (Check)
# make sanitize   the tests under ASan + UBSan
# make bench      throughput and memory benchmark (not a test)
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
            -Wmissing-prototypes -Wpointer-arith -Wwrite-strings
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -g $(O) $(WARN) $(SAN) \
            $(MPIFLAGS) -Isim $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
LDFLAGS  += $(SAN)

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

.PHONY: all deps demo test test-all sanitize bench clean format

all: cdnsim

cdnsim: $(B)/cdnsim
	$(Q)cp $< $@

$(B)/libsim.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/cdnsim: $(CLI_OBJ) $(B)/libsim.a
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The CLI objects (minus main.c) are linked into the tests so that the
# command-line behaviour can be tested in-process as well as by exec.
$(B)/check_all: $(TEST_OBJ) $(filter-out $(B)/sim/cli/main.o,$(CLI_OBJ)) \
                $(B)/libsim.a
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) \
	    $(shell pkg-config --libs check 2>/dev/null)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

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

format:
	clang-format -i $(wildcard sim/*/*.[ch] tests/*.[ch])

clean:
	rm -rf build build-san build-mpi cdnsim
