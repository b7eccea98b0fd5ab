// A real OAuth 2.0 authorization server for tokenpass's tests:
// oidc-provider with its routes at Snowflake's paths, on 127.0.0.1 only.
//
// Environment (all optional):
//   OP_PORT          port, 0 = ephemeral (default 0)
//   OP_PORT_FILE     where to write the port once listening
//   OP_AT_TTL        access token lifetime, s (600, Snowflake's default)
//   OP_RT_TTL        refresh token lifetime, s (7776000, Snowflake's default)
//   OP_ROTATE        refresh token rotation: always | never | default
//   OP_CLIENT_ID     client id (tokenpass-test)
//   OP_CLIENT_SECRET client secret (test-secret)
//   OP_TLS_CERT, OP_TLS_KEY   serve HTTPS with this certificate
//
// The client is a 'native' application (RFC 8252): any port on the
// loopback address is accepted in redirect_uri, since tokenpass listens
// on an ephemeral one. PKCE is required; refresh tokens are issued to
// any client allowed the refresh_token grant, as Snowflake does for the
// refresh_token scope. devInteractions accept any login and password.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import Provider from 'oidc-provider';

const env = process.env;
const HOST = '127.0.0.1';
const AT_TTL = Number(env.OP_AT_TTL || 600);
const RT_TTL = Number(env.OP_RT_TTL || 7776000);
const ROTATE = env.OP_ROTATE || 'default';
const SIGN_IN_TTL = 600;
const TLS = Boolean(env.OP_TLS_CERT && env.OP_TLS_KEY);

const rotation = { always: { rotateRefreshToken: true },
		   never: { rotateRefreshToken: false } }[ROTATE] || {};

function configuration() {
	return {
		clients: [{
			client_id: env.OP_CLIENT_ID || 'tokenpass-test',
			client_secret: env.OP_CLIENT_SECRET || 'test-secret',
			token_endpoint_auth_method: 'client_secret_basic',
			grant_types: ['authorization_code', 'refresh_token',
				      'client_credentials'],
			response_types: ['code'],
			application_type: 'native',
			redirect_uris: ['http://127.0.0.1/callback',
					'http://localhost/callback'],
		}],
		routes: {
			authorization: '/oauth/authorize',
			token: '/oauth/token-request',
			revocation: '/oauth/revoke',
			introspection: '/oauth/introspect',
		},
		scopes: ['openid', 'offline_access', 'refresh_token'],
		issueRefreshToken: async (ctx, client) =>
			client.grantTypeAllowed('refresh_token'),
		pkce: { required: () => true },
		ttl: {
			AccessToken: AT_TTL,
			ClientCredentials: AT_TTL,
			RefreshToken: RT_TTL,
			AuthorizationCode: 600,
			IdToken: 3600,
			/* never shorter than a sign-in on a loaded machine,
			   so that a short OP_RT_TTL tests the refresh
			   token's own expiry, not the grant's */
			Grant: Math.max(RT_TTL, SIGN_IN_TTL),
			Session: Math.max(RT_TTL, SIGN_IN_TTL),
			Interaction: 600,
		},
		...rotation,
		features: {
			devInteractions: { enabled: true },
			clientCredentials: { enabled: true },
			introspection: { enabled: true },
			revocation: { enabled: true },
		},
		cookies: { keys: ['tokenpass-test-cookie-key'] },
		findAccount: async (ctx, sub) => ({
			accountId: sub,
			claims: async () => ({ sub }),
		}),
	};
}

function listen() {
	const opts = TLS ? { cert: fs.readFileSync(env.OP_TLS_CERT),
			     key: fs.readFileSync(env.OP_TLS_KEY) } : null;
	// The issuer names the port, so find one first, then build the
	// provider and attach it to the same server.
	let callback = null;
	const handler = (req, res) => {
		if (!callback) {
			res.writeHead(503);
			res.end();
			return;
		}
		callback(req, res);
	};
	const server = TLS ? https.createServer(opts, handler)
		: http.createServer(handler);
	server.listen(Number(env.OP_PORT || 0), HOST, () => {
		const port = server.address().port;
		const issuer = `${TLS ? 'https' : 'http'}://${HOST}:${port}`;
		const provider = new Provider(issuer, configuration());
		provider.on('grant.error', (ctx, err) =>
			console.error('grant.error', err.message));
		provider.on('server_error', (ctx, err) =>
			console.error('server_error', err));
		callback = provider.callback();
		if (env.OP_PORT_FILE) {
			fs.writeFileSync(env.OP_PORT_FILE + '.tmp', `${port}\n`);
			fs.renameSync(env.OP_PORT_FILE + '.tmp', env.OP_PORT_FILE);
		}
		console.log(`oidc-provider listening on ${issuer} ` +
			    `pid=${process.pid} rotate=${ROTATE} ` +
			    `at_ttl=${AT_TTL} rt_ttl=${RT_TTL}`);
	});
	const stop = () => {
		server.close(() => process.exit(0));
		server.closeAllConnections?.();
		setTimeout(() => process.exit(0), 2000).unref();
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

listen();
