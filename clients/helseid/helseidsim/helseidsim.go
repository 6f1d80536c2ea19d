// Package helseidsim is a HelseID simulator: it serves the same endpoints as
// helseid-sts (discovery, JWKS, PAR, authorize, token, userinfo, end_session)
// and verifies what HelseID verifies, so the portal's real client can be
// exercised end to end without an account.
//
// What it enforces, as HelseID does: private_key_jwt client authentication
// (asymmetric algorithms, aud = issuer, exp-iat ≤ 60 s, single-use jti) on
// PAR and token; PAR for every login, with PKCE S256 and registered
// redirect_uri; the authorization endpoint takes only client_id and
// request_uri; DPoP on the token endpoint with the use_dpop_nonce retry,
// DPoP-bound tokens at userinfo and at the APIs (VerifyAccessToken); one
// access token per API audience via refresh_token + resource.
//
// Where HelseID publishes nothing, the simulator follows Duende
// IdentityServer's behaviour or a documented guess, each marked in the code:
// refresh tokens stay reusable until they expire (HelseID's rotation policy
// is not public), identity claims in the ID token and userinfo are released
// by their scopes, access tokens carry the identity and client claims the
// NHN APIs require.
//
// Login is a persona picker (or a login_hint naming a persona), never a real
// identity provider; every persona is synthetic test data.
package helseidsim
