package skm

import (
	"math"
	"testing"
)

func resp(s ...int) Response {
	var r Response
	copy(r.Scores[:], s)
	return r
}

// TestComputeWorkedExample checks the index against a worked example computed by hand.
func TestComputeWorkedExample(t *testing.T) {
	full := []Response{
		resp(4, 4, 3, 4, 3, 4, 4, 3, 4),
		resp(3, 3, 3, 4, 3, 3, 4, 3, 3),
		resp(4, 3, 2, 4, 3, 4, 4, 2, 3),
		resp(3, 4, 3, 4, 4, 4, 3, 3, 4),
	}
	tests := []struct {
		name        string
		responses   []Response
		respondents int
		nrr         [Elements]float64
		ikm         float64
		grade       string
	}{
		{
			// Sums per element: 14 14 11 16 13 15 15 11 14, over 4 answers each.
			// Σ NRR = 30.75; IKM = 30.75 × 1/9 × 25 = 85.4166… → 85.42: B (baik).
			name: "four complete", responses: full, respondents: 4,
			nrr: [Elements]float64{3.5, 3.5, 2.75, 4, 3.25, 3.75, 3.75, 2.75, 3.5}, ikm: 85.42, grade: "B",
		},
		{
			// A fifth resident left after U2 (2, 2): U1 and U2 become 16/5 = 3.2, the others keep
			// their four answers. An empty response (invited, said nothing) is no respondent.
			// Σ NRR = 30.15; IKM = 30.15 × 25 / 9 = 83.75: B.
			name: "one left halfway", responses: append(append([]Response{}, full...), resp(2, 2), resp()), respondents: 5,
			nrr: [Elements]float64{3.2, 3.2, 2.75, 4, 3.25, 3.75, 3.75, 2.75, 3.5}, ikm: 83.75, grade: "B",
		},
		{
			// Everyone answered 4 everywhere: 4 × 9 × 1/9 × 25 = 100 (with 0.111 it would be 99.90).
			name: "all best", responses: []Response{resp(4, 4, 4, 4, 4, 4, 4, 4, 4)}, respondents: 1,
			nrr: [Elements]float64{4, 4, 4, 4, 4, 4, 4, 4, 4}, ikm: 100, grade: "A",
		},
		{
			// All 1: 1 × 9 × 1/9 × 25 = 25, the bottom of the scale.
			name: "all worst", responses: []Response{resp(1, 1, 1, 1, 1, 1, 1, 1, 1)}, respondents: 1,
			nrr: [Elements]float64{1, 1, 1, 1, 1, 1, 1, 1, 1}, ikm: 25, grade: "D",
		},
		{
			// 3,3,3,… and 2,2,2,…: every NRR 2.5; 22.5 × 25 / 9 = 62.50: D.
			name: "mixed low", responses: []Response{resp(3, 3, 3, 3, 3, 3, 3, 3, 3), resp(2, 2, 2, 2, 2, 2, 2, 2, 2)}, respondents: 2,
			nrr: [Elements]float64{2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5}, ikm: 62.5, grade: "D",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := Compute(tt.responses)
			if ix.Respondents != tt.respondents {
				t.Errorf("respondents = %d, want %d", ix.Respondents, tt.respondents)
			}
			for i := range Elements {
				if math.Abs(ix.NRR[i]-tt.nrr[i]) > 1e-9 {
					t.Errorf("NRR %s = %v, want %v", Codes[i], ix.NRR[i], tt.nrr[i])
				}
			}
			if !ix.Valid || ix.IKM != tt.ikm {
				t.Errorf("IKM = %v (valid %v), want %v", ix.IKM, ix.Valid, tt.ikm)
			}
			if g := Grade(ix.IKM).Grade; g != tt.grade {
				t.Errorf("category = %s, want %s", g, tt.grade)
			}
		})
	}
}

func TestComputeIncomplete(t *testing.T) {
	if ix := Compute(nil); ix.Valid || ix.Respondents != 0 {
		t.Errorf("no responses: %+v, want not valid", ix)
	}
	// Nobody reached U9: there is no index, but the NRR of what was answered is known.
	ix := Compute([]Response{resp(4, 3, 2, 1, 4, 3, 2, 1)})
	if ix.Valid || ix.Respondents != 1 || ix.NRR[3] != 1 || ix.Answers[8] != 0 {
		t.Errorf("no U9 answers: %+v, want not valid, 1 respondent, NRR U4 = 1", ix)
	}
}

func TestGradeBoundaries(t *testing.T) {
	for _, tt := range []struct {
		ikm   float64
		grade string
	}{
		{100, "A"}, {88.31, "A"}, {88.30, "B"}, {76.61, "B"}, {76.60, "C"}, {65.00, "C"}, {64.99, "D"}, {25, "D"},
		{88.305, "A"}, // rounds to 88.31 first, as the published figure does
	} {
		if got := Grade(tt.ikm).Grade; got != tt.grade {
			t.Errorf("Grade(%v) = %s, want %s", tt.ikm, got, tt.grade)
		}
	}
	if c := Grade(90); c.Name != "sangat baik" {
		t.Errorf("Grade(90).Name = %q", c.Name)
	}
}

// same returns n responses answering s to every element.
func same(n, s int) []Response {
	out := make([]Response, n)
	for i := range out {
		for j := range Elements {
			out[i].Scores[j] = s
		}
	}
	return out
}

// TestWeightAtBoundary shows why the weight is 1/9 and not the printed 0.111: just above a
// boundary the rounded weight puts the office one category lower.
func TestWeightAtBoundary(t *testing.T) {
	for _, tt := range []struct {
		name               string
		responses          []Response
		exact, rounded     float64
		exactCat, roundCat string
	}{
		// 15 × 4 + 13 × 3 = 99 over 28: NRR 3.535714… everywhere, Σ 31.821428….
		// 31.8214 × 25 / 9 = 88.39 (A); 31.8214 × 0.111 × 25 = 88.3045 → 88.30 (B).
		{"A or B", append(same(15, 4), same(13, 3)...), 88.39, 88.30, "A", "B"},
		// 1 × 4 + 14 × 3 = 46 over 15: NRR 3.0666…, Σ 27.6.
		// 27.6 × 25 / 9 = 76.67 (B); 27.6 × 0.111 × 25 = 76.59 (C).
		{"B or C", append(same(1, 4), same(14, 3)...), 76.67, 76.59, "B", "C"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ix := Compute(tt.responses)
			if ix.IKM != tt.exact || Grade(ix.IKM).Grade != tt.exactCat {
				t.Errorf("weight 1/9: IKM %v %s, want %v %s", ix.IKM, Grade(ix.IKM).Grade, tt.exact, tt.exactCat)
			}
			r := IKM(ix.NRR, RegulationWeight)
			if r != tt.rounded || Grade(r).Grade != tt.roundCat {
				t.Errorf("weight 0.111: IKM %v %s, want %v %s", r, Grade(r).Grade, tt.rounded, tt.roundCat)
			}
		})
	}
}

// TestMinSample checks the formula against the Krejcie–Morgan table (1970).
func TestMinSample(t *testing.T) {
	for _, tt := range []struct{ population, sample int }{
		{0, 0}, {10, 10}, {30, 28}, {50, 44}, {100, 80}, {200, 132}, {500, 217}, {1000, 278}, {5000, 357}, {10000, 370},
	} {
		if got := MinSample(tt.population); got != tt.sample {
			t.Errorf("MinSample(%d) = %d, want %d (Krejcie–Morgan table)", tt.population, got, tt.sample)
		}
	}
}
