package mbox

import (
	"bytes"
	"io"
)

// Newlines returns a reader that turns CRLF and lone CR line ends into LF.
// Text that already uses LF passes through unchanged.
func Newlines(r io.Reader) io.Reader {
	return &newlineReader{r: r}
}

type newlineReader struct {
	r      io.Reader
	lastCR bool // the previous chunk ended with a CR that became LF
	err    error
}

func (n *newlineReader) Read(p []byte) (int, error) {
	for {
		if n.err != nil {
			return 0, n.err
		}
		m, err := n.r.Read(p)
		n.err = err
		if m == 0 {
			if err == nil {
				continue
			}
			return 0, err
		}
		buf := p[:m]
		start := 0
		if n.lastCR && buf[0] == '\n' {
			start = 1 // the LF of a CRLF split across reads
		}
		n.lastCR = false
		if bytes.IndexByte(buf[start:], '\r') < 0 {
			if start == 0 {
				return m, nil
			}
			copy(p, buf[start:])
			if m-start == 0 {
				continue
			}
			return m - start, nil
		}
		w := 0
		for i := start; i < m; i++ {
			c := buf[i]
			if c == '\r' {
				p[w] = '\n'
				w++
				if i+1 < m {
					if buf[i+1] == '\n' {
						i++
					}
				} else {
					n.lastCR = true
				}
				continue
			}
			p[w] = c
			w++
		}
		if w == 0 {
			continue
		}
		return w, nil
	}
}
