# supervisor: a process supervisor daemon on libev and inih.
#
#   make          build build/supervisor
#   make run      install missing packages, build, run on supervisor.ini.example
#   make check    install missing packages, build, run the whole test suite
#   make bench    measure against supervisord, runit and s6 (QUICK=1: <1 min)
#   make soak     random churn for SOAK_S seconds (600), checking invariants
#   make check-valgrind  the daemon under Valgrind's memcheck
#   make install  binary, man pages, example config and systemd unit under
#                 PREFIX (/usr/local), staged under DESTDIR; make uninstall
#                 (COMPAT=1: and links named supervisord and
#                 supervisorctl, which run it as those)

VERSION	= 0.1.0
CC	?= cc
CFLAGS	?= -O2 -g
WARN	= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wpointer-arith -Wcast-qual -Werror
CPPFLAGS += -D_GNU_SOURCE -DSUPERVISOR_VERSION='"$(VERSION)"'
INIH_CFLAGS := $(shell pkg-config --cflags inih 2>/dev/null)
INIH_LIBS := $(shell pkg-config --libs inih 2>/dev/null || echo -linih)
# libev, inih, http-parser, expat, libmd and libresolv (for its base64)
# are linked statically (from the system's .a files): fewer shared
# objects to map keeps the daemon's resident memory small and its start
# quick (each one ~0.4 ms less per exec: the daemon and every command).
LDLIBS	= -Wl,-Bstatic -lev $(INIH_LIBS) -lhttp_parser -lexpat -lmd \
	  -lresolv -Wl,-Bdynamic -pthread

SRCS	= src/main.c src/log.c src/strv.c src/strmap.c src/signals.c \
	  src/parse.c src/inifile.c src/config.c \
	  src/config_value.c src/config_files.c src/config_program.c \
	  src/config_daemon.c src/config_diff.c src/config_ready.c \
	  src/config_group.c \
	  src/process.c src/proctable.c \
	  src/spawn.c src/reap.c src/tree.c src/tree_cgroup.c src/tree_proc.c \
	  src/smallfile.c src/trust.c src/guardian.c \
	  src/teardown.c src/ctlproto.c src/control.c src/command.c \
	  src/client.c src/ctl.c src/ctl_verbs.c src/ctl_follow.c \
	  src/ctl_help.c src/rpcclient.c src/reload.c src/watch.c src/logfile.c \
	  src/relay.c src/sink.c \
	  src/capture.c src/tail.c src/notify.c src/service.c \
	  src/notifysock.c src/probe.c src/readiness.c src/depends.c \
	  src/eventtype.c src/events.c src/eventpool.c \
	  src/http.c src/xmlrpc.c src/logtail.c src/rpc.c \
	  src/strbuf.c src/web.c src/web_assets.c src/metrics.c \
	  src/daemon.c src/pidfile.c src/childlogdir.c
# Every module but main: what unit tests and fuzz targets link against.
LIBSRCS	= $(filter-out src/main.c,$(SRCS))

BUILD	= build
OBJS	= $(SRCS:src/%.c=$(BUILD)/obj/%.o)
ASAN_OBJS = $(SRCS:src/%.c=$(BUILD)/asan/obj/%.o)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined

# Debian packages each target needs.
BUILD_PKGS = gcc make pkg-config libev-dev libinih-dev libhttp-parser-dev \
	     libexpat1-dev libmd-dev
# libedit2: the supervisorctl shell's line editing, loaded when there.
CHECK_PKGS = $(BUILD_PKGS) libedit2 procps psmisc jq socat clang libclang-rt-dev \
	     mandoc libfaketime supervisor curl iproute2
# Where they install, the web page's browser test and promtool's check of
# /metrics run; where they don't, those tests say SKIP and why.
CHECK_OPT_PKGS = chromium chromium-driver prometheus

.PHONY: all run check deps-build deps-check bench fuzz clean install \
	uninstall soak check-valgrind

all: $(BUILD)/supervisor $(BUILD)/supervisorctl

$(BUILD)/supervisor: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# The same binary under supervisorctl's name is a supervisorctl (ctl.c).
$(BUILD)/supervisorctl $(BUILD)/asan/supervisorctl: %/supervisorctl: \
		%/supervisor
	ln -sf supervisor $@

$(BUILD)/obj/%.o: src/%.c src/*.h Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(INIH_CFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# The same program built with AddressSanitizer and UBSan for the suite.
$(BUILD)/asan/supervisor: $(ASAN_OBJS)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $(ASAN_OBJS) $(LDLIBS)

$(BUILD)/asan/obj/%.o: src/%.c src/*.h Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(INIH_CFLAGS) -O1 -g $(SANFLAGS) $(WARN) -c -o $@ $<

# The page's script and style are in web_assets.o (.incbin).
$(BUILD)/obj/web_assets.o $(BUILD)/asan/obj/web_assets.o: src/web/page.js \
	src/web/page.css

# Installs what is missing (as root), or says exactly what to run.
deps-build:
	@tests/deps.sh $(BUILD_PKGS)

deps-check:
	@tests/deps.sh $(CHECK_PKGS)
	@tests/deps.sh $(CHECK_OPT_PKGS) || echo "optional packages missing:" \
		"web_browser and promtool's check of /metrics will be skipped"

run: deps-build
	@$(MAKE) --no-print-directory all
	./$(BUILD)/supervisor -c supervisor.ini.example

UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

# Linked with the sanitizer build's objects: each module is compiled once,
# not once per test.
ASAN_LIBOBJS = $(filter-out $(BUILD)/asan/obj/main.o,$(ASAN_OBJS))

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(ASAN_LIBOBJS) src/*.h \
		Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(INIH_CFLAGS) -Isrc -O1 -g $(SANFLAGS) $(WARN) \
		-o $@ $< $(ASAN_LIBOBJS) $(LDLIBS)

# test_process drives the process state machine with no child and no real
# time: spawn and the tree modules are replaced by fakes, the monotonic
# clock by one the test moves (libev, linked statically, reads it too).
FAKED_OBJS = $(addprefix $(BUILD)/asan/obj/,spawn.o tree.o tree_cgroup.o \
	     tree_proc.o)
PROCESS_TEST_OBJS = $(filter-out $(FAKED_OBJS),$(ASAN_LIBOBJS))
PROCESS_TEST_FAKES = tests/unit/fake_tree_spawn.c tests/unit/fake_clock.c

$(BUILD)/tests/test_process: tests/unit/test_process.c $(PROCESS_TEST_FAKES) \
		tests/unit/*.h $(PROCESS_TEST_OBJS) src/*.h Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(INIH_CFLAGS) -Isrc -O1 -g $(SANFLAGS) $(WARN) \
		-o $@ $< $(PROCESS_TEST_FAKES) $(PROCESS_TEST_OBJS) $(LDLIBS)

# libFuzzer targets (clang): tests/fuzz/fuzz_NAME.c with the modules it
# names, seeds in tests/fuzz/corpus/NAME.
FUZZ_CC	= clang
FUZZ_TARGETS = $(BUILD)/fuzz/fuzz_ctlproto $(BUILD)/fuzz/fuzz_config \
	       $(BUILD)/fuzz/fuzz_parse $(BUILD)/fuzz/fuzz_http \
	       $(BUILD)/fuzz/fuzz_xmlrpc
FUZZ_SECONDS = 60
FUZZ_FLAGS = $(CPPFLAGS) -Isrc -O1 -g -fsanitize=fuzzer,address,undefined \
	     -fno-sanitize-recover=undefined $(WARN)
# The config loader and what it calls: log.c for log_level_parse, and
# the logfile.c and sink.c (with libev) that log.c writes through.
FUZZ_CONFIG_SRCS = src/config.c src/config_value.c src/config_files.c \
	src/config_program.c src/config_daemon.c src/config_diff.c src/config_ready.c \
	src/config_group.c \
	src/inifile.c src/parse.c src/strv.c src/strmap.c src/signals.c \
	src/log.c src/logfile.c src/relay.c src/sink.c src/trust.c \
	src/eventtype.c

$(BUILD)/fuzz/fuzz_ctlproto: tests/fuzz/fuzz_ctlproto.c src/ctlproto.c \
		src/ctlproto.h Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_ctlproto.c src/ctlproto.c

$(BUILD)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(FUZZ_CONFIG_SRCS) \
		src/*.h Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(INIH_CFLAGS) -o $@ tests/fuzz/fuzz_config.c \
		$(FUZZ_CONFIG_SRCS) -Wl,-Bstatic -lev $(INIH_LIBS) -Wl,-Bdynamic

FUZZ_PARSE_SRCS = src/parse.c src/strv.c src/signals.c

$(BUILD)/fuzz/fuzz_parse: tests/fuzz/fuzz_parse.c $(FUZZ_PARSE_SRCS) \
		src/*.h Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_parse.c $(FUZZ_PARSE_SRCS)

# The HTTP request path: http.c, and xmlrpc.c for the bodies.
$(BUILD)/fuzz/fuzz_http: tests/fuzz/fuzz_http.c src/http.c src/xmlrpc.c \
		src/http.h src/xmlrpc.h Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_http.c src/http.c \
		src/xmlrpc.c -lhttp_parser -lexpat -lresolv

$(BUILD)/fuzz/fuzz_xmlrpc: tests/fuzz/fuzz_xmlrpc.c src/xmlrpc.c \
		src/xmlrpc.h Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_xmlrpc.c src/xmlrpc.c \
		-lexpat -lresolv

fuzz: deps-check $(FUZZ_TARGETS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz.sh $(FUZZ_TARGETS)

# The builds are independent: one per core (two ASan builds dominate).
NPROC := $(shell nproc 2>/dev/null || echo 2)

check: deps-check
	@$(MAKE) --no-print-directory -j$(NPROC) all $(BUILD)/asan/supervisor \
		$(BUILD)/asan/supervisorctl \
		$(UNIT_TESTS) $(FUZZ_TARGETS)
	@tests/run.sh

bench: all
	@QUICK=$(QUICK) bench/run.sh

# A long run under random churn; SUPERVISOR=build/asan/supervisor for the
# sanitizer build.
SOAK_S	?= 600

soak: all
	@SOAK_S=$(SOAK_S) tests/soak.sh

# The daemon, and a few client requests, under Valgrind's memcheck through
# its main code paths: 0 errors and nothing definitely lost in any process.
# Built -O1 -g (readable stacks) in a build directory of its own.
check-valgrind:
	@tests/deps.sh $(BUILD_PKGS) valgrind
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/vg CFLAGS='-O1 -g' all
	@tests/valgrind.sh $(BUILD)/vg/supervisor

# Where make install puts things; DESTDIR stages them (for packaging).
PREFIX	= /usr/local
BINDIR	= $(PREFIX)/bin
MANDIR	= $(PREFIX)/share/man
DOCDIR	= $(PREFIX)/share/doc/supervisor
UNITDIR	= $(PREFIX)/lib/systemd/system
INSTALLED = $(BINDIR)/supervisor $(MANDIR)/man8/supervisor.8 \
	    $(MANDIR)/man5/supervisor.ini.5 \
	    $(DOCDIR)/supervisor.ini.example $(DOCDIR)/supervisor.init \
	    $(UNITDIR)/supervisor.service

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 $(BUILD)/supervisor $(DESTDIR)$(BINDIR)/supervisor
	install -m 644 man/supervisor.8 $(DESTDIR)$(MANDIR)/man8/supervisor.8
	install -m 644 man/supervisor.ini.5 \
		$(DESTDIR)$(MANDIR)/man5/supervisor.ini.5
	install -m 644 supervisor.ini.example \
		$(DESTDIR)$(DOCDIR)/supervisor.ini.example
	# The unit runs the binary where it was installed.
	sed 's|/usr/local/bin/supervisor|$(BINDIR)/supervisor|' \
		conf/supervisor.service > $(DESTDIR)$(UNITDIR)/supervisor.service
	chmod 644 $(DESTDIR)$(UNITDIR)/supervisor.service
	# The init script too; /etc/init.d is the system's to fill.
	sed 's|/usr/local/bin/supervisor|$(BINDIR)/supervisor|' \
		conf/supervisor.init > $(DESTDIR)$(DOCDIR)/supervisor.init
	chmod 755 $(DESTDIR)$(DOCDIR)/supervisor.init
	# COMPAT=1: supervisord and supervisorctl, as Debian's supervisor
	# package names its own.
	if [ -n "$(COMPAT)" ]; then \
		ln -sf supervisor $(DESTDIR)$(BINDIR)/supervisord; \
		ln -sf supervisor $(DESTDIR)$(BINDIR)/supervisorctl; fi

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	# The link, only if it is ours.
	for l in supervisord supervisorctl; do \
		if [ "$$(readlink $(DESTDIR)$(BINDIR)/$$l)" = supervisor ]; \
		then rm -f $(DESTDIR)$(BINDIR)/$$l; fi; done
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf $(BUILD)
