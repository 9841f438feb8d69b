package main

import (
	"context"
	"errors"
)

// scaleResult compares one request at 1k rows with the same request at scale.
type scaleResult struct {
	name  string
	rows  string
	small closedResult
	large closedResult
}

func runScale(ctx context.Context, o options, t *target, d *dataset) ([]scaleResult, error) {
	return nil, errors.New("not yet")
}
