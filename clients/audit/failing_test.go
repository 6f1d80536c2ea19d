package audit

import (
	"context"
	"errors"
	"testing"
)

func TestS20_FailingStore(t *testing.T) {
	s := Failing()
	ctx := context.Background()
	_, recordErr := s.Record(ctx, sampleEvent(1))
	_, queryErr := s.Query(ctx, Filter{})
	_, verifyErr := s.Verify(ctx)
	for name, err := range map[string]error{
		"Record": recordErr,
		"Ping":   s.Ping(ctx),
		"Query":  queryErr,
		"Verify": verifyErr,
	} {
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s: got %v, want ErrUnavailable", name, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: got %v, want nil", err)
	}
}
