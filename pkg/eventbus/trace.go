package eventbus

import (
	"context"
	"encoding/json"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Trace context travels with each event: captured from the request when
// the outbox row is written, continued by the relay's publish span, and
// carried in Kafka headers to the consumer, whose span joins the trace of
// the request that caused the event.

const tracerName = "github.com/douyin-go/douyin/pkg/eventbus"

// captureTrace encodes ctx's trace context for storing with an outbox row.
func captureTrace(ctx context.Context) []byte {
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil
	}
	raw, _ := json.Marshal(carrier)
	return raw
}

// restoreTrace is the inverse of captureTrace.
func restoreTrace(ctx context.Context, raw []byte) context.Context {
	carrier := propagation.MapCarrier{}
	if len(raw) == 0 || json.Unmarshal(raw, &carrier) != nil {
		return ctx
	}
	return otel.GetTextMapPropagator().Extract(ctx, carrier)
}

// headerCarrier adapts Kafka message headers to the propagator.
type headerCarrier struct{ msg *kafka.Message }

func (h headerCarrier) Get(key string) string {
	for _, hd := range h.msg.Headers {
		if hd.Key == key {
			return string(hd.Value)
		}
	}
	return ""
}

func (h headerCarrier) Set(key, value string) {
	for i, hd := range h.msg.Headers {
		if hd.Key == key {
			h.msg.Headers[i].Value = []byte(value)
			return
		}
	}
	h.msg.Headers = append(h.msg.Headers, kafka.Header{Key: key, Value: []byte(value)})
}

func (h headerCarrier) Keys() []string {
	keys := make([]string, len(h.msg.Headers))
	for i, hd := range h.msg.Headers {
		keys[i] = hd.Key
	}
	return keys
}

// startPublishSpan starts the relay's span for one event as a child of the
// request that wrote it, and writes that span's context into msg's headers.
// ctx is the relay's (it names the component publishing).
func startPublishSpan(ctx context.Context, stored []byte, msg *kafka.Message) trace.Span {
	ctx = restoreTrace(context.WithoutCancel(ctx), stored)
	ctx, span := otel.Tracer(tracerName).Start(ctx, "publish "+msg.Topic,
		trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("messaging.system", "kafka"), attribute.String("messaging.destination.name", msg.Topic)))
	otel.GetTextMapPropagator().Inject(ctx, headerCarrier{msg})
	return span
}

// startConsumeSpan starts the consumer's span for msg, continuing the trace
// carried in its headers.
func startConsumeSpan(ctx context.Context, group string, msg *kafka.Message) (context.Context, trace.Span) {
	ctx = otel.GetTextMapPropagator().Extract(ctx, headerCarrier{msg})
	return otel.Tracer(tracerName).Start(ctx, "consume "+msg.Topic,
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("messaging.system", "kafka"),
			attribute.String("messaging.destination.name", msg.Topic),
			attribute.String("messaging.consumer.group.name", group)))
}
