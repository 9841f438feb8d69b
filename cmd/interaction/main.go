// Command interaction runs the interaction service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/interaction/app"
	"github.com/douyin-go/douyin/pkg/boot"
)

func main() { boot.Main(app.Component()) }
