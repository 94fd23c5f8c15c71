package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/ketanmu/ketanmu/flows/intent"
	"github.com/ketanmu/ketanmu/sla"
)

// Flows tunes the resident conversations.
type Flows struct {
	IdleTimeoutRaw string `mapstructure:"idle_timeout"`
	MinImageWidth  int    `mapstructure:"min_image_width"`
	MinImageHeight int    `mapstructure:"min_image_height"`

	IdleTimeout time.Duration `mapstructure:"-"`
}

func (c *Config) validateFlows() error {
	d, err := time.ParseDuration(c.Flows.IdleTimeoutRaw)
	if err != nil || d <= 0 {
		return &Error{"flows.idle_timeout", fmt.Sprintf("%q is not a positive duration such as 24h", c.Flows.IdleTimeoutRaw)}
	}
	c.Flows.IdleTimeout = d
	if c.Flows.MinImageWidth < 0 || c.Flows.MinImageHeight < 0 {
		return &Error{"flows.min_image_width", "must not be negative"}
	}
	if _, err := intent.New(c.Keywords); err != nil {
		return &Error{"keywords", err.Error()}
	}
	for key, s := range c.Services {
		if s.TimeStandardRaw != "" {
			return &Error{"services." + key + ".time_standard", "is no longer used: the promised date is the sum of the " +
				"stage deadlines of workflows." + s.Profile + ".deadlines; remove time_standard and set those"}
		}
	}
	return nil
}

// validateCalendar builds the working-time calendar from office.hours and the holidays.
func (c *Config) validateCalendar() error {
	week, err := sla.ParseWeek(c.Office.Hours)
	if err != nil {
		return &Error{"office.hours", err.Error()}
	}
	var own []sla.Holiday
	if f := c.Office.HolidaysFile; f != "" {
		r, err := os.Open(f)
		if errors.Is(err, fs.ErrNotExist) {
			return &Error{"office.holidays_file", fmt.Sprintf("cannot read %s: file not found", f)}
		} else if err != nil {
			return &Error{"office.holidays_file", err.Error()}
		}
		defer r.Close()
		if own, err = sla.ParseHolidaysCSV(r); err != nil {
			return &Error{"office.holidays_file", err.Error()}
		}
	}
	holidays := sla.PlanHolidays(sla.DefaultHolidays(), own, c.Office.CutiBersamaClosed)
	for _, d := range c.Office.ExtraHolidays {
		holidays = append(holidays, sla.Holiday{Date: d, Kind: "kantor", Name: "Libur kantor"})
	}
	c.Office.Calendar = sla.NewCalendar(c.Office.Location, week, holidays)
	return nil
}
