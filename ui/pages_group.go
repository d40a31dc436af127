package ui

import (
	"strings"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

// groupAlerts shapes the store's list (most urgent and newest first) for
// the page: levels in order urgent, normal, low; within a level, subjects
// in the order their first alert came; the "active" state and the free
// text search applied, as the store's Filter has neither.
func groupAlerts(f components.ListFilter, alerts []store.Alert) components.AlertList {
	v := components.AlertList{Filter: f}
	q := strings.ToLower(f.Query)
	byLevel := map[string]*components.LevelGroup{}
	subjectAt := map[string]map[string]int{}
	for i := range alerts {
		a := &alerts[i]
		if f.State == "active" && a.State == store.StateCleared {
			continue
		}
		if q != "" && !matches(a, q) {
			continue
		}
		level := a.Level
		switch level {
		case "urgent", "normal", "low":
		default:
			level = "normal"
		}
		lg := byLevel[level]
		if lg == nil {
			lg = &components.LevelGroup{Level: level}
			byLevel[level] = lg
			subjectAt[level] = map[string]int{}
		}
		subject := a.Subject
		if subject == "" {
			subject = a.Source
		}
		i, ok := subjectAt[level][subject]
		if !ok {
			i = len(lg.Subjects)
			subjectAt[level][subject] = i
			lg.Subjects = append(lg.Subjects, components.SubjectGroup{Subject: subject})
		}
		lg.Subjects[i].Alerts = append(lg.Subjects[i].Alerts, a)
		lg.Count++
		v.Total++
		if a.State == store.StateRaised {
			v.Raised++
		}
	}
	for _, l := range components.Levels {
		if lg := byLevel[l]; lg != nil {
			v.Levels = append(v.Levels, *lg)
		}
	}
	return v
}

// matches reports whether the lower-case query q occurs in an alert's
// subject, summary, source or id, ignoring case.
func matches(a *store.Alert, q string) bool {
	for _, s := range [...]string{a.Subject, a.Summary, a.Source, a.ID} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}
