package bounce

import (
	"bytes"

	"github.com/bounce-tool/bounce/pkg/source"
)

// AnalyzeMessage analyses a message read by package source and labels its
// records with the message's Source and Index. A message that could not be
// read gives one record of kind "error".
func AnalyzeMessage(m *source.Message, opts *Options) []Record {
	if m.Err != nil {
		return []Record{ErrorRecord(m.Source, m.Index, m.Err)}
	}
	recs := Analyze(bytes.NewReader(m.Data), opts)
	for i := range recs {
		recs[i].Source, recs[i].Index = m.Source, m.Index
	}
	return recs
}
