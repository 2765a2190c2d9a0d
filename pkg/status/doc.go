// Package status knows the status codes that mail servers report.
//
// RFC 3463 defines enhanced mail system status codes of the form
// class.subject.detail (5.1.1): the class says whether a retry can help
// (2 success, 4 persistent transient failure, 5 permanent failure), the
// subject and detail say what went wrong. RFC 5321 defines the three-digit
// SMTP reply codes (550, 452, ...) that carry them. The titles come from the
// IANA "Simple Mail Transfer Protocol (SMTP) Enhanced Status Codes" registry,
// embedded in this package as enhanced-status-codes.tsv.
//
// The package parses codes (Parse, ParseReply), finds them in a server's
// prose (Find, FindReply), names them (Lookup, Describe) and explains what an
// operator should do about them (Explain). It depends on the standard
// library only.
package status
