package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		status int
		want   error
	}{
		{400, ErrBadRequest}, {415, ErrBadRequest}, {422, ErrBadRequest},
		{401, ErrUnauthorized}, {403, ErrForbidden}, {404, ErrNotFound}, {429, ErrRateLimited},
		{409, ErrUnavailable}, {500, ErrUnavailable}, {502, ErrUnavailable}, {503, ErrUnavailable}, {504, ErrUnavailable},
		{302, ErrUnavailable},
	}
	for _, tt := range tests {
		if got := KindOf(tt.status); got != tt.want {
			t.Errorf("KindOf(%d): got %v, want %v", tt.status, got, tt.want)
		}
	}
}

func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	err := Interrupted(ctx)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: got %v, want ErrTimeout and context.DeadlineExceeded", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	err = Interrupted(ctx)
	if errors.Is(err, ErrTimeout) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled and not ErrTimeout", err)
	}
}

func TestFailed(t *testing.T) {
	err := Failed(context.Background(), errors.New("dial tcp: connection refused"))
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if err := Failed(ctx, errors.New("i/o timeout")); !errors.Is(err, ErrTimeout) {
		t.Errorf("after the deadline: got %v, want ErrTimeout", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"6", 6 * time.Second},
		{"120", 2 * time.Minute},
		{"0", time.Second},             // at least a second: the service did refuse
		{"", DefaultRetryAfter},        // missing
		{"soon", DefaultRetryAfter},    // unreadable
		{"-5", DefaultRetryAfter},      // negative
		{"99999999999", MaxRetryAfter}, // capped
		{"1.5", DefaultRetryAfter},     // not delay-seconds
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), time.Second},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), MaxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := RetryAfter(tt.header, now); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRateLimitError(t *testing.T) {
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
		wrapped := fmt.Errorf("hpr: by number: %w", e)
		if !errors.Is(wrapped, ErrRateLimited) {
			t.Errorf("%v does not match ErrRateLimited", wrapped)
		}
		if got := RetryAfterOf(wrapped); got != time.Duration(tt.want)*time.Second {
			t.Errorf("RetryAfterOf: got %s, want %d s", got, tt.want)
		}
	}
	if got := RetryAfterOf(fmt.Errorf("x: %w", ErrRateLimited)); got != DefaultRetryAfter {
		t.Errorf("RetryAfterOf(bare kind): got %s, want %s", got, DefaultRetryAfter)
	}
	if got := RetryAfterOf(ErrUnavailable); got != 0 {
		t.Errorf("RetryAfterOf(other kind): got %s, want 0", got)
	}
}
