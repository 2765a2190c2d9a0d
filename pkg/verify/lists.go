package verify

import (
	_ "embed"
	"slices"
	"strings"
	"sync"

	"github.com/bounce-tool/bounce/pkg/sign"
)

// disposableText is the list of disposable-mail domains: one lower-case
// ASCII domain a line, sorted, # starts a comment line.
//
//go:embed disposable_domains.txt
var disposableText string

// disposableDomains returns the sorted domains of disposableText. It is
// computed once and never changed afterwards.
var disposableDomains = sync.OnceValue(func() []string {
	var list []string
	for line := range strings.Lines(disposableText) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		list = append(list, strings.ToLower(line))
	}
	slices.Sort(list)
	return slices.Compact(list)
})

// IsDisposable reports whether domain (in ASCII form) or one of its parent
// domains is on the package's list of disposable-mail services, such as
// mailinator.com or yopmail.com.
func IsDisposable(domain string) bool {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	list := disposableDomains()
	for {
		if _, found := slices.BinarySearch(list, domain); found {
			return true
		}
		dot := strings.IndexByte(domain, '.')
		if dot < 0 {
			return false
		}
		domain = domain[dot+1:]
	}
}

// IsRole reports whether the local part names a function rather than a
// person (postmaster, abuse, support, info, noreply, ...). Case, quotes and a
// +tag suffix are ignored.
func IsRole(local string) bool {
	local = strings.ToLower(strings.Trim(local, `"`))
	if plus := strings.IndexByte(local, '+'); plus > 0 {
		local = local[:plus]
	}
	if sign.MailSystem(local) {
		return true
	}
	switch local {
	case "abuse", "accounting", "accounts", "admin", "administrator", "all",
		"billing", "bounce", "bounces", "careers", "compliance", "contact",
		"customercare", "customerservice", "dev", "devnull", "do-not-reply",
		"donotreply", "do_not_reply", "enquiries", "everyone", "feedback",
		"finance", "ftp", "hello", "help", "helpdesk", "hostmaster", "hr",
		"info", "information", "inquiries", "invoice", "invoices", "it",
		"jobs", "legal", "list", "mail",
		"marketing", "media", "news", "newsletter", "no-reply", "noc",
		"noreply", "no_reply", "notifications", "office", "orders",
		"press", "privacy", "recruitment", "root", "sales",
		"security", "service", "shop", "staff", "support", "sysadmin",
		"team", "tech", "webmaster", "www":
		return true
	}
	return false
}
