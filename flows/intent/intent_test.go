package intent

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ketanmu/ketanmu/internal/textdist"
)

func TestNewRejectsBadKeywords(t *testing.T) {
	tests := []struct {
		name string
		kw   Keywords
		want string // substring of the error
	}{
		{"unknown key", Keywords{"akta": {"akta"}, "paspor": {"paspor"}}, `"paspor"`},
		{"unknown is not a service", Keywords{"unknown": {"halo"}}, `"unknown"`},
		{"empty keyword", Keywords{"info": {"syarat", " ?! "}}, `" ?! " of info`},
		{"same keyword twice", Keywords{"info": {"biaya"}, "pengaduan": {"Biaya"}}, "both pengaduan and info"},
		{"same after slang", Keywords{"akta": {"akte"}, "kk_ktp": {"akta"}}, "both kk_ktp and akta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.kw)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: got error %v, want one containing %s", err, tt.want)
			}
		})
	}
}

func TestNewAcceptsSubsetAndVariants(t *testing.T) {
	c, err := New(Keywords{"akta": {"akta", "akte", "AKTA"}, "status": nil})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(c.entries), 1; got != want {
		t.Errorf("entries: got %d, want %d (spelling variants fold into one)", got, want)
	}
	if got, want := c.Classify("akte lahir"), "akta"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := c.Classify("ktp hilang"), Unknown; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// A registration number means status whatever the keywords.
	if got, want := c.Classify("KTP-251125-0007"), "status"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestTunedKeywords(t *testing.T) {
	kw := DefaultKeywords()
	if got, want := MustDefault(t).Classify("mau bikin paspor"), Unknown; got != want {
		t.Fatalf("default: got %s, want %s", got, want)
	}
	kw["info"] = append(kw["info"], "paspor")
	c, err := New(kw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Classify("mau bikin paspor"), "info"; got != want {
		t.Errorf("tuned: got %s, want %s", got, want)
	}
}

func TestDefaultKeywordsAreFresh(t *testing.T) {
	a := DefaultKeywords()
	a["akta"][0] = "changed"
	if b := DefaultKeywords(); b["akta"][0] == "changed" {
		t.Fatal("DefaultKeywords shares its slices between calls")
	}
}

func TestNormalize(t *testing.T) {
	c := MustDefault(t)
	tests := []struct{ in, want string }{
		{"KTP-el saya ilang!!", "ktp saya hilang"},
		{"e-KTP, EKTP, ktp el, KTP elektronik", "ktp ktp ktp ktp"},
		{"gmn syaratnya? 🙏🙏", "gimana syarat"},
		{"pindahhh kkk saaat maaf", "pindah kk saat maaf"},
		{"Jum'at buka gak", "jumat buka tidak"},
		{"ktpne ical, biayane pinten", "ktp ical biaya pinten"},
		{"aktenya blm jd", "akta belum jadi"},
		{"di mana kantornya", "dimana kantor"},
		{"halooooo mantaaap", "halo mantaap"},
		{"kk2 no.5", "kk 2 nomor 5"},
		{"mohon maaf lahir batin", "mohon maaf"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(c.normalize(tt.in), " "); got != tt.want {
			t.Errorf("normalize(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"keluarga", "kelurga", 2, 1},
		{"akta", "akat", 2, 1}, // a swap of neighbours is one edit
		{"komplain", "kompalin", 2, 1},
		{"legalisir", "legalisr", 2, 1},
		{"syarat", "syarat", 1, 0},
		{"protes", "proses", 1, 1},
		{"kematian", "kemarin", 2, 2},
		{"pindah", "pinjam", 1, 2}, // over the limit: limit+1
		{"a", "abcdef", 2, 3},
		{strings.Repeat("a", 40), strings.Repeat("a", 39) + "b", 2, 1}, // longer than the stack rows
	}
	for _, tt := range tests {
		if got := textdist.OSA([]rune(tt.a), []rune(tt.b), tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, %d): got %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestExplain(t *testing.T) {
	c := MustDefault(t)
	tests := []struct {
		msg, key string
		want     []Match
	}{
		{"syarat ktp", "info", []Match{{"info", "syarat", 1}, {"kk_ktp", "ktp", 1}}},
		{"kartu kelurga", "kk_ktp", []Match{{"kk_ktp", "kartu keluarga", 1.8}}},
		{"ktp hilang syaratnya apa", "kk_ktp", []Match{
			{"kk_ktp", "ktp", 1}, {"info", "syarat", 1},
			{"kk_ktp", `problem word "hilang"`, 1}, {"info", `problem word "hilang"`, -1},
		}},
		{"cek ktp-251125-0007", "status", []Match{{"status", "registration number KTP-251125-0007", 3}}},
		{"ktp ktp ktp", "kk_ktp", []Match{{"kk_ktp", "ktp", 1}}},
		{"halo min", Unknown, nil},
		{"meninggal, kk diganti", Unknown, []Match{{"akta", "meninggal", 1}, {"kk_ktp", "kk", 1}}},
	}
	for _, tt := range tests {
		key, got := c.Explain(tt.msg)
		if key != tt.key || !slices.Equal(got, tt.want) {
			t.Errorf("Explain(%q):\n\tgot  %s %s\n\twant %s %s", tt.msg, key, formatMatches(got), tt.key, formatMatches(tt.want))
		}
	}
}

func TestLevels(t *testing.T) {
	c := MustDefault(t)
	tests := []struct{ msg, want string }{
		{"kecewa, akta kelahiran belum jadi", "pengaduan"},           // complaint over status and document
		{"akta kelahiran kapan jadi", "status"},                      // question over document
		{"syarat surat keterangan lahir", "info"},                    // question over a longer document phrase
		{"akta kelahiran hilang, syaratnya apa", "akta"},             // problem word drops info
		{"ktp hilang sudah jadi belum", "status"},                    // but not status
		{"biaya cetak ktp, kemarin kk sama akta jadi", "info"},       // info alone at its level
		{"kk sudah jadi, pindah kapan jadi? biaya berapa", "status"}, // level 2 decides by score
		{"syarat kk, nik saya 3516012345678901", "info"},
		{"komplain, status pengaduan saya", "pengaduan"}, // a complaint wins whatever else scored
		{"info status", Unknown},                         // a tie at the deciding level
	}
	for _, tt := range tests {
		if got := c.Classify(tt.msg); got != tt.want {
			_, ms := c.Explain(tt.msg)
			t.Errorf("Classify(%q): got %s, want %s (%s)", tt.msg, got, tt.want, formatMatches(ms))
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	c := MustDefault(t)
	cases := readRouting(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, tc := range cases {
				if got := c.Classify(tc.msg); got != tc.want {
					t.Errorf("Classify(%q): got %s, want %s", tc.msg, got, tc.want)
				}
			}
		})
	}
	wg.Wait()
}
