package store_test

import (
	"testing"

	"github.com/mauve-alert/mauve/store"
)

// The one order of levels: urgent, normal, low, then anything unknown.
func TestLevel_Rank(t *testing.T) {
	ls := append(store.Levels(), "", "loud")
	for i, l := range ls {
		want := min(i, 3)
		if got := l.Rank(); got != want {
			t.Errorf("%q.Rank() = %d, want %d", l, got, want)
		}
		if got := l.Valid(); got != (i < 3) {
			t.Errorf("%q.Valid() = %v", l, got)
		}
	}
	if !store.LevelUrgent.MoreUrgent(store.LevelLow) || store.LevelLow.MoreUrgent(store.LevelNormal) || store.LevelNormal.MoreUrgent(store.LevelNormal) {
		t.Errorf("MoreUrgent disagrees with Rank")
	}
}
