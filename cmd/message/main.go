// Command message runs the message service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/message/app"
	"github.com/douyin-go/douyin/pkg/boot"
)

func main() { boot.Main(app.Component()) }
