package reminder

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// maxDigestBreaches bounds the late cases a digest lists by number.
const maxDigestBreaches = 10

// Digest sends the morning digest scheduled at at to each account's operators' group: open
// cases by stage, the late ones, the oldest waiting. Nothing goes out on a day the office is
// closed, and a digest already sent for (account, at) is not sent again.
func (s *Scheduler) Digest(ctx context.Context, at time.Time) ([]ketanmu.Outbound, error) {
	at = s.local(at)
	if !s.cfg.Office.Calendar.IsWorkingDay(at) {
		return nil, nil
	}
	s.logHolidays(at)
	msgs, err := s.send.Send(ctx, func(tx *store.Tx) ([]ketanmu.Outbound, error) {
		ops, err := tx.Operators()
		if err != nil {
			return nil, err
		}
		var out []ketanmu.Outbound
		for _, acc := range s.cfg.Accounts {
			fresh, err := tx.RecordDigest(acc.Key, at)
			if err != nil {
				return nil, err
			}
			if !fresh {
				continue
			}
			all, err := tx.OpenCases(acc.Key)
			if err != nil {
				return nil, err
			}
			// Each chat reads the cases its members may see (casework.OperatorChats): the
			// operators' group every morning, complaints officers their complaints.
			general := casework.OperatorChats(s.cfg, ops, acc, "")
			byChat := map[string][]ketanmu.Case{}
			order := slices.Clone(general)
			for _, c := range all {
				for _, chat := range casework.OperatorChats(s.cfg, ops, acc, c.Service) {
					if _, ok := byChat[chat]; !ok && !slices.Contains(order, chat) {
						order = append(order, chat)
					}
					byChat[chat] = append(byChat[chat], c)
				}
			}
			for _, chat := range order {
				out = append(out, ketanmu.Outbound{Account: acc.Key, Chat: chat, Text: s.digestText(byChat[chat], at)})
			}
		}
		return out, nil
	})
	if err == nil && len(msgs) > 0 {
		s.log.Info("SLA digest queued", "at", at.Format(time.RFC3339), "messages", len(msgs))
	}
	return msgs, err
}

// digestText describes the account's open cases as they stood at at (cases opened later, which
// a simulator catching up on several mornings already has, are left out).
func (s *Scheduler) digestText(cases []ketanmu.Case, at time.Time) string {
	date := sla.FormatDateID(at)
	count := map[ketanmu.Stage]int{}
	var open int
	var late []ketanmu.Case
	var oldest *ketanmu.Case
	for i, c := range cases {
		if c.CreatedAt.After(at) {
			continue
		}
		open++
		count[c.Stage]++
		if lifecycle.PausesClock(c.Stage) {
			continue // waiting on the resident: neither late nor waiting on us
		}
		if !c.StageDue.IsZero() && !at.Before(c.StageDue) {
			late = append(late, c)
		}
		if oldest == nil || c.CreatedAt.Before(oldest.CreatedAt) {
			oldest = &cases[i]
		}
	}
	holidays := s.holidayNotice(at)
	if open == 0 {
		return fillLines(s.cfg.Text("digest_empty"), "date", date, "holidays", holidays)
	}
	var stages []string
	for _, st := range ketanmu.Stages {
		if n := count[st]; n > 0 {
			stages = append(stages, s.text("digest_stage", "stage", casework.StageName(s.cfg.Texts, st), "count", strconv.Itoa(n)))
		}
	}
	var lines []string
	for i, c := range late {
		if i == maxDigestBreaches {
			lines = append(lines, s.text("sla_more", "count", strconv.Itoa(len(late)-i)))
			break
		}
		lines = append(lines, s.caseLine(item{c: store.SLACase{Case: c}, kind: kindBreach}, at))
	}
	oldestText := "-"
	if oldest != nil {
		oldestText = s.text("digest_oldest", "number", oldest.Number, "stage", casework.StageName(s.cfg.Texts, oldest.Stage),
			"since", sla.FormatDateTimeID(s.local(oldest.CreatedAt)))
	}
	return fillLines(s.cfg.Text("digest"), "date", date, "open", strconv.Itoa(open), "stages", strings.Join(stages, "\n"),
		"breaches", strconv.Itoa(len(late)), "breach_lines", strings.Join(lines, "\n"), "oldest", oldestText,
		"holidays", holidays)
}

// holidayNotice is the digest's line about the holiday list when it runs out (sla.Outlook),
// else "".
func (s *Scheduler) holidayNotice(at time.Time) string {
	o := s.cfg.Office.Calendar.Outlook(at)
	if !o.Warn {
		return ""
	}
	return s.text("digest_holidays", "known_until", sla.FormatDateID(o.KnownUntil),
		"year", strconv.Itoa(o.KnownUntil.Year()+1), "dates", ProvisionalDates(o, 3))
}

// ProvisionalDates names the first n estimated holidays of an outlook ("Idulfitri 1448 H
// (perkiraan Rabu, 10 Maret 2027)"), for the digest and the log.
func ProvisionalDates(o sla.Outlook, n int) string {
	var names []string
	for i, h := range o.Provisional {
		if i == n {
			break
		}
		d, _ := time.Parse(time.DateOnly, h.Date)
		names = append(names, h.Name+" "+sla.FormatDateID(d))
	}
	return strings.Join(names, "; ")
}

// logHolidays says in the log, once a digest (a working day), that the holiday list runs out.
func (s *Scheduler) logHolidays(at time.Time) {
	o := s.cfg.Office.Calendar.Outlook(at)
	if !o.Warn {
		return
	}
	s.log.Warn("Published holidays run out: later dates are estimates; add the new decree to office.holidays_file",
		"known_until", o.KnownUntil.Format(time.DateOnly), "provisional_next_year", len(o.Provisional),
		"next_provisional", ProvisionalDates(o, 1))
}
