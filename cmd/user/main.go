// Command user runs the user service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/user/app"
	"github.com/douyin-go/douyin/pkg/boot"
)

func main() { boot.Main(app.Component()) }
