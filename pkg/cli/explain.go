package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bounce-tool/bounce/pkg/bounce"
	"github.com/bounce-tool/bounce/pkg/reason"
	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/fatih/color"
	"github.com/spf13/cobra"
)

var explainFormats = []string{"text", "json"}

func newExplainCmd(ios *IOStreams) *cobra.Command {
	var format, failOn string
	var asJSON bool
	out := &outputFlags{format: &format, json: &asJSON, failOn: &failOn, def: "text", formats: explainFormats,
		failOns: []string{""}}
	cmd := &cobra.Command{
		Use:   "explain [CODE|REASON|LINE ...]",
		Short: "Explain status codes, reasons or a server's line: 5.7.26, 550, mailboxfull, \"550 5.7.1 ... blocked\"",
		Long: `Explain what people paste: an enhanced status code (RFC 3463, such as 5.1.1),
an SMTP reply code (RFC 5321, such as 550) or both together ("550 5.1.1"),
several codes, a reason word of bounce's vocabulary (mailboxfull, onhold), or
a whole line a server wrote ("550 5.7.1 client host blocked using Spamhaus"):
for a line, every code in it and the reason bounce's classifier gives its
words. With no argument, each line of standard input is explained.

For a code: the class, subject and detail titles from the IANA registry,
what the code usually means and what to do about it, and the meaning large
providers (Gmail, Microsoft 365) give it where theirs differs.

--format json prints one JSON object per code, reason or line, one a line.` + exitStatusHelp,
		Example: `  bounce explain 5.7.26
  bounce explain 550 "550 5.1.1" 5.2.2
  bounce explain mailboxfull
  bounce explain "550 5.7.1 Service unavailable; client host blocked using Spamhaus"
  grep -h '^Diagnostic-Code' *.eml | bounce explain`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.check(); err != nil {
				return err
			}
			var items []explainItem
			if len(args) == 0 {
				if ios.IsStdinTTY() {
					return flagErrorf("no input: give a code, a reason or a server's line, or pipe lines into standard input")
				}
				var err error
				if items, err = explainLines(ios.In); err != nil {
					return err
				}
			} else {
				var err error
				if items, err = explainArgs(args); err != nil {
					return &FlagError{Err: err}
				}
			}
			for i, it := range items {
				if format == "json" {
					if err := newEncoder(ios.Out).Encode(it.json()); err != nil {
						return err
					}
					continue
				}
				if i > 0 {
					fmt.Fprintln(ios.Out)
				}
				it.write(ios)
			}
			return nil
		},
	}
	out.add(cmd)
	cmd.Flags().MarkHidden("fail-on")
	return cmd
}

// explainItem is one thing explained: a code, a reason word or a line.
type explainItem struct {
	input  string
	code   *status.Explanation // a code, or nil
	reason string              // a reason word, or the reason of a line
	line   bool                // input is a server's line
	res    reason.Result       // for a line: the classifier's result
	codes  []status.Explanation
}

// errNotExplainable is the error for input that is neither a code, a
// reason nor a line of words.
var errNotExplainable = errors.New("want a code (5.1.1, 550 or \"550 5.1.1\"), a reason (mailboxfull) or a server's line")

// explainArgs sorts the arguments into codes, reasons and lines: when
// every word is a code or a reason each is explained (a reply code
// followed by an enhanced code together); otherwise each argument that
// holds several words is a line, or all of them together are one.
func explainArgs(args []string) ([]explainItem, error) {
	var words []string
	for _, a := range args {
		words = append(words, strings.Fields(a)...)
	}
	if len(words) == 0 {
		return nil, errNotExplainable
	}
	if items, ok := explainWords(words); ok {
		return items, nil
	}
	if len(words) == 1 {
		return nil, fmt.Errorf("%q is not a code or a reason: %w", words[0], errNotExplainable)
	}
	several := len(args) > 1
	for _, a := range args {
		several = several && len(strings.Fields(a)) > 1
	}
	if !several {
		return []explainItem{explainLine(strings.Join(args, " "))}, nil
	}
	var items []explainItem
	for _, a := range args {
		items = append(items, explainLine(a))
	}
	return items, nil
}

// explainWords explains words that are all codes or reasons.
func explainWords(words []string) ([]explainItem, bool) {
	var items []explainItem
	for i := 0; i < len(words); i++ {
		w := words[i]
		if reason.Known(strings.ToLower(w)) {
			items = append(items, explainItem{input: w, reason: strings.ToLower(w)})
			continue
		}
		text := w
		if _, ok := status.ParseReply(w); ok && i+1 < len(words) {
			if _, ok := status.Parse(words[i+1]); ok {
				text = w + " " + words[i+1]
				i++
			}
		}
		e, err := status.Explain(text)
		if err != nil {
			return nil, false
		}
		items = append(items, explainItem{input: text, code: &e})
	}
	return items, true
}

// explainLine explains a server's line: the reason its words get and
// every code in it, with the meaning of the provider it names.
func explainLine(line string) explainItem {
	it := explainItem{input: line, line: true}
	f := reason.Facts{Diagnostic: line}
	matches := status.FindAll(line, 8)
	if len(matches) > 0 {
		f.Status = matches[0].Code
		f.Reply = matches[0].Reply
	}
	if f.Reply == 0 {
		f.Reply, _ = status.FindReply(line)
	}
	it.res = reason.Classify(f)
	it.reason = it.res.Reason
	for _, m := range matches {
		text := m.Code.String()
		if m.Reply != 0 {
			text = m.Reply.String() + " " + text
		}
		if e, err := status.Explain(text); err == nil {
			it.codes = append(it.codes, e)
		}
	}
	if len(matches) == 0 && f.Reply != 0 {
		if e, err := status.Explain(f.Reply.String()); err == nil {
			it.codes = append(it.codes, e)
		}
	}
	return it
}

// explainLines reads the lines of r, each a line to explain (or codes and
// reasons).
func explainLines(r io.Reader) ([]explainItem, error) {
	var items []explainItem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if more, ok := explainWords(strings.Fields(line)); ok {
			items = append(items, more...)
			continue
		}
		items = append(items, explainLine(line))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	if len(items) == 0 {
		return nil, flagErrorf("standard input is empty: nothing to explain")
	}
	return items, nil
}

// providerOfLine names the provider a server's line comes from, when its
// words name one ("gsmtp", "mx.google.com", "protection.outlook.com").
func providerOfLine(line string) string {
	for _, w := range strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
		return r == ' ' || r == '[' || r == ']' || r == '(' || r == ')' || r == ';' || r == ',' || r == '<' || r == '>'
	}) {
		w = strings.Trim(w, ".:")
		if w == "gsmtp" {
			return "google"
		}
		if strings.Contains(w, ".") {
			if p := status.ProviderOf(w); p != "" {
				return p
			}
		}
	}
	return ""
}

// providerMeanings lists the providers' meanings of c: only the provider
// named, when there is one.
func providerMeanings(c status.Code, only string) []status.ProviderMeaning {
	var out []status.ProviderMeaning
	for _, p := range status.Providers {
		if only != "" && p != only {
			continue
		}
		if m, ok := status.MeaningAt(p, c); ok {
			out = append(out, m)
		}
	}
	return out
}

func (it explainItem) json() map[string]any {
	switch {
	case it.code != nil:
		return codeJSON(*it.code, providerMeanings(it.code.Code, ""))
	case !it.line:
		meaning, action, _ := bounce.DescribeReason(it.reason)
		return map[string]any{"input": it.input, "reason": it.reason, "meaning": meaning, "action": action}
	}
	p := providerOfLine(it.input)
	codes := []map[string]any{}
	for _, e := range it.codes {
		codes = append(codes, codeJSON(e, providerMeanings(e.Code, p)))
	}
	return map[string]any{"input": it.input, "reason": it.reason, "blocklist": it.res.Blocklist, "auth": it.res.Auth,
		"action": it.lineAdvice(p), "codes": codes}
}

// lineAdvice is what to do about a line: the advice a failure record with
// its reason, codes and provider gets.
func (it explainItem) lineAdvice(provider string) string {
	r := bounce.Record{Kind: bounce.KindBounce, Class: status.ClassPermanent, Reason: it.reason, Blocklist: it.res.Blocklist,
		Auth: it.res.Auth, MTA: provider}
	if len(it.codes) > 0 {
		e := it.codes[0]
		r.Status, r.ReplyCode = e.Code, e.Reply
		if e.Class == status.ClassTemporary {
			r.Class = status.ClassTemporary
		}
		if e.Class == status.ClassSuccess {
			return "Nothing to do."
		}
	}
	return bounce.Advise(&r)
}

func codeJSON(e status.Explanation, pms []status.ProviderMeaning) map[string]any {
	providers := []map[string]string{}
	for _, m := range pms {
		providers = append(providers, map[string]string{"provider": m.Provider, "name": m.Name, "title": m.Title, "action": m.Action})
	}
	return map[string]any{
		"status": e.Code.String(), "reply_code": e.Reply.String(), "class": e.Class.String(),
		"class_title": e.Titles.Class, "subject_title": e.Titles.Subject, "detail_title": e.Titles.Detail,
		"reply_meaning": e.Reply3, "meaning": e.Meaning, "action": e.Action, "provider_meanings": providers,
	}
}

func (it explainItem) write(ios *IOStreams) {
	bold := color.New(color.Bold)
	w := ios.Out
	switch {
	case it.code != nil:
		writeExplanation(ios, *it.code, providerMeanings(it.code.Code, ""))
	case !it.line:
		meaning, action, _ := bounce.DescribeReason(it.reason)
		fmt.Fprintf(w, "%s  %s\n", bold.Sprint(it.reason), "reason")
		explainRow(ios, "meaning", meaning)
		explainRow(ios, "to do", action)
	default:
		p := providerOfLine(it.input)
		fmt.Fprintln(w, bold.Sprint(safe(it.input)))
		r := it.reason
		switch {
		case it.res.Blocklist != "":
			r += " (blocklist " + it.res.Blocklist + ")"
		case it.res.Auth != "":
			r += " (" + it.res.Auth + ")"
		}
		explainRow(ios, "reason", r)
		meaning, _, _ := bounce.DescribeReason(it.reason)
		explainRow(ios, "meaning", meaning)
		explainRow(ios, "to do", it.lineAdvice(p))
		for _, e := range it.codes {
			fmt.Fprintln(w)
			writeExplanation(ios, e, providerMeanings(e.Code, p))
		}
	}
}

func explainRow(ios *IOStreams, label, v string) {
	if v != "" {
		io.WriteString(ios.Out, wrapValue(fmt.Sprintf("  %-9s ", label), v, wrapWidth(ios)))
	}
}

func writeExplanation(ios *IOStreams, e status.Explanation, pms []status.ProviderMeaning) {
	bold := color.New(color.Bold)
	codes := strings.TrimSpace(e.Reply.String() + " " + e.Code.String())
	fmt.Fprintf(ios.Out, "%s  %s\n", bold.Sprint(codes), classColor(e.Class).Sprint(e.Class.String()))
	if !e.Code.IsZero() {
		explainRow(ios, "class", fmt.Sprintf("%d.X.X  %s", e.Code.Class, e.Titles.Class))
		explainRow(ios, "subject", fmt.Sprintf("X.%d.X  %s", e.Code.Subject, e.Titles.Subject))
		detail := e.Titles.Detail
		if detail == "" {
			detail = "(not in the IANA registry: a vendor's own code)"
		}
		explainRow(ios, "detail", fmt.Sprintf("X.%d.%d  %s", e.Code.Subject, e.Code.Detail, detail))
	}
	if e.Reply != 0 {
		meaning := e.Reply3
		if meaning == "" {
			meaning = "(not a standard reply code)"
		}
		explainRow(ios, "reply", fmt.Sprintf("%d  %s", e.Reply, meaning))
	}
	explainRow(ios, "meaning", e.Meaning)
	explainRow(ios, "to do", e.Action)
	for _, m := range pms {
		explainRow(ios, "provider", m.Name+": "+m.Title+". "+m.Action)
	}
}
