// Package verify checks whether email addresses can receive mail, the
// question a help-desk operator asks after a "User unknown" bounce.
//
// A check goes through up to three stages, each optional after the first:
//
//  1. Syntax. ParseAddress accepts the addr-spec of RFC 5322 section 3.4.1 as
//     restricted by the Mailbox rule of RFC 5321 section 4.1.2: a dot-atom or
//     quoted-string local part, and a domain or an address literal
//     ([192.0.2.1], [IPv6:2001:db8::1]). UTF-8 local parts are accepted as
//     RFC 6531 allows. Internationalized domains are converted to ASCII
//     (A-labels) with the UTS #46 Lookup profile of golang.org/x/net/idna.
//     The length limits of RFC 5321 section 4.5.3.1 apply.
//  2. DNS. The domain's MX records are looked up in preference order; without
//     MX records the domain itself is the implicit MX when it has A or AAAA
//     records (RFC 5321 section 5.1). A null MX (RFC 7505) means the domain
//     accepts no mail. DNS goes through github.com/miekg/dns so that RCODEs
//     are visible: NXDOMAIN is final, SERVFAIL, REFUSED and timeouts are
//     temporary and never reported as a missing host.
//  3. SMTP, only when Options.SMTP is set, because it talks to other people's
//     servers. The probe connects to the MX hosts in order, says EHLO, uses
//     STARTTLS when offered, sends MAIL FROM and RCPT TO, then RSET and QUIT.
//     It never sends DATA. A second RCPT with a random local part in the same
//     session detects catch-all domains.
//
// Every address gets one Result, in input order. Its Verdict is deliverable,
// undeliverable, risky or unknown; Reason uses the project's reason vocabulary
// (docs/reasons.md: userunknown, hostunknown, notaccept, syntaxerror,
// networkerror, ...) and Class the words of bounce inspect (permanent,
// temporary, success, unknown). Enhanced status codes in SMTP replies are read
// as RFC 3463 defines them.
//
// # SMTP client
//
// The probe uses net/smtp from the standard library rather than the client of
// github.com/emersion/go-smtp. Both hide the text of a successful reply behind
// a nil error, but net/smtp exports Client.Text, so the RCPT command can be
// sent on the raw textproto connection and its reply code and text recorded
// whether it is 2xx, 4xx or 5xx. net/smtp is frozen, which suits a client that
// only needs EHLO, STARTTLS, MAIL, RCPT, RSET and QUIT, and it keeps go-smtp a
// test-only dependency (the tests run real go-smtp servers on loopback).
//
// STARTTLS is used when offered, without certificate verification
// (InsecureSkipVerify): a probe only wants the server's answer, MX hosts often
// present certificates for other names, and an opportunistic MTA behaves the
// same way (RFC 3207 section 4.1). If the TLS handshake fails, the probe
// reconnects once to the same host without TLS.
//
// # Judgement calls
//
// Places where the package decides something the RFCs leave open are marked
// "Judgement:" in the source. The main ones:
//
//   - A 550 or 553 reply to RCPT with no enhanced status code and no
//     recognisable words is read as userunknown. That is what it means on most
//     servers, but some use a bare 550 for policy refusals too.
//   - A 5xx reply that is about the prober rather than the mailbox (blocked,
//     badreputation, requireptr, policyviolation, rejected at MAIL, ...) gives
//     the verdict unknown: it says nothing about whether the mailbox exists.
//   - Risky results have an empty Reason; CatchAll, Role and Disposable say why.
//   - Without the SMTP probe, an address whose domain takes mail is unknown
//     (or risky for role and disposable addresses): DNS cannot see mailboxes.
//   - When every MX host of a domain failed to answer (connection refused or
//     timed out), later addresses at that domain in the same call reuse that
//     failure instead of waiting for the same timeouts again.
//
// # Concurrency and limits
//
// Addresses are grouped by domain. One domain is checked by one worker at a
// time, so addresses at the same domain are probed one after another and share
// the DNS answer and the catch-all result. At most Options.Concurrency workers
// run, so at most that many SMTP connections are open. Every SMTP command and
// connection attempt has Options.Timeout, every DNS query Options.DNSTimeout,
// and cancelling the context stops the probes under way.
//
// The probe is polite to other people's servers: one session at a time per
// mail host address (whatever the number of domains that share it), at least
// Options.ProbeInterval (default one second) between two probes of the same
// domain, and, after a rate-limit reply (421, or a 4.7.x status), a pause
// that doubles each time, up to a minute; after three such replies the
// domain is not probed again in the call. A reply cut short by the timeout,
// in the middle of a multi-line answer too, is no reply: the address is
// unknown, never judged on the lines that came.
//
// # Private addresses
//
// Address literals and MX records can point at any IP address. The probe
// connects to public addresses only: after resolving, a mail host whose
// address is loopback, private (RFC 1918), link-local (169.254.0.0/16, where
// cloud metadata services listen, and fe80::/10), unique-local (fc00::/7),
// unspecified, shared (100.64.0.0/10), multicast or broadcast is not
// contacted, and the address is Unknown with a note naming the address class.
// Options.AllowPrivate lifts this, for tests and closed networks.
package verify
