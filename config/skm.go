package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/skm"
)

// SKM configures the Survei Kepuasan Masyarakat (PermenPANRB 14/2017) offered in the chat when
// a case is done.
type SKM struct {
	Enabled bool `mapstructure:"enabled"`
	// MinIntervalRaw: a resident is invited at most once in this long, whatever their cases.
	MinIntervalRaw string `mapstructure:"min_interval"`
	// IncludeComplaints and IncludePrivacy survey complaints (pengaduan) and privacy requests too.
	IncludeComplaints bool `mapstructure:"include_complaints"`
	IncludePrivacy    bool `mapstructure:"include_privacy"`
	// Elements are U1..U9 in the regulation's order: name, question and the four answers, worst first.
	Elements []SKMElement `mapstructure:"elements"`

	MinInterval time.Duration `mapstructure:"-"`
}

// SKMElement is one element (unsur) of the survey.
type SKMElement struct {
	Code     string   `mapstructure:"code"`
	Name     string   `mapstructure:"name"`
	Question string   `mapstructure:"question"`
	Answers  []string `mapstructure:"answers"`
}

// Surveys reports whether a done case of service invites its resident to the survey.
func (s SKM) Surveys(service string) bool {
	switch {
	case !s.Enabled:
		return false
	case service == "pengaduan":
		return s.IncludeComplaints
	case service == "privasi":
		return s.IncludePrivacy
	}
	return true
}

// ElementName is the configured name of element code (U1…), or the code.
func (s SKM) ElementName(code string) string {
	for _, e := range s.Elements {
		if e.Code == code {
			return e.Name
		}
	}
	return code
}

func (c *Config) validateSKM() error {
	d, err := time.ParseDuration(c.SKM.MinIntervalRaw)
	if err != nil || d < 0 {
		return &Error{"skm.min_interval", fmt.Sprintf("%q is not a duration such as 720h", c.SKM.MinIntervalRaw)}
	}
	c.SKM.MinInterval = d
	if len(c.SKM.Elements) != skm.Elements {
		return &Error{"skm.elements", fmt.Sprintf("has %d elements, PermenPANRB 14/2017 has %d (U1..U9)", len(c.SKM.Elements), skm.Elements)}
	}
	for i, e := range c.SKM.Elements {
		key := fmt.Sprintf("skm.elements[%d]", i)
		if e.Code != skm.Codes[i] {
			return &Error{key + ".code", fmt.Sprintf("is %q, want %s (the regulation's order)", e.Code, skm.Codes[i])}
		}
		if strings.TrimSpace(e.Name) == "" || strings.TrimSpace(e.Question) == "" {
			return &Error{key, "name and question must be set"}
		}
		if len(e.Answers) != 4 {
			return &Error{key + ".answers", "must list four answers, worst first"}
		}
	}
	return nil
}

// surveyOptions is the survey as the flows see it.
func (c *Config) surveyOptions() []flows.SurveyElement {
	out := make([]flows.SurveyElement, len(c.SKM.Elements))
	for i, e := range c.SKM.Elements {
		out[i] = flows.SurveyElement{Code: e.Code, Question: e.Question, Answers: e.Answers}
	}
	return out
}
