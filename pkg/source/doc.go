// Package source turns the inputs named on a command line into a stream of
// messages, each labelled with where it came from: the input as given (a
// path, or "-" for standard input) and its 1-based position inside it.
//
// An input may be a single message (any file name), an mbox file (package
// mbox), a Maildir (its cur/ and new/ folders) or any folder of message
// files, walked in a stable sorted order. Standard input is sniffed: a
// stream that starts with a From_ line is an mbox, anything else is one
// message. Every message is read into memory up to a size limit and handed
// out with LF line ends; nothing else is held, so inputs of any size stream.
//
// Reading never stops at a bad input: an unreadable file or folder becomes a
// Message whose Err says what went wrong, and the walk goes on.
package source
