package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/bounce-tool/bounce/pkg/ticket"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// config is the configuration file (docs/config.md): settings for the whole
// tool, one top-level key per concern.
type config struct {
	// TicketPatterns are ticket patterns, tried before those of
	// --ticket-pattern.
	TicketPatterns []patternConfig `yaml:"ticket_patterns"`
	// TicketMap names CSV ticket maps, relative to the file's folder.
	TicketMap stringList `yaml:"ticket_map"`
	// SupportAddresses and Allow are read by the loops command, before its
	// --support-address and --allow.
	SupportAddresses []string `yaml:"support_addresses"`
	Allow            []string `yaml:"allow"`
	// Zendesk and Webhook are the targets of the act command; the
	// environment overrides them (docs/act.md).
	Zendesk zendeskConfig `yaml:"zendesk"`
	Webhook webhookConfig `yaml:"webhook"`
	// TicketURL is read by report when it has no --ticket-url: one URL
	// template or a list ([system=]URL).
	TicketURL stringList `yaml:"ticket_url"`

	path string // the file read, "" for none
	mode fs.FileMode
}

// configKeys are the top-level keys this version knows; others are warned
// about and ignored, so a newer file still works with an older bounce.
// inspect and report read the ticket keys, loops the address keys; each
// command accepts the whole file.
var configKeys = []string{"ticket_patterns", "ticket_map", "support_addresses", "allow", "zendesk", "webhook", "ticket_url"}

// patternConfig is one ticket pattern: a string (the regular expression) or
// a mapping with pattern, system and in.
type patternConfig struct {
	Pattern string   `yaml:"pattern"`
	System  string   `yaml:"system"`
	In      []string `yaml:"in"`
	line    int
}

// UnmarshalYAML reads the short form (a string) and the long form (a mapping).
func (p *patternConfig) UnmarshalYAML(n *yaml.Node) error {
	p.line = n.Line
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&p.Pattern)
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a ticket pattern is a string or a mapping with pattern, system and in", n.Line)
	}
	for i := 0; i < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; k {
		case "pattern", "system", "in":
		default:
			return fmt.Errorf("line %d: unknown ticket pattern key %q: want pattern, system or in", n.Content[i].Line, k)
		}
	}
	type plain patternConfig
	if err := n.Decode((*plain)(p)); err != nil {
		return err
	}
	if p.Pattern == "" {
		return fmt.Errorf("line %d: ticket pattern without pattern", n.Line)
	}
	return nil
}

// stringList is a string or a list of strings.
type stringList []string

// UnmarshalYAML reads a single string as a list of one.
func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var v string
		if err := n.Decode(&v); err != nil {
			return err
		}
		*s = stringList{v}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

// defaultConfigPath returns $XDG_CONFIG_HOME/bounce/config.yaml, or
// ~/.config/bounce/config.yaml when XDG_CONFIG_HOME is unset; "" when
// neither can be worked out.
func defaultConfigPath(getenv func(string) string, home func() (string, error)) string {
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "bounce", "config.yaml")
	}
	h, err := home()
	if err != nil || h == "" {
		return ""
	}
	return filepath.Join(h, ".config", "bounce", "config.yaml")
}

// loadConfig reads the configuration file at path; with path "" it reads
// the default file when there is one. Unknown keys come back as warnings.
func loadConfig(path string, getenv func(string) string, home func() (string, error)) (*config, []string, error) {
	explicit := path != ""
	if !explicit {
		path = defaultConfigPath(getenv, home)
		if path == "" {
			return &config{}, nil, nil
		}
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
	case !explicit && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)):
		// No default file (or $HOME is not a folder): no configuration.
		return &config{}, nil, nil
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		// A file named with --config that is not there: no configuration,
		// said out loud (a typo should not pass silently).
		return &config{}, []string{fmt.Sprintf("config: %s does not exist; going on without it", path)}, nil
	case !explicit:
		// A default file that cannot be read is no configuration
		// either; only a file named with --config must be read.
		return &config{}, []string{fmt.Sprintf("config: %v; going on without it", err)}, nil
	default:
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	c := &config{path: path}
	if fi, err := os.Stat(path); err == nil {
		c.mode = fi.Mode().Perm()
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("config %s: %v", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return c, nil, nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("config %s: line %d: want a mapping of settings (key: value)", path, root.Line)
	}
	var warnings []string
	for i := 0; i < len(root.Content); i += 2 {
		k := root.Content[i]
		if !slices.Contains(configKeys, k.Value) {
			warnings = append(warnings, fmt.Sprintf("config %s: line %d: unknown key %q ignored (known: %s)",
				path, k.Line, k.Value, strings.Join(configKeys, ", ")))
		}
	}
	if err := root.Decode(c); err != nil {
		return nil, nil, fmt.Errorf("config %s: %v", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return c, warnings, nil
}

// resolve returns p relative to the config file's folder, with ~/ expanded.
func (c *config) resolve(p string, home func() (string, error)) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if h, err := home(); err == nil {
			return filepath.Join(h, rest)
		}
	}
	if filepath.IsAbs(p) || c.path == "" {
		return p
	}
	return filepath.Join(filepath.Dir(c.path), p)
}

// linkOptions are the ticket-linking settings shared by inspect and
// report: the --config file and the --ticket-pattern and --ticket-map
// flags.
type linkOptions struct {
	ConfigPath string
	Patterns   []string
	Maps       []string

	cfg *config // the file finder read
}

func (l *linkOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&l.Patterns, "ticket-pattern", nil,
		"regular expression with a named group (?P<id>...) that finds your own ticket references (repeatable)")
	f.StringArrayVar(&l.Maps, "ticket-map", nil,
		"CSV file mapping Message-IDs or encoded IDs to ticket numbers: key,id[,system] (repeatable)")
}

// configFlag returns the value of the root's persistent --config, "" when
// not given.
func configFlag(cmd *cobra.Command) string {
	if f := cmd.Flags().Lookup("config"); f != nil {
		return f.Value.String()
	}
	return ""
}

// readConfig reads the configuration file (path, or the default one) and
// warns about keys it does not know. A file that cannot be read or parsed
// is a usage error: nothing has been read yet.
func readConfig(ios *IOStreams, path string) (*config, error) {
	c, warnings, err := loadConfig(path, os.Getenv, os.UserHomeDir)
	if err != nil {
		return nil, &FlagError{Err: err}
	}
	for _, w := range warnings {
		warn(ios, w)
	}
	return c, nil
}

// finder builds the ticket finder from the config file and the flags.
// Problems with them are usage errors: nothing has been read yet.
func (l *linkOptions) finder(ios *IOStreams) (*ticket.Finder, error) {
	c, err := readConfig(ios, l.ConfigPath)
	if err != nil {
		return nil, err
	}
	l.cfg = c
	m, err := l.ticketMap(c)
	if err != nil {
		return nil, err
	}
	return l.finderWith(c, m)
}

// finderWith builds the ticket finder from a configuration file already
// read, the ticket map read (nil for none) and the flags.
func (l *linkOptions) finderWith(c *config, m *ticket.Map) (*ticket.Finder, error) {
	opts := ticket.Options{Map: m}
	for _, p := range c.TicketPatterns {
		pat, err := ticket.NewPattern(p.Pattern, p.System, p.In...)
		if err != nil {
			return nil, flagErrorf("config %s: line %d: %v", c.path, p.line, strings.TrimPrefix(err.Error(), "ticket: "))
		}
		opts.Patterns = append(opts.Patterns, pat)
	}
	for _, expr := range l.Patterns {
		pat, err := ticket.NewPattern(expr, "")
		if err != nil {
			return nil, flagErrorf("--ticket-pattern: %v", strings.TrimPrefix(err.Error(), "ticket: "))
		}
		opts.Patterns = append(opts.Patterns, pat)
	}
	if len(opts.Patterns) == 0 && opts.Map == nil {
		return nil, nil
	}
	return ticket.NewFinder(opts), nil
}

// ticketMap reads the ticket maps of the configuration file and of
// --ticket-map; nil when there are none.
func (l *linkOptions) ticketMap(c *config) (*ticket.Map, error) {
	maps := make([]string, 0, len(c.TicketMap)+len(l.Maps))
	for _, m := range c.TicketMap {
		maps = append(maps, c.resolve(m, os.UserHomeDir))
	}
	maps = append(maps, l.Maps...)
	if len(maps) == 0 {
		return nil, nil
	}
	m := &ticket.Map{}
	for _, name := range maps {
		if err := readMap(m, name); err != nil {
			return nil, &FlagError{Err: err}
		}
	}
	return m, nil
}

func readMap(m *ticket.Map, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("ticket map: %w", err)
	}
	defer f.Close()
	return m.Read(f, name)
}
