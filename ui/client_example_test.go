package ui_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
)

// On the station, the socket says who you are; elsewhere use NewClient
// with a token from `mauve token create`.
func ExampleNewSocketClient() {
	c := ui.NewSocketClient("/run/mauve/mauve.sock")
	a, err := c.Acknowledge(context.Background(), store.Key{Source: "core-router", ID: "bgp"},
		ui.AckOptions{For: "2h", Mode: "working", Note: "on it"})
	if err != nil {
		log.Fatal(err) // e.g. "no alert core-router/bgp", or "unix user … is not a person"
	}
	fmt.Println(a.State, "until", a.AcknowledgedUntil)
}

// Follow the station's changes as they commit.
func ExampleClient_Events() {
	c, err := ui.NewClient("https://alerts1.example.com", "TOKEN")
	if err != nil {
		log.Fatal(err)
	}
	err = c.Events(context.Background(), false, func(ch store.Change) error {
		fmt.Println(ch.Event, ch.After.Key(), "by", ch.Actor)
		return nil
	})
	log.Fatal(err)
}
