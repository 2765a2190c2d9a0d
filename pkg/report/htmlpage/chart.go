package htmlpage

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
)

// The charts are drawn here as SVG: the geometry is computed in Go, the
// template only places numbers and escaped labels.

const (
	chartWidth = 840
	maxColumns = 120 // columns of the time series at most: older ones are summed up in a note
	labelChars = 46  // characters of a bar label; the whole value is in the bar's tooltip
)

// tick is a labelled position on an axis.
type tick struct {
	Pos   float64
	Label string
}

// timeChart is the stacked column chart of failures over time.
type timeChart struct {
	ID, Title, Desc, Note, Empty, XTitle, YTitle string
	Width, Height                                int
	PlotX, PlotRight, PlotBottom, TickX          float64
	XLabelY, XTitleY, MidX, MidY                 float64
	EmptyX, EmptyY, LegendX, LegendY             float64
	YTicks, XTicks                               []tick
	Columns                                      []timeColumn
}

// timeColumn is one column of the time series: the permanent part at the
// bottom, the temporary part (hatched) above it.
type timeColumn struct {
	Label, Tip                       string
	X, W, PermY, PermH, TempY, TempH float64
}

// bucket is the failures of one day, week or month.
type bucket struct {
	start           time.Time
	perm, temp      int
	label, longName string
}

// dayChart draws failures per day; over a longer span per week or month,
// and at most maxColumns columns (the latest), so that its size does not
// grow with the input.
func dayChart(days []report.Day, failed int) *timeChart {
	c := &timeChart{ID: "chart-days", Title: "Failures per day, by class", Width: chartWidth, Height: 300,
		YTitle: "Failures", XTitle: "Day (UTC)"}
	c.EmptyX, c.EmptyY = float64(c.Width)/2, float64(c.Height)/2
	dated := 0
	for _, d := range days {
		dated += d.Failed
	}
	if undated := failed - dated; undated > 0 {
		c.Note = fmt.Sprintf("%s without a date not shown.", report.Count(undated, "failure"))
	}
	buckets, unit := bucketize(days)
	if len(buckets) == 0 {
		c.Empty = "No dated failures."
		c.Desc = c.Empty
		return c
	}
	switch unit {
	case "week":
		c.Title, c.XTitle = "Failures per week, by class", "Week starting (UTC)"
	case "month":
		c.Title, c.XTitle = "Failures per month, by class", "Month (UTC)"
	}
	if len(buckets) > maxColumns {
		older := 0
		for _, b := range buckets[:len(buckets)-maxColumns] {
			older += b.perm + b.temp
		}
		buckets = buckets[len(buckets)-maxColumns:]
		c.Note = strings.TrimSpace(fmt.Sprintf("%s before %s not shown. %s", report.Count(older, "failure"),
			buckets[0].start.Format(time.DateOnly), c.Note))
	}
	c.PlotX, c.PlotRight, c.PlotBottom, c.TickX = 56, float64(c.Width)-16, float64(c.Height)-78, 50
	top := 16.0
	c.XLabelY, c.XTitleY = c.PlotBottom+18, c.PlotBottom+40
	c.MidX, c.MidY = (c.PlotX+c.PlotRight)/2, (top+c.PlotBottom)/2
	c.LegendX, c.LegendY = c.PlotX, float64(c.Height)-18
	peak, peakAt, total := 0, "", 0
	for _, b := range buckets {
		if n := b.perm + b.temp; n > peak {
			peak, peakAt = n, b.longName
		}
		total += b.perm + b.temp
	}
	ymax, ticks := niceScale(peak)
	h := c.PlotBottom - top
	for _, v := range ticks {
		c.YTicks = append(c.YTicks, tick{Pos: round(c.PlotBottom - float64(v)*h/float64(ymax)), Label: report.Thousands(v)})
	}
	step := (c.PlotRight - c.PlotX) / float64(len(buckets))
	gap := math.Min(step*0.2, 6)
	every := (len(buckets) + 9) / 10 // at most 10 labels
	if len(buckets[0].label) > 6 {
		every = (len(buckets) + 6) / 7 // or 7 long ones
	}
	for i, b := range buckets {
		x := c.PlotX + float64(i)*step
		col := timeColumn{Label: b.longName, X: round(x + gap/2), W: round(step - gap),
			Tip: fmt.Sprintf("%s (%d permanent, %d temporary)", report.Count(b.perm+b.temp, "failure"), b.perm, b.temp)}
		col.PermH = round(float64(b.perm) * h / float64(ymax))
		col.PermY = round(c.PlotBottom - col.PermH)
		col.TempH = round(float64(b.temp) * h / float64(ymax))
		col.TempY = round(col.PermY - col.TempH)
		c.Columns = append(c.Columns, col)
		if i%every == 0 {
			c.XTicks = append(c.XTicks, tick{Pos: round(x + step/2), Label: b.label})
		}
	}
	c.Desc = fmt.Sprintf("%s from %s to %s; the most, %d, in %s. Each column shows its permanent and temporary failures.",
		report.Count(total, "failure"), buckets[0].longName, buckets[len(buckets)-1].longName, peak, peakAt)
	return c
}

// bucketize sums days into days, weeks (from Monday) or months, with the
// empty ones in between, choosing the finest unit that keeps the columns
// few.
func bucketize(days []report.Day) ([]bucket, string) {
	type parsed struct {
		t          time.Time
		perm, temp int
	}
	var ps []parsed
	for _, d := range days {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue
		}
		ps = append(ps, parsed{t, d.Permanent, d.Temporary})
	}
	if len(ps) == 0 {
		return nil, ""
	}
	first, last := ps[0].t, ps[len(ps)-1].t
	span := int(last.Sub(first).Hours()/24) + 1
	unit := "day"
	start := func(t time.Time) time.Time { return t }
	next := func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	label := func(t time.Time) string { return t.Format("Jan 2") }
	long := func(t time.Time) string { return t.Format(time.DateOnly) }
	switch {
	case span > 92*7:
		unit = "month"
		start = func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }
		next = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
		label = func(t time.Time) string { return t.Format("Jan 2006") }
		long = func(t time.Time) string { return t.Format("January 2006") }
	case span > 92:
		unit = "week"
		start = func(t time.Time) time.Time { return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)) }
		next = func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }
		long = func(t time.Time) string { return "week of " + t.Format(time.DateOnly) }
	}
	if first.Year() != last.Year() && unit != "month" {
		label = func(t time.Time) string { return t.Format("2006-01-02") }
	}
	var out []bucket
	i := 0
	for b := start(first); !b.After(last); b = next(b) {
		bk := bucket{start: b, label: label(b), longName: long(b)}
		end := next(b)
		for ; i < len(ps) && ps[i].t.Before(end); i++ {
			bk.perm += ps[i].perm
			bk.temp += ps[i].temp
		}
		out = append(out, bk)
	}
	return out, unit
}

// barChart is a horizontal bar chart of a ranking.
type barChart struct {
	ID, Title, Desc, Note, Empty, XTitle, YTitle string
	Width, Height                                int
	LabelX, PlotX, PlotY, PlotBottom, BarH       float64
	XLabelY, XTitleY, MidX                       float64
	EmptyX, EmptyY, LegendX, LegendY             float64
	XTicks                                       []tick
	Rows                                         []barRow
	Table                                        table
}

// barRow is one bar: its permanent part, then its temporary part.
type barRow struct {
	Label, Full, Tip                      string
	Count                                 int
	Y, TextY, PermW, TempX, TempW, CountX float64
}

func rankingChart(id, title, what string, r report.Ranking, label func(report.Entry) string) barChart {
	if label == nil {
		label = func(e report.Entry) string { return e.Value }
	}
	c := barChart{ID: "chart-" + id, Title: title, Width: chartWidth, YTitle: what, XTitle: "Failures"}
	const rowH, top = 26.0, 24.0
	c.LabelX, c.PlotX, c.PlotY, c.BarH = 322, 330, top, 18
	plotRight := float64(c.Width) - 56
	c.Table = table{ID: "data-" + id, Caption: "The figures as a table",
		Head: []column{{what, false, "wrap"}, {"Failures", true, ""}, {"Permanent", true, ""}, {"Temporary", true, ""}}}
	if len(r.Top) == 0 {
		c.Height = 80
		c.Empty = "No failures."
		c.Desc = c.Empty
		c.EmptyX, c.EmptyY = float64(c.Width)/2, 40
		return c
	}
	c.PlotBottom = top + rowH*float64(len(r.Top))
	c.XLabelY, c.XTitleY = c.PlotBottom+16, c.PlotBottom+36
	c.LegendX, c.LegendY = c.PlotX, c.PlotBottom+48
	c.Height = int(c.LegendY) + 22
	c.MidX = (c.PlotX + plotRight) / 2
	xmax, ticks := niceScale(r.Top[0].Count)
	w := plotRight - c.PlotX
	for _, v := range ticks {
		c.XTicks = append(c.XTicks, tick{Pos: round(c.PlotX + float64(v)*w/float64(xmax)), Label: report.Thousands(v)})
	}
	var desc []string
	for i, e := range r.Top {
		full := orNone(label(e))
		y := top + rowH*float64(i) + (rowH-c.BarH)/2
		row := barRow{Label: shorten(full, labelChars), Full: full, Count: e.Count, Y: round(y), TextY: round(y + c.BarH/2 + 4),
			Tip: fmt.Sprintf("%s (%d permanent, %d temporary)", report.Count(e.Count, "failure"), e.Permanent, e.Temporary)}
		row.PermW = round(float64(e.Permanent) * w / float64(xmax))
		row.TempX = round(c.PlotX + row.PermW)
		row.TempW = round(float64(e.Temporary) * w / float64(xmax))
		row.CountX = round(row.TempX + row.TempW + 6)
		c.Rows = append(c.Rows, row)
		desc = append(desc, fmt.Sprintf("%s %d", full, e.Count))
		c.Table.Rows = append(c.Table.Rows, []cell{{Text: full}, {Text: strconv.Itoa(e.Count), Num: true},
			{Text: strconv.Itoa(e.Permanent), Num: true}, {Text: strconv.Itoa(e.Temporary), Num: true}})
	}
	c.Desc = fmt.Sprintf("Failures by %s, most first: %s.", strings.ToLower(what), strings.Join(desc, "; "))
	if r.Other > 0 {
		c.Note = fmt.Sprintf("… and %s with %d other values (--top 0 shows all).", report.Count(r.Other, "failure"), r.Distinct-len(r.Top))
		c.Desc += " " + c.Note
	}
	return c
}

// niceScale returns an axis maximum of at least max and its ticks: 0 and
// steps of 1, 2 or 5 times a power of ten, about five of them.
func niceScale(max int) (int, []int) {
	if max < 1 {
		max = 1
	}
	step := 1
	for mag := 1; ; mag *= 10 {
		done := false
		for _, m := range []int{1, 2, 5} {
			if max/(m*mag) <= 5 {
				step, done = m*mag, true
				break
			}
		}
		if done {
			break
		}
	}
	top := (max + step - 1) / step * step
	var ticks []int
	for v := 0; v <= top; v += step {
		ticks = append(ticks, v)
	}
	return top, ticks
}

// shorten cuts s to n characters, ending in "…".
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// round keeps one decimal, so the SVG stays small and deterministic.
func round(f float64) float64 { return math.Round(f*10) / 10 }
