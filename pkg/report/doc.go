// Package report sums up the records of many messages for a batch report
// (`bounce report`): totals, the failures counted once each, rankings of
// reasons, status codes, domains and servers, the addresses to fix and the
// tickets affected, and a CI gate. Its Report type is the stable, versioned
// JSON schema of `bounce report --format json` (docs/report-json.md).
//
// An Aggregator is a sink: it takes the records of one message at a time
// and keeps counts and one small state per group of records (a group is one
// original message and one recipient, bounce.Record.Group), never the
// records themselves, so memory grows with the number of distinct failures,
// not with the input. A group's state is its latest record: the one with the
// latest date, and of equal or missing dates the later in input order. So a
// delay notice followed by the failure counts once, as a permanent failure,
// and a delay followed by a successful delivery is no failure at all.
//
// Package report prints nothing; pkg/cli renders a Report.
package report
