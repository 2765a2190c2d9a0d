package cli

import (
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bounce-tool/bounce/pkg/report"
	"golang.org/x/net/html"
)

// chromium returns the headless Chromium to test the HTML page with. It
// fails the test in CI when there is none, and skips it elsewhere.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatal("headless Chromium not found, and CI is set: apt-get install chromium-headless-shell")
	}
	t.Skip("headless Chromium not found: apt-get install chromium-headless-shell")
	return ""
}

// browser runs headless Chromium on a page file with every request sent to
// proxy (which counts them) and no name resolving, so that nothing can
// leave the machine.
type browser struct {
	bin, proxy string
	t          *testing.T
}

func (b *browser) run(page string, args ...string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
		"--user-data-dir=" + b.t.TempDir(), "--proxy-server=" + b.proxy,
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--virtual-time-budget=3000",
		"--window-size=1200,2000"}, args...)
	all = append(all, (&url.URL{Scheme: "file", Path: page}).String())
	cmd := exec.CommandContext(ctx, b.bin, all...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", b.bin, err, stderr.String())
	}
	return out
}

// TestReportHTMLInBrowser loads the page of the testdata mbox in headless
// Chromium, offline: it renders (a screenshot of the expected size, not
// blank, with the chart colours), its DOM holds the headline figures and
// an SVG per chart, its script ran (the sort buttons) and no request left
// the page.
func TestReportHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	inRepoRoot(t)
	var hits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		t.Logf("request through the proxy: %s %s", r.Method, r.URL)
		http.Error(w, "offline", http.StatusBadGateway)
	}))
	defer proxy.Close()
	br := &browser{bin: bin, proxy: proxy.URL, t: t}
	dir := t.TempDir()

	// The control: a page that fetches is seen fetching.
	control := filepath.Join(dir, "control.html")
	if err := os.WriteFile(control, []byte(`<!DOCTYPE html><title>c</title><img src="http://images.example/x.png">`), 0o644); err != nil {
		t.Fatal(err)
	}
	br.run(control, "--dump-dom")
	if hits.Load() == 0 {
		t.Fatal("the control page's image request did not reach the counting proxy: the test could not see a fetch")
	}
	hits.Store(0)

	mbox := testdataMbox(t)
	res := runCLIAt(t, []string{"report", "--format", "html", "--ticket-url", ticketURLFlag}, mbox)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.errOut)
	}
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(res.out), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := reportJSON(t, mbox)

	dom := string(br.run(page, "--dump-dom"))
	doc, err := html.Parse(strings.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	figures, charts, buttons := map[string]string{}, 0, 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := func(k string) string {
				for _, a := range n.Attr {
					if a.Key == k {
						return a.Val
					}
				}
				return ""
			}
			if f := attr("data-figure"); f != "" && n.FirstChild != nil {
				figures[f] = n.FirstChild.Data
			}
			if n.Data == "svg" && attr("class") == "chart" {
				charts++
			}
			if n.Data == "button" && n.Parent != nil && n.Parent.Data == "th" {
				buttons++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	want := map[string]string{"messages": report.Thousands(rep.Totals.Messages), "failures": report.Thousands(rep.Failures.Failed),
		"permanent-share": report.Percent(rep.Failures.PermanentRate), "addresses": report.Thousands(len(rep.FixAddresses)),
		"tickets": report.Thousands(len(rep.Tickets))}
	for k, v := range want {
		if figures[k] != v {
			t.Errorf("headline %s = %q in the browser's DOM, want %q", k, figures[k], v)
		}
	}
	if charts != 5 {
		t.Errorf("%d chart SVGs in the DOM, want 5 (per day, reasons, status codes, domains, servers)", charts)
	}
	if buttons == 0 {
		t.Error("no sort buttons in the table headers: the page's script did not run (CSP hash?)")
	}

	shot := filepath.Join(dir, "report.png")
	br.run(page, "--screenshot="+shot, "--hide-scrollbars")
	img := decodePNG(t, shot)
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 2000 {
		t.Errorf("screenshot is %dx%d, want 1200x2000", b.Dx(), b.Dy())
	}
	colours := map[[3]uint32]int{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 2 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, b >> 8}]++
		}
	}
	if len(colours) < 16 {
		t.Errorf("screenshot has %d colours: blank?", len(colours))
	}
	if colours[[3]uint32{0xb3, 0x47, 0x00}] == 0 {
		t.Error("no bar in the permanent colour (#b34700) on the screenshot: charts not drawn?")
	}
	if os.Getenv("BOUNCE_KEEP_SCREENSHOT") != "" {
		_ = os.WriteFile(os.Getenv("BOUNCE_KEEP_SCREENSHOT"), mustRead(t, shot), 0o644)
	}

	dark := filepath.Join(dir, "dark.png")
	br.run(page, "--screenshot="+dark, "--force-dark-mode", "--blink-settings=preferredColorScheme=0")
	if r, g, b, _ := decodePNG(t, dark).At(5, 5).RGBA(); r>>8 > 0x40 || g>>8 > 0x40 || b>>8 > 0x40 {
		t.Errorf("dark mode background is #%02x%02x%02x, want dark", r>>8, g>>8, b>>8)
	}

	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests left the page", n)
	}
}

func decodePNG(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	return img
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
