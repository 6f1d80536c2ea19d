package labs_test

import (
	"fmt"
	"time"

	"github.com/oppslag/oppslag/clients/labs/labsim"
)

// Synthetic identity numbers (11 digits; the simulator does not check the
// control digits).
const (
	ninPlain    = "13057412345"
	ninSpecific = "13057412346"
	ninGeneral  = "13057412347"
	ninReserved = "13057412348"
	ninEmpty    = "13057412349"
	ninUnknown  = "13057412350"
	ninMany     = "13057412351"
	ninDNumber  = "53057412345"
	ninNILAR    = "13057412352"
)

const manyReports = 120

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, time.UTC) }

func q(v float64, unit string) *labsim.Quantity {
	return &labsim.Quantity{Value: v, Unit: unit, Code: unit}
}

func nlk(code, display string) labsim.Coding {
	return labsim.Coding{System: labsim.NLKSystem, Code: code, Display: display}
}

// report is a one-analysis report on day d.
func report(id string, d time.Time) labsim.Report {
	return labsim.Report{
		ID: id, Effective: d, Issued: d.Add(6 * time.Hour), Status: "final",
		Category:  labsim.Coding{System: "urn:oid:2.16.578.1.12.4.1.1.8202", Code: "MBK", Display: "Medisinsk biokjemi"},
		Code:      labsim.Coding{System: "urn:oid:2.16.578.1.12.4.1.1.8202", Code: "KLIN", Display: "Klinisk kjemi"},
		Performer: labsim.Org{Name: "Testlaboratoriet", OrgNumber: "974589095"},
		Requester: labsim.Practitioner{Name: "Ingrid Haugland", HPRNumber: "565501872"},
		Specimen:  labsim.Specimen{ID: id + "-spec", Type: "Serum", Collected: d},
		Observations: []labsim.Observation{{
			ID: id + "-crp", Code: nlk("NPU19748", "CRP"), Value: labsim.Value{Quantity: q(4, "mg/L")},
			Reference: &labsim.Range{High: q(5, "mg/L")},
		}},
	}
}

// richReport has a panel with members and every value type.
func richReport() labsim.Report {
	r := report("rich", day(2024, 3, 5))
	when := day(2024, 3, 4)
	r.Comment = "Prøven var lipemisk"
	r.Observations = []labsim.Observation{
		{
			ID: "rich-blodstatus", Code: nlk("NPU17000", "Blodstatus"), Value: labsim.Value{Text: "Se enkeltanalyser"},
			Members: []labsim.Observation{
				{ID: "rich-hb", Code: nlk("NPU02319", "Hemoglobin"), Value: labsim.Value{Quantity: q(10.1, "g/dL")},
					Reference: &labsim.Range{Low: q(11.7, "g/dL"), High: q(15.3, "g/dL")}, Interpretation: "2"},
				{ID: "rich-lpk", Code: nlk("NPU02593", "Leukocytter"), Value: labsim.Value{Quantity: q(7.2, "10*9/L")},
					Reference: &labsim.Range{Low: q(3.5, "10*9/L"), High: q(10, "10*9/L")}},
			},
		},
		{ID: "rich-blodtype", Code: nlk("NPU03988", "Blodtype"), Value: labsim.Value{Coded: &labsim.Coding{System: "urn:test", Code: "A+", Display: "A RhD positiv"}}},
		{ID: "rich-siste", Code: nlk("NPU99999", "Siste dose"), Value: labsim.Value{DateTime: &when}, Comment: "Oppgitt av pasient"},
		{ID: "rich-range", Code: nlk("NPU88888", "Titer"), Value: labsim.Value{Range: &labsim.Range{Low: q(1, "1"), High: q(4, "1")}}, Interpretation: "3"},
	}
	return r
}

func registry() labsim.MemoryRegistry {
	reg := labsim.MemoryRegistry{
		ninPlain: {Reports: []labsim.Report{report("p-2023", day(2023, 1, 10)), richReport(), report("p-2025", day(2025, 6, 1))}},
		ninSpecific: {
			Reports:     []labsim.Report{report("s-blocked", day(2024, 2, 1)), report("s-open", day(2024, 5, 1))},
			Restriction: labsim.Restriction{Kind: labsim.Specific, Blocked: []string{"s-blocked"}},
		},
		ninGeneral: {
			Reports:     []labsim.Report{report("g-1", day(2024, 2, 1)), report("g-2", day(2024, 5, 1))},
			Restriction: labsim.Restriction{Kind: labsim.General},
		},
		ninReserved: {
			Reports:     []labsim.Report{report("r-1", day(2024, 2, 1))},
			Restriction: labsim.Restriction{Kind: labsim.Reservation},
		},
		ninEmpty:   {},
		ninDNumber: {Reports: []labsim.Report{report("d-1", day(2024, 2, 1))}},
		ninNILAR:   {Reports: nilarReports()},
	}
	var many []labsim.Report
	for i := range manyReports {
		many = append(many, report(fmt.Sprintf("m-%03d", i), day(2020, 1, 1).AddDate(0, 0, i)))
	}
	reg[ninMany] = labsim.Record{Reports: many}
	return reg
}
