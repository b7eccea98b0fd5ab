#!/bin/bash
# The speed of a credential lookup, in one run on one private keyring
# (a private D-Bus session bus and gnome-keyring-daemon in a temporary
# HOME, stopped by PID at the end): RUNS calls each of
#
#   tokenpass get                  a hit, git credential protocol
#   git-credential-libsecret get   a hit; git's own libsecret helper, built
#                                  from /usr/share/doc/git/contrib into the
#                                  temporary directory (the target:
#                                  tokenpass's median at or below this one)
#   secret-tool lookup             a hit; libsecret's own client
#   /bin/true                      what fork and exec alone cost here
#
# interleaved call by call, so that load on the machine hits all alike.
# Prints median, 10th and 90th percentile and the ratios of the medians.
#
#   TP_BUILD_DIR=_build bench/get.sh [RUNS]      (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-60}
TP_SRC_DIR=$PWD
TP_BUILD_DIR=$(cd "${TP_BUILD_DIR:-_build}" && pwd)
export TP_SRC_DIR TP_BUILD_DIR
test -x "$TP_BUILD_DIR/tokenpass" || {
	echo "bench/get.sh: no $TP_BUILD_DIR/tokenpass; run scripts/build" >&2
	exit 1
}

# test-lib.sh makes the temporary HOME and XDG directories ($TRASH);
# keyring.sh starts the bus and the keyring daemon there.
. tests/lib/test-lib.sh >/dev/null
. "$TP_SRC_DIR/tests/lib/keyring.sh"
trap 'set +e; eval "$test_cleanup_global" >/dev/null 2>&1; rm -rf "$TRASH"' EXIT
keyring_start

src=/usr/share/doc/git/contrib/credential/libsecret
mkdir "$TRASH/gitcred"
cp "$src/Makefile" "$src/git-credential-libsecret.c" "$TRASH/gitcred/"
make -s -C "$TRASH/gitcred" >/dev/null 2>&1 || {
	echo "bench/get.sh: cannot build $src" >&2
	exit 1
}
libsecret_helper=$TRASH/gitcred/git-credential-libsecret

host=bench.example.com user=bench
tok=bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf 'protocol=https\nhost=%s\nusername=%s\npassword=%s\n\n' \
	"$host" "$user" "$tok" >"$TRASH/store"
"$TP_BUILD_DIR/tokenpass" store <"$TRASH/store" >/dev/null
# (git 2.39's helper echoes the credential after every operation)
"$libsecret_helper" store <"$TRASH/store" >/dev/null
printf '%s' "$tok" | secret-tool store --label=bench service bench user "$user"
printf 'protocol=https\nhost=%s\nusername=%s\n\n' "$host" "$user" >"$TRASH/req"

# Each must answer with the token before we time it.
check () {
	local name=$1
	shift
	if ! "$@" <"$TRASH/req" 2>&1 | grep -q -- "$tok"; then
		echo "bench/get.sh: $name does not find the token" >&2
		exit 1
	fi
}
check "tokenpass get" "$TP_BUILD_DIR/tokenpass" get
check "git-credential-libsecret get" "$libsecret_helper" get
check "secret-tool lookup" secret-tool lookup service bench user "$user"

# One call, timed in microseconds (bash's EPOCHREALTIME), into file $1.
timed () {
	local out=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	"$@" <"$TRASH/req" >/dev/null 2>&1
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$out"
}

for i in 1 2 3 4 5; do	# warm the page cache and the daemon
	timed "$TRASH/warm" "$TP_BUILD_DIR/tokenpass" get
	timed "$TRASH/warm" "$libsecret_helper" get
	timed "$TRASH/warm" secret-tool lookup service bench user "$user"
done
for i in $(seq "$runs"); do
	timed "$TRASH/t.tokenpass" "$TP_BUILD_DIR/tokenpass" get
	timed "$TRASH/t.libsecret" "$libsecret_helper" get
	timed "$TRASH/t.secret-tool" secret-tool lookup service bench \
		user "$user"
	timed "$TRASH/t.true" /bin/true
done

# median p10 p90 in ms of the microseconds in file $1
stats () {
	sort -n "$1" | awk '{ v[NR] = $1 }
		function q(p,  i) { i = int(p * (NR - 1) + 0.5) + 1; return v[i] }
		END { printf "%.2f %.2f %.2f\n", q(0.5) / 1000, q(0.1) / 1000,
		      q(0.9) / 1000 }'
}

echo "tokenpass get vs git-credential-libsecret get vs secret-tool lookup"
echo "$runs runs each, interleaved; one private gnome-keyring $(dpkg-query -W -f='${Version}' gnome-keyring), libsecret $(dpkg-query -W -f='${Version}' libsecret-1-0), $(nproc) CPUs"
printf '%-30s %8s %8s %8s\n' command "median" p10 p90
for t in tokenpass libsecret secret-tool true; do
	read -r med p10 p90 < <(stats "$TRASH/t.$t")
	eval "med_${t//-/_}=$med"
	case $t in
	tokenpass) name="tokenpass get" ;;
	libsecret) name="git-credential-libsecret get" ;;
	secret-tool) name="secret-tool lookup" ;;
	true) name="/bin/true (fork+exec)" ;;
	esac
	printf '%-30s %6s ms %5s ms %5s ms\n' "$name" "$med" "$p10" "$p90"
done
awk -v a="$med_tokenpass" -v b="$med_libsecret" -v c="$med_secret_tool" \
	'BEGIN { printf "ratio tokenpass / git-credential-libsecret: %.2f\n", a / b
		 printf "ratio tokenpass / secret-tool:               %.2f\n", a / c
		 printf "target (tokenpass <= git-credential-libsecret): %s\n",
			a <= b ? "met" : "NOT met" }'
