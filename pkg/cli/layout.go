package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mattn/go-runewidth"
)

// fitSpec says how a table's columns give way when the terminal is
// narrower than the table. Columns are indices into the header.
type fitSpec struct {
	// keep are the columns never cut: what the table is for (a recipient,
	// its status, reason and ticket).
	keep []int
	// give shrink first, most expendable first (free text, a server's
	// name, a path).
	give []int
	// drop are removed, in this order, when the table would not fit with
	// them at a useful width; those not in give are shown whole or not at
	// all (a class, a date).
	drop []int
	// keepEnd are cut at their start (a path keeps its file name).
	keepEnd []int
}

// whole reports whether column i is never cut.
func (s fitSpec) whole(i int) bool {
	return slices.Contains(s.keep, i) || slices.Contains(s.drop, i) && !slices.Contains(s.give, i)
}

// minGive is the width a shrinking column keeps while others can give;
// minShown the narrowest a column that could be dropped is worth showing
// at.
const (
	minGive  = 16
	minShown = 12
)

// fitTable lays rows out to fit width columns as a box with one line per
// row: it chooses the visible columns (dropping spec.drop in order while
// the table cannot fit), then cuts the cells of the columns that give way,
// in place. It reports false when even the kept columns, whole, cannot fit:
// the caller then writes one block per row (writeBlocks).
func fitTable(header []string, rows [][]string, width int, spec fitSpec) (visible []int, ok bool) {
	n := len(header)
	natural := make([]int, n)
	floor := make([]int, n)
	for i, h := range header {
		natural[i] = runewidth.StringWidth(h)
	}
	for _, row := range rows {
		for i := 0; i < n && i < len(row); i++ {
			natural[i] = max(natural[i], cellWidth(row[i]))
		}
	}
	for i, h := range header {
		floor[i] = min(natural[i], max(runewidth.StringWidth(h), 4))
	}
	least := func(i int) int {
		switch {
		case spec.whole(i):
			return natural[i]
		case slices.Contains(spec.drop, i):
			return min(natural[i], max(minShown, floor[i]))
		}
		return floor[i]
	}
	needOf := func(dropped []int) (cols []int, need int) {
		need = 1
		for i := 0; i < n; i++ {
			if !slices.Contains(dropped, i) {
				cols = append(cols, i)
				need += least(i) + 3 // "│ " before each cell, " " after
			}
		}
		return cols, need
	}
	for k := 0; k <= len(spec.drop); k++ {
		dropped := slices.Clone(spec.drop[:k])
		if _, need := needOf(dropped); need > width {
			continue
		}
		// A column dropped on the way may fit again once a wider one
		// has gone: take back the most important that do.
		for j := k - 1; j >= 0; j-- {
			without := slices.DeleteFunc(slices.Clone(dropped), func(c int) bool { return c == spec.drop[j] })
			if _, need := needOf(without); need <= width {
				dropped = without
			}
		}
		visible, _ = needOf(dropped)
		cutColumns(header, rows, natural, floor, visible, width, spec)
		return visible, true
	}
	return nil, false
}

// cutColumns shortens the cells of the visible columns so that the box is
// at most width wide: the give columns first, widest first, down to minGive
// then to their floor; then the other columns but the kept ones. A cut cell
// ends in "…", or starts with it for the keepEnd columns.
func cutColumns(header []string, rows [][]string, natural, floor, visible []int, width int, spec fitSpec) {
	limit := slices.Clone(natural)
	excess := 1 - width
	for _, i := range visible {
		excess += natural[i] + 3
	}
	capAt := func(cols []int, low func(i int) int) {
		for excess > 0 {
			widest := -1
			for _, i := range cols {
				if slices.Contains(visible, i) && limit[i] > low(i) && (widest < 0 || limit[i] > limit[widest]) {
					widest = i
				}
			}
			if widest < 0 {
				return
			}
			limit[widest]--
			excess--
		}
	}
	var others []int
	for _, i := range visible {
		if !spec.whole(i) {
			others = append(others, i)
		}
	}
	capAt(spec.give, func(i int) int { return max(minGive, floor[i]) })
	capAt(spec.give, func(i int) int { return floor[i] })
	capAt(others, func(i int) int { return floor[i] })
	for _, row := range rows {
		for _, i := range visible {
			if i < len(row) && cellWidth(row[i]) > limit[i] {
				row[i] = truncate(row[i], limit[i], slices.Contains(spec.keepEnd, i))
			}
		}
	}
}

// cellWidth is the display width of a cell: its widest line.
func cellWidth(s string) int {
	w := 0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, runewidth.StringWidth(line))
	}
	return w
}

// project returns the cells of row in the visible columns.
func project[T any](row []T, visible []int) []T {
	out := make([]T, 0, len(visible))
	for _, i := range visible {
		var v T
		if i < len(row) {
			v = row[i]
		}
		out = append(out, v)
	}
	return out
}

// writeBlocks writes one block per row, for a terminal too narrow for the
// table: "header  value" lines, values wrapped under the value column,
// empty values left out, a blank line between blocks. Nothing is cut.
func writeBlocks(w io.Writer, header []string, rows [][]string, width int) error {
	label := 0
	for _, h := range header {
		label = max(label, runewidth.StringWidth(h))
	}
	var b strings.Builder
	for r, row := range rows {
		if r > 0 {
			b.WriteByte('\n')
		}
		for i, h := range header {
			if i >= len(row) || row[i] == "" {
				continue
			}
			b.WriteString(wrapValue(fmt.Sprintf("%-*s  ", label, strings.ToLower(h)), row[i], width))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// splitLong breaks a word wider than room into pieces that fit, on
// lines of their own: nothing is lost and no line is wider than the
// terminal.
func splitLong(word string, room int) []string {
	if runewidth.StringWidth(word) <= room {
		return []string{word}
	}
	var out []string
	var cur strings.Builder
	w := 0
	for _, r := range word {
		rw := runewidth.RuneWidth(r)
		if w+rw > room {
			out = append(out, cur.String())
			cur.Reset()
			w = 0
		}
		cur.WriteRune(r)
		w += rw
	}
	return append(out, cur.String())
}

// wrapValue writes "prefix value\n" with the value wrapped at spaces to
// width columns, its later lines indented to the value column. A word
// longer than a line is broken over lines, never cut off. Values holding
// escape sequences (colour) are not wrapped.
func wrapValue(prefix, value string, width int) string {
	if strings.Contains(value, "\n") {
		// A value of several lines (a list): each line wrapped on its
		// own, all under the value column.
		var b strings.Builder
		pad := strings.Repeat(" ", runewidth.StringWidth(prefix))
		for i, line := range strings.Split(value, "\n") {
			if i == 0 {
				b.WriteString(wrapValue(prefix, line, width))
			} else {
				b.WriteString(wrapValue(pad, line, width))
			}
		}
		return b.String()
	}
	indent := runewidth.StringWidth(prefix)
	room := width - indent
	if room < 20 || strings.ContainsRune(value, '\x1b') || runewidth.StringWidth(value) <= room {
		return prefix + value + "\n"
	}
	var b strings.Builder
	b.WriteString(prefix)
	col := 0
	var words []string
	for _, word := range strings.Fields(value) {
		words = append(words, splitLong(word, room)...)
	}
	for _, word := range words {
		ww := runewidth.StringWidth(word)
		if col > 0 && col+1+ww > room {
			b.WriteString("\n")
			b.WriteString(strings.Repeat(" ", indent))
			col = 0
		}
		if col > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += ww
	}
	b.WriteByte('\n')
	return b.String()
}

// wrapWidth is the width values wrap at: the terminal's, or 0 (no
// wrapping) when standard output is not a terminal.
func wrapWidth(ios *IOStreams) int {
	if ios.IsStdoutTTY() {
		return ios.Width()
	}
	return 0
}
