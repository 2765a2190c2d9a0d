package parts

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// decodeQP appends to dst the quoted-printable decoding of src, which ends
// with the error end, up to limit bytes of output: what reading
// mime/quotedprintable.NewReader over src into a buffer of limit bytes
// gives (the same bytes and errors, io.EOF as nil), without its 4 KiB
// reader per part. Like that reader it reads lines in pieces of at most
// 4096 bytes, and a longer line ends the part with bufio.ErrBufferFull.
func decodeQP(dst, src []byte, end error, limit int) ([]byte, error) {
	var rerr error
	pos := 0
	for len(dst) < limit {
		if rerr != nil {
			if rerr == io.EOF {
				return dst, nil
			}
			return dst, rerr
		}
		var whole []byte
		if i := bytes.IndexByte(src[pos:], '\n'); i >= 0 && i < peekBufferSize {
			whole, pos = src[pos:pos+i+1], pos+i+1 // readSliceAt's usual line
		} else {
			whole, pos, rerr = readSliceAt(src, pos, end)
		}
		hasLF := bytes.HasSuffix(whole, []byte("\n"))
		hasCR := bytes.HasSuffix(whole, []byte("\r\n"))
		line := whole[:trimRightQP(whole)]
		lineEnd := ""
		if bytes.HasSuffix(line, []byte("=")) {
			rightStripped := whole[len(line):]
			for len(rightStripped) > 0 && (rightStripped[0] == ' ' || rightStripped[0] == '\t') {
				rightStripped = rightStripped[1:]
			}
			line = line[:len(line)-1]
			if !bytes.HasPrefix(rightStripped, []byte("\n")) && !bytes.HasPrefix(rightStripped, []byte("\r\n")) &&
				!(len(rightStripped) == 0 && len(line) > 0 && rerr == io.EOF) {
				rerr = fmt.Errorf("quotedprintable: invalid bytes after =: %q", rightStripped)
			}
		} else if hasLF {
			// The line end the reader puts back after the trimmed line.
			lineEnd = "\n"
			if hasCR {
				lineEnd = "\r\n"
			}
		}
		var err error
		if qpInvalidAt(line) < 0 {
			dst, err = decodeQPValid(dst, line, limit)
		} else {
			dst, err = decodeQPLine(dst, line, limit)
		}
		if err != nil {
			return dst, err
		}
		n := min(len(lineEnd), limit-len(dst))
		dst = append(dst, lineEnd[:n]...)
	}
	return dst, nil
}

// decodeQPLine appends the decoding of one line (trimmed, without its line
// end) to dst up to limit bytes, copying the runs between escapes whole.
func decodeQPLine(dst, line []byte, limit int) ([]byte, error) {
	for len(line) > 0 && len(dst) < limit {
		run := line
		if eq := bytes.IndexByte(line, '='); eq >= 0 {
			run = line[:eq]
		}
		if len(run) > 0 {
			n := min(len(run), limit-len(dst))
			if i := qpInvalidAt(run[:n]); i >= 0 {
				return append(dst, run[:i]...), fmt.Errorf("quotedprintable: invalid unescaped byte 0x%02x in body", run[i])
			}
			dst, line = append(dst, run[:n]...), line[n:]
			continue
		}
		var err error
		if dst, line, err = qpEscape(dst, line); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// qpEscape decodes the escape that starts line ("=" and two hex digits, or
// a literal "=" not before a line end) onto dst, and returns the rest.
func qpEscape(dst, line []byte) ([]byte, []byte, error) {
	h, err := readHexByte(line[1:])
	switch {
	case err == nil:
		return append(dst, h), line[3:], nil
	case len(line) >= 2 && line[1] != '\r' && line[1] != '\n':
		return append(dst, '='), line[1:], nil // a literal "="
	}
	return dst, line, err
}

// decodeQPValid is decodeQPLine on a line that holds no byte in qpInvalid.
func decodeQPValid(dst, line []byte, limit int) ([]byte, error) {
	for len(line) > 0 && len(dst) < limit {
		if line[0] != '=' { // else an escape, maybe one of a run
			eq := bytes.IndexByte(line, '=')
			if eq < 0 {
				eq = len(line)
			}
			n := min(eq, limit-len(dst))
			dst, line = append(dst, line[:n]...), line[n:]
			continue
		}
		var err error
		if dst, line, err = qpEscape(dst, line); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// trimRightQP returns the length of line without the line ends, spaces
// and tabs at its end: bytes.TrimRight(line, "\n\r \t") without its set
// of bytes built per call.
func trimRightQP(line []byte) int {
	n := len(line)
	for n > 0 {
		switch line[n-1] {
		case '\n', '\r', ' ', '\t':
			n--
			continue
		}
		break
	}
	return n
}

// qpInvalidAt returns the index of the first byte of b in qpInvalid, or
// -1. It passes over sixteen, then eight bytes at a time that hold no
// byte below 0x20 and none from DEL up.
func qpInvalidAt(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+16 <= len(b); i += 16 {
		x, y := binary.LittleEndian.Uint64(b[i:]), binary.LittleEndian.Uint64(b[i+8:])
		if ((x-0x20*ones)|(x+ones)|x|(y-0x20*ones)|(y+ones)|y)&highs != 0 {
			break // the words one at a time, below
		}
	}
	for ; i+8 <= len(b); i += 8 {
		// A byte below 0x20, or 0x7f and up: the exact test below.
		x := binary.LittleEndian.Uint64(b[i:])
		if ((x-0x20*ones)|(x+ones)|x)&highs == 0 {
			continue
		}
		for j, c := range b[i : i+8] {
			if qpInvalid[c] {
				return i + j
			}
		}
	}
	if i < len(b) && len(b) >= 8 {
		// The last eight bytes, some of them passed already.
		if x := binary.LittleEndian.Uint64(b[len(b)-8:]); ((x-0x20*ones)|(x+ones)|x)&highs == 0 {
			return -1
		}
	}
	for j, c := range b[i:] {
		if qpInvalid[c] {
			return i + j
		}
	}
	return -1
}

// qpInvalid holds the bytes quoted-printable text may not hold unescaped:
// controls but tab, CR and LF, and DEL.
var qpInvalid = func() (t [256]bool) {
	for c := 0; c < ' '; c++ {
		t[c] = c != '\t' && c != '\r' && c != '\n'
	}
	t[0x7f] = true
	return t
}()

// readSliceAt is bufio.Reader.ReadSlice('\n') with a 4096-byte buffer over
// src[pos:], which ends with the error end; it returns the line, the
// position after it and the error.
func readSliceAt(src []byte, pos int, end error) ([]byte, int, error) {
	rest := src[pos:]
	if len(rest) == 0 {
		return nil, pos, end
	}
	i := bytes.IndexByte(rest, '\n')
	switch {
	case i >= 0 && i < peekBufferSize:
		return rest[:i+1], pos + i + 1, nil
	case i < 0 && len(rest) < peekBufferSize:
		return rest, len(src), end
	}
	return rest[:peekBufferSize], pos + peekBufferSize, bufio.ErrBufferFull
}

func fromHex(b byte) (byte, error) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', nil
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, nil
	case b >= 'a' && b <= 'f': // badly encoded, accepted
		return b - 'a' + 10, nil
	}
	return 0, fmt.Errorf("quotedprintable: invalid hex byte 0x%02x", b)
}

func readHexByte(v []byte) (byte, error) {
	if len(v) < 2 {
		return 0, io.ErrUnexpectedEOF
	}
	hb, err := fromHex(v[0])
	if err != nil {
		return 0, err
	}
	lb, err := fromHex(v[1])
	if err != nil {
		return 0, err
	}
	return hb<<4 | lb, nil
}
