#!/bin/sh
test_description='scale: 10,000 credentials in the keyring, 10,000 connects through the hook in one process'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"

# 10,000 credentials take many minutes (gnome-keyring and libsecret
# slow down with the square of the items): make check stores 2,000, and
# TP_SCALE_N=10000 runs the full size.
N=${TP_SCALE_N:-2000}
# unixODBC's SQLGetPrivateProfileString keeps a cache entry for every
# key listing; the hook asks for keys by name, never lists them, so its
# answers are found again in the cache (t0641 shows the heap flat with
# the clock stopped). Under ASan small blocks cost redzones and headers
# that dwarf them, so the sanitizer build makes 1,000 connects (its leak
# check runs at exit) and the plain build alone judges the memory.
CONNECTS=${TP_SCALE_CONNECTS:-10000}
test -n "${TP_SANITIZERS:-}" && CONNECTS=${TP_SCALE_CONNECTS:-1000}
BULK=$TP_BUILD_DIR/tests/unit/tp-bulk-store
LOOP=$TP_BUILD_DIR/tests/unit/tp-connect-loop
STUB=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
PLUGIN=$TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so
# The growth of VmRSS allowed from the 100th to the last connect (KiB).
RSS_SLACK=2048

ms () {
	echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

# timed NAME CMD...: run CMD, its time as a TAP comment in $TRASH/times
timed () {
	t_name=$1
	shift
	t_start=$(date +%s%N)
	"$@"
	t_rc=$?
	echo "# $t_name: $(ms $t_start) ms" >>"$TRASH/times"
	return $t_rc
}

show_times () {
	test -f "$TRASH/times" && cat "$TRASH/times"
	rm -f "$TRASH/times"
}

# The items go to gnome-keyring's in-memory session collection (made the
# default alias): the login collection rewrites its file on every store,
# which makes filling it take minutes, and measures gnome-keyring, not us.
# tokenpass reads and writes the default collection either way.
test_setup 'a private bus, an unlocked keyring, the session collection as default' '
	keyring_start &&
	gdbus call --session --dest org.freedesktop.secrets \
		--object-path /org/freedesktop/secrets \
		--method org.freedesktop.Secret.Service.SetAlias default \
		"objectpath '"'"'/org/freedesktop/secrets/collection/session'"'"'" \
		>/dev/null &&
	gdbus call --session --dest org.freedesktop.secrets \
		--object-path /org/freedesktop/secrets \
		--method org.freedesktop.Secret.Service.ReadAlias default |
		grep -q collection/session
'

test_expect_success "$N credentials stored from one process" '
	timed "store $N" timeout 900 "$BULK" $N &&
	secret-tool search --all host bulk-00000.example user BULK \
		2>/dev/null >one &&
	test_grep -q "^secret = " one
'
show_times

test_expect_success 'list shows every one of them' '
	timed list timeout 300 tokenpass list >list &&
	test $(grep -c "^bulk-[0-9]*\.example  *BULK " list) = $N &&
	test_grep -q "^bulk-$(printf %05d $((N - 1)))\.example " list
'
show_times

test_expect_success 'list --json too' '
	timed "list --json" timeout 300 tokenpass list --json >list.json &&
	/usr/bin/python3 -c "
import json, sys
d = json.load(open(\"list.json\"))
items = d if isinstance(d, list) else next(v for v in d.values() if isinstance(v, list))
bulk = [i for i in items if str(i.get(\"host\", \"\")).startswith(\"bulk-\")]
sys.exit(0 if len(bulk) == int(sys.argv[1]) else \"%d items\" % len(bulk))
" $N &&
	test_grep ! bulk-token list.json
'
show_times

test_expect_success 'get answers one of them, with a user and without' '
	k=$(printf %05d $((N / 2))) &&
	printf "protocol=https\nhost=bulk-%s.example\nusername=BULK\n\n" $k >in &&
	timed get timeout 60 tokenpass get <in >out &&
	test_grep -qx "password=bulk-token-$k" out &&
	printf "protocol=https\nhost=bulk-%s.example\n\n" $k >in &&
	timed "get without a user" timeout 60 tokenpass get <in >out &&
	test_grep -qx "password=bulk-token-$k" out &&
	printf "protocol=https\nhost=none.example\nusername=BULK\n\n" >in &&
	timed "get of nothing" timeout 60 tokenpass get <in >out &&
	test_must_be_empty out
'
show_times

test_expect_success 'check and remove still work' '
	timed check timeout 300 tokenpass check >check.out 2>&1 &&
	timed remove timeout 60 tokenpass remove --host bulk-00001.example \
		--user BULK 2>/dev/null &&
	timeout 300 tokenpass list >list &&
	test $(grep -c "^bulk-" list) = $((N - 1))
'
show_times

# The hook in one process: a stand-in helper (a shell script; the real
# one is the same spawn and pipes, and slower) and the stub driver.
test_setup 'the stub driver behind the hook, a stand-in helper' '
	mkdir -p "$TRASH/odbc" &&
	printf "#!/bin/sh\ncat >/dev/null\nprintf \"username=alice\\\\npassword=tok-scale\\\\n\"\n" \
		>"$TRASH/helper" &&
	chmod +x "$TRASH/helper" &&
	printf "host=x\n\n" | "$TRASH/helper" >"$TRASH/helper.out" &&
	grep -qx password=tok-scale "$TRASH/helper.out" &&
	printf "[Stub]\nDriver = %s\n\n[Stub (tokenpass)]\nDriver = %s\nTargetDriver = Stub\nTokenHelper = %s\n" \
		"$STUB" "$PLUGIN" "$TRASH/helper" >"$TRASH/odbc/odbcinst.ini" &&
	: >"$TRASH/odbc/odbc.ini" &&
	ODBCSYSINI=$TRASH/odbc ODBCINI=$TRASH/odbc/odbc.ini &&
	export ODBCSYSINI ODBCINI &&
	CS="DRIVER={Stub (tokenpass)};Server=db.example;UID=alice"
'

what="$CONNECTS connects in one process: flat memory"
test -n "${TP_SANITIZERS:-}" &&
	what="$CONNECTS connects in one process (memory judged by the plain build)"
test_expect_success "$what" '
	STUB_LOG=$TRASH/stub.log &&
	export STUB_LOG &&
	"$LOOP" 100 "$CS" >first &&
	test_grep -q "PWD={tok-scale}" "$STUB_LOG" &&
	unset STUB_LOG &&
	# under ASan, freed memory waits in a quarantine: turn it off, or
	# RSS grows by what was freed
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 &&
	export ASAN_OPTIONS &&
	timed "$CONNECTS connects" timeout 900 "$LOOP" $CONNECTS "$CS" >rss &&
	cat rss &&
	a=$(sed -n "s/^rss 100 \([0-9]*\) KiB$/\1/p" rss) &&
	b=$(sed -n "s/^rss $CONNECTS \([0-9]*\) KiB$/\1/p" rss) &&
	test -n "$a" && test -n "$b" &&
	echo "# VmRSS after 100 connects: $a KiB, after $CONNECTS: $b KiB" \
		>>"$TRASH/times" &&
	{ test -n "${TP_SANITIZERS:-}" || test $((b - a)) -lt $RSS_SLACK; }
'
show_times

test_done
