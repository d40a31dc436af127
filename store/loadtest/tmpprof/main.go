// Package main is a throwaway profiler (not committed).
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

type dec struct{ p *policy.Policy }

func (d dec) Decide(c store.Change) store.Decision { return d.p.Decide(c) }

func main() {
	p, err := policy.Load("store/loadtest/mauve-load/load.hcl", os.Getenv)
	if err != nil {
		panic(err)
	}
	os.Remove("/tmp/prof.db")
	s, err := store.Open("/tmp/prof.db", store.Options{Decider: dec{p}})
	if err != nil {
		panic(err)
	}
	in := store.NewIngest(s, store.IngestOptions{})
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	go in.Run(ctx)
	c, _ := net.ListenPacket("udp", "127.0.0.1:42741")
	l := wire.NewListener([]net.PacketConn{c}, in.Handle, wire.ListenerOptions{})
	go l.Run(ctx)
	f, _ := os.Create("/tmp/station.prof")
	pprof.StartCPUProfile(f)
	<-ctx.Done()
	pprof.StopCPUProfile()
	time.Sleep(time.Second)
	fmt.Println(in.Stats(), l.Stats())
}
