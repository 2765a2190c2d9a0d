package parts

import (
	"bufio"
	"bytes"
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
	var logical []byte // a line with its line end put back
	pos := 0
	for len(dst) < limit {
		if rerr != nil {
			if rerr == io.EOF {
				return dst, nil
			}
			return dst, rerr
		}
		var whole []byte
		whole, pos, rerr = readSliceAt(src, pos, end)
		hasLF := bytes.HasSuffix(whole, []byte("\n"))
		hasCR := bytes.HasSuffix(whole, []byte("\r\n"))
		line := bytes.TrimRight(whole, "\n\r \t")
		if bytes.HasSuffix(line, []byte("=")) {
			rightStripped := bytes.TrimLeft(whole[len(line):], " \t")
			line = line[:len(line)-1]
			if !bytes.HasPrefix(rightStripped, []byte("\n")) && !bytes.HasPrefix(rightStripped, []byte("\r\n")) &&
				!(len(rightStripped) == 0 && len(line) > 0 && rerr == io.EOF) {
				rerr = fmt.Errorf("quotedprintable: invalid bytes after =: %q", rightStripped)
			}
		} else if hasLF {
			logical = append(logical[:0], line...)
			if hasCR {
				logical = append(logical, '\r', '\n')
			} else {
				logical = append(logical, '\n')
			}
			line = logical
		}
		for i := 0; i < len(line); i++ {
			if len(dst) == limit {
				return dst, nil
			}
			b := line[i]
			switch {
			case b == '=':
				h, err := readHexByte(line[i+1:])
				if err != nil {
					if len(line)-i >= 2 && line[i+1] != '\r' && line[i+1] != '\n' {
						break // a literal "="
					}
					return dst, err
				}
				b = h
				i += 2
			case b == '\t' || b == '\r' || b == '\n':
			case b >= 0x80:
			case b < ' ' || b > '~':
				return dst, fmt.Errorf("quotedprintable: invalid unescaped byte 0x%02x in body", b)
			}
			dst = append(dst, b)
		}
	}
	return dst, nil
}

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
