package dialect

import (
	"strings"

	"github.com/bounce-tool/bounce/pkg/status"
)

// generic recognises a bounce in any dialect by what every bounce has: a
// recipient address on a line with, or just before, an SMTP reply or an
// enhanced status code. Addresses of the returned original (below a marker
// such as "Original message follows") are not considered.
func generic(in *Input) *Result {
	text := stripOriginal(in.Text)
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	seen := map[string]bool{}
	var res Result
	for i, line := range lines {
		addrs := FindAddresses(line)
		if len(addrs) == 0 {
			continue
		}
		// The evidence: this line and the next few, up to a blank line.
		var ctx strings.Builder
		ctx.WriteString(line)
		for j := i + 1; j < len(lines) && j <= i+4; j++ {
			if strings.TrimSpace(lines[j]) == "" {
				break
			}
			ctx.WriteByte('\n')
			ctx.WriteString(lines[j])
		}
		evidence := ctx.String()
		_, hasCode := status.Find(evidence)
		_, hasReply := status.FindReply(evidence)
		if !hasCode && !hasReply {
			continue
		}
		for _, a := range addrs {
			key := strings.ToLower(a)
			if seen[key] || isSystemAddress(key) {
				continue
			}
			seen[key] = true
			res.Recipients = append(res.Recipients, Recipient{
				Address:    a,
				Diagnostic: Fold(evidence),
				Command:    FindCommand(evidence),
				RemoteMTA:  FindRemoteHost(evidence),
			})
		}
	}
	if len(res.Recipients) == 0 {
		return nil
	}
	return &res
}

// originalMarkers introduce the returned original in a text bounce.
var originalMarkers = []string{
	"------ this is a copy of the message", "--- below this line is a copy of the message",
	"----- original message -----", "------ original message follows", "original message follows",
	"----- transcript of session follows", "-----original message-----", "content-type: message/rfc822",
	"--- the header of the original message is following",
	"------ this is a copy of your message",
}

// stripOriginal cuts text at the first marker of a returned original.
func stripOriginal(text string) string {
	lower := strings.ToLower(text)
	cut := len(text)
	for _, m := range originalMarkers {
		if m == "----- transcript of session follows" {
			continue // the transcript is evidence, not the original
		}
		if i := strings.Index(lower, m); i >= 0 && i < cut {
			cut = i
		}
	}
	return text[:cut]
}

// isSystemAddress reports whether an address belongs to the mail system
// rather than to a recipient.
func isSystemAddress(a string) bool {
	local, _, _ := strings.Cut(a, "@")
	switch local {
	case "mailer-daemon", "postmaster", "root", "mail-daemon", "daemon":
		return true
	}
	return false
}

// FindAddresses returns the email addresses in a line of text, in order,
// without the <> or quotes around them.
func FindAddresses(line string) []string {
	var out []string
	for i := 0; i < len(line); i++ {
		if line[i] != '@' {
			continue
		}
		start := i
		for start > 0 && isLocalChar(line[start-1]) {
			start--
		}
		end := i + 1
		for end < len(line) && isDomainChar(line[end]) {
			end++
		}
		local := strings.TrimLeft(line[start:i], ".")
		domain := strings.TrimRight(line[i+1:end], ".-")
		if local == "" || !strings.Contains(domain, ".") {
			i = end - 1
			continue
		}
		out = append(out, local+"@"+domain)
		i = end - 1
	}
	return out
}

func isLocalChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&*+-/=?^_~.", c) >= 0 || c >= 0x80
}

func isDomainChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c >= 0x80
}
