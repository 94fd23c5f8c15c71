package reminder

import (
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"

	"github.com/ketanmu/ketanmu/sla"
)

// maxLines bounds the cases listed in one message; the rest are counted (sla_more). A long
// WhatsApp message is read by nobody, and the full list is one #antrian away.
const maxLines = 30

// operatorText writes one message for one chat: breaches, escalations and warnings, each under
// its header, then, where operator commands work (a group), the footer that names them.
func (s *Scheduler) operatorText(items []item, commands bool, now time.Time) string {
	var parts []string
	budget := maxLines
	for _, sec := range []struct{ kind, header string }{
		{kindBreach, "sla_breach"}, {kindEscalation, "sla_escalation"}, {kindWarning, "sla_warning"},
	} {
		var lines []string
		n := 0
		for _, it := range items {
			if it.kind != sec.kind {
				continue
			}
			if n++; len(lines) < budget {
				lines = append(lines, s.caseLine(it, now))
			}
		}
		if n == 0 {
			continue
		}
		budget -= len(lines)
		if more := n - len(lines); more > 0 {
			lines = append(lines, s.text("sla_more", "count", strconv.Itoa(more)))
		}
		parts = append(parts, s.text(sec.header, "count", strconv.Itoa(n))+"\n"+strings.Join(lines, "\n"))
	}
	if commands {
		parts = append(parts, s.text("sla_footer", "prefix", s.cfg.Handoff.CommandPrefix))
	}
	return strings.Join(parts, "\n\n")
}

// caseLine describes one case: its deadline and the working time left (ahead) or past it. A
// breach notice after the first says which one it is, counting those really sent: the first
// repeat is "pengingat ke-2" (the breach notice was the first), whatever level it stands for.
func (s *Scheduler) caseLine(it item, now time.Time) string {
	c := it.c.Case
	var left string
	if it.kind == kindWarning {
		left = s.text("sla_left", "time", sla.FormatDurationID(casework.Elapsed(s.cfg, c.Service, now, c.StageDue)))
	} else {
		left = s.text("sla_late", "time", sla.FormatDurationID(casework.Elapsed(s.cfg, c.Service, c.StageDue, now)))
	}
	if sent := it.c.Count[kindBreach]; it.kind == kindBreach && sent > 0 {
		left += " · " + s.text("sla_repeat", "n", strconv.Itoa(sent+1))
	}
	return s.text("sla_line", "number", c.Number, "service", s.serviceName(c.Service), "stage", casework.StageName(s.cfg.Texts, c.Stage),
		"due", sla.FormatDateTimeID(s.local(c.StageDue)), "time", left)
}

func (s *Scheduler) serviceName(key string) string {
	if svc, ok := s.cfg.Services[key]; ok && svc.Name != "" {
		return svc.Name
	}
	return key
}

// text returns a configured text with its {name} placeholders filled.
func (s *Scheduler) text(key string, pairs ...string) string { return s.cfg.Texts.Get(key, pairs...) }

// fillLines fills a template line by line and leaves out the lines that only held
// placeholders which came out empty (a digest without breaches has no breach lines).
func fillLines(t string, pairs ...string) string {
	var out []string
	for line := range strings.SplitSeq(t, "\n") {
		filled := ketanmu.Fill(line, pairs...)
		if strings.TrimSpace(filled) == "" && strings.TrimSpace(line) != "" {
			continue
		}
		out = append(out, filled)
	}
	return strings.Join(out, "\n")
}
