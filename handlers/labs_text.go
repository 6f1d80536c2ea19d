package handlers

import (
	"context"
	"strconv"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/views/i18n"
)

// valueText writes a value as the page shows it. A coded value shows every
// coding and the text (Concept.String), never only the first coding.
func valueText(ctx context.Context, v labs.AnalysisValue) string {
	lang := i18n.From(ctx)
	switch {
	case v.Quantity != nil:
		return measureText(lang, v.Quantity)
	case v.Coded != nil:
		return v.Coded.String()
	case v.Range != nil:
		return intervalText(lang, v.Range)
	case v.DateTime != nil:
		return i18n.DateTime(lang, *v.DateTime)
	case v.Absent != nil:
		return i18n.T(ctx, "labs.value.absent", firstNonEmpty(v.Absent.Display, v.Absent.Code))
	}
	return v.Text
}

// numberText is a measure's comparator and number in the user's locale.
func numberText(lang i18n.Lang, m *labs.Measure) string {
	return m.Comparator + i18n.Decimal(lang, strconv.FormatFloat(m.Value, 'f', -1, 64))
}

func measureText(lang i18n.Lang, m *labs.Measure) string {
	if m == nil {
		return ""
	}
	s := numberText(lang, m)
	if m.Unit != "" {
		s += " " + m.Unit
	}
	return s
}

func intervalText(lang i18n.Lang, iv *labs.Interval) string {
	if iv == nil {
		return ""
	}
	num := func(m *labs.Measure) string { return numberText(lang, m) }
	switch {
	case iv.Low != nil && iv.High != nil:
		s := num(iv.Low) + "–" + num(iv.High)
		if iv.High.Unit != "" {
			s += " " + iv.High.Unit
		}
		return s
	case iv.Low != nil:
		return "≥ " + measureText(lang, iv.Low)
	case iv.High != nil:
		return "≤ " + measureText(lang, iv.High)
	}
	return iv.Text
}

// enumOr translates key, falling back to raw when the catalog lacks it.
func enumOr(ctx context.Context, key, raw string) string {
	if t := i18n.T(ctx, key); t != key {
		return t
	}
	return raw
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
