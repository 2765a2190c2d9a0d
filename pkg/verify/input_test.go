package verify

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

var readAddressesTests = []struct {
	name string
	in   string
	want []string
	err  bool
}{
	{
		name: "lines",
		in:   "# bounced last week\nalice@example.com\n\n  bob@example.org  \r\n#carol@example.net\n{x}@example.com\nalice@example.com",
		want: []string{"alice@example.com", "bob@example.org", "{x}@example.com", "alice@example.com"},
	},
	{name: "empty", in: "", want: nil},
	{name: "blank lines only", in: "\n \n\t\n", want: nil},
	{name: "one line without newline", in: "alice@example.com", want: []string{"alice@example.com"}},
	{
		name: "CSV",
		in:   "name,address,ticket\nAlice,alice@example.com,123\n\"Doe, John\", \"john doe\"\"@example.com ,124\nNobody,,125\nShort\n",
		want: []string{"alice@example.com", `"john doe""@example.com`},
	},
	{
		name: "CSV with BOM, CRLF and a capitalised header",
		in:   "\ufeffAddress\r\nalice@example.com\r\nbob@example.org\r\n",
		want: []string{"alice@example.com", "bob@example.org"},
	},
	{
		name: "CSV with semicolons",
		in:   "id;address\n1;alice@example.com\n2;bob@example.org\n",
		want: []string{"alice@example.com", "bob@example.org"},
	},
	{
		name: "CSV with a quoted address",
		in:   "address,note\n\"\"\"john doe\"\"@example.com\",quoted\n",
		want: []string{`"john doe"@example.com`},
	},
	{
		name: "inspect JSON array",
		in: `[
  {"kind": "bounce", "source": "a.eml", "recipients": [
    {"recipient": "alice@example.com", "class": "permanent", "reason": "userunknown"},
    {"recipient": "ok@example.com", "class": "success", "reason": "delivered"}]},
  {"kind": "autoreply", "recipients": [{"recipient": "away@example.com"}]},
  {"kind": "bounce", "class": "permanent", "recipient": "rfc822; bob@example.org"},
  {"kind": "bounce", "class": "success", "recipient": "delivered@example.org"},
  {"recipient": "alice@example.com", "reason": "userunknown"}
]`,
		want: []string{"alice@example.com", "bob@example.org"},
	},
	{
		name: "kind after the recipients",
		in:   `{"recipients": [{"address": "late@example.com"}], "kind": "feedback"}`,
		want: nil,
	},
	{
		name: "NDJSON",
		in: `{"kind":"bounce","class":"temporary","recipient":"c@example.com"}
{"kind":"bounce","class":"permanent","recipient":"a@example.com"}

{"kind":"other","recipient":"x@example.com"}
{"kind":"bounce","class":"permanent","recipient":"c@example.com"}
`,
		want: []string{"c@example.com", "a@example.com"},
	},
	{
		name: "report JSON",
		in: `{"version": 1, "totals": {"bounce": 3},
  "by_reason": {"userunknown": {"count": 2, "recipients": [{"address": "a@example.com", "count": 2}]}},
  "top_domains": [{"domain": "example.com", "count": 3}],
  "failed": [{"address": "b@example.com", "class": "permanent"}, {"address": null}, {"address": ""}]}`,
		want: []string{"a@example.com", "b@example.com"},
	},
	{name: "JSON list of strings", in: `["a@example.com", "b@example.com", "a@example.com"]`,
		want: []string{"a@example.com", "b@example.com"}},
	{name: "nested arrays of strings are not addresses", in: `{"notes": ["x@example.com"]}`, want: nil},
	{name: "empty JSON object", in: "{}", want: nil},
	{
		name: "truncated JSON keeps what was read",
		in:   `{"kind":"bounce","recipient":"a@example.com"}` + "\n" + `{"kind":"bounce","recipient":"b@exa`,
		want: []string{"a@example.com"},
		err:  true,
	},
	{
		name: "truncated array keeps its complete elements",
		in:   "[\n" + `{"kind":"bounce","recipient":"a@example.com"},` + "\n" + `{"kind":"error","recipient":"b@exa`,
		want: []string{"a@example.com"},
		err:  true,
	},
	{
		name: "truncated report keeps its complete records",
		in:   `{"version":1,"records":[{"kind":"bounce","recipient":"a@example.com"},{"kind":"bounce","recipient":"b@example.com"`,
		want: []string{"a@example.com"},
		err:  true,
	},
	{name: "bad JSON", in: `[{"recipient": "a@example.com"}, }`, want: []string{"a@example.com"}, err: true},
	{name: "bad JSON in an object", in: `[{"recipient": "a@example.com" ]`, want: nil, err: true},
}

func TestReadAddresses(t *testing.T) {
	for _, tc := range readAddressesTests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadAddresses(strings.NewReader(tc.in))
			if (err != nil) != tc.err {
				t.Fatalf("ReadAddresses() error = %v, want error %v", err, tc.err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "verify: ") {
				t.Errorf("ReadAddresses() error = %q, want a verify: prefix", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ReadAddresses() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestReadAddressesOneByte feeds the input one byte at a time, as a slow
// pipe would, which must not change the format sniffing.
func TestReadAddressesOneByte(t *testing.T) {
	for _, tc := range readAddressesTests {
		if tc.err {
			continue
		}
		got, err := ReadAddresses(iotest.OneByteReader(strings.NewReader(tc.in)))
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ReadAddresses(one byte at a time, %s) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestReadAddressesReadError(t *testing.T) {
	boom := errors.New("boom")
	r := iotest.TimeoutReader(strings.NewReader("a@example.com\nb@example.com\n"))
	_, err := ReadAddresses(r)
	if err == nil {
		t.Fatal("ReadAddresses(failing reader) error = nil, want one")
	}
	_, err = ReadAddresses(iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Errorf("ReadAddresses(ErrReader) error = %v, want it to wrap %v", err, boom)
	}
}

func FuzzReadAddresses(f *testing.F) {
	for _, tc := range readAddressesTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 1<<16 {
			t.Skip()
		}
		got, _ := ReadAddresses(strings.NewReader(in))
		for _, a := range got {
			if a == "" || a != strings.TrimSpace(a) {
				t.Fatalf("ReadAddresses(%q) returned %q: empty or untrimmed", in, a)
			}
			if !strings.Contains(in, a) && !strings.Contains(in, `"`) && !strings.Contains(in, `\`) {
				t.Fatalf("ReadAddresses(%q) returned %q, which is not in the input", in, a)
			}
		}
	})
}
