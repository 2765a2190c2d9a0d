package dialect

import (
	"fmt"
	"os"
	"testing"

	"github.com/bounce-tool/bounce/pkg/parts"
)

func TestDbg(t *testing.T) {
	f := os.Getenv("DBG")
	if f == "" {
		t.Skip()
	}
	fh, _ := os.Open(f)
	m, _ := parts.Parse(fh, nil)
	in := &Input{Message: m, Text: m.Text()}
	p := in.prep()
	fmt.Printf("senders %v\n", in.senderSet())
	r := readProse(p.report, in.senderSet())
	for i, l := range r.lines {
		fmt.Printf("%3d s=%v h=%v l=%v %s\n", i, r.strong[i], l.heading, l.list, l.text)
	}
	fmt.Println(r.cands, r.senders)
	fmt.Printf("%+v\n", Extract(in))
}
