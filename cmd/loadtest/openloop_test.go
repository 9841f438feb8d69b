package main

import (
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestErrorKind(t *testing.T) {
	tests := []struct {
		name string
		res  vegeta.Result
		want string
	}{
		{"success", vegeta.Result{Code: 200, Body: []byte(`{"status_code":0,"status_msg":"success"}`)}, ""},
		{"refused by the service", vegeta.Result{Code: 200, Body: []byte(`{"status_code":10007,"status_msg":"busy"}`)}, "status_code 10007"},
		{"negative code", vegeta.Result{Code: 200, Body: []byte(`{"status_code":-1}`)}, "status_code -1"},
		{"not the API's JSON", vegeta.Result{Code: 200, Body: []byte(`<html>`)}, "no status_code"},
		{"HTTP error", vegeta.Result{Code: 502, Body: []byte(`{"status_code":0}`)}, "HTTP 502"},
		{"client timeout", vegeta.Result{Error: "Get \"http://x\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"}, "client timeout"},
		{"connection refused", vegeta.Result{Error: "dial tcp 127.0.0.1:1: connect: connection refused"}, "transport error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorKind(&tt.res); got != tt.want {
				t.Fatalf("errorKind = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOpenResultErrors(t *testing.T) {
	tests := []struct {
		res  openResult
		want string
	}{
		{openResult{}, "0"},
		{openResult{Why: map[string]int64{"status_code 10007": 2, "client timeout": 1}}, "3 (client timeout 1, status_code 10007 2)"},
	}
	for _, tt := range tests {
		if got := tt.res.errors(); got != tt.want {
			t.Errorf("errors() = %q, want %q", got, tt.want)
		}
	}
}
