package views

import (
	"context"
	"strings"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

// FaultLine is one simulator fault in force (F19), as the fault panel and
// the fault band under the DEMO band show it. The names are the fault
// layer's own (package simfault); the view words them.
type FaultLine struct {
	ID         string
	Upstream   string        // "person", "labs", "hpr", "maskinporten", "helseid"
	Kind       string        // "503", "latency", "wrong-content-type", ...
	Route      string        // a path prefix or an information part; "" is every call
	Latency    time.Duration // added before the answer; 0 is none
	RetryAfter int           // seconds, for 503 and 429; 0 is the layer's default
	Until      time.Time     // zero: until cleared
}

// FaultOption is one choice of a select on the fault form.
type FaultOption struct {
	Value    string
	Selected bool
}

// FaultForm is the fault panel's form as submitted, for the page to show
// again with the error after a refusal.
type FaultForm struct {
	Upstream, Kind, Route, LatencyMS, RetryAfter, Duration string
	// Error says what is wrong, in plain words; zero when nothing is.
	Error Text
	// ErrorField is the form field Error is about ("upstream", "kind",
	// "route", "latency_ms", "retry_after", "duration").
	ErrorField string
}

// FaultsPage is the fault panel, /testdata/faults.
type FaultsPage struct {
	Faults    []FaultLine
	Upstreams []string // the form's choices, in order
	Kinds     []string
	Parts     []string // the Person API's information parts, offered for the route
	Durations []string // "1m", "5m", "15m", "" (until cleared)
	Form      FaultForm
}

// FaultUpstreamName names a simulated service.
func FaultUpstreamName(up string) Text { return MsgOr("faults.upstream."+up, up) }

// FaultKindName names a kind of fault.
func FaultKindName(kind string) Text {
	return MsgOr("faults.kind."+strings.ReplaceAll(kind, "-", "_"), kind)
}

// faultDurationName names a duration choice.
func faultDurationName(d string) Text {
	if d == "" {
		return Msg("faults.duration.cleared")
	}
	return Msg("faults.duration." + d)
}

// faultText words one fault for the band and the panel: "Persontjenesten:
// 503 utilgjengelig (alle kall) til kl. 16.42".
func faultText(ctx context.Context, f FaultLine) string {
	l := i18n.From(ctx)
	parts := []string{FaultUpstreamName(f.Upstream).Lang(l) + ":", FaultKindName(f.Kind).Lang(l)}
	if f.Latency > 0 && f.Kind != "latency" {
		parts = append(parts, i18n.TL(l, "faults.plus_latency", int(f.Latency/time.Millisecond)))
	}
	if f.Kind == "latency" {
		parts = append(parts, i18n.TL(l, "faults.latency_ms", int(f.Latency/time.Millisecond)))
	}
	if f.Route == "" {
		parts = append(parts, i18n.TL(l, "faults.scope.all"))
	} else {
		parts = append(parts, i18n.TL(l, "faults.scope.route", f.Route))
	}
	if f.Until.IsZero() {
		parts = append(parts, i18n.TL(l, "faults.until.cleared"))
	} else {
		parts = append(parts, i18n.TL(l, "faults.until", i18n.Clock(l, f.Until)))
	}
	return strings.Join(parts, " ")
}

// faultOptions marks the chosen value among values.
func faultOptions(values []string, chosen string) []FaultOption {
	out := make([]FaultOption, len(values))
	for i, v := range values {
		out[i] = FaultOption{Value: v, Selected: v == chosen}
	}
	return out
}

// faultFieldError is the form's error when it is about field, else "".
func faultFieldError(ctx context.Context, f FaultForm, field string) string {
	if f.ErrorField != field {
		return ""
	}
	return f.Error.In(ctx)
}
