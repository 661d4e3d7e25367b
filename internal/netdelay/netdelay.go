// Package netdelay is a TCP proxy that delivers every chunk a fixed delay
// after it was read, in both directions, without limiting bandwidth: a
// wide-area link in front of a loopback server. Tests and benchmarks use it
// so that a target's time is spent waiting on the network, as it is with
// real remote hosts, rather than on this machine's CPU. (Kernel traffic
// shaping, tc netem, is not available in every sandbox; this needs nothing.)
package netdelay

import (
	"errors"
	"net"
	"sync"
	"time"
)

// Proxy forwards connections from its own loopback port to one address.
type Proxy struct {
	l     net.Listener
	to    string
	delay time.Duration

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool // set by Close: a connection tracked after it is closed at once
}

// Start listens on 127.0.0.1 (a free port) and forwards to addr with delay
// added each way.
func Start(addr string, delay time.Duration) (*Proxy, error) {
	return Listen("127.0.0.1:0", addr, delay)
}

// Listen is Start on a given listening address.
func Listen(listen, addr string, delay time.Duration) (*Proxy, error) {
	if delay < 0 {
		return nil, errors.New("netdelay: negative delay")
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	p := &Proxy{l: l, to: addr, delay: delay, conns: map[net.Conn]struct{}{}}
	go p.serve()
	return p, nil
}

// Port is the proxy's listening port.
func (p *Proxy) Port() int { return p.l.Addr().(*net.TCPAddr).Port }

// Addr is the proxy's listening address.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

// Close stops listening and drops every forwarded connection.
func (p *Proxy) Close() error {
	err := p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	return err
}

// track adds or removes a forwarded connection. One accepted while Close
// ran (serve was between Accept and track) is closed here, so Close drops
// every connection whenever it comes.
func (p *Proxy) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add && p.closed {
		_ = c.Close()
		return
	}
	if add {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

func (p *Proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.track(c, true)
		s, err := net.Dial("tcp", p.to)
		if err != nil {
			_ = c.Close()
			p.track(c, false)
			continue
		}
		p.track(s, true)
		go p.pipe(s, c)
		go p.pipe(c, s)
	}
}

// pipe copies src to dst, each chunk held until delay after it was read;
// the reader goes on reading meanwhile, so the delay does not throttle.
func (p *Proxy) pipe(dst, src net.Conn) {
	type chunk struct {
		at   time.Time
		data []byte
	}
	ch := make(chan chunk, 1024)
	go func() {
		defer close(ch)
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				ch <- chunk{time.Now().Add(p.delay), append([]byte(nil), buf[:n]...)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range ch {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	_ = dst.Close()
	_ = src.Close()
	p.track(dst, false)
	p.track(src, false)
}
