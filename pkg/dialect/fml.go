package dialect

import "strings"

// fml, a mailing list manager, answers a post it refuses (from a
// non-member, a looping message) with a notice in its own words: the list's
// address in angle brackets, the reason in the subject.
func fml(in *Input) *Result {
	p := in.prep()
	for _, line := range strings.Split(p.report, "\n") {
		if !strings.Contains(line, "<") {
			continue
		}
		for _, a := range findAddrs(line) {
			if a.start > 0 && line[a.start-1] == '<' {
				return &Result{Recipients: []Recipient{{
					Address: a.addr, Action: "failed",
					Diagnostic: Fold(in.header("Subject") + " " + line),
				}}}
			}
		}
	}
	return nil
}
