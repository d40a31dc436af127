// Package store is the station's memory: every alert's state, its history,
// the notification outbox, the per-person delivery log, web sessions and API
// tokens, all in one bbolt file.
//
// It owns the alert state machine of the classic mauvealert station (raise
// and clear now or later, the 5-second tolerance, sender clock-offset
// correction, replace, sticky fields, suppression, acknowledgement and its
// expiry, expiry of long-cleared alerts) and the due-time index that drives
// scheduled raises, clears, acknowledgement expiries and reminders. It also
// owns the ingest pipeline that turns received datagrams into group-committed
// transactions ([Ingest]) and the loop that calls [Store.Tick] when something
// falls due ([Scheduler]). It owns the project's one HTML sanitizer
// ([SanitizeDetail], [StripHTML], [DetailText]), which cleans alert detail
// on receipt and which notify and ui apply again before detail is shown.
//
// It does not decide who is told: every state change is handed to the
// injected [Decider] (the policy) inside the transaction that makes it, and
// the notifications it returns are written to the outbox in that same
// transaction. It does not deliver them (notify does), decode datagrams
// (wire does) or serve HTTP (ui does).
//
// # Transactions
//
// Every exported method is one bbolt transaction, stamped with one `now`.
// [Store.Apply] applies a whole batch of received updates in one
// transaction, so many datagrams share one fsync; an update counts as
// accepted only when Apply returned nil. Values returned are copies the
// caller may keep.
//
//	s, err := store.Open("mauve.db", store.Options{Decider: d})
//	if err != nil { ... }
//	defer s.Close()
//	in := store.NewIngest(s, store.IngestOptions{Logger: log})
//	go in.Run(ctx)            // listener calls in.Handle for each update
//	sch := store.NewScheduler(s, store.SchedulerOptions{Logger: log})
//	go sch.Run(ctx)           // fires scheduled raises, clears and reminders
package store
