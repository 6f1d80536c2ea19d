package labs_test

import (
	"testing"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
)

// nilarReports are a biochemistry report with three samples and a urine
// culture, in the shapes of NILAR's test messages.
func nilarReports() []labsim.Report {
	d := day(2024, 3, 5)
	bio := report("bio", d)
	bio.Specimen = labsim.Specimen{ID: "bio-s", Type: "Serum", TypeCode: "S", Collected: d}
	bio.Extra = []labsim.Specimen{{ID: "bio-p", Type: "Plasma", TypeCode: "P", Collected: d}, {ID: "bio-b", Type: "Blod", TypeCode: "B", Collected: d}}
	bio.Comment = "Kontroll"
	bio.Observations = []labsim.Observation{
		{ID: "bio-lh", Code: nlk("NOR05857", "Us-LH"), Value: labsim.Value{Quantity: q(14, "IU/L")}, Reference: &labsim.Range{Text: "< 12"}, Interpretation: "1", Specimen: "bio-s"},
		{ID: "bio-dd", Code: nlk("NPU19767", "P-D-dimer"), Value: labsim.Value{Quantity: q(0.4, "mg/L")}, Reference: &labsim.Range{Text: "< 0,5"}, Specimen: "bio-p"},
		{ID: "bio-hb", Code: nlk("NOR05172", "B-Hemoglobin"), Value: labsim.Value{Quantity: q(15, "g/dL")}, Interpretation: "2", Specimen: "bio-b"},
	}
	lr := labsim.Coding{System: labs.SystemTextResultType, Code: "LR", Display: "Laboratorieresultat"}
	rsb := labsim.Coding{System: labs.SystemTextResultType, Code: "RSB", Display: "Resistensbestemmelse"}
	micro := report("mic", d.AddDate(0, 0, 1))
	micro.Observations = []labsim.Observation{{ID: "mic-ecoli", Code: nlk("NPU06073", "U-Bakterier dyrkning"),
		Value: labsim.Value{Concept: &labsim.Concept{Codings: []labsim.Coding{lr}, Text: "Escherichia coli"}},
		Members: []labsim.Observation{
			{ID: "mic-amount", Code: labsim.Coding{Display: "Mengde"}, Value: labsim.Value{Text: ">100 000 CFU/mL"}},
			{ID: "mic-amp", Code: nlk("NPU06045", "Us-Ampicillin"), Value: labsim.Value{Concept: &labsim.Concept{
				Codings: []labsim.Coding{rsb, {System: labs.SystemSusceptibility, Code: "R", Display: "Resistent"}}}}},
			{ID: "mic-mec", Code: nlk("NPU06044", "Us-Mecillinam"), Value: labsim.Value{Concept: &labsim.Concept{
				Codings: []labsim.Coding{rsb, {System: labs.SystemSusceptibility, Code: "S", Display: "Sensitiv, standarddose"}}, Text: "0,25"}}},
		}}}
	return []labsim.Report{bio, micro}
}

// TestSimulatorNILARShapes reads nilarReports back through the simulator:
// each result keeps its own sample, 8244 codes become levels, the comment
// (an Annotation) arrives, and each susceptibility stays under its
// organism with its S/I/R.
func TestSimulatorNILARShapes(t *testing.T) {
	e := newEnv(t)
	res, err := e.client(t).SearchReports(t.Context(), e.doctor(t), labs.Query{PersonID: ninNILAR})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reports) != 2 || len(res.Unread) != 0 {
		t.Fatalf("%d reports, unread %v", len(res.Reports), res.Unread)
	}
	mic, bio := res.Reports[0], res.Reports[1]
	if len(bio.Specimens) != 3 || len(bio.Comments) != 1 || bio.Comments[0] != "Kontroll" {
		t.Errorf("bio specimens %+v comments %v", bio.Specimens, bio.Comments)
	}
	for i, want := range []struct{ spec, level, ref string }{{"Serum", labs.LevelHigh, "< 12"}, {"Plasma", "", "< 0,5"}, {"Blod", labs.LevelLow, ""}} {
		a := bio.Analyses[i]
		ref := ""
		if a.Reference != nil {
			ref = a.Reference.Text
		}
		if a.Specimen == nil || a.Specimen.Type != want.spec || a.Interpretation != want.level || ref != want.ref {
			t.Errorf("analysis %d: specimen %+v level %q ref %q; want %+v", i, a.Specimen, a.Interpretation, ref, want)
		}
	}
	if a := bio.Analyses[0]; a.Flag == nil || a.Flag.Coding.System != labs.SystemDeviation || a.Flag.Coding.Code != "1" {
		t.Errorf("flag %+v, want 8244 code 1", a.Flag)
	}
	org := mic.Analyses[0]
	if !org.Organism() || org.Value.Coded == nil || org.Value.Coded.Text != "Escherichia coli" || len(org.Members) != 3 {
		t.Fatalf("organism %+v", org)
	}
	if m := org.Members[0]; m.Susceptibility() || m.Value.Text != ">100 000 CFU/mL" {
		t.Errorf("amount %+v", m)
	}
	amp, mec := org.Members[1], org.Members[2]
	if !amp.Susceptibility() || amp.Interpretation != labs.LevelResistant || !mec.Susceptibility() || mec.Interpretation != labs.LevelSusceptible || mec.Value.Coded.Text != "0,25" {
		t.Errorf("susceptibilities %+v %+v", amp, mec)
	}
	// Every coding of a coded value is kept, whatever its place.
	if got := mec.Value.Coded.String(); got != "Resistensbestemmelse: Sensitiv, standarddose · 0,25" {
		t.Errorf("concept text %q", got)
	}
}
