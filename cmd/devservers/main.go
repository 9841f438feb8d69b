// Command devservers runs the in-process Kafka-protocol and S3-protocol
// servers as a process of their own, for a distributed run on a machine
// without Kafka or MinIO (the distributed smoke test uses it). Real
// deployments use real Kafka and MinIO instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/inprocess"
)

func main() {
	kafkaAddr := flag.String("kafka", "127.0.0.1:9092", "Kafka-protocol listen address")
	s3Addr := flag.String("s3", "127.0.0.1:9000", "S3-protocol listen address")
	dataDir := flag.String("data", "./data/devservers", "where topics and objects are kept")
	flag.Parse()
	if err := run(*kafkaAddr, *s3Addr, *dataDir); err != nil {
		fmt.Fprintln(os.Stderr, "devservers:", err)
		os.Exit(1)
	}
}

func run(kafkaAddr, s3Addr, dataDir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	k, err := inprocess.StartKafkaAt(kafkaAddr, filepath.Join(dataDir, "kafka"), events.Topics()...)
	if err != nil {
		return err
	}
	defer k.Close()
	s3, err := inprocess.StartS3At(s3Addr, filepath.Join(dataDir, "objects"))
	if err != nil {
		return err
	}
	defer s3.Close()
	fmt.Printf("kafka=%s s3=%s\n", k.Brokers()[0], s3.Endpoint())
	<-ctx.Done()
	return nil
}
