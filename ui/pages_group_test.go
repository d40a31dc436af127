package ui

import (
	"testing"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

// groupAlerts groups what the store's filter (State, Active, Text) left.
func TestGroupAlerts(t *testing.T) {
	alerts := []store.Alert{
		{Source: "r", ID: "1", Subject: "core1", Level: "urgent", State: store.StateRaised},
		{Source: "w", ID: "2", Subject: "web1", Level: "low", State: store.StateRaised},
		{Source: "w", ID: "3", Subject: "web2", Level: "normal", State: store.StateAcknowledged},
		{Source: "r", ID: "4", Subject: "core2", Level: "urgent", State: store.StateRaised},
		{Source: "x", ID: "6", Level: "", State: store.StateRaised}, // no decision yet: normal, subject = source
		{Source: "r", ID: "7", Subject: "core1", Level: "urgent", State: store.StateRaised},
	}
	v := groupAlerts(components.ListFilter{State: "active"}, alerts)
	got := ""
	for _, lg := range v.Levels {
		got += lg.Level + "("
		for _, sg := range lg.Subjects {
			got += sg.Subject + ":"
			for _, a := range sg.Alerts {
				got += a.ID
			}
			got += " "
		}
		got += ")"
	}
	want := "urgent(core1:17 core2:4 )normal(web2:3 x:6 )low(web1:2 )"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if v.Total != 6 {
		t.Errorf("got total %d, want 6", v.Total)
	}
}
