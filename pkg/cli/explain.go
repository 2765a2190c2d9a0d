package cli

import (
	"fmt"
	"strings"

	"github.com/bounce-tool/bounce/pkg/status"
	"github.com/fatih/color"
	"github.com/spf13/cobra"
)

func newExplainCmd(ios *IOStreams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "explain CODE",
		Short: "Explain a status code: 5.7.26, 550 or \"550 5.1.1\"",
		Long: `Explain an enhanced status code (RFC 3463, such as 5.1.1), an SMTP reply code
(RFC 5321, such as 550) or both together: the class, subject and detail titles
from the IANA registry, what the code usually means and what to do about it.` + exitStatusHelp,
		Example: `  bounce explain 5.7.26
  bounce explain 550
  bounce explain "550 5.1.1"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := status.Explain(strings.Join(args, " "))
			if err != nil {
				return &FlagError{Err: err}
			}
			if asJSON {
				return newEncoder(ios.Out).Encode(explainJSON(e))
			}
			writeExplanation(ios, e)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the explanation as JSON")
	return cmd
}

func explainJSON(e status.Explanation) map[string]string {
	return map[string]string{
		"status": e.Code.String(), "reply_code": e.Reply.String(), "class": e.Class.String(),
		"class_title": e.Titles.Class, "subject_title": e.Titles.Subject, "detail_title": e.Titles.Detail,
		"reply_meaning": e.Reply3, "meaning": e.Meaning, "action": e.Action,
	}
}

func writeExplanation(ios *IOStreams, e status.Explanation) {
	bold := color.New(color.Bold)
	codes := strings.TrimSpace(e.Reply.String() + " " + e.Code.String())
	fmt.Fprintf(ios.Out, "%s  %s\n", bold.Sprint(codes), classColor(e.Class).Sprint(e.Class.String()))
	row := func(label, v string) {
		if v != "" {
			fmt.Fprintf(ios.Out, "  %-9s %s\n", label, v)
		}
	}
	if !e.Code.IsZero() {
		row("class", fmt.Sprintf("%d.X.X  %s", e.Code.Class, e.Titles.Class))
		row("subject", fmt.Sprintf("X.%d.X  %s", e.Code.Subject, e.Titles.Subject))
		detail := e.Titles.Detail
		if detail == "" {
			detail = "(not in the IANA registry: a vendor's own code)"
		}
		row("detail", fmt.Sprintf("X.%d.%d  %s", e.Code.Subject, e.Code.Detail, detail))
	}
	if e.Reply != 0 {
		meaning := e.Reply3
		if meaning == "" {
			meaning = "(not a standard reply code)"
		}
		row("reply", fmt.Sprintf("%d  %s", e.Reply, meaning))
	}
	row("meaning", e.Meaning)
	row("to do", e.Action)
}
