package app

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestLoadConfig_EveryInvalidVariableAtOnce: several invalid variables are
// reported together, one line each with the variable's name first, and
// errors.As still finds a *configError.
func TestLoadConfig_EveryInvalidVariableAtOnce(t *testing.T) {
	env := map[string]string{
		"OPPSLAG_ADDR":                 "no-port",
		"OPPSLAG_DEMO_PERSONS":         "12",
		"OPPSLAG_SESSION_IDLE_TIMEOUT": "soon",
		"OPPSLAG_HPR_SCOPES":           "nhn:hpr/a,nhn:hpr/b", // two bad scopes, one line
		"OPPSLAG_AUDITOR_PIDS":         "hello",
		"OPPSLAG_LOG_FORMAT":           "xml",
	}
	_, err := LoadConfig(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("LoadConfig: got nil error")
	}
	lines := strings.Split(err.Error(), "\n")
	if got, want := lines[0], "configuration: 6 variables are invalid:"; got != want {
		t.Errorf("first line: got %q, want %q", got, want)
	}
	var named []string
	for _, l := range lines[1:] {
		name, _, ok := strings.Cut(strings.TrimSpace(l), ": ")
		if !ok || !strings.HasPrefix(name, "OPPSLAG_") {
			t.Errorf("line %q: want the variable's name first", l)
		}
		named = append(named, name)
	}
	want := []string{"OPPSLAG_ADDR", "OPPSLAG_DEMO_PERSONS", "OPPSLAG_SESSION_IDLE_TIMEOUT", "OPPSLAG_HPR_SCOPES",
		"OPPSLAG_AUDITOR_PIDS", "OPPSLAG_LOG_FORMAT"}
	if !slices.Equal(named, want) {
		t.Errorf("variables named: got %q, want %q", named, want)
	}
	var ce *configError
	if !errors.As(err, &ce) || ce.name != "OPPSLAG_ADDR" {
		t.Errorf("errors.As *configError: got %v, want the first variable's error", ce)
	}
}

// TestLoadConfig_OneInvalidVariable keeps the one-line form.
func TestLoadConfig_OneInvalidVariable(t *testing.T) {
	_, err := LoadConfig(func(k string) string { return map[string]string{"OPPSLAG_LOG_FORMAT": "xml"}[k] })
	var ce *configError
	if !errors.As(err, &ce) {
		t.Fatalf("LoadConfig: got %v, want a *configError", err)
	}
	if got, want := err.Error(), "configuration: OPPSLAG_LOG_FORMAT: want text or json"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLoadConfig_AuditorPIDs: each entry must be a national identity
// number with valid check digits; the problem never repeats the value.
func TestLoadConfig_AuditorPIDs(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    []string
		wantErr bool
	}{
		{name: "unset", value: "", want: nil},
		{name: "one", value: "12057900499", want: []string{"12057900499"}},
		{name: "several, spaced, written with a separator", value: " 12057900499 , 520579-00482,", want: []string{"12057900499", "52057900482"}},
		{name: "a word", value: "hello", wantErr: true},
		{name: "a wrong check digit", value: "12057900498", wantErr: true},
		{name: "ten digits", value: "1205790049", wantErr: true},
		{name: "a felles hjelpenummer is no one's login", value: "81234567802", wantErr: true},
		{name: "one bad among good", value: "12057900499,12345678901", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(func(k string) string { return map[string]string{"OPPSLAG_AUDITOR_PIDS": tt.value}[k] })
			if tt.wantErr {
				var ce *configError
				if !errors.As(err, &ce) || ce.name != "OPPSLAG_AUDITOR_PIDS" {
					t.Fatalf("got %v, want an error naming OPPSLAG_AUDITOR_PIDS", err)
				}
				for _, v := range strings.Split(tt.value, ",") {
					if len(v) > 3 && strings.Contains(err.Error(), strings.TrimSpace(v)) {
						t.Errorf("error %q repeats the value %q", err, v)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadConfig: %v", err)
			}
			if !slices.Equal(c.AuditorPIDs, tt.want) {
				t.Errorf("AuditorPIDs: got %q, want %q", c.AuditorPIDs, tt.want)
			}
		})
	}
}

// TestLoadConfig_MetricsAddr: off by default, a host:port otherwise, and
// never the portal's own listener.
func TestLoadConfig_MetricsAddr(t *testing.T) {
	tests := []struct {
		name, addr, metrics string
		want                string
		wantErr             bool
	}{
		{name: "unset: no metrics", want: ""},
		{name: "a port of its own", metrics: "127.0.0.1:9090", want: "127.0.0.1:9090"},
		{name: "every interface, another port", metrics: ":9090", want: ":9090"},
		{name: "both on free ports", addr: "127.0.0.1:0", metrics: "127.0.0.1:0", want: "127.0.0.1:0"},
		{name: "no port", metrics: "metrics", wantErr: true},
		{name: "the portal's address", metrics: "127.0.0.1:8080", wantErr: true},
		{name: "the portal's port on every interface", addr: "0.0.0.0:8443", metrics: "127.0.0.1:8443", wantErr: true},
		{name: "the portal's port, metrics on every interface", metrics: ":8080", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"OPPSLAG_ADDR": tt.addr, "OPPSLAG_METRICS_ADDR": tt.metrics}
			c, err := LoadConfig(func(k string) string { return env[k] })
			if tt.wantErr {
				var ce *configError
				if !errors.As(err, &ce) || ce.name != "OPPSLAG_METRICS_ADDR" {
					t.Fatalf("got %v, want an error naming OPPSLAG_METRICS_ADDR", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadConfig: %v", err)
			}
			if got := c.MetricsAddr; got != tt.want {
				t.Errorf("MetricsAddr: got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLoadConfig_PersonCache: on unless OPPSLAG_PERSON_CACHE=off; any
// other word is refused.
func TestLoadConfig_PersonCache(t *testing.T) {
	for v, off := range map[string]bool{"": false, "on": false, "off": true} {
		c, err := LoadConfig(func(k string) string {
			if k == "OPPSLAG_PERSON_CACHE" {
				return v
			}
			return ""
		})
		if err != nil || c.PersonCacheOff != off {
			t.Errorf("OPPSLAG_PERSON_CACHE=%q: off %t, %v; want %t", v, c.PersonCacheOff, err, off)
		}
	}
	if _, err := LoadConfig(func(k string) string {
		if k == "OPPSLAG_PERSON_CACHE" {
			return "sometimes"
		}
		return ""
	}); err == nil || !strings.Contains(err.Error(), "OPPSLAG_PERSON_CACHE") {
		t.Errorf("OPPSLAG_PERSON_CACHE=sometimes: %v; want refused", err)
	}
}
