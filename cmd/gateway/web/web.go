// Package web is the browser client the gateway serves at /: plain HTML,
// CSS and ES modules, embedded in the binary, with no build step. It uses
// only the public HTTP API and the live chat WebSocket.
package web

import "embed"

// Files are index.html, app.css and js/*.js.
//
//go:embed index.html app.css js/*.js
var Files embed.FS
