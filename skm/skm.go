// Package skm computes the Indeks Kepuasan Masyarakat (IKM) of a Survei Kepuasan Masyarakat as
// PermenPANRB 14/2017 prescribes: per element the average score (NRR), weighted 1/9 each, times
// 25, and a quality category; and the minimum sample of the Krejcie–Morgan table. It is pure:
// the store hands it the answers, the API, the workspace page and the CSV all read its result.
package skm

import "math"

// Elements is the number of survey elements (unsur) U1..U9 of PermenPANRB 14/2017.
const Elements = 9

// Weight is the weight of each element's NRR in the index. The regulation writes it as 0.111,
// its value rounded to three decimals; we use the exact 1/9, which the regulation defines it as
// ("jumlah bobot / jumlah unsur"). With 0.111 a survey where everyone answered 4 everywhere
// would score 99.90, never 100, and indexes near a category boundary can fall one category
// lower (see TestWeightAtBoundary).
const Weight = 1.0 / Elements

// RegulationWeight is the rounded weight the regulation prints, kept for the comparison only.
const RegulationWeight = 0.111

// Codes are the element codes, in the regulation's order.
var Codes = [Elements]string{"U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"}

// Response is one resident's answers: Scores[i] is the answer to element i+1, 1..4, or 0 when
// not answered (a survey left halfway keeps what was answered).
type Response struct {
	Scores [Elements]int
}

// Answered reports whether the response has at least one answer: only those count as respondents.
func (r Response) Answered() bool {
	for _, s := range r.Scores {
		if s >= 1 && s <= 4 {
			return true
		}
	}
	return false
}

// Index is the survey's result over a set of responses.
type Index struct {
	Respondents int
	// NRR is the average score per element over the respondents who answered it; 0 when nobody did.
	NRR [Elements]float64
	// Answers counts the answers per element (the NRR's denominator).
	Answers [Elements]int
	// IKM is the index on the 25–100 scale rounded to two decimals, as offices publish it; valid
	// only when Valid.
	IKM   float64
	Valid bool
}

// Compute computes the index of responses. The NRR of an element is the sum of its scores
// divided by the number of respondents who answered it (a survey left halfway counts for the
// elements it answered). The IKM is defined only when every element has at least one answer.
func Compute(responses []Response) Index {
	var ix Index
	var sum [Elements]int
	for _, r := range responses {
		if !r.Answered() {
			continue
		}
		ix.Respondents++
		for i, s := range r.Scores {
			if s >= 1 && s <= 4 {
				sum[i] += s
				ix.Answers[i]++
			}
		}
	}
	ix.Valid = ix.Respondents > 0
	for i := range Elements {
		if ix.Answers[i] == 0 {
			ix.Valid = false
			continue
		}
		ix.NRR[i] = float64(sum[i]) / float64(ix.Answers[i])
	}
	if ix.Valid {
		ix.IKM = IKM(ix.NRR, Weight)
	}
	return ix
}

// IKM is Σ NRR × weight × 25, rounded to two decimals.
func IKM(nrr [Elements]float64, weight float64) float64 {
	var total float64
	for _, v := range nrr {
		total += v * weight
	}
	return Round2(total * 25)
}

// Round2 rounds to two decimals, half away from zero.
func Round2(v float64) float64 { return math.Round(v*100) / 100 }

// Category is a quality grade of the service (mutu pelayanan).
type Category struct {
	Grade string // A, B, C or D
	Name  string // sangat baik, baik, kurang baik, tidak baik
}

// Grade is the quality category of an IKM (already rounded to two decimals): A from 88.31, B
// from 76.61, C from 65.00, D below (PermenPANRB 14/2017, lampiran).
func Grade(ikm float64) Category {
	switch v := Round2(ikm); {
	case v >= 88.31:
		return Category{"A", "sangat baik"}
	case v >= 76.61:
		return Category{"B", "baik"}
	case v >= 65.00:
		return Category{"C", "kurang baik"}
	default:
		return Category{"D", "tidak baik"}
	}
}

// MinSample is the minimum number of respondents for a population of n people served, by
// Krejcie and Morgan (1970), the table PermenPANRB 14/2017 refers to:
//
//	s = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P))
//
// with X² = 3.841 (one degree of freedom, 95% confidence), P = 0.5 and d = 0.05, rounded to the
// nearest whole person as the published table is.
func MinSample(n int) int {
	if n <= 0 {
		return 0
	}
	const chi2, p, d = 3.841, 0.5, 0.05
	N := float64(n)
	s := chi2 * N * p * (1 - p) / (d*d*(N-1) + chi2*p*(1-p))
	return int(math.Round(s))
}
