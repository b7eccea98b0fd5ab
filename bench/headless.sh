#!/bin/bash
# The agent's speed on a server with no desktop: a test service account,
# its keyring and agent started by the unit's own command (bench/ of
# tests/lib/headless.sh), everything timed as that account with no
# session bus in its environment, interleaved call by call, RUNS each:
#
#   tokenpass get (headless agent)   answered on /run/tokenpass/USER/agent
#   tokenpass get (no agent)         TOKENPASS_NO_AGENT=1: the keyring
#   git-credential-libsecret get     git's libsecret helper on the same
#                                    keyring (target: tokenpass with the
#                                    agent at most 0.3x of it)
#   git credential-cache get         git's own agent, its daemon running
#                                    as the account (target: at most 1x)
#   /bin/true                        fork and exec alone
#
# then, as bench/agent.sh does: PAIRS ODBC connects through the hook (one
# process, the agent's socket) against as many plain psqlODBC ones
# (bench/odbc-connect), and 3,000 to the stub driver against the stub
# alone (the hook's own share); 50 processes connecting at once through
# the hook against 50 plain ones; 8 clients on the agent for 10 s
# (bench/agent-load); its resident memory once it holds 1,000
# credentials.
#
#   TP_BUILD_DIR=_build bench/headless.sh [RUNS [PAIRS]]  (200, 1000; root)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
pairs=${2:-1000}
TP_SRC_DIR=$PWD
TP_BUILD_DIR=$(cd "${TP_BUILD_DIR:-_build}" && pwd)
export TP_SRC_DIR TP_BUILD_DIR
make -s -C "$TP_BUILD_DIR" bench-odbc bench/agent-load tests/unit/tp-bulk-store \
	tests/odbc-stub/libtpstub.la >/dev/null

. tests/lib/test-lib.sh >/dev/null
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/headless.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"
trap 'set +e; eval "$test_cleanup_global" >/dev/null 2>&1; rm -rf "$TRASH"' EXIT

hs_user_add
hs_setup
hs_creds
hs_start
pg_start >/dev/null
pg_odbc_setup
chmod -R a+rX "$ODBC_DIR"
pw=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
pg_password "$pw"
printf '%s\n' "$pw" | hs_as tokenpass add-pat --host "127.0.0.1:$PG_PORT" \
	--user odbcuser 2>/dev/null

src=/usr/share/doc/git/contrib/credential/libsecret
mkdir "$TRASH/gitcred"
cp "$src/Makefile" "$src/git-credential-libsecret.c" "$TRASH/gitcred/"
make -s -C "$TRASH/gitcred" >/dev/null 2>&1
chmod -R a+rX "$TRASH/gitcred"
printf 'protocol=https\nhost=bench.example.com\nusername=bench\npassword=%s\n\n' \
	"$pw" >"$TRASH/store"
chmod 644 "$TRASH/store"
hs_as tokenpass store <"$TRASH/store" >/dev/null
hs_as DBUS_SESSION_BUS_ADDRESS="unix:path=$HS_RUN/bus" \
	"$TRASH/gitcred/git-credential-libsecret" store <"$TRASH/store" >/dev/null
printf 'protocol=https\nhost=bench.example.com\nusername=bench\n\n' \
	>"$TRASH/req"
# git's credential-cache daemon, as the account, holding the same token
mkdir -m 700 "$TRASH/cache"
chown "$HS_USER" "$TRASH/cache"
test_atexit "hs_as git credential-cache --socket '$TRASH/cache/socket' exit"
hs_as git credential-cache --socket "$TRASH/cache/socket" --timeout 3600 \
	store <"$TRASH/store"
mkdir -m 777 "$TRASH/t"
cp "$TP_SRC_DIR/bench/headless-loop.sh" "$TRASH/loop.sh"
chmod 755 "$TRASH/loop.sh"

hs_as DBUS_SESSION_BUS_ADDRESS_LIBSECRET="unix:path=$HS_RUN/bus" \
	bash "$TRASH/loop.sh" "$runs" "$TRASH" "$pw"

stats () {
	sort -n "$1" | awk '{ v[NR] = $1 }
		function q(p,  i) { i = int(p * (NR - 1) + 0.5) + 1; return v[i] }
		END { printf "%.3f %.3f %.3f\n", q(0.5) / 1000, q(0.1) / 1000,
		      q(0.9) / 1000 }'
}
echo "tokenpass get as a headless service account ($runs runs each, interleaved, $(nproc) CPUs)"
printf '%-36s %9s %9s %9s\n' command median p10 p90
for t in agent noagent libsecret cache true; do
	read -r med p10 p90 < <(stats "$TRASH/t/$t")
	eval "med_$t=$med"
	case $t in
	agent) name="tokenpass get (headless agent)" ;;
	noagent) name="tokenpass get (no agent, keyring)" ;;
	libsecret) name="git-credential-libsecret get" ;;
	cache) name="git credential-cache get" ;;
	true) name="/bin/true (fork+exec)" ;;
	esac
	printf '%-36s %6s ms %6s ms %6s ms\n' "$name" "$med" "$p10" "$p90"
done
awk -v a="$med_agent" -v b="$med_libsecret" -v c="$med_noagent" \
	-v d="$med_cache" \
	'BEGIN { printf "ratio agent / git-credential-libsecret: %.2f (target <= 0.3: %s)\n",
			a / b, a / b <= 0.3 ? "met" : "NOT met"
		 printf "ratio agent / git credential-cache:     %.2f (target <= 1.0: %s)\n",
			a / d, a / d <= 1.0 ? "met" : "NOT met"
		 printf "ratio agent / no agent:                 %.2f\n", a / c }'

plain_pw=$TRASH/plain-pw
printf 'DSN=pg;UID=odbcuser;PWD={%s}' "$pw" >"$plain_pw"
chown "$HS_USER" "$plain_pw"
chmod 600 "$plain_pw"
echo "-- $pairs ODBC connects as the account, through the hook (headless agent) and plain:"
hs_as ODBCSYSINI="$ODBCSYSINI" ODBCINI="$ODBCINI" \
	"$TP_BUILD_DIR/bench/odbc-connect" -n "$pairs" "DSN=tp" "@$plain_pw" |
	grep -v "^one\|minus"

# the hook's own share, without the database server's spread
pg_stub_dsn
printf '%s\n' "$pw" | hs_as tokenpass add-pat --host stub.example:5433 \
	--user stub 2>/dev/null
stub_pw=$TRASH/stub-pw
printf 'DRIVER=Stub;Server=stub.example;Port=5433;UID=stub;PWD={%s}' "$pw" \
	>"$stub_pw"
chown "$HS_USER" "$stub_pw"
chmod 600 "$stub_pw"
sleep 0.5
echo "-- 3000 connects as the account, through the hook to the stub driver and to the stub alone:"
hs_as ODBCSYSINI="$ODBCSYSINI" ODBCINI="$ODBCINI" \
	"$TP_BUILD_DIR/bench/odbc-connect" -n 3000 "DSN=tp-stub" "@$stub_pw" |
	tee "$TRASH/stub.out" | grep -v "^one\|minus"
awk '/^added by the hook:/ { printf "the hook with the headless agent adds %.3f ms a connect (target <= 0.2 ms: %s)\n",
	$5, $5 <= 0.2 ? "met" : "NOT met" }' "$TRASH/stub.out"

echo "-- 50 processes of the account connecting at once, through the hook and plain"
# conc HOOK-CONNSTR: the wall time in microseconds of 50 odbc-connect -n 1
# (5 + 1 connects of each kind) started together as the account
conc () {
	hs_as ODBCSYSINI="$ODBCSYSINI" ODBCINI="$ODBCINI" bash -c '
		t0=${EPOCHREALTIME/./}
		for i in $(seq 50); do
			"$1" -n 1 "$2" "$3" >/dev/null 2>&1 &
		done
		wait
		t1=${EPOCHREALTIME/./}
		echo $((t1 - t0))' conc "$TP_BUILD_DIR/bench/odbc-connect" "$1" \
		"@$plain_pw"
}
t_hook=$(conc "DSN=tp")
t_plain=$(conc "@$plain_pw")
awk -v h="$t_hook" -v p="$t_plain" 'BEGIN {
	printf "50 hook+plain processes: %.1f ms; 50 plain+plain: %.1f ms; ratio %.2fx (target <= 1.5x: %s)\n",
		h / 1000, p / 1000, h / p, h / p <= 1.5 ? "met" : "NOT met" }'

echo "-- the headless agent under load: 8 clients for 10 s"
hs_as "$TP_BUILD_DIR/bench/agent-load" 8 10 "$TRASH/req" || true

echo "-- its resident memory with 1,000 credentials"
rss () { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$HS_PID/status"; }
# the agent's status answer, asked as the account (it refuses other uids)
count () {
	printf 'tokenpass_op=status\n\n' >"$TRASH/status-req"
	chmod 644 "$TRASH/status-req"
	hs_as /usr/bin/python3 "$TP_SRC_DIR/tests/lib/agent-request.py" \
		"$HS_RUN/agent" "$TRASH/status-req" |
		grep -c '^credential=' || :
}
echo "with 2 credentials: VmRSS $(rss VmRSS) KiB"
hs_as DBUS_SESSION_BUS_ADDRESS="unix:path=$HS_RUN/bus" \
	"$TP_BUILD_DIR/tests/unit/tp-bulk-store" 998
i=0
while test "$(count)" -lt 1000 && test $i -lt 600; do
	sleep 0.1
	i=$((i + 1))
done
echo "with $(count) credentials: VmRSS $(rss VmRSS) KiB, locked $(rss VmLck) KiB (target < 16384 KiB)"
