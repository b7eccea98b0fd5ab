#!/bin/sh
test_description='the Snowflake-shaped test server, driven with curl only'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"

RURI=http://127.0.0.1:9/callback
CRED=tokenpass-test:test-secret

# ts_post PATH OUT [curl args]: POST, body to OUT, print the HTTP status.
ts_post () {
	p=$1 out=$2
	shift 2
	tokenserver_curl -o "$out" -w '%{http_code}' "$@" "$TS_URL$p"
}

token () {
	ts_post /oauth/token-request "$@"
}

# pkce: set VER and CHAL.
pkce () {
	VER=$(openssl rand -hex 32) &&
	CHAL=$(printf '%s' "$VER" | openssl dgst -sha256 -binary |
		openssl base64 -A | tr '+/' '-_' | tr -d '=')
}

# authorize [extra query]: print where the server redirects to.
authorize () {
	tokenserver_curl -o /dev/null -w '%{redirect_url}' \
		"$TS_URL/oauth/authorize?response_type=code&client_id=tokenpass-test&redirect_uri=$(urlenc "$RURI")&state=st-1&scope=$(urlenc 'refresh_token session:role:ANALYST')&code_challenge=$CHAL&code_challenge_method=S256$1"
}

# login OUT: the whole code flow; the token response in OUT.
login () {
	pkce &&
	loc=$(authorize) &&
	code=$(qparam "$loc" code) &&
	status=$(token "$1" -u "$CRED" -d grant_type=authorization_code \
		--data-urlencode "code=$code" \
		--data-urlencode "redirect_uri=$RURI" \
		--data-urlencode "code_verifier=$VER") &&
	test "$status" = 200
}

# snowflake_error FILE STATUS WANT-STATUS ERROR: Snowflake's error shape.
snowflake_error () {
	test "$2" = "$3" &&
	test "$(json_get error <"$1")" = "$4" &&
	test "$(json_get success <"$1")" = false &&
	test "$(json_get data <"$1")" = null &&
	test "$(json_get code <"$1")" = null &&
	json_get message <"$1" >/dev/null
}

test_setup 'start the server' '
	tokenserver_start &&
	test -n "$TS_PORT" &&
	test "$TS_URL" = "https://127.0.0.1:$TS_PORT" &&
	test -s "$SSL_CERT_FILE"
'

test_expect_success 'it listens on 127.0.0.1 only' '
	ss -ltnH "sport = :$TS_PORT" >listen &&
	test_grep "127.0.0.1:$TS_PORT" listen &&
	test $(wc -l <listen) -eq 1
'

test_expect_success 'its certificate names 127.0.0.1 and localhost' '
	tokenserver_curl -o /dev/null "https://localhost:$TS_PORT/_test/ping" &&
	test_must_fail env -u CURL_CA_BUNDLE -u SSL_CERT_FILE \
		curl -sS -o /dev/null --max-time 5 "$TS_URL/_test/ping" 2>err &&
	test_grep -i certificate err
'

test_expect_success 'authorize redirects straight back with code, state, scope' '
	pkce &&
	loc=$(authorize) &&
	case "$loc" in "$RURI?"*) ;; *) false ;; esac &&
	test -n "$(qparam "$loc" code)" &&
	test "$(qparam "$loc" state)" = st-1 &&
	test "$(qparam "$loc" scope)" = "refresh_token session:role:ANALYST"
'

test_expect_success 'authorize errors come back as error= on the redirect' '
	pkce &&
	loc=$(tokenserver_curl -o /dev/null -w "%{redirect_url}" \
		"$TS_URL/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=$(urlenc $RURI)&state=s2") &&
	test "$(qparam "$loc" error)" = invalid_client &&
	test "$(qparam "$loc" state)" = s2 &&
	qparam "$loc" error_description &&
	test_must_fail qparam "$loc" code &&
	loc=$(tokenserver_curl -o /dev/null -w "%{redirect_url}" \
		"$TS_URL/oauth/authorize?response_type=token&client_id=tokenpass-test&redirect_uri=$(urlenc $RURI)") &&
	test "$(qparam "$loc" error)" = unsupported_response_type &&
	loc=$(tokenserver_curl -o /dev/null -w "%{redirect_url}" \
		"$TS_URL/oauth/authorize?response_type=code&client_id=tokenpass-test&redirect_uri=$(urlenc $RURI)&code_challenge=abc&code_challenge_method=plain") &&
	test "$(qparam "$loc" error)" = invalid_request &&
	status=$(tokenserver_curl -o /dev/null -w "%{http_code}" \
		"$TS_URL/oauth/authorize?response_type=code&client_id=tokenpass-test") &&
	test "$status" = 400
'

test_expect_success 'code exchange with PKCE and Basic auth' '
	login out &&
	at=$(json_get access_token <out) &&
	rt=$(json_get refresh_token <out) &&
	test ${#at} -ge 32 && test ${#rt} -ge 32 &&
	test "$(json_get token_type <out)" = Bearer &&
	test "$(json_get expires_in <out)" = 600 &&
	test "$(json_get refresh_token_expires_in <out)" = 7776000 &&
	test "$(json_get username <out)" = ANALYST &&
	test "$(json_get scope <out)" = "refresh_token session:role:ANALYST"
'

test_expect_success 'a code is single-use' '
	pkce &&
	code=$(qparam "$(authorize)" code) &&
	set -- -u "$CRED" -d grant_type=authorization_code \
		--data-urlencode "code=$code" \
		--data-urlencode "redirect_uri=$RURI" \
		--data-urlencode "code_verifier=$VER" &&
	test $(token out "$@") = 200 &&
	status=$(token out2 "$@") &&
	snowflake_error out2 "$status" 400 invalid_grant
'

test_expect_success 'a code needs the right verifier and redirect_uri' '
	pkce &&
	code=$(qparam "$(authorize)" code) &&
	status=$(token out -u "$CRED" -d grant_type=authorization_code \
		--data-urlencode "code=$code" \
		--data-urlencode "redirect_uri=$RURI" \
		--data-urlencode "code_verifier=$(openssl rand -hex 32)") &&
	snowflake_error out "$status" 400 invalid_grant &&
	pkce &&
	code=$(qparam "$(authorize)" code) &&
	status=$(token out -u "$CRED" -d grant_type=authorization_code \
		--data-urlencode "code=$code" \
		--data-urlencode "redirect_uri=http://127.0.0.1:10/callback" \
		--data-urlencode "code_verifier=$VER") &&
	snowflake_error out "$status" 400 invalid_grant
'

test_expect_success 'client authentication: wrong secret is 401 invalid_client' '
	login out &&
	rt=$(json_get refresh_token <out) &&
	status=$(token out -u tokenpass-test:wrong -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$rt") &&
	snowflake_error out "$status" 401 invalid_client &&
	status=$(token out -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$rt") &&
	snowflake_error out "$status" 401 invalid_client
'

test_expect_success 'client authentication: client_secret_post works' '
	login out &&
	rt=$(json_get refresh_token <out) &&
	status=$(token out -d grant_type=refresh_token \
		-d client_id=tokenpass-test -d client_secret=test-secret \
		--data-urlencode "refresh_token=$rt") &&
	test "$status" = 200 &&
	json_get access_token <out
'

test_expect_success 'Basic credentials are form-urldecoded (secrets with + / =)' '
	tokenserver_config "{\"clients\": {\"tokenpass-test\": \"test-secret\",
		\"c+id\": \"s+e/c=ret\"}}" &&
	ts_finally "tokenserver_config {}" &&
	enc=$(printf "%s:%s" "$(urlenc c+id)" "$(urlenc s+e/c=ret)" | base64 -w0) &&
	status=$(token out -H "Authorization: Basic $enc" \
		-d grant_type=client_credentials) &&
	test "$status" = 200 &&
	raw=$(printf "%s" "c+id:s+e/c=ret" | base64 -w0) &&
	status=$(token out -H "Authorization: Basic $raw" \
		-d grant_type=client_credentials) &&
	snowflake_error out "$status" 401 invalid_client
'

test_expect_success 'refresh without rotation keeps the refresh token valid' '
	login out &&
	rt=$(json_get refresh_token <out) &&
	for i in 1 2; do
		status=$(token out$i -u "$CRED" -d grant_type=refresh_token \
			--data-urlencode "refresh_token=$rt" \
			--data-urlencode "scope=session:role:ANALYST") &&
		test "$status" = 200 &&
		test_must_fail json_get refresh_token <out$i &&
		test_must_fail json_get username <out$i &&
		test "$(json_get expires_in <out$i)" = 600 || return 1
	done &&
	test "$(json_get access_token <out1)" != "$(json_get access_token <out2)"
'

test_expect_success 'single-use refresh tokens rotate; reuse revokes the grant' '
	tokenserver_config "{\"single_use_refresh\": true}" &&
	ts_finally "tokenserver_config {}" &&
	login out &&
	rt1=$(json_get refresh_token <out) &&
	status=$(token out -u "$CRED" -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$rt1") &&
	test "$status" = 200 &&
	rt2=$(json_get refresh_token <out) &&
	test "$rt2" != "$rt1" &&
	test "$(json_get refresh_token_expires_in <out)" = 7776000 &&
	status=$(token out -u "$CRED" -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$rt1") &&
	snowflake_error out "$status" 400 invalid_grant &&
	status=$(token out -u "$CRED" -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$rt2") &&
	snowflake_error out "$status" 400 invalid_grant
'

test_expect_success 'enable_single_use_refresh_tokens=true in the code request' '
	pkce &&
	code=$(qparam "$(authorize)" code) &&
	test $(token out -u "$CRED" -d grant_type=authorization_code \
		--data-urlencode "code=$code" \
		--data-urlencode "redirect_uri=$RURI" \
		--data-urlencode "code_verifier=$VER" \
		-d enable_single_use_refresh_tokens=true) = 200 &&
	rt1=$(json_get refresh_token <out) &&
	test $(token out -u "$CRED" -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$rt1") = 200 &&
	test "$(json_get refresh_token <out)" != "$rt1"
'

test_expect_success 'send_refresh_expires_in=false leaves the field out' '
	tokenserver_config "{\"send_refresh_expires_in\": false}" &&
	ts_finally "tokenserver_config {}" &&
	login out &&
	json_get refresh_token <out &&
	test_must_fail json_get refresh_token_expires_in <out
'

test_expect_success 'an expired refresh token is invalid_grant' '
	tokenserver_config "{\"refresh_ttl\": 1}" &&
	ts_finally "tokenserver_config {}" &&
	login out &&
	rt=$(json_get refresh_token <out) &&
	sleep 1.5 &&
	status=$(token out -u "$CRED" -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$rt") &&
	snowflake_error out "$status" 400 invalid_grant
'

test_expect_success '/_test/revoke kills every refresh token' '
	login out &&
	rt=$(json_get refresh_token <out) &&
	tokenserver_revoke &&
	status=$(token out -u "$CRED" -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$rt") &&
	snowflake_error out "$status" 400 invalid_grant
'

test_expect_success 'client_credentials: an access token, no refresh token' '
	status=$(token out -u "$CRED" -d grant_type=client_credentials \
		-d scope=session:role:LOADER) &&
	test "$status" = 200 &&
	json_get access_token <out &&
	test "$(json_get scope <out)" = session:role:LOADER &&
	test_must_fail json_get refresh_token <out &&
	tokenserver_config "{\"client_credentials\": false}" &&
	ts_finally "tokenserver_config {}" &&
	status=$(token out -u "$CRED" -d grant_type=client_credentials) &&
	snowflake_error out "$status" 400 unsupported_grant_type
'

test_expect_success 'unsupported_grant_type and invalid_request' '
	status=$(token out -u "$CRED" -d grant_type=password) &&
	snowflake_error out "$status" 400 unsupported_grant_type &&
	status=$(token out -u "$CRED" -d foo=bar) &&
	snowflake_error out "$status" 400 invalid_request &&
	status=$(token out -u "$CRED" -d grant_type=refresh_token) &&
	snowflake_error out "$status" 400 invalid_request &&
	status=$(token out -u "$CRED" -H "Content-Type: application/json" \
		-d "{\"grant_type\":\"client_credentials\"}") &&
	snowflake_error out "$status" 400 invalid_request &&
	status=$(token out -u "$CRED" -d grant_type=refresh_token \
		-d refresh_token=never-issued) &&
	snowflake_error out "$status" 400 invalid_grant
'

test_expect_success 'access_ttl sets expires_in' '
	tokenserver_config "{\"access_ttl\": 2}" &&
	ts_finally "tokenserver_config {}" &&
	status=$(token out -u "$CRED" -d grant_type=client_credentials) &&
	test "$status" = 200 &&
	test "$(json_get expires_in <out)" = 2
'

test_expect_success 'fault 500: an HTML error page' '
	tokenserver_config "{\"fault\": \"500\"}" &&
	ts_finally "tokenserver_config {}" &&
	tokenserver_curl -D hdr -o out -w "%{http_code}" -u "$CRED" \
		-d grant_type=client_credentials \
		"$TS_URL/oauth/token-request" >status &&
	test "$(cat status)" = 500 &&
	test_grep -i "content-type: text/html" hdr &&
	test_grep "<html>" out
'

test_expect_success 'fault stall: the request hangs until the client gives up' '
	tokenserver_config "{\"fault\": \"stall\", \"stall_seconds\": 120}" &&
	ts_finally "tokenserver_config {}" &&
	# 28: curl gave up at its own 1 s, with no answer at all
	rm -f out &&
	test_expect_code 28 tokenserver_curl --max-time 1 -o out -u "$CRED" \
		-d grant_type=client_credentials \
		"$TS_URL/oauth/token-request" &&
	test_path_is_missing out
'

test_expect_success 'fault truncated: 200 with JSON cut in the middle' '
	tokenserver_config "{\"fault\": \"truncated\"}" &&
	ts_finally "tokenserver_config {}" &&
	tokenserver_curl -D hdr -o out -w "%{http_code}" -u "$CRED" \
		-d grant_type=client_credentials \
		"$TS_URL/oauth/token-request" >status &&
	test "$(cat status)" = 200 &&
	test_grep -i "content-type: application/json" hdr &&
	test_grep access_token out &&
	test_must_fail json_get access_token <out
'

test_expect_success 'fault huge: a 10 MB body' '
	tokenserver_config "{\"fault\": \"huge\"}" &&
	ts_finally "tokenserver_config {}" &&
	tokenserver_curl -o out -w "%{http_code} %{size_download}\n" -u "$CRED" \
		-d grant_type=client_credentials \
		"$TS_URL/oauth/token-request" >status &&
	read code size <status &&
	test "$code" = 200 &&
	test "$size" -gt 10000000
'

test_expect_success 'fault content-type: JSON served as text/html' '
	tokenserver_config "{\"fault\": \"content-type\"}" &&
	ts_finally "tokenserver_config {}" &&
	tokenserver_curl -D hdr -o out -w "%{http_code}" -u "$CRED" \
		-d grant_type=client_credentials \
		"$TS_URL/oauth/token-request" >status &&
	test "$(cat status)" = 200 &&
	test_grep -i "content-type: text/html" hdr &&
	json_get access_token <out
'

test_expect_success 'fault drop: the connection closes without an answer' '
	tokenserver_config "{\"fault\": \"drop\"}" &&
	ts_finally "tokenserver_config {}" &&
	test_expect_code 52 tokenserver_curl -o out -u "$CRED" \
		-d grant_type=client_credentials "$TS_URL/oauth/token-request"
'

test_expect_success 'faults apply to the SQL API too' '
	tokenserver_config "{\"fault\": \"500\"}" &&
	ts_finally "tokenserver_config {}" &&
	status=$(ts_post /api/v2/statements out -H "Content-Type: application/json" \
		-d "{}") &&
	test "$status" = 500
'

# Each request is held until all 50 are in the server at once: a server
# answering one at a time never gets there (structural, whatever the load).
test_expect_success '50 concurrent slow requests are served in parallel' '
	tokenserver_config "{\"delay_ms\": 1000, \"hold_until\": 50}" &&
	ts_finally "tokenserver_config {}" &&
	for i in $(seq 50); do
		tokenserver_curl --max-time 90 -o out.$i -w "%{http_code}\n" \
			-u "$CRED" -d grant_type=client_credentials \
			"$TS_URL/oauth/token-request" >status.$i &
	done &&
	wait &&
	test "$(tokenserver_stats | json_get max_in_flight)" = 50 &&
	cat status.* | sort | uniq -c >codes &&
	test "$(cat codes | tr -s " ")" = " 50 200" &&
	for i in $(seq 50); do json_get access_token <out.$i; done | sort -u >tokens &&
	test $(wc -l <tokens) -eq 50
'

# sql TOKEN STATEMENT OUT [curl args]: print the status.
sql () {
	tok=$1 stmt=$2 out=$3
	shift 3
	ts_post /api/v2/statements "$out" -A "${SQL_UA-tokenpass-test/1.0}" \
		-H "Authorization: Bearer $tok" \
		-H "X-Snowflake-Authorization-Token-Type: ${SQL_TTYPE-OAUTH}" \
		-H "Content-Type: ${SQL_CTYPE-application/json}" \
		-H "Accept: application/json" \
		-d "$(/usr/bin/python3 -c "import json,sys; print(json.dumps({\"statement\": sys.argv[1], \"timeout\": 60}))" "$stmt")" \
		"$@"
}

col () {
	/usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
names = [c["name"] for c in r["resultSetMetaData"]["rowType"]]
print(r["data"][0][names.index(sys.argv[1])])' "$1"
}

test_setup 'an access token for the SQL API' '
	login "$TRASH/login.json" &&
	at=$(json_get access_token <"$TRASH/login.json")
'

test_expect_success 'SQL API: rotate a PAT; columns are found by name' '
	tokenserver_set_pat SVC_BI BI_PAT old-secret 15 &&
	status=$(sql "$at" "ALTER USER svc_bi ROTATE PROGRAMMATIC ACCESS TOKEN bi_pat EXPIRE_ROTATED_TOKEN_AFTER_HOURS = 1" res) &&
	test "$status" = 200 &&
	test "$(json_get code <res)" = 090001 &&
	test "$(json_get sqlState <res)" = 00000 &&
	test "$(json_get message <res)" = "Statement executed successfully." &&
	test "$(json_get resultSetMetaData.numRows <res)" = 1 &&
	test "$(json_get resultSetMetaData.format <res)" = jsonv2 &&
	json_get statementHandle <res &&
	json_get createdOn <res &&
	test "$(json_get resultSetMetaData.rowType.2.name <res)" = token_secret &&
	test "$(col token_name <res)" = BI_PAT &&
	new=$(col token_secret <res) &&
	test "$(tokenserver_pat SVC_BI BI_PAT)" = "$new" &&
	test "$(tokenserver_pat SVC_BI BI_PAT previous_secret)" = old-secret &&
	test "$(tokenserver_pat SVC_BI BI_PAT expire_rotated_token_after_hours)" = 1 &&
	case "$(col rotated_token_name <res)" in BI_PAT_ROTATED_*) ;; *) false ;; esac &&
	test "$(tokenserver_pat SVC_BI BI_PAT days_to_expiry)" = 15
'

test_expect_success 'SQL API: quoted identifiers keep case and "" escapes' '
	tokenserver_set_pat "svc \"x\"" "my pat" s0 &&
	status=$(sql "$at" "alter user \"svc \"\"x\"\"\" rotate pat \"my pat\"" res) &&
	test "$status" = 200 &&
	test "$(col token_name <res)" = "my pat" &&
	test "$(tokenserver_pat "svc \"x\"" "my pat")" = "$(col token_secret <res)"
'

test_expect_success 'SQL API: an unknown PAT is 422 002003 and changes nothing' '
	cp "$TS_DIR/pats.json" before &&
	status=$(sql "$at" "ALTER USER SVC_BI ROTATE PROGRAMMATIC ACCESS TOKEN NOPE" res) &&
	test "$status" = 422 &&
	test "$(json_get code <res)" = 002003 &&
	test "$(json_get sqlState <res)" = 02000 &&
	json_get message <res >msg &&
	test_grep "Programmatic access token .NOPE. does not exist or not authorized" msg &&
	json_get statementHandle <res &&
	test_cmp before "$TS_DIR/pats.json"
'

test_expect_success 'SQL API: any other statement is a 422 syntax error' '
	status=$(sql "$at" "SELECT 1" res) &&
	test "$status" = 422 &&
	test "$(json_get sqlState <res)" = 42000 &&
	json_get message <res | grep "syntax error"
'

test_expect_success 'SQL API: needs a valid bearer token, UA and content type' '
	status=$(sql not-a-token "SELECT 1" res) &&
	test "$status" = 401 &&
	test "$(json_get code <res)" = 390303 &&
	status=$(SQL_TTYPE=KEYPAIR_JWT sql "$at" "SELECT 1" res) &&
	test "$status" = 401 &&
	status=$(SQL_UA= sql "$at" "SELECT 1" res) &&
	test "$status" = 400 &&
	status=$(SQL_CTYPE=text/plain sql "$at" "SELECT 1" res) &&
	test "$status" = 415 &&
	test $(sql "$at" "SELECT 1" res) = 422
'

test_expect_success 'SQL API: expired and revoked access tokens are refused' '
	tokenserver_config "{\"access_ttl\": 1}" &&
	ts_finally "tokenserver_config {}" &&
	login out &&
	at1=$(json_get access_token <out) &&
	sleep 1.5 &&
	test $(sql "$at1" "SELECT 1" res) = 401 &&
	tokenserver_config "{}" &&
	login out &&
	at2=$(json_get access_token <out) &&
	test $(sql "$at2" "SELECT 1" res) = 422 &&
	tokenserver_expire &&
	test $(sql "$at2" "SELECT 1" res) = 401
'

test_expect_success 'stats count token requests by grant and statements' '
	tokenserver_reset &&
	test "$(tokenserver_stats | json_get token_requests)" = 0 &&
	login out &&
	rt=$(json_get refresh_token <out) &&
	token o -u "$CRED" -d grant_type=refresh_token --data-urlencode "refresh_token=$rt" &&
	token o -u "$CRED" -d grant_type=refresh_token --data-urlencode "refresh_token=$rt" &&
	token o -u "$CRED" -d grant_type=client_credentials &&
	sql "$(json_get access_token <out)" "SELECT 1" res &&
	tokenserver_stats >stats &&
	test "$(json_get token_requests <stats)" = 4 &&
	test "$(json_get by_grant.authorization_code <stats)" = 1 &&
	test "$(json_get by_grant.refresh_token <stats)" = 2 &&
	test "$(json_get by_grant.client_credentials <stats)" = 1 &&
	test "$(json_get statements <stats)" = 1 &&
	test "$(tokenserver_count refresh_token)" = 2 &&
	test "$(tokenserver_count authorization_code)" = 1 &&
	test "$(tokenserver_count client_credentials)" = 1
'

test_expect_success 'no token or secret ever reaches the logs' '
	login out &&
	for f in access_token refresh_token; do
		v=$(json_get $f <out) &&
		! grep -F -e "$v" "$TS_DIR/server.log" "$TS_DIR/requests.log" ||
		return 1
	done &&
	! grep -e test-secret -e old-secret "$TS_DIR/server.log" "$TS_DIR/requests.log"
'

test_expect_success 'a wrong-name server is refused by a verifying client' '
	(
		TS_PID= TS_STATE=$TRASH/ts-wrong &&
		ts_finally tokenserver_stop &&
		tokenserver_start --wrong-name &&
		tokenserver_stats >stats &&
		json_get token_requests <stats &&
		test_must_fail curl -sS -o /dev/null --max-time 5 \
			--cacert "$SSL_CERT_FILE" "$TS_URL/_test/ping" 2>err &&
		test_grep -i "certificate\|match\|SSL" err &&
		tokenserver_stop
	)
'

test_expect_success 'SIGTERM stops the server' '
	kill -0 $TS_PID &&
	tokenserver_stop &&
	test_must_fail curl -sS -o /dev/null --max-time 5 "$TS_URL/_test/ping" &&
	test_grep stopped "$TS_DIR/server.log"
'

test_done
