package batch

import (
	"context"
	"errors"
	"testing"
	"time"
)

func counter(n int) func() (int, bool, error) {
	i := 0
	return func() (int, bool, error) {
		if i >= n {
			return 0, false, nil
		}
		i++
		return i, true, nil
	}
}

func TestMapKeepsOrder(t *testing.T) {
	for _, jobs := range []int{1, 2, 8} {
		var got []int
		err := Map(context.Background(), jobs, counter(500), func(i int) int {
			if i%7 == 0 {
				time.Sleep(time.Millisecond) // make later items finish first
			}
			return i * 2
		}, func(v int) error { got = append(got, v); return nil })
		if err != nil {
			t.Fatalf("jobs=%d: Map error: %v", jobs, err)
		}
		if len(got) != 500 {
			t.Fatalf("jobs=%d: got %d results, want 500", jobs, len(got))
		}
		for i, v := range got {
			if v != (i+1)*2 {
				t.Fatalf("jobs=%d: result %d = %d, want %d", jobs, i, v, (i+1)*2)
			}
		}
	}
}

func TestMapStopsOnErrors(t *testing.T) {
	boom := errors.New("boom")
	for _, jobs := range []int{1, 4} {
		n := 0
		err := Map(context.Background(), jobs, counter(1000), func(i int) int { return i },
			func(v int) error {
				n++
				if v == 10 {
					return boom
				}
				return nil
			})
		if !errors.Is(err, boom) || n != 10 {
			t.Errorf("jobs=%d: emit error: err=%v after %d results, want boom after 10", jobs, err, n)
		}
		i := 0
		err = Map(context.Background(), jobs, func() (int, bool, error) {
			i++
			if i == 5 {
				return 0, false, boom
			}
			return i, true, nil
		}, func(i int) int { return i }, func(int) error { return nil })
		if !errors.Is(err, boom) {
			t.Errorf("jobs=%d: next error: err=%v, want boom", jobs, err)
		}
	}
}

func TestMapCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Map(ctx, 3, counter(1<<30), func(i int) int { return i }, func(int) error {
		n++
		if n == 100 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Map after cancel = %v, want context.Canceled", err)
	}
}
