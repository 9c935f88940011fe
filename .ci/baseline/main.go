// Command baseline is the yardstick of .ci/loadbench: a bare net/http
// server that answers every request with the same JSON body, read once
// from -body. Comparing beibeimap's /lookup with it under the same load
// measures what the service adds on top of Go's HTTP stack.
//
// Usage:
//
//	go build -o baseline .ci/baseline/main.go
//	baseline -addr 127.0.0.1:0 -body answer.json
//
// It prints "baseline: listening on http://ADDR" on stderr once it accepts
// connections, and exits on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	bodyFile := fs.String("body", "", "file whose content every response carries (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bodyFile == "" {
		return fmt.Errorf("-body is required")
	}
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		return err
	}
	length := strconv.Itoa(len(body))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// The same timeouts as `beibeimap serve`, so that neither side has an
	// advantage the other lacks.
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	fmt.Fprintf(os.Stderr, "baseline: listening on http://%s (%d-byte body)\n", ln.Addr(), len(body))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}
