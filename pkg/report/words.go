package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The words the renderings of a report (text, markdown, HTML) write figures
// with, in one place so that they agree.

// Count writes "1 message", "2 messages", "12,345 messages".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return Thousands(n) + " " + noun + "s"
}

// Thousands writes n with commas between groups of three digits.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Percent writes a share (0.345) as a percentage with one decimal ("34.5%").
func Percent(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) + "%"
}

// RecipientList joins the first max recipients and says how many more.
func RecipientList(rcpts []string, max int) string {
	if len(rcpts) <= max {
		return strings.Join(rcpts, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(rcpts[:max], ", "), len(rcpts)-max)
}
