// Command video runs the video service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/video/app"
	"github.com/douyin-go/douyin/pkg/boot"
)

func main() { boot.Main(app.Component()) }
