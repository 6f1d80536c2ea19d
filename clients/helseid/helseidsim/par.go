package helseidsim

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

const requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

// parRequest is a pushed authorization request, waiting for the browser.
type parRequest struct {
	clientID      string
	redirectURI   string
	codeChallenge string
	scopes        []string
	resources     []string
	state         string
	nonce         string
	loginHint     string
	prompt        string
	acrValues     string
	expires       time.Time

	// Set when the picker is first shown: the page's CSRF value, and how
	// long the user may take to choose.
	csrf         string
	pickDeadline time.Time
}

// deadline is when the request can no longer be used.
func (p *parRequest) deadline() time.Time {
	if p.pickDeadline.After(p.expires) {
		return p.pickDeadline
	}
	return p.expires
}

// handlePAR is the pushed authorization request endpoint (RFC 9126).
func (s *Server) handlePAR(w http.ResponseWriter, r *http.Request) {
	s.count(func(st *Stats) { st.PAR++ })
	form, err := parseForm(w, r, "resource")
	if err != nil {
		writeErr(w, err)
		return
	}
	client, err := s.authenticateClient(r, form, pathPAR)
	if err != nil {
		writeErr(w, err)
		return
	}
	p, err := s.validatePAR(client, form)
	if err != nil {
		writeErr(w, err)
		return
	}
	now := s.now()
	p.expires = now.Add(parLifetime)
	uri := requestURIPrefix + randomToken(32)
	s.mu.Lock()
	s.sweepLocked(now)
	s.pars[uri] = p
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"request_uri": uri,
		"expires_in":  int(parLifetime / time.Second),
	})
}

// validatePAR checks the authorization parameters against the client's
// registration, as HelseID does for a PAR.
func (s *Server) validatePAR(client Client, form map[string][]string) (*parRequest, error) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	bad := func(format string, args ...any) (*parRequest, error) {
		return nil, errf(http.StatusBadRequest, "invalid_request", format, args...)
	}
	if get("request_uri") != "" || get("request") != "" {
		return bad("request_uri and request are not accepted at the PAR endpoint")
	}
	if rt := get("response_type"); rt != "code" {
		return nil, errf(http.StatusBadRequest, "unsupported_response_type", "response_type must be code, got %q", rt)
	}
	if rm := get("response_mode"); rm != "" && rm != "query" {
		return bad("response_mode %q is not supported; use query", rm)
	}
	redirect := get("redirect_uri")
	if redirect == "" || !slices.Contains(client.RedirectURIs, redirect) {
		return bad("redirect_uri is not registered for the client")
	}
	challenge := get("code_challenge")
	if challenge == "" {
		return bad("PKCE is required: code_challenge missing")
	}
	if m := get("code_challenge_method"); m != "S256" {
		return bad("code_challenge_method must be S256, got %q", m)
	}
	if len(challenge) != 43 || !isBase64URL(challenge) {
		return bad("code_challenge must be a base64url SHA-256 value (43 characters)")
	}
	scopes := strings.Fields(get("scope"))
	if len(scopes) == 0 {
		return nil, errf(http.StatusBadRequest, "invalid_scope", "scope missing")
	}
	for _, sc := range scopes {
		if !slices.Contains(client.Scopes, sc) {
			return nil, errf(http.StatusBadRequest, "invalid_scope", "scope %q is not allowed for the client", sc)
		}
	}
	resources := form["resource"]
	for _, res := range resources {
		apiScopes, ok := s.apis[res]
		if !ok {
			return nil, errf(http.StatusBadRequest, "invalid_target", "resource %q is not a known API", res)
		}
		if !slices.ContainsFunc(scopes, func(sc string) bool { return slices.Contains(apiScopes, sc) }) {
			return nil, errf(http.StatusBadRequest, "invalid_target", "resource %q requested without any of its scopes", res)
		}
	}
	for _, k := range []string{"state", "nonce", "login_hint", "acr_values", "prompt"} {
		if len(get(k)) > 2048 {
			return bad("%s too long", k)
		}
	}
	switch pr := get("prompt"); pr {
	case "", "none", "login", "consent", "select_account":
	default:
		return bad("prompt %q is not supported", pr)
	}
	return &parRequest{
		clientID:      client.ID,
		redirectURI:   redirect,
		codeChallenge: challenge,
		scopes:        scopes,
		resources:     unique(resources),
		state:         get("state"),
		nonce:         get("nonce"),
		loginHint:     get("login_hint"),
		prompt:        get("prompt"),
		acrValues:     get("acr_values"),
	}, nil
}

func isBase64URL(s string) bool {
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// unique returns vs without repeats, in first-seen order.
func unique(vs []string) []string {
	var out []string
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
