package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses, documented in every command's help and in the README.
const (
	ExitOK        = 0 // success
	ExitError     = 1 // a runtime error, such as an unreadable path
	ExitUsage     = 2 // a usage error: unknown flag, bad value, no input
	ExitThreshold = 3 // --fail-on (or a --max-* limit) matched
)

const exitStatusHelp = `

Exit status:
  0  success
  1  runtime error: an unreadable or missing path (the other inputs are still
     read), or no message in any input (unless --allow-empty)
  2  usage error (unknown flag, bad flag value, no input, bad configuration
     file, ticket pattern or ticket map)
  3  a gate (--fail-on, --max-permanent, --max-permanent-rate) matched; the full
     output was written first and standard error says which
  130, 143  stopped by SIGINT (Ctrl-C) or SIGTERM; the output of the messages
     finished before it was written`

// FlagError is a usage error: main prints it with a hint to --help and
// exits with status 2.
type FlagError struct{ Err error }

// Error returns the usage error's message.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }

func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// exitError carries an exit status without a message of its own (the
// command already said what happened).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitStatus is the outcome of a command that has written its output:
// unreadable input first (status 1), then a --fail-on condition or another
// gate that matched (status 3).
func exitStatus(readError, failed bool) error {
	switch {
	case readError:
		return &exitError{code: ExitError}
	case failed:
		return &exitError{code: ExitThreshold}
	}
	return nil
}

// Version and Commit are stamped in by main.
type buildInfo struct{ version, commit string }

// Main runs the bounce command line with the process's streams and returns
// the exit status.
func Main(version, commit string) int {
	tuneGC(os.Getenv)
	ios := System()
	prof := &profiler{}
	ctx, stop := notifyContext(context.Background(), func(code int) {
		prof.stop()
		os.Exit(code)
	})
	defer stop()
	version, commit = stamped(version, commit)
	root := newRootCmd(ios, version, commit, prof)
	defer prof.stop()
	return Run(ctx, root, ios, os.Args[1:])
}

// Run executes root with args and maps the outcome to an exit status,
// printing the error (if any) once on ios.ErrOut, neutralised for the
// terminal: it can quote a ticket map, the configuration file or a path.
func Run(ctx context.Context, root *cobra.Command, ios *IOStreams, args []string) int {
	if args == nil {
		args = []string{}
	}
	root.SetArgs(args)
	// Every command's output goes through out, so that a write error
	// (a full disk, a closed pipe) is reported whichever command wrote.
	out := &stickyWriter{w: ios.Out}
	ios.Out = out
	root.SetOut(out)
	defer func() { ios.Out = out.w }()
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil && out.err != nil {
		err = fmt.Errorf("writing the output: %w", out.err)
	}
	if code, ok := signalCode(ctx, err); ok {
		fmt.Fprintf(ios.ErrOut, "bounce: %s; the output holds the messages finished before it\n", context.Cause(ctx))
		return code
	}
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var fe *FlagError
	if errors.As(err, &fe) || isCobraUsageError(err) {
		fmt.Fprintf(ios.ErrOut, "bounce: %s\n", safeMessage(err.Error()))
		if cmd != nil {
			fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return ExitUsage
	}
	fmt.Fprintf(ios.ErrOut, "bounce: %s\n", safeMessage(err.Error()))
	return ExitError
}

// isCobraUsageError recognises the argument and command errors cobra makes
// itself (it has no error types for them).
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least",
		"invalid argument", "flag needs an argument", "if any flags in the group", "none of the others can be"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// NewRootCmd builds the bounce command tree.
func NewRootCmd(ios *IOStreams, version, commit string) *cobra.Command {
	return newRootCmd(ios, version, commit, &profiler{})
}

// newRootCmd is NewRootCmd with the profiler its hidden flags drive; the
// caller stops it after the run.
func newRootCmd(ios *IOStreams, version, commit string, prof *profiler) *cobra.Command {
	info := buildInfo{version: version, commit: commit}
	var colorMode string
	root := &cobra.Command{
		Use:   "bounce <command>",
		Short: "Explain bounced email: who failed, why, what to do, and which ticket it was",
		Long: `bounce reads bounced email (RFC 3464 delivery status notifications and the
free-text bounces of Postfix, Exim, Sendmail, qmail, Exchange, Gmail and many
more) and says, for every failed recipient: the server that reported it, the
address, the status code and its meaning, whether a retry can help, why it
failed, what to do about it, and which help-desk ticket the notification
belonged to. bounce verify checks whether addresses can receive mail, and
bounce loops finds mail loops in the inbound mail of a help desk.

Inputs are files (.eml or any name), mbox files, Maildir or other folders,
or standard input ("-", or a pipe).`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch colorMode {
			case "auto", "always", "never":
			default:
				return flagErrorf("invalid value %q for --color: want auto, always or never", colorMode)
			}
			ios.SetColor(colorMode, os.Getenv)
			return prof.start()
		},
	}
	root.SetVersionTemplate(fmt.Sprintf("bounce %s (commit %s)\n", version, commit))
	root.PersistentFlags().StringVar(&colorMode, "color", "auto", "colour output: auto, always or never (NO_COLOR is respected)")
	root.RegisterFlagCompletionFunc("color", cobra.FixedCompletions([]string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp))
	root.PersistentFlags().String("config", "", "configuration file (default $XDG_CONFIG_HOME/bounce/config.yaml or ~/.config/bounce/config.yaml, when present)")
	prof.addFlags(root)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return &FlagError{Err: err} })
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.CompletionOptions.DisableDescriptions = false
	root.DisableAutoGenTag = true

	root.AddCommand(
		newWatchCmd(ios, nil),
		newInspectCmd(ios, nil),
		newReportCmd(ios, nil),
		newExplainCmd(ios),
		newVerifyCmd(ios, nil),
		newLoopsCmd(ios, nil),
		newActCmd(ios, nil),
		newVersionCmd(ios, info),
	)
	root.InitDefaultCompletionCmd()
	return root
}

func newVersionCmd(ios *IOStreams, info buildInfo) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and commit of this build",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(ios.Out, "bounce %s (commit %s)\n", info.version, info.commit)
			return nil
		},
	}
}
