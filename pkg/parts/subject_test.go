package parts

import (
	"strings"
	"testing"
	"unicode/utf8"

	_ "github.com/emersion/go-message/charset"
)

func TestSubjectOf(t *testing.T) {
	tests := []struct {
		name, raw, hint, want string
	}{
		{"encoded word", "Subject: =?ISO-2022-JP?B?GyRCJWYhPCU2ITxJVExAGyhC?=\n", "", "ユーザー不明"},
		{"raw shift_jis, declared by the part", "Subject: \x88\xb6\x90\xe6\x95s\x96\xbe\nContent-Type: text/plain; charset=Shift_JIS\n", "", "宛先不明"},
		{"raw shift_jis, declared by the message around", "Subject: \x88\xb6\x90\xe6\x95s\x96\xbe\n", "shift_jis", "宛先不明"},
		{"raw koi8-r", "Subject: \xf0\xc9\xd3\xd8\xcd\xcf\nContent-Type: text/plain; charset=koi8-r\n", "", "Письмо"},
		{"undecodable", "Subject: ok \xff\n", "", "ok \uFFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := Parse(strings.NewReader(strings.ReplaceAll(tc.raw+"\nbody\n", "\n", "\r\n")), nil)
			got := SubjectOf(m.Header, tc.hint)
			if got != tc.want || !utf8.ValidString(got) {
				t.Errorf("SubjectOf(%q, %q) = %q, want %q", tc.raw, tc.hint, got, tc.want)
			}
		})
	}
}
