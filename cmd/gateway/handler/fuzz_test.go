package handler

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/douyin-go/douyin/pkg/errno"
)

// Parameter binding never panics, reports problems only as business
// errors, and gives back values within the rules it checks.
func FuzzParams(f *testing.F) {
	for _, seed := range [][2]string{
		{"user_id=7&action_type=1", ""},
		{"user_id=-1", "action_type=2"},
		{"user_id=99999999999999999999", ""},
		{"action_type=%20%31%20", "user_id=%00"},
		{"", "user_id=1&user_id=2"},
		{"user_id=;=&&==", "%zz=1"},
		{"latest_time=+1700000000", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, query, form string) {
		if strings.IndexFunc(query, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '#' }) >= 0 {
			t.Skip("not a request target a client can send")
		}
		got := readParams(t, paramsRequest{method: "POST", query: query, form: form}, func(p *params) any {
			id, n, action := p.ID("user_id"), p.Int64("latest_time", -7), p.ActionType(1, 2)
			return []any{id, n, action, p.String("name")}
		})
		if got.Code == errno.ServiceErr.Code {
			t.Fatalf("query %q form %q: an internal error: %s", query, form, got.Msg)
		}
		if got.Code != 0 {
			return
		}
		vals := got.Value.([]any)
		if id := vals[0].(interface{ String() string }).String(); strings.HasPrefix(id, "-") || id == "0" {
			t.Fatalf("query %q form %q: ID %s accepted", query, form, id)
		}
		if action := vals[2].(interface{ String() string }).String(); action != "1" && action != "2" {
			t.Fatalf("query %q form %q: action_type %s accepted", query, form, action)
		}
	})
}

// The publish form reader never panics on any body, never spools more
// than its limit, and fails only with business errors.
func FuzzFormReader(f *testing.F) {
	const boundary = "b0undary"
	part := func(name, filename, body string) string {
		disp := `form-data; name="` + name + `"`
		if filename != "" {
			disp += `; filename="` + filename + `"`
		}
		return "--" + boundary + "\r\nContent-Disposition: " + disp + "\r\n\r\n" + body + "\r\n"
	}
	f.Add([]byte(part("token", "", "t") + part("title", "", "hi") + part("data", "a.mp4", "videobytes") + "--" + boundary + "--\r\n"))
	f.Add([]byte(part("data", "a.mp4", strings.Repeat("x", 2000)) + "--" + boundary + "--\r\n"))
	f.Add([]byte(part("data", "a", "1") + part("data", "b", "2")))
	f.Add([]byte(part("title", "", strings.Repeat("t", maxFieldBytes+1))))
	f.Add([]byte("--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"\r\n"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, body []byte) {
		dir := t.TempDir()
		t.Setenv("TMPDIR", dir)
		const limit = 1024
		var up upload
		admitted := false
		form := formReader{maxFileBytes: limit, beforeData: func(*upload) error { admitted = true; return nil }}
		err := form.read(bytes.NewReader(body), boundary, &up)
		if up.file != "" {
			defer os.Remove(up.file)
			if !admitted {
				t.Fatal("data spooled without beforeData")
			}
			if st, statErr := os.Stat(up.file); statErr == nil && st.Size() > limit+1 {
				t.Fatalf("spooled %d bytes past the %d limit", st.Size(), limit)
			}
		}
		if err != nil && !errors.As(err, new(errno.ErrNo)) {
			t.Fatalf("an internal error for a bad body: %v", err)
		}
		if err == nil && len(up.token) > maxFieldBytes {
			t.Fatalf("a %d-byte token accepted", len(up.token))
		}
	})
}
