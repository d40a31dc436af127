package wire

import (
	"context"
	"log/slog"
	"time"
)

// Heartbeat is a station's own heartbeat: every Every, an update from
// Source for alert HeartbeatID that clears it now and raises it after
// RaiseAfter, sent to each of Destinations. A station that stops sending
// therefore raises an alert on the stations that hear it.
type Heartbeat struct {
	// Source is the sending station's name.
	Source string
	// Destinations are the stations told, in any form ParseDestination
	// takes.
	Destinations []string
	// Every is the sending period; 0 means one minute.
	Every time.Duration
	// RaiseAfter is how long after a heartbeat the alert raises when no
	// other heartbeat follows; 0 means DefaultHeartbeatRaiseAfter. More
	// than twice Every lets one datagram go missing without an alert.
	RaiseAfter time.Duration
	// Summary and Detail describe the alert when it raises.
	Summary string
	Detail  string
	// Send is passed to Send for each heartbeat (resolver, signing key).
	Send SendOptions
	// Logger receives send failures; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// HeartbeatID is the alert id of a station's heartbeat, as classic mauve
// named it, so a classic station hearing a mauve one (or the reverse)
// keeps one alert per station.
const HeartbeatID = "mauve-heartbeat"

// DefaultHeartbeatRaiseAfter is classic's raise_after: five missed beats
// at the default pace, plus ten seconds for a late datagram.
const DefaultHeartbeatRaiseAfter = 310 * time.Second

// Update returns the heartbeat update to send at now.
func (h *Heartbeat) Update(now time.Time) Update {
	raiseAfter := h.RaiseAfter
	if raiseAfter <= 0 {
		raiseAfter = DefaultHeartbeatRaiseAfter
	}
	summary := h.Summary
	if summary == "" {
		summary = "mauve station " + h.Source + " has stopped sending heartbeats"
	}
	return Update{
		Source:           h.Source,
		TransmissionTime: now,
		Alerts: []Alert{{
			ID:        HeartbeatID,
			ClearTime: now,
			RaiseTime: now.Add(raiseAfter),
			Summary:   summary,
			Detail:    h.Detail,
		}},
	}
}

// Run sends a heartbeat at once and then every Every until ctx is done.
// A failed send is logged and tried again at the next beat.
func (h *Heartbeat) Run(ctx context.Context) error {
	every := h.Every
	if every <= 0 {
		every = time.Minute
	}
	now := h.Now
	if now == nil {
		now = time.Now
	}
	log := h.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		opts := h.Send
		if opts.Now == nil {
			opts.Now = now
		}
		if err := Send(ctx, h.Update(now()), h.Destinations, opts); err != nil && ctx.Err() == nil {
			log.Warn("heartbeat not sent", "destinations", h.Destinations, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
