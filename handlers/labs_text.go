package handlers

import (
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/views"
)

// labsValue is a value as the page shows it, as data the view writes in
// the user's language. A coded value shows every coding and the text
// (Concept.String), never only the first coding.
func labsValue(v labs.AnalysisValue) views.LabsValue {
	switch {
	case v.Quantity != nil:
		return views.LabsValue{Quantity: labsMeasure(v.Quantity)}
	case v.Coded != nil:
		return views.LabsValue{Text: views.LabsPlain(v.Coded.String())}
	case v.Range != nil:
		return views.LabsValue{Range: labsInterval(v.Range)}
	case v.DateTime != nil:
		at := *v.DateTime
		return views.LabsValue{DateTime: &at}
	case v.Absent != nil:
		return views.LabsValue{Text: views.Msg("labs.value.absent", firstNonEmpty(v.Absent.Display, v.Absent.Code))}
	}
	return views.LabsValue{Text: views.LabsPlain(v.Text)}
}

func labsMeasure(m *labs.Measure) *views.LabsMeasure {
	if m == nil {
		return nil
	}
	return &views.LabsMeasure{Comparator: m.Comparator, Value: m.Value, Unit: m.Unit}
}

func labsInterval(iv *labs.Interval) *views.LabsInterval {
	if iv == nil {
		return nil
	}
	return &views.LabsInterval{Low: labsMeasure(iv.Low), High: labsMeasure(iv.High), Text: iv.Text}
}

// enumOr is the message key, or raw as received when the catalog lacks it.
func enumOr(key, raw string) views.Text { return views.LabsMsgOr(key, views.LabsPlain(raw)) }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
