package audit

import (
	"context"
	"fmt"
)

// Failing returns a Store whose every operation fails with ErrUnavailable.
// It exists for fail-closed tests (S20): a handler given this store must
// answer 503 with a correlation id and write no patient data.
func Failing() Store { return failing{} }

type failing struct{}

func (failing) Record(context.Context, Event) (Record, error) {
	return Record{}, fmt.Errorf("audit: record: %w", ErrUnavailable)
}

func (failing) Query(context.Context, Filter) ([]Record, error) {
	return nil, fmt.Errorf("audit: query: %w", ErrUnavailable)
}

func (failing) Verify(context.Context) (Report, error) {
	return Report{}, fmt.Errorf("audit: verify: %w", ErrUnavailable)
}

func (failing) Ping(context.Context) error {
	return fmt.Errorf("audit: ping: %w", ErrUnavailable)
}

func (failing) Close() error { return nil }
