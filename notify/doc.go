// Package notify delivers notifications: it drains the store's outbox, turns
// each row into a rendered [Message], and hands it to the [Channel] the
// person's policy names (email, log, SMS, XMPP, webhooks, exec).
//
// # What it owns
//
//   - The [Channel] interface and one file per channel (email.go, log.go,
//     sms.go, xmpp.go, webhook.go, exec.go), each with a constructor that
//     returns its concrete type.
//   - [NewChannels], the one switch from the policy's channel blocks to
//     constructors, keyed by channel reference ("email", "sms.twilio", …).
//   - Message rendering ([Renderer]): the subject line, plain text, HTML and
//     the short (SMS) form; alert detail goes into the HTML part as the
//     store holds it, sanitized once on receipt.
//   - The [Worker]: retries transient failures with capped exponential
//     backoff and jitter, falls back to the next channel of the person's
//     list on permanent failure, applies the policy's per-person
//     suppression and the presence hold ([Presence]: while a person's live
//     client shows their alerts, their email, SMS and XMPP wait), and
//     reports every outcome to the
//     store, which records it in the alert's history and updates the row.
//
// # What it does not own
//
// Who is told and when is decided by package policy; the outbox rows are
// written by package store in the same transaction as the change that caused
// them. notify never decides whom to tell and never writes alert state: it
// only delivers what the outbox holds and reports how that went.
//
// # Delivery guarantees
//
// A row leaves the outbox only when the store records its outcome. If the
// worker stops (context cancelled, crash) while a message is in flight, the
// row stays and is delivered again after the restart: a person may see at
// most one repeat of that message, and none is lost. A slow or dead peer
// delays only the worker; ingestion never waits for delivery.
//
// # Order and concurrency
//
// The worker reads due rows in batches and runs independent sequences in
// parallel: all of one person's rows when their suppress_after rules count
// deliveries (each outcome is recorded before the next is decided), else
// the rows of one alert for one person, so a clear never overtakes its
// raise. Outcomes are recorded concurrently, which lets the store fold a
// burst of them into a few commits; a row stays claimed until a read of the
// outbox that began after its outcome was recorded, so no row is attempted
// twice. The email channel keeps up to a few SMTP connections open for a
// short idle time, so a burst goes over them without new handshakes.
//
// Usage:
//
//	chans, err := notify.NewChannels(pol, logger)
//	w := notify.NewWorker(notify.WorkerOptions{
//		Outbox:   st,
//		Policy:   func() *policy.Policy { return current.Load() },
//		Channels: func() map[string]notify.Channel { return chans },
//		Logger:   logger,
//	})
//	err = w.Run(ctx)
package notify
