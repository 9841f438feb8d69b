package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/common/config"
	"github.com/cloudwego/hertz/pkg/common/ut"
	"github.com/cloudwego/hertz/pkg/route"

	"github.com/douyin-go/douyin/pkg/errno"
)

// paramsRequest is where a test request carries its parameters.
type paramsRequest struct {
	method    string // GET when empty
	query     string // raw query string
	form      string // raw urlencoded body
	multipart [][2]string
}

type paramsAnswer struct {
	Value any    `json:"value"`
	Code  int32  `json:"code"`
	Msg   string `json:"msg"`
}

// readParams serves one request through a handler that reads parameters
// with read and answers what it read and the first error.
func readParams(t *testing.T, r paramsRequest, read func(p *params) any) paramsAnswer {
	t.Helper()
	e := route.NewEngine(config.NewOptions(nil))
	e.Any("/p", func(_ context.Context, c *app.RequestContext) {
		p := paramsOf(c)
		v := read(p)
		st := statusOf(p.err)
		c.JSON(200, paramsAnswer{Value: v, Code: st.StatusCode, Msg: st.StatusMsg})
	})
	target := "/p"
	if r.query != "" {
		target += "?" + r.query
	}
	var body *ut.Body
	var headers []ut.Header
	switch {
	case r.form != "":
		body = &ut.Body{Body: strings.NewReader(r.form), Len: len(r.form)}
		headers = append(headers, ut.Header{Key: "Content-Type", Value: "application/x-www-form-urlencoded"})
	case r.multipart != nil:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, kv := range r.multipart {
			if err := w.WriteField(kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		body = &ut.Body{Body: bytes.NewReader(buf.Bytes()), Len: buf.Len()}
		headers = append(headers, ut.Header{Key: "Content-Type", Value: w.FormDataContentType()})
	}
	method := r.method
	if method == "" {
		method = "GET"
	}
	resp := ut.PerformRequest(e, method, target, body, headers...).Result()
	if resp.StatusCode() != 200 {
		t.Fatalf("HTTP %d: %s", resp.StatusCode(), resp.Body())
	}
	var a paramsAnswer
	dec := json.NewDecoder(bytes.NewReader(resp.Body()))
	dec.UseNumber()
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("body %s: %v", resp.Body(), err)
	}
	return a
}

func TestParamSources(t *testing.T) {
	str := func(p *params) any { return p.String("name") }
	tests := []struct {
		name string
		req  paramsRequest
		want string
	}{
		{"query", paramsRequest{query: "name=q"}, "q"},
		{"urlencoded body", paramsRequest{method: "POST", form: "name=f"}, "f"},
		{"multipart body", paramsRequest{method: "POST", multipart: [][2]string{{"name", "m"}}}, "m"},
		{"urlencoded body on GET", paramsRequest{form: "name=f"}, "f"},
		{"multipart body on GET", paramsRequest{multipart: [][2]string{{"name", "m"}}}, "m"},
		{"query wins over urlencoded", paramsRequest{method: "POST", query: "name=q", form: "name=f"}, "q"},
		{"query wins over multipart", paramsRequest{method: "POST", query: "name=q", multipart: [][2]string{{"name", "m"}}}, "q"},
		{"query wins even when empty", paramsRequest{method: "POST", query: "name=", form: "name=f"}, ""},
		{"other query names do not hide the body", paramsRequest{method: "POST", query: "other=q", form: "name=f"}, "f"},
		{"absent", paramsRequest{method: "POST", query: "other=q", form: "other=f"}, ""},
		{"percent-decoded query", paramsRequest{query: "name=a%20b+c%26%E5%90%8D"}, "a b c&名"},
		{"percent-decoded body", paramsRequest{method: "POST", form: "name=%22quoted%22+%27x%27"}, `"quoted" 'x'`},
		{"multipart keeps text literally", paramsRequest{method: "POST", multipart: [][2]string{{"other", "x"}, {"name", `O'Brien "名" \ %20`}}}, `O'Brien "名" \ %20`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readParams(t, tt.req, str)
			if got.Code != 0 || got.Value != tt.want {
				t.Fatalf("String = %#v (code %d %s), want %q", got.Value, got.Code, got.Msg, tt.want)
			}
		})
	}
}

func TestRequiredString(t *testing.T) {
	read := func(p *params) any { return p.RequiredString("comment_text") }
	tests := []struct {
		name     string
		req      paramsRequest
		want     string
		wantCode int32
	}{
		{"present", paramsRequest{method: "POST", form: "comment_text=hi"}, "hi", 0},
		{"present but empty", paramsRequest{query: "comment_text="}, "", 0},
		{"missing", paramsRequest{query: "other=1"}, "", errno.ParamErr.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readParams(t, tt.req, read)
			if got.Code != tt.wantCode || got.Value != tt.want {
				t.Fatalf("got %+v, want %q code %d", got, tt.want, tt.wantCode)
			}
			if tt.wantCode != 0 && !strings.Contains(got.Msg, "comment_text") {
				t.Fatalf("message %q does not name the parameter", got.Msg)
			}
		})
	}
}

func TestInt64(t *testing.T) {
	read := func(p *params) any { return p.Int64("latest_time", 99) }
	tests := []struct {
		name     string
		req      paramsRequest
		want     string
		wantCode int32
	}{
		{"number", paramsRequest{query: "latest_time=1700000000000"}, "1700000000000", 0},
		{"negative", paramsRequest{query: "latest_time=-7"}, "-7", 0},
		{"zero", paramsRequest{query: "latest_time=0"}, "0", 0},
		{"surrounding spaces", paramsRequest{query: "latest_time=%2042%20"}, "42", 0},
		{"from the body", paramsRequest{method: "POST", form: "latest_time=5"}, "5", 0},
		{"from multipart", paramsRequest{method: "POST", multipart: [][2]string{{"latest_time", "6"}}}, "6", 0},
		{"max int64", paramsRequest{query: "latest_time=9223372036854775807"}, "9223372036854775807", 0},
		{"absent gives the default", paramsRequest{}, "99", 0},
		{"empty gives the default", paramsRequest{query: "latest_time="}, "99", 0},
		{"blank gives the default", paramsRequest{query: "latest_time=%20%20"}, "99", 0},
		{"non-numeric", paramsRequest{query: "latest_time=abc"}, "", errno.ParamErr.Code},
		{"decimal", paramsRequest{query: "latest_time=1.5"}, "", errno.ParamErr.Code},
		{"hex", paramsRequest{query: "latest_time=0x10"}, "", errno.ParamErr.Code},
		{"overflow", paramsRequest{query: "latest_time=9223372036854775808"}, "", errno.ParamErr.Code},
		{"trailing junk", paramsRequest{query: "latest_time=12abc"}, "", errno.ParamErr.Code},
		{"bad query wins over good body", paramsRequest{method: "POST", query: "latest_time=x", form: "latest_time=5"}, "", errno.ParamErr.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readParams(t, tt.req, read)
			if got.Code != tt.wantCode {
				t.Fatalf("code %d (%s), want %d", got.Code, got.Msg, tt.wantCode)
			}
			if tt.wantCode != 0 {
				if !strings.Contains(got.Msg, "latest_time") || !strings.Contains(got.Msg, "integer") {
					t.Fatalf("message %q does not name the parameter and what is wrong", got.Msg)
				}
				return
			}
			if n, _ := got.Value.(json.Number); string(n) != tt.want {
				t.Fatalf("value %v, want %s", got.Value, tt.want)
			}
		})
	}
}

func TestID(t *testing.T) {
	read := func(p *params) any { return p.ID("user_id") }
	tests := []struct {
		name    string
		req     paramsRequest
		want    string
		wantErr string // part of the message; "" for success
	}{
		{"positive", paramsRequest{query: "user_id=12"}, "12", ""},
		{"from the body", paramsRequest{method: "POST", form: "user_id=13"}, "13", ""},
		{"from multipart", paramsRequest{method: "POST", multipart: [][2]string{{"user_id", "14"}}}, "14", ""},
		{"missing", paramsRequest{query: "to_user_id=3"}, "", "user_id is required"},
		{"empty", paramsRequest{query: "user_id="}, "", "user_id must be a positive integer"},
		{"zero", paramsRequest{query: "user_id=0"}, "", "user_id must be a positive integer"},
		{"negative", paramsRequest{query: "user_id=-1"}, "", "user_id must be a positive integer"},
		{"non-numeric", paramsRequest{query: "user_id=abc"}, "", "user_id must be an integer"},
		{"quote", paramsRequest{query: "user_id=%271"}, "", "user_id must be an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readParams(t, tt.req, read)
			if tt.wantErr == "" {
				if n, _ := got.Value.(json.Number); got.Code != 0 || string(n) != tt.want {
					t.Fatalf("got %+v, want %s", got, tt.want)
				}
				return
			}
			if got.Code != errno.ParamErr.Code || !strings.Contains(got.Msg, tt.wantErr) {
				t.Fatalf("got code %d %q, want ParamErr %q", got.Code, got.Msg, tt.wantErr)
			}
		})
	}
}

func TestActionType(t *testing.T) {
	read := func(p *params) any { return p.ActionType(1, 2) }
	tests := []struct {
		name     string
		req      paramsRequest
		want     string
		wantCode int32
	}{
		{"1", paramsRequest{query: "action_type=1"}, "1", 0},
		{"2 from the body", paramsRequest{method: "POST", form: "action_type=2"}, "2", 0},
		{"2 from multipart", paramsRequest{method: "POST", multipart: [][2]string{{"action_type", "2"}}}, "2", 0},
		{"missing", paramsRequest{query: "x=1"}, "0", errno.ParamErr.Code},
		{"unsupported 3", paramsRequest{query: "action_type=3"}, "0", errno.BadActionType.Code},
		{"unsupported 0", paramsRequest{query: "action_type=0"}, "0", errno.BadActionType.Code},
		{"unsupported -1", paramsRequest{query: "action_type=-1"}, "0", errno.BadActionType.Code},
		{"empty", paramsRequest{query: "action_type="}, "0", errno.BadActionType.Code},
		{"non-numeric", paramsRequest{query: "action_type=follow"}, "0", errno.ParamErr.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readParams(t, tt.req, read)
			if n, _ := got.Value.(json.Number); got.Code != tt.wantCode || string(n) != tt.want {
				t.Fatalf("got %v code %d (%s), want %s code %d", got.Value, got.Code, got.Msg, tt.want, tt.wantCode)
			}
			if got.Code == errno.ParamErr.Code && !strings.Contains(got.Msg, "action_type") {
				t.Fatalf("message %q does not name action_type", got.Msg)
			}
		})
	}
	// Another allowed set.
	got := readParams(t, paramsRequest{query: "action_type=1"}, func(p *params) any { return p.ActionType(2) })
	if got.Code != errno.BadActionType.Code {
		t.Fatalf("action_type 1 where only 2 is allowed: code %d", got.Code)
	}
}

func TestFirstParamErrorWins(t *testing.T) {
	got := readParams(t, paramsRequest{query: "to_user_id=abc&action_type=9"}, func(p *params) any {
		p.ID("video_id")
		p.ID("to_user_id")
		p.ActionType(1, 2)
		p.RequiredString("content")
		return nil
	})
	if got.Code != errno.ParamErr.Code || !strings.Contains(got.Msg, "video_id") {
		t.Fatalf("got %d %q, want the video_id error", got.Code, got.Msg)
	}
	// And a later valid read does not clear it.
	got = readParams(t, paramsRequest{query: "a=x&b=2"}, func(p *params) any {
		p.Int64("a", 0)
		return p.ID("b")
	})
	if got.Code != errno.ParamErr.Code || !strings.Contains(got.Msg, `a must be`) {
		t.Fatalf("got %d %q, want the error of a", got.Code, got.Msg)
	}
}

func TestParamsWithoutErrorsSucceed(t *testing.T) {
	got := readParams(t, paramsRequest{method: "POST", query: "to_user_id=3", form: "action_type=1&token=t"}, func(p *params) any {
		return []any{p.ID("to_user_id"), p.ActionType(1, 2), p.String("token")}
	})
	if got.Code != 0 || got.Msg != "success" {
		t.Fatalf("got %+v", got)
	}
	vals, _ := got.Value.([]any)
	if len(vals) != 3 || vals[0] != json.Number("3") || vals[1] != json.Number("1") || vals[2] != "t" {
		t.Fatalf("values %v", got.Value)
	}
}
