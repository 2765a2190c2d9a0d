package imap

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/emersion/go-sasl"
)

// Secret yields a password or an access token when a connection needs it
// (a token command runs again on every reconnect, so a short-lived token
// is renewed).
type Secret func(ctx context.Context) (string, error)

// Credentials say how to log in: with a password, or with an OAuth 2.0
// access token (XOAUTH2 or OAUTHBEARER). Exactly one of Password and Token
// is set.
type Credentials struct {
	Password Secret
	Token    Secret
	// Mechanism is "" (choose: LOGIN for a password, XOAUTH2 or
	// OAUTHBEARER for a token, whichever the server offers), "login",
	// "plain", "xoauth2" or "oauthbearer".
	Mechanism string
}

// Mechanisms are the values of Credentials.Mechanism.
var Mechanisms = []string{"", "login", "plain", "xoauth2", "oauthbearer"}

// SecretFromEnv reads the environment variable name.
func SecretFromEnv(name string) Secret {
	return func(context.Context) (string, error) {
		v := os.Getenv(name)
		if v == "" {
			return "", fmt.Errorf("%s is empty", name)
		}
		return v, nil
	}
}

// SecretFromFile reads the first line of the file at path.
func SecretFromFile(path string) Secret {
	return func(context.Context) (string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		line, _, _ := strings.Cut(string(b), "\n")
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			return "", fmt.Errorf("%s: empty", path)
		}
		return line, nil
	}
}

// SecretFromCommand runs command with the shell and takes the first line of
// its standard output; its standard error goes to stderr (a token helper
// may need to say something). The output itself is never shown, even when
// the command fails.
func SecretFromCommand(command string, stderr io.Writer) Secret {
	return func(ctx context.Context) (string, error) {
		shell, flag := "/bin/sh", "-c"
		if runtime.GOOS == "windows" {
			shell, flag = "cmd", "/C"
		}
		cmd := exec.CommandContext(ctx, shell, flag, command)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("command %q: %v", command, err)
		}
		line, _, _ := strings.Cut(out.String(), "\n")
		line = strings.TrimSpace(line)
		if line == "" {
			return "", fmt.Errorf("command %q printed nothing", command)
		}
		return line, nil
	}
}

// saslClient returns the SASL client for mech and secret, or nil for LOGIN.
func saslClient(mech, user, secret, host string) sasl.Client {
	switch mech {
	case "plain":
		return sasl.NewPlainClient("", user, secret)
	case "xoauth2":
		return &xoauth2Client{user: user, token: secret}
	case "oauthbearer":
		return sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: user, Token: secret, Host: host})
	}
	return nil
}

// xoauth2Client is the SASL XOAUTH2 mechanism of Google and Microsoft
// (go-sasl has OAUTHBEARER, the standard one, but not this older one).
type xoauth2Client struct{ user, token string }

func (a *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + a.user + "\x01auth=Bearer " + a.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with the
// empty response the mechanism wants; the server then refuses the login.
func (a *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	return []byte{}, nil
}

// redacted is an error whose message had secrets taken out. It does not
// unwrap: the error inside still holds them.
type redacted struct{ msg string }

func (e *redacted) Error() string { return e.msg }

// redact returns err with every secret in its message replaced.
func redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, s := range secrets {
		if len(s) >= 3 && strings.Contains(msg, s) {
			msg, changed = strings.ReplaceAll(msg, s, "REDACTED"), true
		}
	}
	if !changed {
		return err
	}
	return &redacted{msg: msg}
}
