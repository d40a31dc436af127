package commands

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// withOverrides gives p the store's standing rota overrides, so on_call
// sees them; the policy stays pure and reads them as data. Overrides on a
// rota p no longer has are marked removed (kept in the history) and each
// is logged.
func withOverrides(p *policy.Policy, s *store.Store, log *slog.Logger, now time.Time) (*policy.Policy, error) {
	dropped, err := s.DropOverrides(func(r string) bool { return p.Rotas[r] != nil },
		"rota removed from the configuration", now)
	if err != nil {
		return p, fmt.Errorf("rota overrides: %w", err)
	}
	for _, o := range dropped {
		log.Warn("rota override dropped: its rota is no longer in the configuration", "rota", o.Rota, "id", o.ID,
			"person", o.Person, "covers", o.Covers, "from", o.From, "to", o.To, "created_by", o.CreatedBy)
	}
	ov, err := s.Overrides(false)
	if err != nil {
		return p, fmt.Errorf("rota overrides: %w", err)
	}
	return p.WithOverrides(policy.OverridesFrom(ov)), nil
}

// refreshOverrides puts the store's standing overrides into the policy in
// force after one is made or removed, then re-decides the alerts so a
// change of who is on call takes effect at once.
func (st *station) refreshOverrides() {
	ov, err := st.store.Overrides(false)
	if err != nil {
		st.log.Error("rota overrides changed, but reading them failed; on_call keeps the old ones", "err", err)
		return
	}
	for {
		p := st.policy.Load()
		if st.policy.CompareAndSwap(p, p.WithOverrides(policy.OverridesFrom(ov))) {
			break
		}
	}
	if err := st.store.Redecide(st.now()); err != nil {
		st.log.Error("rota overrides changed, but re-deciding alerts failed", "err", err)
	}
}
