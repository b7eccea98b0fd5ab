#!/bin/bash
# Renewal speed, in one run, on one private keyring and one local
# Snowflake-shaped token server (tests/server/snowflake.py over TLS):
#
#   1. get of a fresh OAuth token   vs  get of a PAT (the storage baseline)
#   2. get that renews the token    vs  the bare token request made by curl
#                                       (target: at most 1.5x curl's median)
#   3. 50 gets started together on an expiring token: wall time vs one
#      renewal (target: at most 2x), and how many token requests the
#      server saw (target: exactly 1)
#
#   bench/renew.sh [RUNS]      (default 60 runs per command)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-60}
scripts/build _build >/dev/null
export TP_SRC_DIR=$PWD TP_BUILD_DIR=$PWD/_build
. tests/lib/test-lib.sh >/dev/null
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
trap 'set +e; eval "$test_cleanup_global"; rm -rf "$TRASH"' EXIT
cd "$TRASH"

keyring_start >/dev/null
tokenserver_start >/dev/null

median () {	# hyperfine JSON -> median in ms
	/usr/bin/python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"]
print(" ".join("%.2f" % (x["median"]*1000) for x in r))' "$1"
}

# an OAuth credential signed in through tokenpass's own loopback listener
echo test-secret >secret
tokenpass login --host "$TS_HOST" --user ANALYST \
	--client-id tokenpass-test --no-browser <secret 2>login.err &
login=$!
for i in $(seq 100); do grep -q 'open this URL' login.err && break; sleep 0.05; done
url=$(sed -n 's/.*open this URL to sign in: //p' login.err)
loc=$(tokenserver_curl -s -o /dev/null -w '%{redirect_url}' "$url")
curl -s -o /dev/null "$loc"
wait $login
echo pat-secret | tokenpass add-pat --host "$TS_HOST" --user SVC --days 30 2>/dev/null

# a refresh token of its own for curl, from the same server
ver=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
chal=$(printf '%s' "$ver" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')
loc=$(tokenserver_curl -s -o /dev/null -w '%{redirect_url}' \
	"$TS_URL/oauth/authorize?response_type=code&client_id=tokenpass-test&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&state=s&scope=refresh_token&code_challenge=$chal&code_challenge_method=S256")
code=$(printf '%s' "$loc" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
rt=$(tokenserver_curl -s -u tokenpass-test:test-secret -d grant_type=authorization_code \
	--data-urlencode "code=$code" --data-urlencode "redirect_uri=http://127.0.0.1:9/callback" \
	--data-urlencode "code_verifier=$ver" "$TS_URL/oauth/token-request" |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])')
printf 'refresh_token=%s&grant_type=refresh_token' "$rt" >rt.form

printf 'protocol=https\nhost=%s\nusername=ANALYST\n\n' "$TS_HOST" >req-oauth
printf 'protocol=https\nhost=%s\nusername=SVC\n\n' "$TS_HOST" >req-pat

echo "== 1. get of a fresh token ($runs runs each)"
# Debian's hyperfine (1.15) has no --input: redirect in a shell
hyperfine -w 5 -r "$runs" --export-json fresh.json \
	-n 'tokenpass get (PAT)' 'tokenpass get <req-pat' \
	-n 'tokenpass get (fresh OAuth)' 'tokenpass get <req-oauth' >/dev/null
set -- $(median fresh.json)
printf '  tokenpass get, PAT:          %8s ms\n' "$1"
printf '  tokenpass get, fresh OAuth:  %8s ms   ratio %s\n' "$2" \
	"$(echo "scale=2; $2 / $1" | bc)"

echo "== 2. get that renews vs curl's bare token request ($runs runs each)"
tokenserver_reset >/dev/null
hyperfine -w 3 -r "$runs" --export-json renew.json \
	-n 'tokenpass get (renews)' \
	"TOKENPASS_REFRESH_MARGIN=3600 tokenpass get <req-oauth" \
	-n 'curl token request' \
	"curl -s -o /dev/null --cacert $SSL_CERT_FILE -u tokenpass-test:test-secret --data @rt.form $TS_URL/oauth/token-request" \
	>/dev/null
set -- $(median renew.json)
printf '  tokenpass get, renewing:     %8s ms\n' "$1"
printf '  curl token request:          %8s ms\n' "$2"
printf '  ratio (target <= 1.50):      %8s\n' "$(echo "scale=2; $1 / $2" | bc)"
# what the renewal adds to a get that does not renew, against curl
fresh=$(median fresh.json | cut -d' ' -f2)
printf '  renewing minus fresh get:    %8s ms   ratio to curl %s\n' \
	"$(echo "scale=2; $1 - $fresh" | bc)" \
	"$(echo "scale=2; ($1 - $fresh) / $2" | bc)"
# both commands renew on every run: twice (runs + warm-ups) requests
n=$(tokenserver_count refresh_token)
printf '  refresh requests the server saw: %s (expected %s)\n' \
	"$n" "$((2 * (runs + 3)))"
test "$n" -eq $((2 * (runs + 3))) || {
	echo "bench: tokenpass did not renew on every run" >&2
	exit 1
}

echo "== 3. 50 concurrent gets on an expiring token"
# the token has 30 s left on a clock 570 s ahead: every get finds it due,
# and the renewed one (600 s) is not
soon=$(( $(date +%s) + 570 ))
one=()
for i in 1 2 3 4 5; do
	tokenpass refresh --host "$TS_HOST" --user ANALYST --force >/dev/null
	s=$(date +%s%N)
	TOKENPASS_NOW=$soon tokenpass get <req-oauth >/dev/null
	e=$(date +%s%N)
	one+=($(( (e - s) / 1000 )))
done
one_us=$(printf '%s\n' "${one[@]}" | sort -n | sed -n 3p)
walls=()
for round in 1 2 3 4 5; do
	tokenpass refresh --host "$TS_HOST" --user ANALYST --force >/dev/null
	tokenserver_reset >/dev/null
	s=$(date +%s%N)
	pids=()
	for i in $(seq 50); do
		TOKENPASS_NOW=$soon tokenpass get <req-oauth >out.$i &
		pids+=($!)
	done
	wait "${pids[@]}"
	e=$(date +%s%N)
	walls+=($(( (e - s) / 1000 )))
	n=$(tokenserver_count refresh_token)
	distinct=$(cat out.* | grep -c '^password=' || true)
	same=$(cat out.* | grep '^password=' | sort -u | wc -l)
	printf '  round %d: %6d us wall, %s token request(s), %s answers, %s distinct token(s)\n' \
		"$round" "${walls[-1]}" "$n" "$distinct" "$same"
done
wall_us=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 3p)
printf '  one renewing get (median of 5): %6d us\n' "$one_us"
printf '  50 concurrent (median of 5):    %6d us   ratio %s (target <= 2.00)\n' \
	"$wall_us" "$(echo "scale=2; $wall_us / $one_us" | bc)"
