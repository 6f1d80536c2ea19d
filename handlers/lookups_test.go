package handlers

import (
	"net/http/httptest"
	"testing"
)

func TestReturnTarget(t *testing.T) {
	tests := []struct {
		name, method, target, want string
	}{
		{"a path", "GET", "/me/lookups", "/me/lookups"},
		{"the whole URL of a trend page", "GET", "/person/h1/labs/trend?code=NPU01370&range=1y", "/person/h1/labs/trend?code=NPU01370&range=1y"},
		{"an escaped query stays escaped", "GET", "/hpr?q=Bj%C3%B8rn&birth=01.02.1980", "/hpr?q=Bj%C3%B8rn&birth=01.02.1980"},
		{"HEAD as GET", "HEAD", "/hpr?q=565501872", "/hpr?q=565501872"},
		{"a POST keeps its path", "POST", "/search?x=1", "/search"},
		{"an identity number in the query is dropped", "GET", "/hpr?q=14837841276", "/hpr"},
		{"spaced", "GET", "/hpr?q=148378+41276", "/hpr"},
		{"escaped and dotted", "GET", "/hpr?q=148%2E378%2041276", "/hpr"},
		{"a query that does not decode", "GET", "/hpr?q=%zz", "/hpr"},
		{"a date and an HPR number are no identity number", "GET", "/hpr?q=565501872&birth=01.02.1980", "/hpr?q=565501872&birth=01.02.1980"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			if got := returnTarget(r); got != tt.want {
				t.Errorf("returnTarget(%s %s) = %q, want %q", tt.method, tt.target, got, tt.want)
			}
		})
	}
}

func TestBasisOf(t *testing.T) {
	if got := basisOf(""); !got.IsZero() {
		t.Errorf("basisOf(\"\") = %+v; want none", got)
	}
	if got := basisOf("SAMTYKKE"); got.Key != "labs.basis.samtykke" {
		t.Errorf("basisOf(SAMTYKKE) = %+v; want labs.basis.samtykke", got)
	}
	if got := basisOf("NY_GRUNN"); got.Key != "" || len(got.Args) != 1 || got.Args[0] != "NY_GRUNN" {
		t.Errorf("basisOf(NY_GRUNN) = %+v; want the code as received", got)
	}
}
