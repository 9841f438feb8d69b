// Package browser drives the web client in a real, headless Chromium
// (Debian's chromium) through chromedp, against the embedded system. It
// also takes the screenshots in docs/screenshots (make screenshots).
package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
	"github.com/douyin-go/douyin/pkg/config"
)

// step bounds one browser step: generous, for a busy 2-core machine. Every
// wait is on a condition, never on time.
const step = 90 * time.Second

// Viewports of the two layouts.
var (
	phone   = viewport{"phone", 390, 844}
	desktop = viewport{"desktop", 1280, 800}
)

type viewport struct {
	name          string
	width, height int64
}

// chromium finds the browser, or skips the test (fails it where
// DOUYIN_TEST_BROWSER=1, as CI sets).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("DOUYIN_TEST_BROWSER") == "1" {
		t.Fatal("chromium is required (DOUYIN_TEST_BROWSER=1): apt-get install chromium")
	}
	t.Skip("chromium is not installed (apt-get install chromium); skipping the browser tests")
	return ""
}

// startSystem runs the embedded system for the test; tweak may change its
// config first.
func startSystem(t *testing.T, tweak func(*config.Config)) string {
	t.Helper()
	cfg := allinonetest.Config(t, t.TempDir())
	if tweak != nil {
		tweak(&cfg)
	}
	allinonetest.UseTestServers(t, &cfg)
	stop := allinonetest.Start(t, cfg)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("douyin stopped with error: %v", err)
		}
	})
	return "http://" + cfg.HTTPAddr
}

// newBrowser starts Chromium with a fresh profile, quiet on a machine
// without internet: no background networking, component updates, sync or
// first-run pages. Muted videos may autoplay without a gesture.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(desktop.width), int(desktop.height)),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// tab is a page in a browser context of its own: its own localStorage, so
// two tabs are two people.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	name string
}

func newTab(t *testing.T, browser context.Context, base, name string, vp viewport) *tab {
	t.Helper()
	// An uncaught exception in the page fails the test.
	var mu sync.Mutex
	var exceptions []string
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			exceptions = append(exceptions, fmt.Sprintf("%s (%s:%d)", describe(e.ExceptionDetails), e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber))
			mu.Unlock()
		}
	}))
	t.Cleanup(func() {
		cancel()
		mu.Lock()
		defer mu.Unlock()
		for _, e := range exceptions {
			t.Errorf("%s: uncaught exception in the page: %s", name, e)
		}
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height)); err != nil {
		t.Fatalf("%s: open a tab: %v", name, err)
	}
	return &tab{t: t, ctx: ctx, base: base, name: name}
}

// do runs actions within one step's deadline.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %s: %v\n%s", b.name, what, err, b.debugState())
	}
}

// wait blocks until the JavaScript condition is true. A condition that
// throws (an element not there yet, say mid-scroll) is not met yet.
func (b *tab) wait(what, condition string) {
	b.t.Helper()
	guarded := "(() => { try { return !!(" + condition + "); } catch { return false; } })()"
	b.do("wait for "+what, chromedp.Poll[chromedp.Void](guarded, chromedp.WithPollingTimeout(step), chromedp.WithPollingInterval(50*time.Millisecond)))
}

// eval evaluates a JavaScript expression into T.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("%s: evaluate %s: %v", b.name, expr, err)
	}
	return v
}

// debugState describes the page when a step fails.
func (b *tab) debugState() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[
		location.href,
		"view: " + (document.getElementById("view")?.innerText || "").slice(0, 800),
		"drawer: " + (document.getElementById("drawer-root")?.innerText || "").slice(0, 400),
		"toasts: " + [...document.querySelectorAll(".toast")].map(t => t.innerText).join(" | "),
		"focus: " + (document.activeElement?.outerHTML || "").slice(0, 200),
		"videos: " + [...document.querySelectorAll("video")].map(v => JSON.stringify({current: !!v.closest(".current"), paused: v.paused, muted: v.muted, t: v.currentTime, ready: v.readyState, net: v.networkState, err: v.error && v.error.message, src: v.currentSrc})).join(" "),
	].join("\n")`))
	return s
}

// open goes to a route of the web client and waits for the view.
func (b *tab) open(hash, ready string) {
	b.t.Helper()
	b.do("open "+hash, chromedp.Navigate(b.base+"/"+hash))
	b.wait(hash+" to show", ready)
}

func (b *tab) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(sel, chromedp.NodeVisible))
}

func (b *tab) typeInto(sel, text string) {
	b.t.Helper()
	b.do("type into "+sel, chromedp.SendKeys(sel, text, chromedp.NodeVisible))
}

// key sends a key (e.g. kb.Enter) to the focused element.
func (b *tab) key(k string) {
	b.t.Helper()
	b.do("press a key", chromedp.KeyEvent(k))
}

// screenshot saves the viewport as dir/name.png when dir is set.
func (b *tab) screenshot(dir, name string) {
	b.t.Helper()
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("%s: screenshot %s: %v", b.name, name, err)
	}
	if err := os.WriteFile(dir+"/"+name+".png", png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// session is the user the tab is logged in as, from localStorage.
func (b *tab) session() (id int64, token string) {
	b.t.Helper()
	var s struct {
		UserID int64  `json:"user_id"`
		Token  string `json:"token"`
	}
	raw := eval[string](b, `localStorage.getItem("douyin.session") || "{}"`)
	_ = json.Unmarshal([]byte(raw), &s)
	return s.UserID, s.Token
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func id(n int64) string { return fmt.Sprint(n) }

// textOf is a condition: the element at sel exists and its text contains s.
func textOf(sel, s string) string {
	return fmt.Sprintf(`(document.querySelector(%s)?.innerText || "").includes(%s)`, js(sel), js(s))
}

// describe is an exception's message.
func describe(d *runtime.ExceptionDetails) string {
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}
