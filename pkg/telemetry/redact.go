package telemetry

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"

	"github.com/cloudwego/hertz/pkg/common/hlog"
	"github.com/cloudwego/kitex/pkg/klog"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Redacted replaces a secret wherever one is found.
const Redacted = "REDACTED"

// secretParams are the request parameters that carry credentials.
var secretParams = map[string]bool{"token": true, "password": true}

var (
	// jwtPattern matches a JSON Web Token anywhere: every token douyin
	// issues is one.
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	// paramPattern matches name=value pairs of a query string or form.
	paramPattern = regexp.MustCompile(`([^?&;=\s"'<>(){}\[\],]+)=([^&;\s"'<>]*)`)
)

// Redact returns s with the values of token and password parameters (as a
// query string or form writes them, their names percent-encoded or not)
// and any JSON Web Token replaced by Redacted. It is for what leaves the
// process: span attributes and log lines.
func Redact(s string) string {
	if !strings.Contains(s, "=") && !strings.Contains(s, "eyJ") {
		return s
	}
	s = jwtPattern.ReplaceAllString(s, Redacted)
	return paramPattern.ReplaceAllStringFunc(s, func(pair string) string {
		name, _, _ := strings.Cut(pair, "=")
		if decoded, err := url.QueryUnescape(name); err == nil {
			name = decoded
		}
		if secretParams[strings.ToLower(strings.TrimSpace(name))] {
			return pair[:strings.Index(pair, "=")+1] + Redacted
		}
		return pair
	})
}

// redactingExporter exports spans with every string in their names,
// attributes, events and status redacted. The Hertz and Kitex tracers
// record the full request URL (http.url, http.target) with no hook to
// change it, so secrets are taken out here, on the way out.
type redactingExporter struct{ sdktrace.SpanExporter }

func (e redactingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, s := range spans {
		out[i] = redactedSpan{ReadOnlySpan: s}
	}
	return e.SpanExporter.ExportSpans(ctx, out)
}

type redactedSpan struct{ sdktrace.ReadOnlySpan }

func (s redactedSpan) Name() string { return Redact(s.ReadOnlySpan.Name()) }

func (s redactedSpan) Attributes() []attribute.KeyValue {
	return redactAttrs(s.ReadOnlySpan.Attributes())
}

func (s redactedSpan) Events() []sdktrace.Event {
	events := s.ReadOnlySpan.Events()
	out := make([]sdktrace.Event, len(events))
	for i, e := range events {
		e.Name, e.Attributes = Redact(e.Name), redactAttrs(e.Attributes)
		out[i] = e
	}
	return out
}

func (s redactedSpan) Status() sdktrace.Status {
	st := s.ReadOnlySpan.Status()
	st.Description = Redact(st.Description)
	return st
}

func redactAttrs(attrs []attribute.KeyValue) []attribute.KeyValue {
	out := make([]attribute.KeyValue, len(attrs))
	for i, a := range attrs {
		switch a.Value.Type() {
		case attribute.STRING:
			a.Value = attribute.StringValue(Redact(a.Value.AsString()))
		case attribute.STRINGSLICE:
			vs := a.Value.AsStringSlice()
			for j := range vs {
				vs[j] = Redact(vs[j])
			}
			a.Value = attribute.StringSliceValue(vs)
		}
		out[i] = a
	}
	return out
}

// redactingHandler redacts the message and every string attribute of a
// log record before it is written.
type redactingHandler struct{ slog.Handler }

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	for i := range attrs {
		attrs[i] = redactAttr(attrs[i])
	}
	return redactingHandler{h.Handler.WithAttrs(attrs)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{h.Handler.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		group := v.Group()
		for i := range group {
			group[i] = redactAttr(group[i])
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(group...)}
	case slog.KindString, slog.KindAny:
		// Errors, stringers and anything else are logged as text.
		return slog.String(a.Key, Redact(v.String()))
	default:
		return slog.Attr{Key: a.Key, Value: v}
	}
}

// redactingWriter redacts each write: the framework loggers (hlog, klog)
// write one line at a time.
type redactingWriter struct{ w io.Writer }

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// FrameworkLogsTo sends the Hertz and Kitex framework logs to w, redacted
// as this package's loggers are (they may quote a raw request line).
func FrameworkLogsTo(w io.Writer) {
	hlog.SetOutput(redactingWriter{w})
	klog.SetOutput(redactingWriter{w})
}
