package parts

import (
	"os"
	"strings"
	"testing"
)

// sameHTMLText checks that htmlTextFast, where it reads s, gives the
// tokenizer's text.
func sameHTMLText(t *testing.T, s string) {
	t.Helper()
	got, ok := htmlTextFast(s)
	if !ok {
		return
	}
	if want := htmlTextTokens(s); got != want {
		t.Fatalf("HTMLText(%q) = %q, the tokenizer gives %q", s, got, want)
	}
}

var htmlSamples = []string{
	"", "plain", "a < b", "a <", "a </", "x </>y", "</ x>y", "<!>z", "<!", "<!-", "<!--", "<!-->a", "<!--->a",
	"<!-- c -- d -->e", "<!-- c --!>e", "<!-- c --!-->e", "<!-- c --!x>e-->f", "<?xml v?>g", "<!DOCTYPE html><p>h",
	"<P>one<BR/>two</P>", "<div a=b c='d>' e=\"f>\" g>text</div>", "<a href=x>link</a >", "<p =x>y", "<p/ >z",
	"<p a b=c/>d", "<p a=>x", "<p a= >x", "<p a='x", "<p a", "<p", "<title>t</title>body", "<style>p{}</STYLE >x",
	"<textarea>&amp;</textarea>", "<xmp>&amp;<b></xmp>", "<style>a</styl</style>b", "<style>", "<style>x</style",
	"<head><title>t</title></head><body>&lt;x&gt; &amp &copy; &#x41;&#65;</body>", "a\r\nb\rc", "<script>x</script>y",
	"&am<b>p;", "<table><tr><td>1</td></tr></table>", "<h1>T</h1><li>i</li><blockquote>q</blockquote>",
	"<noscript><p>n</p></noscript>", "<iframe>&lt;</iframe>", "<p\tclass=x\n>y", "<ÿ>x", "<a\x00>", "<br/><br />",
}

func TestHTMLTextFast(t *testing.T) {
	for _, s := range htmlSamples {
		sameHTMLText(t, s)
	}
	for _, p := range sampleFiles() {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if i := strings.Index(strings.ToLower(string(data)), "<html"); i >= 0 {
			sameHTMLText(t, string(data[i:]))
		}
	}
}

// FuzzHTMLText: htmlTextFast gives the tokenizer's text wherever it reads
// the document.
func FuzzHTMLText(f *testing.F) {
	for _, s := range htmlSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameHTMLText(t, s)
	})
}

// BenchmarkHTMLText converts the HTML documents of the sample messages.
func BenchmarkHTMLText(b *testing.B) {
	var docs []string
	for _, p := range sampleFiles() {
		if data, err := os.ReadFile(p); err == nil {
			if i := strings.Index(strings.ToLower(string(data)), "<html"); i >= 0 {
				docs = append(docs, string(data[i:]))
			}
		}
	}
	for _, c := range []struct {
		name string
		f    func(string) string
	}{{"fast", HTMLText}, {"tokenizer", htmlTextTokens}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					c.f(d)
				}
			}
		})
	}
}
