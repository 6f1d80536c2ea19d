package apitoken

// The claim readers every token check here shares: this package's
// Verifier and the HelseID simulator's own check of the tokens it issued.

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DPoPAccessToken takes the token from "Authorization: DPoP <token>"; a
// DPoP-bound token sent as Bearer is refused (RFC 9449 §7.1).
func DPoPAccessToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return "", fmt.Errorf("%w: want one Authorization header", ErrInvalidToken)
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "DPoP") {
		return "", fmt.Errorf("%w: Authorization scheme must be DPoP", ErrInvalidToken)
	}
	if token = strings.TrimSpace(token); token == "" {
		return "", fmt.Errorf("%w: empty token", ErrInvalidToken)
	}
	return token, nil
}

// Audiences returns the aud claim as a list.
func Audiences(claims map[string]any) []string {
	switch a := claims["aud"].(type) {
	case string:
		return []string{a}
	case []any:
		return stringsIn(a)
	}
	return nil
}

// Scopes returns the scope claim: a JSON array in HelseID's tokens, a
// space-separated string in RFC 9068's.
func Scopes(claims map[string]any) []string {
	switch sc := claims["scope"].(type) {
	case []any:
		return stringsIn(sc)
	case string:
		return strings.Fields(sc)
	}
	return nil
}

// stringsIn is the strings of a JSON array, in order; other members are
// passed over.
func stringsIn(a []any) []string {
	out := make([]string, 0, len(a))
	for _, x := range a {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// NumericDate returns a NumericDate claim (exp, nbf, iat) as a time.
func NumericDate(claims map[string]any, name string) (time.Time, bool) {
	f, ok := claims[name].(float64)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}
