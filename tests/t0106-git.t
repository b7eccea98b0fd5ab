#!/bin/sh
test_description='git itself with credential.helper=tokenpass'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

GIT_TERMINAL_PROMPT=0
GIT_ASKPASS=$TRASH/askpass
GIT_CONFIG_NOSYSTEM=1
export GIT_TERMINAL_PROMPT GIT_ASKPASS GIT_CONFIG_NOSYSTEM
unset GIT_CONFIG_GLOBAL SSH_ASKPASS

# git fill: what git would use, with askpass answering when no helper did.
fill () {
	printf "$1" >in &&
	timeout 20 git credential fill <in >out 2>err
}

test_setup 'a keyring, git configured to use tokenpass, an askpass' '
	keyring_start &&
	git config --global credential.helper tokenpass &&
	test "$(git config --global credential.helper)" = tokenpass &&
	test "$(command -v git-credential-tokenpass)" = \
		"$TP_BUILD_DIR/git-credential-tokenpass" &&
	cat >"$GIT_ASKPASS" <<-\EOF &&
	#!/bin/sh
	case "$1" in
	Username*) echo askpass-user ;;
	*) echo askpass-password ;;
	esac
	EOF
	chmod +x "$GIT_ASKPASS"
'

test_expect_success 'with nothing stored, git falls back to askpass' '
	fill "protocol=https\nhost=git.example.com\n\n" &&
	cat >expect <<-\EOF &&
	protocol=https
	host=git.example.com
	username=askpass-user
	password=askpass-password
	EOF
	test_cmp expect out
'

test_expect_success 'git credential approve stores through tokenpass' '
	printf "protocol=https\nhost=git.example.com\nusername=alice\npassword=tok-git-1\n\n" >in &&
	git credential approve <in 2>err &&
	test_must_be_empty err &&
	tp_request git.example.com alice &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-git-1\$" out
'

test_expect_success 'git credential fill gets it back, with or without a user' '
	fill "protocol=https\nhost=git.example.com\n\n" &&
	cat >expect <<-\EOF &&
	protocol=https
	host=git.example.com
	username=alice
	password=tok-git-1
	EOF
	test_cmp expect out &&
	fill "protocol=https\nhost=git.example.com\nusername=alice\n\n" &&
	test_cmp expect out &&
	fill "url=https://alice@GIT.example.com/some/repo.git\n\n" &&
	test_grep "^password=tok-git-1\$" out
'

test_expect_success 'two users on one host: each gets their own' '
	printf "protocol=https\nhost=git.example.com\nusername=bob\npassword=tok-git-bob\n\n" |
	git credential approve &&
	fill "protocol=https\nhost=git.example.com\nusername=bob\n\n" &&
	test_grep "^password=tok-git-bob\$" out &&
	fill "protocol=https\nhost=git.example.com\nusername=alice\n\n" &&
	test_grep "^password=tok-git-1\$" out
'

test_expect_success 'another protocol or host does not get the password' '
	fill "protocol=http\nhost=git.example.com\nusername=alice\n\n" &&
	test_grep "^password=askpass-password\$" out &&
	fill "protocol=https\nhost=other.example.com\nusername=alice\n\n" &&
	test_grep "^password=askpass-password\$" out &&
	fill "protocol=https\nhost=git.example.com:8443\nusername=alice\n\n" &&
	test_grep "^password=askpass-password\$" out
'

test_expect_success 'approve again replaces the password' '
	printf "protocol=https\nhost=git.example.com\nusername=alice\npassword=tok-git-2\n\n" |
	git credential approve &&
	fill "protocol=https\nhost=git.example.com\nusername=alice\n\n" &&
	test_grep "^password=tok-git-2\$" out
'

test_expect_success 'reject of another password keeps the stored one' '
	printf "protocol=https\nhost=git.example.com\nusername=alice\npassword=tok-stale\n\n" |
	git credential reject &&
	fill "protocol=https\nhost=git.example.com\nusername=alice\n\n" &&
	test_grep "^password=tok-git-2\$" out
'

test_expect_success 'git credential reject erases it' '
	printf "protocol=https\nhost=git.example.com\nusername=alice\npassword=tok-git-2\n\n" |
	git credential reject 2>err &&
	test_must_be_empty err &&
	fill "protocol=https\nhost=git.example.com\nusername=alice\n\n" &&
	test_grep "^password=askpass-password\$" out &&
	fill "protocol=https\nhost=git.example.com\nusername=bob\n\n" &&
	test_grep "^password=tok-git-bob\$" out
'

test_expect_success 'a credential tokenpass holds as expired reaches git as nothing' '
	printf "protocol=https\nhost=exp.example.com\nusername=carol\npassword=tok-git-exp\npassword_expiry_utc=2000000000\n\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	TOKENPASS_NOW=1999999999 fill "protocol=https\nhost=exp.example.com\n\n" &&
	test_grep "^password=tok-git-exp\$" out &&
	TOKENPASS_NOW=2000000000 fill "protocol=https\nhost=exp.example.com\n\n" &&
	test_grep "^password=askpass-password\$" out &&
	test_grep "expired" err &&
	test_no_secret tok-git-exp out err
'

# No keyring at all: no bus, and no agent (TP_AGENT=1) that reads one for
# us. With an agent, the bus of one client does not matter (next test).
test_expect_success 'with no keyring, git still works (askpass) and says why' '
	(
		DBUS_SESSION_BUS_ADDRESS=unix:path=$TRASH/no-bus &&
		TOKENPASS_AGENT_SOCKET=$TRASH/no-agent &&
		export DBUS_SESSION_BUS_ADDRESS TOKENPASS_AGENT_SOCKET &&
		fill "protocol=https\nhost=git.example.com\nusername=bob\n\n"
	) &&
	test_grep "^password=askpass-password\$" out &&
	test_grep "^tokenpass: cannot reach the D-Bus session bus" err
'

if test -n "${AGENT_PID:-}"; then
	test_expect_success 'with no bus here, the agent still answers git' '
		(
			DBUS_SESSION_BUS_ADDRESS=unix:path=$TRASH/no-bus &&
			export DBUS_SESSION_BUS_ADDRESS &&
			fill "protocol=https\nhost=git.example.com\nusername=bob\n\n"
		) &&
		test_grep "^password=tok-git-bob\$" out &&
		test_must_be_empty err
	'
else
	test_skip 'with no bus here, the agent still answers git' \
		'no agent (TP_AGENT=1 starts one)'
fi

# git learnt password_expiry_utc in 2.40: does this one drop an expired
# password that a helper gives it?
git_knows_expiry () {
	printf "protocol=https\nhost=probe.example.com\n\n" |
	git -c credential.helper= \
		-c credential.helper="!f() { echo username=p; echo password=probe; echo password_expiry_utc=1; }; f" \
		credential fill 2>/dev/null | grep -q "^password=askpass-password\$"
}

if git_knows_expiry
then
	test_expect_success 'git approve with a past expiry stores nothing' '
		printf "protocol=https\nhost=gexp.example.com\nusername=dave\npassword=tok-past\npassword_expiry_utc=1000\n\n" |
		git credential approve &&
		fill "protocol=https\nhost=gexp.example.com\n\n" &&
		test_grep "^password=askpass-password\$" out
	'

	test_expect_success 'git approve with a future expiry: fill returns it' '
		printf "protocol=https\nhost=gexp.example.com\nusername=dave\npassword=tok-future\npassword_expiry_utc=4102444800\noauth_refresh_token=rt-future\n\n" |
		git credential approve &&
		fill "protocol=https\nhost=gexp.example.com\n\n" &&
		test_grep "^password=tok-future\$" out &&
		test_grep "^password_expiry_utc=4102444800\$" out &&
		test_grep "^oauth_refresh_token=rt-future\$" out
	'
else
	test_skip 'git approve with a past expiry stores nothing' \
		"git $(git --version | cut -d" " -f3) predates password_expiry_utc (2.40)"
	test_skip 'git approve with a future expiry: fill returns it' \
		"git $(git --version | cut -d" " -f3) predates password_expiry_utc (2.40)"

	test_expect_success 'this git drops the expiry: stored without one' '
		printf "protocol=https\nhost=gexp.example.com\nusername=dave\npassword=tok-future\npassword_expiry_utc=4102444800\n\n" |
		git credential approve &&
		tp_request gexp.example.com dave &&
		tp_run out err tokenpass get &&
		printf "username=dave\npassword=tok-future\n" >expect &&
		test_cmp expect out
	'
fi

test_expect_success 'as git-credential-tokenpass, an unknown operation is ignored' '
	git-credential-tokenpass frobnicate </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test_expect_code 2 tokenpass frobnicate </dev/null 2>err &&
	test_grep "unknown command .frobnicate." err
'

test_done
