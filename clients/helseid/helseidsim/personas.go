package helseidsim

import (
	"crypto/sha256"
	"encoding/base64"
)

// Code is a coded value with its display text, as in hpr_details.
type Code struct{ Value, Description string }

// Approval is one HPR approval (autorisasjon/lisens) of a persona.
type Approval struct {
	Profession        string // code set 9060, e.g. "LE", "SP"
	Authorization     Code   // code set 7704, e.g. {"1", "Autorisasjon"}
	RequisitionRights []Code
	Specialities      []Code
}

// Persona is a test user the simulator can log in.
type Persona struct {
	ID                                     string // login_hint value: "doctor", "nurse", "admin", "auditor", "level3"
	Description                            string // shown on the picker
	PID, GivenName, MiddleName, FamilyName string
	HPRNumber                              string // "" when the persona has no HPR number
	SecurityLevel                          string // "4", or "3" for level3
	AssuranceLevel                         string // "high" / "substantial"
	Network                                string // "internett"
	OrgParent, OrgChild                    string // 9-digit org numbers (valid mod-11 check digit)
	Approvals                              []Approval
}

// Organisation numbers of the fictitious clinic every persona logs in for;
// both carry a valid mod-11 check digit.
const (
	clinicParent = "987654325"
	clinicChild  = "876543214"
)

// Personas returns the five default test users: doctor, nurse, admin,
// auditor and level3, in that order.
//
// The PIDs are synthetic Test-Norge numbers (month + 80) with valid check
// digits, so they can never belong to a real person.
func Personas() []Persona {
	autorisasjon := Code{Value: "1", Description: "Autorisasjon"}
	return []Persona{
		{
			ID:             "doctor",
			Description:    "Lege (LE), fastlege — sikkerhetsnivå 4",
			PID:            "14837841276",
			GivenName:      "Ingrid",
			MiddleName:     "Marie",
			FamilyName:     "Haugland",
			HPRNumber:      "565501872",
			SecurityLevel:  "4",
			AssuranceLevel: "high",
			Network:        "internett",
			OrgParent:      clinicParent,
			OrgChild:       clinicChild,
			Approvals: []Approval{{
				Profession:        "LE",
				Authorization:     autorisasjon,
				RequisitionRights: []Code{{Value: "1", Description: "Full rekvisisjonsrett"}},
				Specialities:      []Code{{Value: "1", Description: "Allmennmedisin"}},
			}},
		},
		{
			ID:             "nurse",
			Description:    "Sykepleier (SP) — sikkerhetsnivå 4",
			PID:            "02918523327",
			GivenName:      "Jonas",
			FamilyName:     "Berg",
			HPRNumber:      "565502143",
			SecurityLevel:  "4",
			AssuranceLevel: "high",
			Network:        "internett",
			OrgParent:      clinicParent,
			OrgChild:       clinicChild,
			Approvals: []Approval{{
				Profession:    "SP",
				Authorization: autorisasjon,
			}},
		},
		{
			ID:             "admin",
			Description:    "Administrativt ansatt, uten HPR-nummer — sikkerhetsnivå 4",
			PID:            "23869014850",
			GivenName:      "Siri",
			FamilyName:     "Lunde",
			SecurityLevel:  "4",
			AssuranceLevel: "high",
			Network:        "internett",
			OrgParent:      clinicParent,
			OrgChild:       clinicChild,
		},
		{
			ID:             "auditor",
			Description:    "Revisor (logggjennomgang), uten HPR-nummer — sikkerhetsnivå 4",
			PID:            "09816935595",
			GivenName:      "Per",
			MiddleName:     "Arne",
			FamilyName:     "Solberg",
			SecurityLevel:  "4",
			AssuranceLevel: "high",
			Network:        "internett",
			OrgParent:      clinicParent,
			OrgChild:       clinicChild,
		},
		{
			ID:             "level3",
			Description:    "Sykepleier (SP) — bare sikkerhetsnivå 3",
			PID:            "30889549692",
			GivenName:      "Hanne",
			FamilyName:     "Strand",
			HPRNumber:      "565503001",
			SecurityLevel:  "3",
			AssuranceLevel: "substantial",
			Network:        "internett",
			OrgParent:      clinicParent,
			OrgChild:       clinicChild,
			Approvals: []Approval{{
				Profession:    "SP",
				Authorization: autorisasjon,
			}},
		},
	}
}

// name is the persona's full name as the OIDC name claim carries it.
func (p Persona) name() string {
	n := p.GivenName
	if p.MiddleName != "" {
		n += " " + p.MiddleName
	}
	return n + " " + p.FamilyName
}

// subject is a stable pseudonym for the persona. HelseID's sub is a
// pseudonym, never the pid; deriving it from the pid keeps it identical
// across restarts and across simulator instances.
func (p Persona) subject() string {
	sum := sha256.Sum256([]byte("helseidsim/sub/" + p.PID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// hprDetails is the userinfo claim helseid://claims/hpr/hpr_details.
type hprDetails struct {
	Approvals []hprApproval `json:"approvals"`
	HPRNumber int64         `json:"hpr_number"`
}

type hprApproval struct {
	Profession        string      `json:"profession"`
	Authorization     codeValue   `json:"authorization"`
	RequisitionRights []codeValue `json:"requisition_rights"`
	Specialities      []codeValue `json:"specialities"`
}

type codeValue struct {
	Value       string `json:"value"`
	Description string `json:"description"`
}

func codeValues(cs []Code) []codeValue {
	out := make([]codeValue, 0, len(cs))
	for _, c := range cs {
		out = append(out, codeValue(c))
	}
	return out
}

// hprDetails builds the hpr_details claim; ok is false for a persona without
// a (numeric) HPR number.
func (p Persona) hprDetails() (hprDetails, bool) {
	var n int64
	if p.HPRNumber == "" || len(p.HPRNumber) > 10 {
		return hprDetails{}, false
	}
	for _, c := range p.HPRNumber {
		if c < '0' || c > '9' {
			return hprDetails{}, false
		}
		n = n*10 + int64(c-'0')
	}
	d := hprDetails{Approvals: make([]hprApproval, 0, len(p.Approvals)), HPRNumber: n}
	for _, a := range p.Approvals {
		d.Approvals = append(d.Approvals, hprApproval{
			Profession:        a.Profession,
			Authorization:     codeValue(a.Authorization),
			RequisitionRights: codeValues(a.RequisitionRights),
			Specialities:      codeValues(a.Specialities),
		})
	}
	return d, true
}
