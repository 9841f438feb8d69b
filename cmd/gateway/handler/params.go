package handler

import (
	"math"
	"strconv"
	"strings"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// params reads request parameters as the contract says: from the query
// string, an urlencoded body or a multipart body, on any method; when a
// name appears in both, the query string wins. The first problem found is
// kept in err, so a handler reads everything and checks once.
type params struct {
	c   *app.RequestContext
	err error
}

func paramsOf(c *app.RequestContext) *params { return &params{c: c} }

func (p *params) lookup(name string) (string, bool) {
	if v, ok := p.c.GetQuery(name); ok {
		return v, true
	}
	return p.c.GetPostForm(name)
}

func (p *params) fail(e errno.ErrNo) {
	if p.err == nil {
		p.err = e
	}
}

// String is a text parameter, "" when absent.
func (p *params) String(name string) string {
	v, _ := p.lookup(name)
	return v
}

// RequiredString is a text parameter that must be present; it may be
// empty (what an empty value means is the service's to judge).
func (p *params) RequiredString(name string) string {
	v, ok := p.lookup(name)
	if !ok {
		p.fail(errno.ParamErr.WithMessagef("%s is required", name))
	}
	return v
}

// Int64 is an integer parameter; absent gives def, present but not an
// integer is an error.
func (p *params) Int64(name string, def int64) int64 {
	v, ok := p.lookup(name)
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.fail(errno.ParamErr.WithMessagef("%s must be an integer", name))
	}
	return n
}

// ID is a required positive integer id.
func (p *params) ID(name string) int64 {
	if _, ok := p.lookup(name); !ok {
		p.fail(errno.ParamErr.WithMessagef("%s is required", name))
		return 0
	}
	n := p.Int64(name, 0)
	if p.err == nil && n <= 0 {
		p.fail(errno.ParamErr.WithMessagef("%s must be a positive integer", name))
	}
	return n
}

// ActionType is a required action_type among allowed.
func (p *params) ActionType(allowed ...int32) int32 {
	if _, ok := p.lookup("action_type"); !ok {
		p.fail(errno.ParamErr.WithMessage("action_type is required"))
		return 0
	}
	n := p.Int64("action_type", 0)
	for _, a := range allowed {
		if int64(a) == n {
			return a
		}
	}
	if p.err == nil {
		p.fail(errno.BadActionType)
	}
	return 0
}

// Page is the page extension of list routes: cursor (as a previous answer
// gave it) and count, both optional.
func (p *params) Page() *base.Page {
	count := p.Int64("count", 0)
	if count < 0 || count > math.MaxInt32 {
		p.fail(errno.ParamErr.WithMessage("count must be a positive integer"))
	}
	return &base.Page{Cursor: p.String("cursor"), Count: int32(max(count, 0))}
}
