package ops

import (
	"net/http"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/web/status"
)

// AccountOutager is implemented by transports that record when a number stopped working (the
// WhatsApp transport): its latest outage (logged_out, banned), when it began and when it ended
// (zero while it lasts); kind "" when there was none.
type AccountOutager interface {
	Outage(account string) (kind string, since, ended time.Time, err error)
}

// How far back the workspace looks: the call-back list covers messages expired this recently,
// the missed chats those active this long before an outage began.
const (
	callBackWindow = 7 * 24 * time.Hour
	missedLookback = 7 * 24 * time.Hour
	missedLimit    = 200
)

// linkAlert is one number shown in the supervisors' banner on every workspace page.
type linkAlert struct {
	Name, State, Action, Since string
}

// linkAlerts are the numbers logged out or banned, for the supervisors' banner.
func (s *Server) linkAlerts() []linkAlert {
	var out []linkAlert
	for _, a := range status.Accounts(s.cfg, s.tr) {
		if a.State != ketanmu.StateLoggedOut && a.State != ketanmu.StateBanned {
			continue
		}
		al := linkAlert{Name: a.Name, State: string(a.State)}
		if t, ok := stateTexts[a.State]; ok {
			al.State, al.Action = t[0], t[1]
		}
		if a.Until != nil {
			al.Since = "sampai " + officeDate(*a.Until, s.cfg)
		} else if a.Since != nil {
			al.Since = "sejak " + officeDate(*a.Since, s.cfg)
		}
		out = append(out, al)
	}
	return out
}

type linkPageView struct {
	CallBacks []callBackView
	Outages   []outageView
}

type callBackView struct {
	Account, Phone, Case, Since, Expired string
	Count                                int
}

type outageView struct {
	Name, Kind, Since, Ended string
	Chats                    []missedView
}

type missedView struct {
	Phone, LastIn, Case string
}

// opsLinkPage lists whom to call back: residents whose messages expired unsent, and after a
// logout the chats that may have written while the number was not linked.
func (s *Server) opsLinkPage(w http.ResponseWriter, r *http.Request, u *opsUser) {
	ctx := r.Context()
	now := s.db.Now()
	list, err := s.db.CallBacks(ctx, now.Add(-callBackWindow))
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	var v linkPageView
	for _, c := range list {
		name := c.Account
		if acc, ok := s.cfg.Account(c.Account); ok {
			name = acc.Name
		}
		v.CallBacks = append(v.CallBacks, callBackView{Account: name, Phone: c.Chat, Case: casework.OrDash(c.Case),
			Count: c.Count, Since: officeDate(c.Since, s.cfg), Expired: officeDate(c.Last, s.cfg)})
	}
	if outager, ok := s.tr.(AccountOutager); ok {
		for _, acc := range s.cfg.Accounts {
			kind, since, ended, err := outager.Outage(acc.Key)
			if err != nil {
				s.opsErr(w, r, u, err)
				return
			}
			if kind != "logged_out" {
				continue // a ban loses no incoming message: WhatsApp delivers them afterwards
			}
			o := outageView{Name: acc.Name, Kind: stateTexts[ketanmu.StateLoggedOut][0], Since: officeDate(since, s.cfg),
				Ended: officeDate(ended, s.cfg)}
			chats, err := s.db.MissedChats(ctx, acc.Key, since, missedLookback, missedLimit)
			if err != nil {
				s.opsErr(w, r, u, err)
				return
			}
			for _, c := range chats {
				o.Chats = append(o.Chats, missedView{Phone: c.Chat, LastIn: officeDate(c.LastIn, s.cfg), Case: c.Case})
			}
			v.Outages = append(v.Outages, o)
		}
	}
	s.render(w, http.StatusOK, "link", opsView{Title: "Hubungi kembali", Nav: "link", User: u, Page: v})
}
