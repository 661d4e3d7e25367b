// Command netdelay runs internal/netdelay's proxy for benchmark scripts:
//
//	netdelay -listen 127.0.0.1:PORT -to 127.0.0.1:22 -delay 10ms
//
// It prints "ready" once listening and runs until killed.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/stigscan/stigscan/internal/netdelay"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	to := flag.String("to", "", "address to forward to")
	delay := flag.Duration("delay", 0, "delay added to each direction")
	flag.Parse()
	if *to == "" {
		fmt.Fprintln(os.Stderr, "netdelay: -to is required")
		os.Exit(2)
	}
	p, err := netdelay.Listen(*listen, *to, *delay)
	if err != nil {
		fmt.Fprintln(os.Stderr, "netdelay:", err)
		os.Exit(1)
	}
	fmt.Println("ready", p.Addr())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	_ = p.Close()
}
