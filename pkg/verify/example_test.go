package verify_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/bounce-tool/bounce/pkg/verify"
)

// A syntax-only check needs no network: it is what to run first on a list
// pasted from a ticket.
func ExampleVerifier_Verify() {
	v, err := verify.New(verify.Options{SyntaxOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	addrs := []string{
		"user@bücher.example",
		`"john doe"@example.com`,
		"john..doe@example.com",
		"postmaster@mailinator.com",
	}
	for _, r := range v.Verify(context.Background(), addrs) {
		fmt.Printf("%s: %s %s ascii=%q role=%v disposable=%v\n",
			r.Address, r.Verdict, r.Reason, r.ASCII, r.Role, r.Disposable)
	}
	// Output:
	// user@bücher.example: unknown  ascii="user@xn--bcher-kva.example" role=false disposable=false
	// "john doe"@example.com: unknown  ascii="\"john doe\"@example.com" role=false disposable=false
	// john..doe@example.com: undeliverable syntaxerror ascii="" role=false disposable=false
	// postmaster@mailinator.com: unknown  ascii="postmaster@mailinator.com" role=true disposable=true
}

func ExampleParseAddress() {
	a, err := verify.ParseAddress("José@Bücher.Example")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Local, a.ASCIIDomain, a.UTF8())

	_, err = verify.ParseAddress("user@example..com")
	fmt.Println(err)
	// Output:
	// José xn--bcher-kva.example true
	// verify: bad address syntax: domain has a leading, trailing or double dot
}

func ExampleReadAddresses() {
	in := `{"kind":"bounce","class":"permanent","recipient":"alice@example.com"}
{"kind":"bounce","class":"success","recipient":"bob@example.com"}
{"kind":"autoreply","recipient":"carol@example.com"}
`
	addrs, err := verify.ReadAddresses(strings.NewReader(in))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(addrs)
	// Output:
	// [alice@example.com]
}
