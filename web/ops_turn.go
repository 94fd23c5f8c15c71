package web

import (
	"strings"

	"github.com/ketanmu/ketanmu"
)

// turnView is whose move a case waits for, as the queue and the case page show it.
type turnView struct {
	Text string
	Mine bool // the signed-in user's roles take the next step
}

// turnOf describes casework.TurnOf for u: the roles by name, or the assignee when the next step
// is the front office's and someone has the case.
func (s *Server) turnOf(c ketanmu.Case, u *opsUser) turnView {
	t := s.cases().TurnOf(c)
	if t.Party == "" {
		return turnView{}
	}
	who := strings.Join(roleNames(t.Roles), " atau ")
	if len(t.Roles) == 1 && t.Roles[0] == ketanmu.RoleOperator && c.Assignee != "" {
		who = c.Assignee
	}
	return turnView{Text: s.cfg.Texts.Get("opturn_"+t.Party, "who", who), Mine: s.cases().TaskFor(u.Actor, c)}
}
