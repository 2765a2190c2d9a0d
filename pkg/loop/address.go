package loop

import (
	"strings"
	"unicode"
)

// envelopeAddress normalises an mbox envelope sender: lowercased, without
// angle brackets. "<>" (the null reverse-path) gives "".
func envelopeAddress(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<")
	s = strings.TrimSuffix(s, ">")
	return strings.ToLower(strings.TrimSpace(s))
}

// splitAddress splits an address at its last @. An address without @ has
// only a local part.
func splitAddress(addr string) (local, domain string) {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return addr, ""
	}
	return addr[:i], addr[i+1:]
}

// stripTag removes a plus-address tag: support+id123@acme.example becomes
// support@acme.example. A local part that starts with + keeps it.
func stripTag(addr string) string {
	local, domain := splitAddress(addr)
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if domain == "" {
		return local
	}
	return local + "@" + domain
}

// localTokens splits a local part into its runs of letters, lowercased, so
// that no_reply, no-reply, NoReply2 and no.reply compare alike.
func localTokens(local string) []string {
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	return strings.FieldsFunc(strings.ToLower(local), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
}

// noReplyWords are the no-reply local parts with separators removed.
var noReplyWords = [...]string{"noreply", "donotreply", "dontreply", "noreplies"}

// isNoReply reports whether an address's local part says that replies are
// unwelcome. The words must stand alone between separators or digits:
// no-reply-billing@ and notifications.noreply@ match, noreplyallowed@ and
// reply@ don't.
func isNoReply(addr string) bool {
	local, _ := splitAddress(addr)
	toks := localTokens(local)
	for i := range toks {
		joined := ""
		for j := i; j < len(toks) && j < i+3; j++ {
			joined += toks[j]
			for _, w := range noReplyWords {
				if joined == w {
					return true
				}
			}
		}
	}
	return false
}
