package helseid

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// clientAssertionType is the form value that says client_assertion is a
// private_key_jwt (RFC 7523).
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is how long a client assertion is valid. HelseID accepts at
// most 60 s; NHN's samples use 30 s, which leaves room for clock skew.
const assertionLifetime = 30 * time.Second

// LoadKey reads a private JWK from a JSON file, as downloaded from HelseID
// Selvbetjening. A JWK set holding exactly one key is accepted too. Public and
// symmetric keys are rejected: HelseID allows only asymmetric private_key_jwt.
func LoadKey(path string) (jose.JSONWebKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return jose.JSONWebKey{}, fmt.Errorf("helseid: load key: %w", err)
	}
	key, err := parseKey(b)
	if err != nil {
		return jose.JSONWebKey{}, fmt.Errorf("helseid: load key %s: %w", path, err)
	}
	return key, nil
}

func parseKey(b []byte) (jose.JSONWebKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err == nil && set.Keys != nil {
		if len(set.Keys) != 1 {
			return jose.JSONWebKey{}, fmt.Errorf("key set holds %d keys, want 1", len(set.Keys))
		}
		b = set.Keys[0]
	}
	var key jose.JSONWebKey
	// The error text of a failed JWK parse can quote key material; keep it out.
	if err := json.Unmarshal(bytes.TrimSpace(b), &key); err != nil {
		return jose.JSONWebKey{}, errors.New("not a JSON Web Key")
	}
	if _, err := signingAlgorithm(key); err != nil {
		return jose.JSONWebKey{}, err
	}
	return key, nil
}

// GenerateKey makes a fresh key for demo mode (the embedded simulator): EC
// P-256 with alg ES256 and the RFC 7638 thumbprint as kid.
func GenerateKey() (jose.JSONWebKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return jose.JSONWebKey{}, fmt.Errorf("helseid: generate key: %w", err)
	}
	key := jose.JSONWebKey{Key: priv, Algorithm: string(jose.ES256), Use: "sig"}
	kid, err := thumbprint(key)
	if err != nil {
		return jose.JSONWebKey{}, fmt.Errorf("helseid: generate key: %w", err)
	}
	key.KeyID = kid
	return key, nil
}

func thumbprint(key jose.JSONWebKey) (string, error) {
	tp, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// signingAlgorithm checks key is a usable private signing key and returns the
// JWS algorithm for the client assertion: the key's own alg when set (it must
// fit the key type), else RS256 for RSA and ES256/384/512 by curve.
func signingAlgorithm(key jose.JSONWebKey) (jose.SignatureAlgorithm, error) {
	if key.Key == nil || !key.Valid() {
		return "", errors.New("no valid key")
	}
	if key.Use != "" && key.Use != "sig" {
		return "", fmt.Errorf("key use %q, want sig", key.Use)
	}
	alg := jose.SignatureAlgorithm(key.Algorithm)
	switch k := key.Key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return "", errors.New("RSA key shorter than 2048 bits")
		}
		switch alg {
		case "":
			return jose.RS256, nil
		case jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512:
			return alg, nil
		}
		return "", fmt.Errorf("alg %q does not fit an RSA key", alg)
	case *ecdsa.PrivateKey:
		var want jose.SignatureAlgorithm
		switch k.Curve {
		case elliptic.P256():
			want = jose.ES256
		case elliptic.P384():
			want = jose.ES384
		case elliptic.P521():
			want = jose.ES512
		default:
			return "", errors.New("unsupported EC curve")
		}
		if alg != "" && alg != want {
			return "", fmt.Errorf("alg %q does not fit the key's curve", alg)
		}
		return want, nil
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return "", errors.New("public key; a private key is needed")
	case []byte:
		return "", errors.New("symmetric key; HelseID allows only asymmetric keys")
	default:
		return "", fmt.Errorf("unsupported key type %T", key.Key)
	}
}

// assertionClaims is the payload of a client assertion (HelseID
// ClientAssertionPayloadClaimsCreator: iss = sub = client id, aud = issuer).
type assertionClaims struct {
	Issuer    string `json:"iss"`
	Subject   string `json:"sub"`
	Audience  string `json:"aud"`
	IssuedAt  int64  `json:"iat"`
	NotBefore int64  `json:"nbf"`
	Expiry    int64  `json:"exp"`
	ID        string `json:"jti"`
}

// clientAssertion signs a fresh single-use client assertion (S12). A new one is
// made for every request, retries included, because HelseID rejects a seen jti.
func (c *Client) clientAssertion() (string, error) {
	jti, err := randomString()
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: c.alg, Key: c.cfg.Key},
		(&jose.SignerOptions{}).WithType("client-authentication+jwt"),
	)
	if err != nil {
		return "", fmt.Errorf("client assertion: %w", err)
	}
	now := c.now()
	claims := assertionClaims{
		Issuer:    c.cfg.ClientID,
		Subject:   c.cfg.ClientID,
		Audience:  c.cfg.Issuer, // exactly the issuer, no trailing slash
		IssuedAt:  now.Unix(),
		NotBefore: now.Unix(),
		Expiry:    now.Add(assertionLifetime).Unix(),
		ID:        jti,
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("client assertion: %w", err)
	}
	return s, nil
}

// randomString returns 32 random bytes, base64url without padding.
func randomString() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
