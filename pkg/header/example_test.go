package header_test

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/bounce-tool/bounce/pkg/header"
)

func ExampleRead() {
	h, err := header.Read(bufio.NewReader(strings.NewReader(
		"Received: from b by c\r\nreceived: from a by b\r\nSUBJECT: =?utf-8?q?Caf=C3=A9?=\r\n\r\nbody")))
	if err != nil {
		panic(err)
	}
	subject, _ := h.Subject()
	fmt.Println(h.Len(), h.Get("Received"), "|", subject)
	for k, v := range h.Fields() {
		fmt.Printf("%s: %s\n", k, v)
	}
	// Output:
	// 3 from b by c | Café
	// Received: from b by c
	// Received: from a by b
	// Subject: =?utf-8?q?Caf=C3=A9?=
}
