package verify

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadAddresses reads the addresses to verify from r, sniffing its format:
//
//   - JSON: an array, an object, or a stream of values such as NDJSON, as
//     printed by bounce inspect --format json|ndjson or bounce report
//     --format json. ReadAddresses walks the whole tree and takes the string
//     values of the keys "recipient" and "address", skipping objects whose
//     "kind" is not "bounce" and objects whose "class" is "success" (a
//     delivered recipient). Strings directly inside a top-level array are
//     taken too, so ["a@example.com", ...] works. Duplicates are dropped,
//     keeping the first.
//   - CSV, when the first line is a header with an "address" column
//     (comma, semicolon or tab separated): the values of that column.
//   - Otherwise one address a line; blank lines and lines starting with #
//     are skipped, spaces around addresses trimmed.
//
// The input is JSON when its first non-space character is '[', or '{'
// followed by '"' or '}' (an address may start with '{'). On a read or
// parse error ReadAddresses returns the addresses read so far with the
// error.
func ReadAddresses(r io.Reader) ([]string, error) {
	br := bufio.NewReader(r)
	skipBOM(br)
	sniffed, err := isJSON(br)
	if err != nil {
		return nil, fmt.Errorf("verify: reading addresses: %w", err)
	}
	if sniffed {
		return readJSON(br)
	}
	first, err := br.ReadString('\n')
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("verify: reading addresses: %w", err)
	}
	rest := io.MultiReader(strings.NewReader(first), br)
	if comma, col, ok := csvHeader(first); ok {
		return readCSV(rest, comma, col)
	}
	return readLines(rest)
}

// skipBOM drops a UTF-8 byte order mark, which spreadsheet exports add.
func skipBOM(br *bufio.Reader) {
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
	}
}

// isJSON looks at the first non-space bytes without consuming them.
func isJSON(br *bufio.Reader) (bool, error) {
	b, err := br.Peek(br.Size()) // what there is, up to the buffer size
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return false, err
	}
	s := strings.TrimLeft(string(b), " \t\r\n")
	switch {
	case s == "":
		return false, nil
	case s[0] == '[':
		return true, nil
	case s[0] != '{':
		return false, nil
	}
	// QUIRK: RFC 5322 atext allows '{', so "{x}@example.com" is an address;
	// a JSON object goes on with a key or '}'.
	t := strings.TrimLeft(s[1:], " \t\r\n")
	return t == "" || t[0] == '"' || t[0] == '}', nil
}

// csvHeader reports whether line is a CSV header with an "address" column,
// and returns the separator and the column's index.
func csvHeader(line string) (comma rune, col int, ok bool) {
	line = strings.TrimRight(line, "\r\n")
	for _, comma := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(strings.NewReader(line))
		cr.Comma = comma
		cr.LazyQuotes = true
		fields, err := cr.Read()
		if err != nil {
			continue
		}
		for i, f := range fields {
			if strings.EqualFold(strings.TrimSpace(f), "address") {
				return comma, i, true
			}
		}
	}
	return 0, 0, false
}

// readCSV returns column col of every record after the header.
func readCSV(r io.Reader, comma rune, col int) ([]string, error) {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		return nil, fmt.Errorf("verify: reading CSV header: %w", err)
	}
	var out []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("verify: reading CSV: %w", err)
		}
		if col < len(rec) {
			if a := strings.TrimSpace(rec[col]); a != "" {
				out = append(out, a)
			}
		}
	}
}

// readLines returns one address a line.
func readLines(r io.Reader) ([]string, error) {
	br := bufio.NewReader(r)
	var out []string
	for {
		line, err := br.ReadString('\n')
		if a := strings.TrimSpace(line); a != "" && a[0] != '#' {
			out = append(out, a)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("verify: reading addresses: %w", err)
		}
	}
}

// jsonFrame is an open JSON object or array while walking the token stream.
// An object's addresses wait in the frame until its end, because its "kind"
// and "class" may come after them.
type jsonFrame struct {
	object   bool
	key      string // the key whose value comes next, in an object
	wantKey  bool
	skip     bool // kind is not bounce, or class is success
	hasKind  bool
	kindOK   bool
	addrs    []string
	topArray bool // a top-level array: bare strings are addresses
}

// readJSON walks every JSON value in r and collects recipient addresses.
func readJSON(r io.Reader) ([]string, error) {
	dec := json.NewDecoder(r)
	var (
		out   []string
		seen  = map[string]bool{}
		stack []*jsonFrame
	)
	add := func(list ...string) {
		for _, a := range list {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	// partial adds, after an error, the addresses of the complete objects
	// of the arrays still open; an open object's may yet be skipped.
	partial := func() []string {
		for _, f := range stack {
			if !f.object {
				add(f.addrs...)
			}
		}
		return out
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return partial(), errors.New("verify: reading JSON: unexpected end of input")
			}
			return out, nil
		}
		if err != nil {
			return partial(), fmt.Errorf("verify: reading JSON: %w", err)
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				stack = append(stack, &jsonFrame{object: tok == '{', wantKey: tok == '{', topArray: tok == '[' && top == nil})
				continue
			}
			stack = stack[:len(stack)-1]
			done := top
			if done.object && (done.skip || done.hasKind && !done.kindOK) {
				done.addrs = nil
			}
			if len(stack) == 0 {
				add(done.addrs...)
				continue
			}
			parent := stack[len(stack)-1]
			parent.addrs = append(parent.addrs, done.addrs...)
			parent.wantKey = parent.object
		case string:
			switch {
			case top == nil:
				add(cleanAddress(tok)...)
			case top.object && top.wantKey:
				top.key, top.wantKey = tok, false
			case top.object:
				switch top.key {
				case "recipient", "address":
					top.addrs = append(top.addrs, cleanAddress(tok)...)
				case "kind":
					top.hasKind, top.kindOK = true, tok == "bounce"
				case "class":
					top.skip = top.skip || tok == "success"
				}
				top.wantKey = true
			case top.topArray:
				top.addrs = append(top.addrs, cleanAddress(tok)...)
			}
		default: // numbers, booleans, null
			if top != nil && top.object {
				if top.key == "kind" {
					top.hasKind = true
				}
				top.wantKey = true
			}
		}
	}
}

// cleanAddress trims an address taken from JSON and drops the address-type
// prefix of RFC 3464 ("rfc822;user@example.com"). It returns nothing for an
// empty string.
func cleanAddress(s string) []string {
	s = strings.TrimSpace(s)
	if typ, rest, ok := strings.Cut(s, ";"); ok && (strings.EqualFold(typ, "rfc822") || strings.EqualFold(typ, "utf-8")) {
		s = strings.TrimSpace(rest)
	}
	if s == "" {
		return nil
	}
	return []string{s}
}
