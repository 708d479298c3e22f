# danchu - plain GNU Makefile. Everything it builds goes under build/.
#
#   make            build build/danchu
#   make check      install what is missing, build, run every test
#   make demo       install what is missing, build, serve the demo on :8080
#   make bench      benchmarks against nginx and raw SQLite (bench/RESULTS.md)
#   make fuzz       run every libFuzzer target briefly
#   make SAN=1 ...  the same with AddressSanitizer + UndefinedBehaviorSanitizer

CC ?= cc
SAN ?=
ifeq ($(SAN),1)
BUILD ?= build/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT = -O1
else
BUILD ?= build
SANFLAGS =
OPT = -O2
endif

PKGS = libmicrohttpd sqlite3 jansson libsodium libutf8proc inih libzip expat xlsxwriter \
	cairo pangocairo libqrencode libcmark-gfm libmagic libexif
# Loaded when first needed (core/dynlib.h), not linked into danchu: the tests link them, since
# the HTTP harness reads PostgreSQL itself.
PKGS_DL = libpq libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(PKGS_DL) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
DL_LIBS := $(shell pkg-config --libs $(PKGS_DL) 2>/dev/null)

CFLAGS = -std=c17 -Wall -Wextra -Werror -Wvla -Wshadow -Wno-unused-parameter -g $(OPT) \
	 -D_GNU_SOURCE -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS = $(PKG_LIBS) -lcmark-gfm-extensions -lpthread -lm

LIB_SRC := $(shell find src -name '*.c' ! -name '*_test.c' ! -path src/main.c | sort)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
UNIT_SRC := $(sort $(wildcard tests/unit/*_test.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HTTP_SRC := $(sort $(wildcard tests/http/*_test.c))
HTTP_BIN := $(HTTP_SRC:tests/http/%.c=$(BUILD)/tests/http_%)
HARNESS_OBJ := $(BUILD)/obj/tests/http/harness.o
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

# Files embedded into the binary: templates, static assets, migrations, calendars.
EMBED_FILES := $(shell find web/templates web/static db/migrations data -type f 2>/dev/null | sort)

.PHONY: all deps check check-unit check-http check-pg check-e2e check-kill lint demo bench fuzz \
	san-check clean format

all: $(BUILD)/danchu

$(BUILD)/danchu: $(BUILD)/obj/src/main.o $(BUILD)/libdanchu.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libdanchu.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/embedgen $(EMBED_FILES) Makefile
	@mkdir -p $(dir $@)
	$(BUILD)/embedgen $(EMBED_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/embedgen: tools/embedgen.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libdanchu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(BUILD)/libdanchu.a \
		$(LDFLAGS) $(LDLIBS) $(DL_LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/tests/http_%: tests/http/%.c $(HARNESS_OBJ) $(BUILD)/libdanchu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(HARNESS_OBJ) \
		$(BUILD)/libdanchu.a $(LDFLAGS) $(LDLIBS) $(DL_LIBS) $(shell pkg-config --libs cmocka)

deps:
	@scripts/install-deps.sh

# The whole suite, as CI runs it.
check: deps
	$(MAKE) all
	$(MAKE) lint
	$(MAKE) check-unit
	$(MAKE) check-http
	$(MAKE) check-pg
	$(MAKE) check-kill
	$(MAKE) check-e2e
	$(MAKE) san-check
	$(MAKE) fuzz FUZZ_SECONDS=5

check-unit: $(UNIT_BIN)
	@scripts/run-tests.sh unit $(UNIT_BIN)

check-http: $(BUILD)/danchu $(HTTP_BIN)
	@DANCHU_BIN=$(BUILD)/danchu DANCHU_DB_KIND=sqlite scripts/run-tests.sh http-sqlite $(HTTP_BIN)

check-pg: $(BUILD)/danchu $(HTTP_BIN)
	@DANCHU_BIN=$(BUILD)/danchu scripts/with-postgres.sh scripts/run-tests.sh http-postgres $(HTTP_BIN)

check-kill: $(BUILD)/danchu
	@DANCHU_BIN=$(BUILD)/danchu tests/crash/kill9.sh sqlite
	@DANCHU_BIN=$(BUILD)/danchu scripts/with-postgres.sh tests/crash/kill9.sh postgres
	@DANCHU_BIN=$(BUILD)/danchu tests/crash/burst.sh sqlite
	@DANCHU_BIN=$(BUILD)/danchu scripts/with-postgres.sh tests/crash/burst.sh postgres
	@DANCHU_BIN=$(BUILD)/danchu tests/crash/decision_rush.sh sqlite
	@DANCHU_BIN=$(BUILD)/danchu scripts/with-postgres.sh tests/crash/decision_rush.sh postgres

check-e2e: $(BUILD)/danchu
	@DANCHU_BIN=$(BUILD)/danchu node tests/e2e/run.mjs

san-check:
	$(MAKE) SAN=1 check-unit check-http

lint:
	@scripts/check-banned.sh
	@scripts/check-format.sh

format:
	clang-format -i $$(find src tests tools -name '*.c' -o -name '*.h' | grep -v node_modules)

fuzz: $(FUZZ_BIN)
	@scripts/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

FUZZ_SECONDS ?= 20
# Fuzz targets link a copy of the library built by clang with coverage hooks.
build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(EMBED_FILES)
	$(MAKE) CC=clang BUILD=build/fuzzlib SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
		OPT=-O1 build/fuzzlib/libdanchu.a
	@mkdir -p $(dir $@)
	clang -std=c17 -g -O1 -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ $< build/fuzzlib/libdanchu.a $(PKG_LIBS) -lcmark-gfm-extensions -lpthread -lm

demo: deps
	$(MAKE) all
	$(BUILD)/danchu demo --db sqlite:build/demo.db --listen 127.0.0.1:8080

bench: deps
	$(MAKE) all
	bench/run.sh
	bench/disclosure.sh
	bench/feedback.sh
	bench/consultation.sh
	bench/decision.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
