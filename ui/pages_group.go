package ui

import (
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui/components"
)

// groupAlerts shapes the store's list (filtered by the store, most urgent
// and newest first) for the page: levels in order urgent, normal, low;
// within a level, subjects in the order their first alert came.
func groupAlerts(f components.ListFilter, alerts []store.Alert) components.AlertList {
	v := components.AlertList{Filter: f}
	byLevel := map[store.Level]*components.LevelGroup{}
	subjectAt := map[store.Level]map[string]int{}
	for i := range alerts {
		a := &alerts[i]
		level := a.Level
		if !level.Valid() {
			level = store.LevelNormal
		}
		lg := byLevel[level]
		if lg == nil {
			lg = &components.LevelGroup{Level: string(level)}
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
	for _, l := range store.Levels() {
		if lg := byLevel[l]; lg != nil {
			v.Levels = append(v.Levels, *lg)
		}
	}
	return v
}
