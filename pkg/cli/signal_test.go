package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fifoInputs makes a folder-free input list: a good bounce, then a FIFO
// that no one writes, so that opening it blocks. The FIFO is unblocked when
// the test ends.
func fifoInputs(t *testing.T) (good, fifo string) {
	t.Helper()
	inRepoRoot(t)
	dir := t.TempDir()
	fifo = filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	t.Cleanup(func() {
		// A reader blocked in open gets a writer, then EOF.
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	good, err := filepath.Abs("testdata/eml/postfix/user-unknown.eml")
	if err != nil {
		t.Fatal(err)
	}
	return good, fifo
}

// waitOpenBlocks waits until a goroutine of the run is blocked opening the
// FIFO (the only file a test goroutine opens and waits on), then a little
// longer for the message read before it to be written: a fixed sleep was
// too short on a loaded machine.
func waitOpenBlocks(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if bytes.Contains(buf[:runtime.Stack(buf, true)], []byte("os.openFileNolog")) {
			time.Sleep(200 * time.Millisecond)
			return
		}
	}
	t.Fatal("the run never blocked opening the FIFO")
}

// TestSignalStopsBlockedRun: a signal while an open blocks stops the run
// at once; the records of the finished message are written and the exit
// status is 128 + the signal.
func TestSignalStopsBlockedRun(t *testing.T) {
	good, fifo := fifoInputs(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		args []string
		want string // in the output: what was made of the good message
	}{
		{syscall.SIGINT, 130, []string{"inspect", "--format", "ndjson"}, `"kind":"bounce"`},
		{syscall.SIGTERM, 143, []string{"inspect", "--format", "json"}, `"kind":"bounce"`},
		{syscall.SIGTERM, 143, []string{"loops", "--format", "ndjson"}, `"index":1`},
		{syscall.SIGINT, 130, []string{"report", "--format", "json"}, `"messages": 1,`},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		ios, _, out, errOut := TestIOStreams()
		done := make(chan int, 1)
		args := append(tc.args, "--jobs", "1", good, fifo)
		go func() { done <- Run(ctx, NewRootCmd(ios, "test", "test"), ios, args) }()
		waitOpenBlocks(t)
		start := time.Now()
		cancel(&SignalError{Signal: tc.sig})
		select {
		case code := <-done:
			if code != tc.code || time.Since(start) > time.Second {
				t.Errorf("%q %v: exit %d after %v, want %d within a second", args, tc.sig, code, time.Since(start), tc.code)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q %v: still running 5 s after the signal", args, tc.sig)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%q %v: the finished message's output was not written: %q", args, tc.sig, out.String())
		}
		if !strings.Contains(errOut.String(), "stopped by") {
			t.Errorf("%q %v: stderr %q does not say the run was stopped", args, tc.sig, errOut.String())
		}
	}
}

// waitProcessOpenBlocks waits until a thread of process pid is blocked
// opening a FIFO (Linux's wchan "wait_for_partner", "fifo_open" in older
// kernels), then a little longer; where
// /proc does not tell, it waits half a second.
func waitProcessOpenBlocks(pid int) {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		chans, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
		if len(chans) == 0 {
			break
		}
		for _, c := range chans {
			if b, _ := os.ReadFile(c); string(b) == "wait_for_partner" || string(b) == "fifo_open" {
				time.Sleep(200 * time.Millisecond)
				return
			}
		}
	}
	time.Sleep(500 * time.Millisecond)
}

// TestSignalExitStatus sends real signals to a bounce process (this test
// binary re-run as bounce) whose input blocks after a good message.
func TestSignalExitStatus(t *testing.T) {
	if args := os.Getenv("BOUNCE_TEST_MAIN"); args != "" {
		var a []string
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			panic(err)
		}
		os.Args = append([]string{"bounce"}, a...)
		os.Exit(Main("test", "test"))
	}
	good, fifo := fifoInputs(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		args, _ := json.Marshal([]string{"inspect", "--format", "ndjson", "--jobs", "1", good, fifo})
		cmd := exec.Command(os.Args[0], "-test.run=^TestSignalExitStatus$")
		cmd.Env = append(os.Environ(), "BOUNCE_TEST_MAIN="+string(args))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// On a pipe, output is flushed when the buffer fills or the run
		// ends: wait for the good message to be read.
		waitProcessOpenBlocks(cmd.Process.Pid)
		start := time.Now()
		cmd.Process.Signal(tc.sig)
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != tc.code || time.Since(start) > 2*time.Second {
			t.Errorf("%v: %v after %v, want exit %d", tc.sig, err, time.Since(start), tc.code)
		}
		if !strings.Contains(line, `"kind":"bounce"`) {
			t.Errorf("%v: first line %q, want the good bounce's record", tc.sig, line)
		}
	}
}
