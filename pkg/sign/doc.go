// Package sign answers, in one place each, the questions every command asks
// about what a message is, from the signs it carries:
//
//   - MailSystem, FromMailSystem: is this address, or this From field, the
//     mail system (MAILER-DAEMON, postmaster, "Mail Delivery System")?
//   - ReportSubject: is this subject that of a delivery report (failure or
//     delay)?
//   - ReplySubject: does this subject answer or forward another message
//     ("Re:", "AW:", "Fwd:"), a person writing about a report?
//   - AutoReply, AutoReplySubject: is this an auto-reply (RFC 3834
//     Auto-Submitted, vendor fields, or an auto-reply subject, where the
//     ordinary words such as "Absence" count only before a colon or as the
//     whole subject)?
//   - OriginalStart: where in a bounce's text does the returned original
//     begin?
//   - HelpDesk: which help desk wrote this message?
//
// Each answer has one word list beside its one function; packages bounce,
// dialect, loop and ticket ask here instead of keeping their own lists, so
// that inspect, loops and report can never disagree about a message. The
// package is a leaf: it knows header fields and text, not records.
package sign
