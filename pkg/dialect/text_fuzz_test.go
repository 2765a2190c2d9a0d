package dialect

import (
	"strings"
	"testing"
)

// FuzzFold checks Fold against the strings.Fields definition it replaces.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a", "a ", "a  b", "a\tb", "a\u00a0b", "a\xffb", "\u2028x\u3000 y ", "a b c", "a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzBare checks reading.bare of a text's first line against the
// strings.Replace definition it replaces.
func FuzzBare(f *testing.F) {
	for _, s := range []string{"<ann@example.com>", "ann@example.com: 550", "  * a@b, a@b", "x a@b.c a@b", strings.Repeat("a@b ", 80)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// bare takes the addresses read found.
		r := new(reading)
		r.read(s, nil)
		s = r.lines[0].text // read splits the text at '\n'
		want := s
		for _, a := range findAddrs(s) {
			want = strings.Replace(want, a.addr, "", 1)
		}
		bare := strings.IndexFunc(want, func(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }) < 0
		if got := r.bare(0); got != bare {
			t.Fatalf("bare(%q) = %v, want %v", s, got, bare)
		}
	})
}

// FuzzNextField checks nextField against strings.Fields.
func FuzzNextField(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a b ", "550\u00a05.1.1", "a\xffb c", "\u2028x\u3000 y "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got []string
		for w, rest := nextField(s); w != ""; w, rest = nextField(rest) {
			got = append(got, w)
		}
		if want := strings.Fields(s); strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
			t.Fatalf("nextField fields of %q = %q, want %q", s, got, want)
		}
	})
}

// FuzzBareText checks bareText, which counts the letters between the
// occurrences of key, against its definition: the letters of ev less those
// of the occurrences strings.Count finds in the lowercased text.
func FuzzBareText(f *testing.F) {
	f.Add("Ann@Example.com wrote to ann@example.COM", "ann@example.com")
	f.Add("aaaa", "aa")
	f.Add("<ann@example.com>: 550 no", "ann@example.com")
	f.Fuzz(func(t *testing.T, ev, key string) {
		key = LowerASCII(key)
		want := asciiLetters(ev) < 8
		if key != "" {
			want = asciiLetters(ev)-strings.Count(LowerASCII(ev), key)*asciiLetters(key) < 8
		}
		if got := bareText(ev, key); got != want {
			t.Fatalf("bareText(%q, %q) = %v, want %v", ev, key, got, want)
		}
	})
}

// FuzzHostAfterIntro checks hostAfterIntro's one pass against the search
// it replaces: each of hostIntros in turn, at each place in text.
func FuzzHostAfterIntro(f *testing.F) {
	for _, s := range []string{"", "host mx.example.com", "Remote host a.b.cc said", "ghost x.example.com; mx y.example.org",
		"server x\nhost: mx.example.net", "while talking to a.example.com.: connect to b.example.com", "mx mx a.b.cc host "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := ""
	intros:
		for _, intro := range hostIntros {
			for off := 0; ; {
				i := strings.Index(LowerASCII(s[off:]), intro)
				if i < 0 {
					break
				}
				i += off + len(intro)
				off = i
				if j := i - len(intro); j > 0 && inWord(LowerASCII(s[j-1 : j])[0]) {
					continue
				}
				if want = hostAt(strings.TrimLeft(s[i:], " ")); want != "" {
					break intros
				}
			}
		}
		if got := hostAfterIntro(s); got != want {
			t.Fatalf("hostAfterIntro(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzCommandsIn checks commandsIn's one pass against two searches, one
// for the stage phrases and one for the bare words, each the first whole
// match by place, then by order in its list.
func FuzzCommandsIn(f *testing.F) {
	for _, s := range []string{"", "in reply to RCPT TO command", "after data", "email from x, MAIL FROM y", "ehlo; >>> DATA",
		"550 helo after end of data", "[rcpt_to]x smtp:data"} {
		f.Add(s)
	}
	first := func(s string, list []struct{ phrase, command string }) string {
		low := LowerASCII(s)
		for i := range low {
			for _, c := range list {
				if strings.HasPrefix(low[i:], c.phrase) && wholeWord(s, i, len(c.phrase)) {
					return c.command
				}
			}
		}
		return ""
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := commandsIn(s)
		want := commands{stage: first(s, commandContexts)}
		if want.stage == "" {
			want.word = first(s, commandWords)
		}
		if got.stage != want.stage || got.stage == "" && got.word != want.word {
			t.Fatalf("commandsIn(%q) = %+v, want %+v", s, got, want)
		}
	})
}

// FuzzReplyKey checks replyKey against the strings.Fields definition it
// replaces.
func FuzzReplyKey(f *testing.F) {
	for _, s := range []string{"", "550 5.1.1 User unknown", "550-5.7.1 Blocked\n550 5.7.1 see http://x", "a\u00a0b\tc", strings.Repeat("Word ", 20), "\xff 451 x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		for _, w := range strings.Fields(LowerASCII(s)) {
			if len(w) == 4 && w[3] == '-' && isReplyCode(w[:3]) || isReplyCode(w) {
				continue
			}
			b.WriteString(w)
			if b.Len() >= 60 {
				break
			}
		}
		want := b.String()
		want = want[:min(len(want), 60)]
		if got := replyKey(s); got != want {
			t.Fatalf("replyKey(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzAppendFold checks appendFold against Fold.
func FuzzAppendFold(f *testing.F) {
	for _, s := range []string{"", " ", "a  b", " a\tb\n", "a\u00a0b", "a\xffb", "\u2028x\u3000 y "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendFold([]byte("x "), s)), "x "+Fold(s); got != want {
			t.Fatalf("appendFold(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzLineEnds checks lineEnds against its definition by replacements.
func FuzzLineEnds(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "\r\r\n", "a\rb\n\r", "\r", "x\n\r\n\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
		if got := lineEnds(s); got != want {
			t.Fatalf("lineEnds(%q) = %q, want %q", s, got, want)
		}
	})
}
