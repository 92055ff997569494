// A real OpenID Connect provider (oidc-provider, OpenID Certified) for Harbour's sign-in tests.
// Started by tests/oidc_provider.py on 127.0.0.1:PORT; prints "ready <issuer>" once it listens.
// Accounts carry Google-like `hd` and Entra-like `tid` claims; both clients get them in the ID token.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const redirectUri = process.env.REDIRECT_URI || 'http://localhost/login/sso/callback';
const issuer = `http://127.0.0.1:${port}`;

// accountId -> the claims the provider asserts for it.
const ACCOUNTS = {
  // Google-like: `hd` is the Workspace domain the account belongs to.
  'pupil-google': { email: 'asha.pupil@harbour-school.example', email_verified: true, hd: 'harbour-school.example', name: 'Asha Pupil' },
  'teacher-google': { email: 'ms.teacher@harbour-school.example', email_verified: true, hd: 'harbour-school.example', name: 'Ms Teacher' },
  'other-domain': { email: 'asha.pupil@other-school.example', email_verified: true, hd: 'other-school.example', name: 'Someone Else' },
  'gmail-no-hd': { email: 'asha.pupil@gmail.example', email_verified: true, name: 'Personal Account' },
  'unverified': { email: 'asha.pupil@harbour-school.example', email_verified: false, hd: 'harbour-school.example', name: 'Unverified' },
  'stranger-google': { email: 'nobody.here@harbour-school.example', email_verified: true, hd: 'harbour-school.example', name: 'Not In Harbour' },
  // Entra-like: `tid` is the tenant, `preferred_username` the UPN.
  'pupil-entra': { tid: '11111111-2222-3333-4444-555555555555', preferred_username: 'asha.pupil@harbour-school.example', email: 'asha.pupil@harbour-school.example', name: 'Asha Pupil' },
  'other-tenant': { tid: '99999999-8888-7777-6666-555555555555', preferred_username: 'asha.pupil@harbour-school.example', email: 'asha.pupil@harbour-school.example', name: 'Asha Elsewhere' },
};

const clients = [
  { client_id: 'google-like', client_secret: 'google-like-secret', redirect_uris: [redirectUri],
    grant_types: ['authorization_code'], response_types: ['code'] },
  { client_id: 'entra-like', client_secret: 'entra-like-secret', redirect_uris: [redirectUri],
    grant_types: ['authorization_code'], response_types: ['code'] },
];

const provider = new Provider(issuer, {
  clients,
  // Scopes' claims go into the ID token itself, as Google and Entra ID put them there.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', 'hd', 'tid', 'preferred_username'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  async findAccount(ctx, id) {
    const claims = ACCOUNTS[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  // The issuer must name the port actually bound: start on the port asked for (the fixture picks a free one).
  process.stdout.write(`ready http://127.0.0.1:${actual}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
