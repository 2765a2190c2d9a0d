package bounce

import (
	"errors"
	"slices"
	"strings"

	"github.com/bounce-tool/bounce/pkg/source"
)

// AnalyzeMessage analyses a message read by package source and labels its
// records with the message's Source and Index. A message that could not be
// read gives one record of kind "error".
func AnalyzeMessage(m *source.Message, opts *Options) []Record {
	switch {
	case m.Err != nil:
		r := ErrorRecord(m.Source, m.Index, m.Err)
		r.UIDValidity, r.Path = m.UIDValidity, filePath(m)
		return []Record{r}
	case len(m.Data) == 0:
		// Not a message at all: bounce loops says the same.
		r := ErrorRecord(m.Source, m.Index, ErrEmpty)
		r.UIDValidity = m.UIDValidity
		return []Record{r}
	}
	recs := analyzeInput(nil, m.Data, opts)
	truncated := "" // the same for every record of the message
	if m.Truncated && len(recs) > 0 {
		truncated = joinLimit(LimitMessageSize, recs[0].Truncated)
	}
	for i := range recs {
		recs[i].Source, recs[i].Index, recs[i].UIDValidity = m.Source, m.Index, m.UIDValidity
		recs[i].Path = filePath(m)
		if m.Truncated {
			recs[i].Truncated = truncated
		}
	}
	return recs
}

// ErrEmpty is the error of a message without a single byte: the one answer
// of every command (inspect's error record, loops' error).
var ErrEmpty = errors.New("empty message")

// LimitMessageSize is the name of the message size limit in
// Record.Truncated (see source.Options.MaxMessageSize).
const LimitMessageSize = "message-size"

// joinLimit adds name to a comma-separated list of limit names, keeping it
// sorted.
func joinLimit(name, list string) string {
	if list == "" {
		return name
	}
	names := append(strings.Split(list, ","), name)
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ",")
}

// filePath is the Path of m's records: the file it came from, "" for
// standard input.
func filePath(m *source.Message) string {
	if m.Path == "-" {
		return ""
	}
	return m.Path
}
