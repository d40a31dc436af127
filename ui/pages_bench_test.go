package ui

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
	"github.com/mauve-alert/mauve/wire"
)

// benchAlerts makes n raised alerts across 3 levels and n/20 subjects,
// with realistic lengths, a tenth of them acknowledged.
func benchAlerts(n int, now time.Time) []store.Alert {
	levels := [...]store.Level{"urgent", "normal", "normal", "low"}
	out := make([]store.Alert, n)
	for i := range out {
		a := store.Alert{
			Source:   fmt.Sprintf("host%03d.example.com", i%200),
			ID:       fmt.Sprintf("check-%05d", i),
			Subject:  fmt.Sprintf("app%03d.example.com", i%(n/20+1)),
			Summary:  fmt.Sprintf("check %d: disk /var is 95%% full on volume group vg%d", i, i%7),
			State:    store.StateRaised,
			RaisedAt: now.Add(-time.Duration(i) * time.Minute),
			Level:    levels[i%len(levels)],
		}
		if i%10 == 0 {
			a.State, a.AcknowledgedBy, a.AcknowledgedUntil = store.StateAcknowledged, "johnny", now.Add(2*time.Hour)
		}
		out[i] = a
	}
	return out
}

func benchPage(now time.Time) components.Page {
	return components.Page{Title: "Alerts", Person: "johnny", Now: now, Live: true, Present: []string{"archie"}}
}

// BenchmarkAlertList_Render10000 is the server's render time for the
// alert list page with 10,000 raised alerts: grouping and templ render
// (aim: under 50 ms).
func BenchmarkAlertList_Render10000(b *testing.B) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	alerts := benchAlerts(10000, now)
	f := components.ListFilter{State: "active"}
	var buf bytes.Buffer
	cpu := processCPU()
	for b.Loop() {
		buf.Reset()
		v := groupAlerts(f, alerts)
		if err := components.Alerts(benchPage(now), v).Render(context.Background(), &buf); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}

// BenchmarkAlertList_Handler10000 is GET / end to end over a real store
// holding 10,000 raised alerts: session check, List from bbolt, grouping
// and render.
func BenchmarkAlertList_Handler10000(b *testing.B) {
	st := newPagesStation(b)
	batch := make([]wire.Alert, 0, 10000)
	for _, a := range benchAlerts(10000, st.Now()) {
		batch = append(batch, wire.Alert{ID: a.ID, Subject: a.Subject, Summary: a.Summary, RaiseTime: st.Now()})
	}
	for i := 0; i < len(batch); i += 1000 {
		st.send(fmt.Sprintf("host%02d.example.com", i/1000), batch[i:i+1000]...)
	}
	session, err := st.store.CreateSession("johnny", time.Hour, st.Now())
	if err != nil {
		b.Fatal(err)
	}
	h := st.srv.Handler()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	var size int
	cpu := processCPU()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("got %d, want 200", rec.Code)
		}
		size = rec.Body.Len()
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(size), "bytes/page")
}

// BenchmarkAlertList_Weight100 reports the page weight of the alert list
// with 100 raised alerts, before and after gzip (aim: under 100 KB before
// compression).
func BenchmarkAlertList_Weight100(b *testing.B) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	alerts := benchAlerts(100, now)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		v := groupAlerts(components.ListFilter{State: "active"}, alerts)
		if err := components.Alerts(benchPage(now), v).Render(context.Background(), &buf); err != nil {
			b.Fatal(err)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(buf.Bytes())
	_ = zw.Close()
	b.ReportMetric(float64(buf.Len()), "bytes/page")
	b.ReportMetric(float64(gz.Len()), "gzip-bytes/page")
	b.ReportMetric(float64(len(mustAsset(b, "mauve.css"))+len(mustAsset(b, "mauve.js"))), "static-bytes")
}

func mustAsset(b *testing.B, name string) []byte {
	body, err := static.ReadFile("static/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkAlertList_Wire reports the bytes on the wire of GET / with 100
// and 10,000 raised alerts, without and with gzip (the server's
// compression at gzip.BestSpeed, end to end through a real store).
func BenchmarkAlertList_Wire(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			st := newPagesStation(b)
			batch := make([]wire.Alert, 0, n)
			for _, a := range benchAlerts(n, st.Now()) {
				batch = append(batch, wire.Alert{ID: a.ID, Subject: a.Subject, Summary: a.Summary, RaiseTime: st.Now()})
			}
			for i := 0; i < len(batch); i += 1000 {
				st.send(fmt.Sprintf("host%02d.example.com", i/1000), batch[i:min(i+1000, len(batch))]...)
			}
			session, err := st.store.CreateSession("johnny", time.Hour, st.Now())
			if err != nil {
				b.Fatal(err)
			}
			h := st.srv.Handler()
			size := func(encoding string) int {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
				req.Header.Set("Accept-Encoding", encoding)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("got %d, want 200", rec.Code)
				}
				if got, want := rec.Header().Get("Content-Encoding"), map[string]string{"gzip": "gzip"}[encoding]; got != want {
					b.Fatalf("got Content-Encoding %q, want %q", got, want)
				}
				return rec.Body.Len()
			}
			var gz int
			for b.Loop() {
				gz = size("gzip")
			}
			b.ReportMetric(float64(size("identity")), "bytes/page")
			b.ReportMetric(float64(gz), "gzip-bytes/page")
		})
	}
}
