package imap

import "github.com/emersion/go-sasl"

// xoauth2Client is the SASL XOAUTH2 client of Gmail and Microsoft 365,
// which go-sasl lacks: "user=" user ^A "auth=Bearer " token ^A ^A.
// (OAUTHBEARER, RFC 7628, is go-sasl's.)
type xoauth2Client struct{ user, token string }

func (c *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON document) with an
// empty response, after which the server fails the authentication.
func (c *xoauth2Client) Next([]byte) ([]byte, error) { return []byte{}, nil }

var _ sasl.Client = (*xoauth2Client)(nil)
