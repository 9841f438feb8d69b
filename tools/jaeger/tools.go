//go:build tools

// Package tools pins Jaeger v2 so `make jaeger` can build it from the module
// proxy: `go install` refuses the module because of its replace line.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
