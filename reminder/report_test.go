package reminder_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
)

// reportData files a small known set of cases in the week of Monday 23 November 2026 and
// returns the env with the clock on Wednesday 25 November at 12:00.
//
//	NIK A  Mon 09:00, verifying 09:10, done 09:20                on time; stays 10m, 10m
//	NIK B  Mon 14:50, verifying Tue 08:10, done Tue 09:00         late (due Tue 08:20); 20m, 50m
//	NIK C  Wed 10:00, verifying 10:30, still open                 late now (due 11:00); 30m
//	NIK D  Wed 10:00, rejected 10:40                              late (due 10:30); 40m
//	KTP E  Fri 20 Nov 10:00, verifying 10:30, rejected Mon 09:00  on time (due Wed 10:00); verifying 1h30m
func reportData(tb testing.TB) (e *env, late string) {
	e = newEnv(tb, "2026-11-20 10:00")
	ktp := e.newCase("kk_ktp", ktpAccount, "6281234567800")
	e.clock.Set(e.at("2026-11-20 10:30"))
	e.move(ktp, "verifying", "")
	steps := []struct{ at, number, to string }{
		{"2026-11-23 09:00", "", ""}, // A
		{"2026-11-23 09:00", ktp, "rejected"},
		{"2026-11-23 09:10", "A", "verifying"},
		{"2026-11-23 09:20", "A", "done"},
		{"2026-11-23 14:50", "", ""}, // B
		{"2026-11-24 08:10", "B", "verifying"},
		{"2026-11-24 09:00", "B", "done"},
		{"2026-11-25 10:00", "", ""}, // C
		{"2026-11-25 10:00", "", ""}, // D
		{"2026-11-25 10:30", "C", "verifying"},
		{"2026-11-25 10:40", "D", "rejected"},
	}
	names := map[string]string{}
	next := "A"
	for _, s := range steps {
		e.clock.Set(e.at(s.at))
		if s.number == "" {
			names[next] = e.nikCase("62812345678" + next)
			next = string(rune(next[0] + 1))
			continue
		}
		number := s.number
		if n, ok := names[number]; ok {
			number = n
		}
		e.move(number, s.to, "alasan")
	}
	e.clock.Set(e.at("2026-11-25 12:00"))
	return e, names["C"]
}

func TestReport(t *testing.T) {
	e, late := reportData(t)
	rep, err := casework.NewReport(context.Background(), e.db, e.cfg, "2026-11-23", "2026-11-27", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if rep.From != "2026-11-23" || rep.To != "2026-11-27" || rep.Timezone != "Asia/Jakarta" {
		t.Errorf("report header %+v", rep)
	}
	var keys []string
	for _, s := range rep.Services {
		keys = append(keys, s.Service)
	}
	if want := []string{"kk_ktp", "pindah_datang", "akta", "validasi_nik", "kia", "pengaduan", "privasi"}; !slices.Equal(keys, want) {
		t.Errorf("services %v, want %v", keys, want)
	}
	get := func(key string) casework.ServiceReport {
		for _, s := range rep.Services {
			if s.Service == key {
				return s
			}
		}
		t.Fatalf("no %s in the report", key)
		return casework.ServiceReport{}
	}

	nik := get("validasi_nik")
	if nik.Opened != 4 || nik.Closed != 3 || nik.ClosedOnTime != 1 {
		t.Errorf("NIK opened %d, closed %d, on time %d; want 4, 3, 1", nik.Opened, nik.Closed, nik.ClosedOnTime)
	}
	if nik.OnTimeShare == nil || *nik.OnTimeShare < 0.333 || *nik.OnTimeShare > 0.334 {
		t.Errorf("NIK on-time share %v, want 1/3", nik.OnTimeShare)
	}
	wantStages := []casework.StageReport{
		{Stage: "submitted", Count: 4, MedianSeconds: 25 * 60, P90Seconds: 40 * 60, Median: "25m", P90: "40m"},
		{Stage: "verifying", Count: 2, MedianSeconds: 30 * 60, P90Seconds: 50 * 60, Median: "30m", P90: "50m"},
	}
	if !slices.Equal(nik.Stages, wantStages) {
		t.Errorf("NIK stages %+v\nwant %+v", nik.Stages, wantStages)
	}
	if want := []string{late}; !slices.Equal(nik.Breaches, want) {
		t.Errorf("NIK breaches %v, want %v", nik.Breaches, want)
	}

	ktp := get("kk_ktp")
	if ktp.Opened != 0 || ktp.Closed != 1 || ktp.ClosedOnTime != 1 || ktp.OnTimeShare == nil || *ktp.OnTimeShare != 1 {
		t.Errorf("KTP %+v, want opened 0 (before the range), closed 1 on time", ktp)
	}
	// Friday 10:30 to Monday 09:00: 30 minutes on Friday, 60 on Monday.
	if want := []casework.StageReport{{Stage: "verifying", Count: 1, MedianSeconds: 5400, P90Seconds: 5400,
		Median: "1h30m", P90: "1h30m"}}; !slices.Equal(ktp.Stages, want) {
		t.Errorf("KTP stages %+v, want %+v (the submitted stay ended before the range)", ktp.Stages, want)
	}

	akta := get("akta")
	if akta.Opened != 0 || akta.OnTimeShare != nil || akta.Stages == nil || akta.Breaches == nil {
		t.Errorf("akta %+v, want zeros, a null share and empty (not null) lists", akta)
	}

	t.Run("range", func(t *testing.T) {
		rep, err := casework.NewReport(context.Background(), e.db, e.cfg, "2026-11-25", "2026-11-25", e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range rep.Services {
			if s.Service == "validasi_nik" && (s.Opened != 2 || s.Closed != 1) {
				t.Errorf("Wednesday only: NIK opened %d, closed %d; want 2, 1", s.Opened, s.Closed)
			}
		}
	})
}

func TestParseRange(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	start, end, err := casework.ParseRange("2026-11-23", "2026-11-27", loc)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 23, 0, 0, 0, 0, loc); !start.Equal(want) {
		t.Errorf("start %v, want %v", start, want)
	}
	if want := time.Date(2026, 11, 28, 0, 0, 0, 0, loc); !end.Equal(want) {
		t.Errorf("end %v, want %v (the last day is included)", end, want)
	}
	for _, tt := range [][2]string{{"", "2026-11-27"}, {"2026-11-23", ""}, {"23-11-2026", "2026-11-27"},
		{"2026-11-23", "2026-11-31"}, {"2026-11-27", "2026-11-23"}, {"2026-11-23T00:00", "2026-11-27"}} {
		if _, _, err := casework.ParseRange(tt[0], tt[1], loc); ketanmu.ErrorCode(err) != ketanmu.EINVALID {
			t.Errorf("ParseRange(%q, %q) = %v, want EINVALID", tt[0], tt[1], err)
		}
	}
}

// The report and its late weeks, read by an actor, leave out the services they may not see: a
// complaint closed late counts for a complaints officer, not for a front-desk operator.
func TestReportWithActor(t *testing.T) {
	e, _ := reportData(t)
	complaint := e.newCase("pengaduan", nikAccount, "6281234567809")
	e.clock.Set(e.at("2026-12-10 10:00")) // past the complaint's promise of 5 working days
	e.move(complaint, "done", "")
	ctx := context.Background()
	cs := e.router.Cases()
	for _, tc := range []struct {
		roles     []ketanmu.Role
		complaint bool
		late      []int // cases closed late in the weeks of 23 and 30 November and 7 December
	}{
		{[]ketanmu.Role{ketanmu.RoleOperator}, false, []int{2, 0, 0}},
		{[]ketanmu.Role{ketanmu.RolePengaduan}, true, []int{2, 0, 1}},
	} {
		actor := casework.SystemActor("t", tc.roles)
		rep, err := cs.Report(ctx, actor, "2026-11-23", "2026-12-11")
		if err != nil {
			t.Fatal(err)
		}
		seen := slices.ContainsFunc(rep.Services, func(s casework.ServiceReport) bool { return s.Service == "pengaduan" })
		if seen != tc.complaint {
			t.Errorf("%v: complaints in the report %v, want %v", tc.roles, seen, tc.complaint)
		}
		weeks, err := cs.LateWeeks(ctx, actor, "2026-11-23", "2026-12-11")
		if err != nil {
			t.Fatal(err)
		}
		want := []casework.WeekCount{{Week: "2026-11-23", Count: tc.late[0]}, {Week: "2026-11-30", Count: tc.late[1]},
			{Week: "2026-12-07", Count: tc.late[2]}}
		if !slices.Equal(weeks, want) {
			t.Errorf("%v: late weeks %+v, want %+v", tc.roles, weeks, want)
		}
	}
}
