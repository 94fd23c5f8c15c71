package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/store"
)

// runReport prints the SLA compliance report of a range of days, as `GET /api/reports/sla` does.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", stderr)
	var common commonFlags
	fs.StringVar(&common.config, "config", "config.yaml", "config file (falls back to the built-in config.example.yaml when absent)")
	fs.StringVar(&common.data, "data", "", "data folder (overrides storage.data_dir)")
	from := fs.String("from", "", "first day, YYYY-MM-DD (office time zone)")
	to := fs.String("to", "", "last day, YYYY-MM-DD, included")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := common.loadConfig(flagGiven(fs, "config"), stderr)
	if err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return &exitError{code: 2, msg: "--from and --to are required, as dates YYYY-MM-DD"}
	}
	if _, _, err := casework.ParseRange(*from, *to, cfg.Office.Location); err != nil {
		return &exitError{code: 2, msg: "--" + ketanmu.ErrorMessage(err)}
	}
	path := app.InDir(cfg.Storage.DataDir, cfg.Storage.Database)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return &exitError{code: 2, msg: fmt.Sprintf("no database at %s (use --data to name the data folder)", path)}
	}
	// The report reads no document, so it needs no data key.
	db, err := store.Open(path, nil, time.Now)
	if err != nil {
		return err
	}
	rep, err := casework.NewReport(ctx, db, cfg, *from, *to, time.Now())
	err = errors.Join(err, db.Close())
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeReport(stdout, rep)
}

// writeReport prints the report as two tables: cases per service, working time per stage.
func writeReport(w io.Writer, rep casework.Report) error {
	fmt.Fprintf(w, "SLA report %s to %s (%s), made %s\n\n", rep.From, rep.To, rep.Timezone,
		rep.GeneratedAt.Format("2006-01-02 15:04"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tOPENED\tCLOSED\tON TIME\tLATE NOW")
	for _, s := range rep.Services {
		onTime := "-"
		if s.OnTimeShare != nil {
			onTime = fmt.Sprintf("%d (%.0f%%)", s.ClosedOnTime, *s.OnTimeShare*100)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\n", s.Service, s.Opened, s.Closed, onTime, len(s.Breaches))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nWorking time per stage (stays that ended in the range):")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tSTAGE\tSTAYS\tMEDIAN\tP90")
	rows := 0
	for _, s := range rep.Services {
		for _, st := range s.Stages {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", s.Service, st.Stage, st.Count, st.Median, st.P90)
			rows++
		}
	}
	if rows == 0 {
		fmt.Fprintln(tw, "-\t-\t0\t-\t-")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range rep.Services {
		if len(s.Breaches) > 0 {
			fmt.Fprintf(w, "\nLate now (%s): %v\n", s.Service, s.Breaches)
		}
	}
	return nil
}
