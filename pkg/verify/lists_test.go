package verify

import (
	"slices"
	"strings"
	"testing"
)

func TestIsRole(t *testing.T) {
	tests := []struct {
		local string
		want  bool
	}{
		{"postmaster", true},
		{"Postmaster", true},
		{"abuse", true},
		{"no-reply", true},
		{"noreply", true},
		{"support+billing", true},
		{`"info"`, true},
		{"alice", false},
		{"infos", false},
		{"+info", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := IsRole(tc.local); got != tc.want {
			t.Errorf("IsRole(%q) = %v, want %v", tc.local, got, tc.want)
		}
	}
}

func TestIsDisposable(t *testing.T) {
	tests := []struct {
		domain string
		want   bool
	}{
		{"mailinator.com", true},
		{"MAILINATOR.COM", true},
		{"mailinator.com.", true},
		{"eu.mailinator.com", true},
		{"guerrillamail.com", true},
		{"10minutemail.com", true},
		{"yopmail.com", true},
		{"trashmail.com", true},
		{"temp-mail.org", true},
		{"gmail.com", false},
		{"example.com", false},
		{"notmailinator.com.example", false},
		{"com", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := IsDisposable(tc.domain); got != tc.want {
			t.Errorf("IsDisposable(%q) = %v, want %v", tc.domain, got, tc.want)
		}
	}
}

// TestDisposableList checks the shipped file: sorted, lower case, unique,
// valid domains, a few hundred of them.
func TestDisposableList(t *testing.T) {
	var lines []string
	for line := range strings.Lines(disposableText) {
		line = strings.TrimRight(line, "\n")
		if strings.HasPrefix(line, "#") {
			continue
		}
		lines = append(lines, line)
		a, err := ParseAddress("x@" + line)
		if err != nil || a.ASCIIDomain != line {
			t.Errorf("disposable_domains.txt: %q is not a lower-case ASCII domain (%v)", line, err)
		}
	}
	if !slices.IsSorted(lines) {
		t.Error("disposable_domains.txt is not sorted; sort it with LC_ALL=C sort -u")
	}
	if n := len(slices.Compact(slices.Clone(lines))); n != len(lines) {
		t.Errorf("disposable_domains.txt has %d duplicate lines", len(lines)-n)
	}
	if len(lines) < 200 {
		t.Errorf("disposable_domains.txt has %d domains, want a few hundred", len(lines))
	}
}
