package hpr

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"6", 6 * time.Second},
		{"120", 2 * time.Minute},
		{"0", time.Second},             // at least a second: HPR did refuse
		{"", defaultRetryAfter},        // missing
		{"soon", defaultRetryAfter},    // unreadable
		{"-5", defaultRetryAfter},      // negative
		{"99999999999", maxRetryAfter}, // capped
		{"1.5", defaultRetryAfter},     // not delay-seconds
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), time.Second},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), maxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := retryAfter(tt.header, now); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRateLimitError_Seconds(t *testing.T) {
	tests := []struct {
		wait time.Duration
		want int
	}{
		{0, 1}, {time.Millisecond, 1}, {time.Second, 1}, {1001 * time.Millisecond, 2}, {6 * time.Second, 6},
	}
	for _, tt := range tests {
		e := &RateLimitError{RetryAfter: tt.wait}
		if got := e.Seconds(); got != tt.want {
			t.Errorf("Seconds(%s): got %d, want %d", tt.wait, got, tt.want)
		}
	}
}
