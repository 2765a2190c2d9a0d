package ticket

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bounce-tool/bounce/pkg/sign"
)

// ErrMap is wrapped by the errors Map.Read returns for a malformed map.
var ErrMap = errors.New("ticket: bad map")

// Map gives the numeric ticket ID of a message, for help desks whose mail
// carries only an encoded reference (Zendesk's 1G7EOR-0Q2J) or nothing but
// a Message-ID. It is read from CSV exported from the help desk:
//
//	key,id[,system]
//	1G7EOR-0Q2J,48213,zendesk
//	<20240903091419.4f21@mail.acme.example>,48214
//
// A key with an @ is a Message-ID (angle brackets optional, compared without
// regard to case); any other key is a reference such as an encoded ID
// (brackets optional, compared in upper case). The id is a number. The
// optional system names the help desk for messages nothing else links. A
// first row whose id is not a number is a header; lines starting with # are
// comments. The zero Map is empty and ready to use.
type Map struct {
	ids map[string]mapEntry
}

type mapEntry struct {
	id, system string
	line       int
	name       string
}

// Len returns the number of keys in m.
func (m *Map) Len() int { return len(m.ids) }

// Add maps key to the numeric ticket id (and system, which may be empty).
func (m *Map) Add(key, id, system string) error {
	return m.add(key, id, system, "", 0)
}

func (m *Map) add(key, id, system, name string, line int) error {
	where := ""
	if name != "" {
		where = fmt.Sprintf(" %s line %d:", name, line)
	}
	k := mapKey(key)
	if k == "" {
		return fmt.Errorf("%w:%s empty key", ErrMap, where)
	}
	id = strings.TrimSpace(id)
	if !isDigits(id) || trimZeros(id) == "" {
		return fmt.Errorf("%w:%s ticket ID %q is not a number", ErrMap, where, id)
	}
	id = trimZeros(id)
	system = strings.ToLower(strings.TrimSpace(system))
	if system != "" && !validSystem(system) {
		return fmt.Errorf("%w:%s system %q: want lowercase letters, digits and dashes", ErrMap, where, system)
	}
	if m.ids == nil {
		m.ids = map[string]mapEntry{}
	}
	keys := []string{k}
	// A Zendesk encoded ID is also written without its dash, as in its
	// Message-IDs; accept either form.
	if enc := undashed(k); enc != "" {
		keys = append(keys, enc)
	}
	for _, k := range keys {
		if old, ok := m.ids[k]; ok && old.id != id {
			at := ""
			if old.name != "" {
				at = fmt.Sprintf(" (%s line %d)", old.name, old.line)
			}
			return fmt.Errorf("%w:%s %s maps to ticket %s and to %s%s", ErrMap, where, strings.TrimSpace(key), id, old.id, at)
		}
		m.ids[k] = mapEntry{id: id, system: system, line: line, name: name}
	}
	return nil
}

// undashed returns the dashed form of a key that is a Zendesk encoded ID
// written without its dash ("r:1G7EOR0Q2J" -> "r:1G7EOR-0Q2J"), else "".
func undashed(k string) string {
	ref, ok := strings.CutPrefix(k, "r:")
	if !ok || len(ref) != 10 && len(ref) != 11 {
		return ""
	}
	if enc := encodedID(ref[:6]+"-"+ref[6:], false); enc != "" {
		return "r:" + enc
	}
	return ""
}

// mapKey normalises a map key: "m:" and the lowercased Message-ID, or "r:"
// and the upper-cased reference.
func mapKey(key string) string {
	key = strings.TrimSpace(key)
	if strings.Contains(key, "@") {
		key = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(key, "<"), ">")))
		if key == "" {
			return ""
		}
		return "m:" + key
	}
	key = strings.ToUpper(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(key, "["), "]")))
	if key == "" {
		return ""
	}
	return "r:" + key
}

// Read adds the rows of a CSV map to m; name (a file name) is used in
// errors. On error, the rows before the bad one stay added.
func (m *Map) Read(r io.Reader, name string) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%w: %s line %d: %v", ErrMap, name, pe.Line, pe.Err)
			}
			return fmt.Errorf("%w: %s: %v", ErrMap, name, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			// QUIRK: spreadsheet exports start with a UTF-8 byte order mark.
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			if len(rec) >= 2 && !isDigits(strings.TrimSpace(rec[1])) {
				continue // a header row
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < 2 || len(rec) > 3 {
			return fmt.Errorf("%w: %s line %d: want 2 or 3 columns (key,id[,system]), got %d", ErrMap, name, line, len(rec))
		}
		system := ""
		if len(rec) == 3 {
			system = rec[2]
		}
		if err := m.add(rec[0], rec[1], system, name, line); err != nil {
			return err
		}
	}
}

// Lookup returns the ticket ID and system (may be empty) mapped to key, a
// Message-ID or a reference.
func (m *Map) Lookup(key string) (id, system string, ok bool) {
	if m == nil || m.ids == nil {
		return "", "", false
	}
	e, ok := m.ids[mapKey(key)]
	return e.id, e.system, ok
}

// Fill returns t with the numeric ID the map gives (Source "map") when t
// has none: the keys are t's encoded ID, then messageID (the original's
// Message-ID, without brackets). With t nil it returns a ticket for a
// messageID the map knows (its system from the map, else "custom"). It is
// for records linked earlier (bounce act reading inspect's records): Find
// applies the map itself. Otherwise t is returned as it is.
func (m *Map) Fill(t *Ticket, messageID string) *Ticket {
	var ids []string
	if messageID != "" {
		ids = []string{messageID}
	}
	return m.fill(t, ids, func() string { return Custom })
}

// apply fills t's numeric ID from the map, or makes a ticket for a message
// that nothing else linked: keys are t's encoded ID, then the original's
// Message-ID, then the Message-IDs it refers to. A numeric ID the message
// itself gave is kept.
func (m *Map) apply(t *Ticket, v *view) *Ticket {
	ids := make([]string, 0, 1+len(v.refs))
	if v.msgID != "" {
		ids = append(ids, v.msgID)
	}
	ids = append(ids, v.refs...)
	return m.fill(t, ids, func() string { return systemMarks(v) })
}

// fill looks up t's encoded ID, then the Message-IDs ids in order: the
// first the map knows gives t its number, or a new ticket when t is nil,
// whose system is the map's, else system().
func (m *Map) fill(t *Ticket, ids []string, system func() string) *Ticket {
	if m == nil || m.Len() == 0 || t != nil && t.ID != "" {
		return t
	}
	keys := make([]string, 0, 1+len(ids))
	if t != nil && t.EncodedID != "" {
		keys = append(keys, t.EncodedID)
	}
	for _, id := range ids {
		keys = append(keys, "<"+id+">")
	}
	for _, k := range keys {
		id, sys, ok := m.Lookup(k)
		if !ok {
			continue
		}
		if t != nil {
			c := *t
			c.ID, c.Source = id, SourceMap
			return &c
		}
		if sys == "" {
			sys = system()
		}
		return &Ticket{ID: id, System: sys, Source: SourceMap}
	}
	return t
}

// systemMarks names the help desk the original's header says sent it, or
// "custom".
func systemMarks(v *view) string {
	if d := v.helpDesk(); d != "" && d != sign.HelpScout {
		return d
	}
	return Custom
}
