// Command gateway runs the HTTP gateway on its own (distributed mode). It
// refuses to start without a configured JWT secret.
package main

import (
	"github.com/douyin-go/douyin/cmd/gateway/app"
	"github.com/douyin-go/douyin/pkg/boot"
)

func main() { boot.Main(app.Component()) }
