package helseid

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// HelseID claim names (upstreams.md 1.5).
const (
	claimPID            = "helseid://claims/identity/pid"
	claimSecurityLevel  = "helseid://claims/identity/security_level"
	claimAssuranceLevel = "helseid://claims/identity/assurance_level"
	claimNetwork        = "helseid://claims/identity/network"
	claimHPRNumber      = "helseid://claims/hpr/hpr_number"
	claimHPRDetails     = "helseid://claims/hpr/hpr_details"
	claimOrgParent      = "helseid://claims/client/claims/orgnr_parent"
	claimOrgChild       = "helseid://claims/client/claims/orgnr_child"
	claimClientName     = "helseid://claims/client/client_name"
)

// mergeClaims builds Claims from the verified ID token, then fills what it
// lacks from userinfo (fetched with the token HelseID just gave us), then the
// client claims from the access token payload (display only).
func mergeClaims(sub string, idToken, userinfo, accessToken map[string]json.RawMessage) (Claims, []Approval, error) {
	get := func(name string, sources ...map[string]json.RawMessage) string {
		for _, m := range sources {
			if v := claimString(m, name); v != "" {
				return v
			}
		}
		return ""
	}
	c := Claims{
		Subject:        sub,
		PID:            get(claimPID, idToken, userinfo),
		Name:           get("name", idToken, userinfo),
		GivenName:      get("given_name", idToken, userinfo),
		MiddleName:     get("middle_name", idToken, userinfo),
		FamilyName:     get("family_name", idToken, userinfo),
		HPRNumber:      get(claimHPRNumber, idToken, userinfo),
		SecurityLevel:  get(claimSecurityLevel, idToken, userinfo),
		AssuranceLevel: get(claimAssuranceLevel, idToken, userinfo),
		Network:        get(claimNetwork, idToken, userinfo),
		OrgParent:      get(claimOrgParent, idToken, userinfo, accessToken),
		OrgChild:       get(claimOrgChild, idToken, userinfo, accessToken),
		ClientName:     get(claimClientName, idToken, userinfo, accessToken),
		SID:            get("sid", idToken, userinfo),
	}
	if at := get("auth_time", idToken, userinfo); at != "" {
		var n json.Number = json.Number(at)
		if secs, err := n.Int64(); err == nil && secs > 0 {
			c.AuthTime = time.Unix(secs, 0).UTC()
		}
	}
	raw, ok := userinfo[claimHPRDetails]
	if !ok {
		raw, ok = idToken[claimHPRDetails]
	}
	var approvals []Approval
	if ok {
		details, err := parseHPRDetails(raw)
		if err != nil {
			return Claims{}, nil, fmt.Errorf("hpr_details: %w", err)
		}
		approvals = details.approvals()
		if c.HPRNumber == "" {
			c.HPRNumber = details.HPRNumber.String()
		}
	}
	return c, approvals, nil
}

// claimString reads a claim that should be a single string. HelseID sends some
// (hpr_number, security_level) as strings in one place and numbers in another,
// so a number is returned as its decimal text; for an array the first element
// counts. Anything else reads as absent.
func claimString(m map[string]json.RawMessage, name string) string {
	raw, ok := m[name]
	if !ok {
		return ""
	}
	return rawString(raw)
}

func rawString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			return rawString(list[0])
		}
	default:
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}

// flexString is a JSON string or number, kept as text.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	s := rawString(b)
	if s == "" && !bytes.Equal(bytes.TrimSpace(b), []byte(`""`)) {
		return errors.New("want a string or a number")
	}
	*f = flexString(s)
	return nil
}

func (f flexString) String() string { return string(f) }

type hprCode struct {
	Value       flexString `json:"value"`
	Description string     `json:"description"`
}

func (h hprCode) code() Code { return Code{Value: h.Value.String(), Description: h.Description} }

// hprDetails is the helseid://claims/hpr/hpr_details claim from userinfo.
type hprDetails struct {
	Approvals []struct {
		Profession        string    `json:"profession"`
		Authorization     hprCode   `json:"authorization"`
		RequisitionRights []hprCode `json:"requisition_rights"`
		Specialities      []hprCode `json:"specialities"`
	} `json:"approvals"`
	HPRNumber flexString `json:"hpr_number"`
}

// parseHPRDetails accepts the claim as a JSON object or as a JSON string that
// holds the object (claims that are objects are sometimes serialised that way).
func parseHPRDetails(raw json.RawMessage) (*hprDetails, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errors.New("malformed")
		}
		raw = json.RawMessage(s)
	}
	var d hprDetails
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, errors.New("malformed")
	}
	return &d, nil
}

func (d *hprDetails) approvals() []Approval {
	var out []Approval
	for _, a := range d.Approvals {
		ap := Approval{Profession: a.Profession, Authorization: a.Authorization.code()}
		for _, r := range a.RequisitionRights {
			ap.RequisitionRights = append(ap.RequisitionRights, r.code())
		}
		for _, s := range a.Specialities {
			ap.Specialities = append(ap.Specialities, s.code())
		}
		out = append(out, ap)
	}
	return out
}

// orgClaimsFromAccessToken reads the client claims (organisation numbers,
// client name) from the access token's payload without verifying it. HelseID
// may put these only in the access token, whose audience is the API, not the
// portal, so the portal has no business validating it. Reading it is still
// acceptable because the token came straight from HelseID's token endpoint
// over TLS in answer to our client-authenticated request (the same reasoning
// OIDC Core 3.1.3.7 applies to ID tokens from the token endpoint), and the
// values are used for display only: they grant nothing, and the API checks
// the token itself. An opaque or malformed token yields no claims.
func orgClaimsFromAccessToken(token string) map[string]json.RawMessage {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var all map[string]json.RawMessage
	if json.Unmarshal(payload, &all) != nil {
		return nil
	}
	out := make(map[string]json.RawMessage, 3)
	for _, name := range []string{claimOrgParent, claimOrgChild, claimClientName} {
		if v, ok := all[name]; ok {
			out[name] = v
		}
	}
	return out
}
