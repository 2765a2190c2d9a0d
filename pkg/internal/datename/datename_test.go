package datename

import (
	"testing"
	"time"
)

func TestNames(t *testing.T) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if name := d.String()[:3]; !Weekday(name) {
			t.Errorf("Weekday(%q) = false", name)
		}
	}
	for m := time.January; m <= time.December; m++ {
		if name := m.String()[:3]; Month(name) != m {
			t.Errorf("Month(%q) = %v, want %v", name, Month(name), m)
		}
	}
	for _, s := range []string{"", "mon", "MON", "Monday", "jan", "JAN", "Sept"} {
		if Weekday(s) || Month(s) != 0 {
			t.Errorf("%q is read as a name", s)
		}
	}
}

// TestDaysIn holds DaysIn to time.Date's normalisation, over four
// centuries and a few years outside them.
func TestDaysIn(t *testing.T) {
	for _, year := range []int{-1, 0, 1, 1600, 1700, 1900, 1969, 2000, 2024, 2100, 9999} {
		for m := time.January; m <= time.December; m++ {
			want := time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := DaysIn(m, year); got != want {
				t.Errorf("DaysIn(%v, %d) = %d, want %d", m, year, got, want)
			}
		}
	}
}
