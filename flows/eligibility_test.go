package flows

import (
	"testing"
	"time"
)

func TestAgeRulesAtTheBoundaries(t *testing.T) {
	loc := time.FixedZone("WIB", 7*3600)
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	rekam := AgeRule{Min: 16, MarriedOK: true}
	pisah := AgeRule{Min: 17, MarriedOK: true}
	balita := AgeRule{Max: 5}
	kia := AgeRule{Min: 5, Max: 17}
	born := "2010-05-10"
	for _, c := range []struct {
		name    string
		birth   string
		on      string
		rule    AgeRule
		married bool
		want    bool
	}{
		{"recording the day before the 16th birthday", born, "2026-05-09", rekam, false, false},
		{"recording on the 16th birthday", born, "2026-05-10", rekam, false, true},
		{"recording under 16 when married", born, "2026-05-09", rekam, true, true},
		{"pisah KK the day before the 17th birthday", born, "2027-05-09", pisah, false, false},
		{"pisah KK on the 17th birthday", born, "2027-05-10", pisah, false, true},
		{"pisah KK under 17 when married", born, "2027-05-09", pisah, true, true},
		{"KIA the day before the 17th birthday", born, "2027-05-09", kia, false, true},
		{"KIA on the 17th birthday", born, "2027-05-10", kia, false, false},
		{"KIA under 5 the day before the 5th birthday", "2021-11-26", "2026-11-25", balita, false, true},
		{"KIA under 5 on the 5th birthday", "2021-11-25", "2026-11-25", balita, false, false},
		{"KIA 5 and over the day before the 5th birthday", "2021-11-26", "2026-11-25", kia, false, false},
		{"KIA 5 and over on the 5th birthday", "2021-11-25", "2026-11-25", kia, false, true},
		{"KIA under 5 for a newborn", "2026-11-25", "2026-11-25", balita, false, true},
		{"born on 29 February, 16 on 1 March", "2008-02-29", "2024-02-28", rekam, false, false},
		{"born on 29 February, 16 on 29 February", "2008-02-29", "2024-02-29", rekam, false, true},
		{"born on 28 February, 16 on 28 February", "2009-02-28", "2025-02-28", rekam, false, true},
		{"no rule admits anyone", "1950-01-01", "2026-11-25", AgeRule{}, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.rule.Admits(AgeOn(day(c.birth), day(c.on)), c.married); got != c.want {
				t.Errorf("%+v.Admits(age on %s of someone born %s = %d) = %v, want %v", c.rule, c.on, c.birth,
					AgeOn(day(c.birth), day(c.on)), got, c.want)
			}
		})
	}
	if got := AgeOn(day("2008-02-29"), day("2025-02-28")); got != 16 {
		t.Errorf("AgeOn(29 Feb 2008, 28 Feb 2025) = %d, want 16 (the 17th birthday is 1 March)", got)
	}
	if got := AgeOn(day("2008-02-29"), day("2025-03-01")); got != 17 {
		t.Errorf("AgeOn(29 Feb 2008, 1 Mar 2025) = %d, want 17", got)
	}
}

func TestDeclines(t *testing.T) {
	for w, want := range map[string]bool{
		"tidak": true, "gak ada foto": true, "ndak punya bukti pak": true, "tidak usah": true, "ga ada": true,
		"belum ada foto kak": true, "tidak bisa datang hari senin": false, "ada": false, "foto": false,
		"gak ada foto karena hp rusak": false, "": false,
	} {
		if got := declines(w); got != want {
			t.Errorf("declines(%q) = %v, want %v", w, got, want)
		}
	}
}
