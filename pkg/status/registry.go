package status

import (
	_ "embed"
	"strings"
)

// The IANA registry of enhanced status codes, as published at
// https://www.iana.org/assignments/smtp-enhanced-status-codes (facts, not
// code). Each line is "code<TAB>title<TAB>reference" with X for "any".
//
//go:embed enhanced-status-codes.tsv
var registryTSV string

// Entry is one row of the IANA registry.
type Entry struct {
	Code      string // "X.1.1", "5.X.X", "X.7.X"
	Title     string // "Bad destination mailbox address"
	Reference string // "RFC3463"
}

type registryTables struct {
	classes  map[Class]Entry
	subjects map[int]Entry
	details  map[[2]int]Entry
	all      []Entry
}

var registry = parseRegistry(registryTSV)

func parseRegistry(tsv string) registryTables {
	t := registryTables{
		classes:  map[Class]Entry{},
		subjects: map[int]Entry{},
		details:  map[[2]int]Entry{},
	}
	for i, line := range strings.Split(strings.TrimSpace(tsv), "\n") {
		if i == 0 {
			continue // header row
		}
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 3 {
			continue
		}
		e := Entry{Code: f[0], Title: f[1], Reference: f[2]}
		t.all = append(t.all, e)
		parts := strings.Split(e.Code, ".")
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] != "X":
			if c, ok := digits(parts[0]); ok {
				t.classes[Class(c)] = e
			}
		case parts[2] == "X":
			if s, ok := digits(parts[1]); ok {
				t.subjects[s] = e
			}
		default:
			s, ok1 := digits(parts[1])
			d, ok2 := digits(parts[2])
			if ok1 && ok2 {
				t.details[[2]int{s, d}] = e
			}
		}
	}
	return t
}

// Registry returns every row of the embedded IANA registry in its order.
func Registry() []Entry {
	return append([]Entry(nil), registry.all...)
}

// Titles holds the registry's names for the three parts of a code.
type Titles struct {
	Class   string // "Permanent Failure"
	Subject string // "Addressing Status"
	Detail  string // "Bad destination mailbox address"; empty when unregistered
}

// Lookup returns the registry titles for c. Detail is empty when the
// subject/detail pair is not registered (5.7.515).
func Lookup(c Code) Titles {
	var t Titles
	if c.IsZero() {
		return t
	}
	t.Class = registry.classes[c.Class].Title
	t.Subject = registry.subjects[c.Subject].Title
	t.Detail = registry.details[[2]int{c.Subject, c.Detail}].Title
	return t
}

// Describe returns the most specific registry title for c: the detail title
// when registered, else the subject title, else "".
func Describe(c Code) string {
	t := Lookup(c)
	if t.Detail != "" {
		return t.Detail
	}
	return t.Subject
}
