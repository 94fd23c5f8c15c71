package intent

// DefaultKeywords returns the built-in Indonesian and Javanese keyword list, the config's
// default. Spelling variants (akte, e-ktp, gmn, blm), suffixes (-nya, -e), repeated letters and
// small typos are handled by the classifier, so each word is listed once in its standard form.
// Every call returns a fresh map the caller may change.
func DefaultKeywords() Keywords {
	return Keywords{
		"kk_ktp": {
			"kk", "kartu keluarga", "ktp", "kartu tanda penduduk", "kk baru", "ktp baru", "kk lama", "ktp lama", "ganti kk", "ganti ktp",
			"cetak ulang", "cetak ktp", "cetak kk", "blangko", "rekam", "perekaman",
			"perubahan data", "ubah data", "ganti data", "status perkawinan", "status kawin",
			"status nikah", "nikah", "menikah", "kawin", "rabi", "cerai", "pecah kk", "pisah kk",
			"tambah anggota", "anggota keluarga", "numpang kk", "masuk kk", "ikut kk",
			"tanggal lahir", "tempat lahir", "damel ktp", "damel kk",
			"legalisir kk", "legalisasi kk", // a service of its own, not the legalisir information
		},
		"kia": {"kia", "kartu identitas anak", "kartu anak", "ktp anak", "identitas anak"},
		"pindah_datang": {
			"pindah", "pindahan", "perpindahan", "kepindahan", "pindah datang", "pindah keluar",
			"pindah masuk", "pindah domisili", "pindah alamat", "pindah rumah", "pindah omah",
			"pindah kk", "pindah ktp", "surat pindah", "surat keterangan pindah", "skpwni",
			"domisili", "datang dari", "pendatang", "kedatangan", "mutasi", "ganti alamat",
			"ubah alamat", "alamat baru", "warga baru", "layang pindah", "boyongan", "ngalih",
		},
		"akta": {
			"akta", "akta kelahiran", "akta lahir", "akta kematian", "akta mati", "akta lair",
			"kelahiran", "kematian", "lahir", "lahiran", "melahirkan", "baru lahir", "bayi",
			"meninggal", "meninggal dunia", "wafat", "almarhum", "almarhumah", "surat lahir",
			"surat kelahiran", "surat keterangan lahir", "skl", "surat kematian",
			"surat keterangan kematian", "lair", "layang lair", "tilar donya", "seda", "ninggal",
			"legalisir akta", "legalisasi akta",
		},
		"validasi_nik": {
			"nik", "validasi", "verifikasi nik", "tidak terdaftar", "belum terdaftar", "tidak valid",
			"invalid", "nonaktif", "tidak aktif", "belum update", "belum terupdate", "belum diupdate", "tidak update",
			"tidak terupdate", "tidak ditemukan", "tidak dikenali", "tidak terbaca",
			"tidak bisa registrasi", "tidak bisa daftar", "gagal registrasi", "gagal daftar",
			"registrasi kartu", "registrasi sim", "kartu sim", "sim card", "simcard",
			"kartu perdana", "daftar ulang", "registrasi ulang", "bpjs", "kis", "ppdb", "dapodik", "daftar sekolah", "npwp", "bansos",
			"dtks", "prakerja", "nik ganda", "nik dobel", "pemadanan", "data tidak sesuai",
			"ora iso daftar", "ora iso registrasi", "mboten saget daftar", "ora kedaftar",
			"durung kedaftar", "dereng kedaftar", "dereng terdaftar", "dereng update",
			"durung update",
		},
		"pengaduan": {
			"komplain", "pengaduan", "aduan", "mengadu", "ngadu", "keluhan", "mengeluh", "protes",
			"kritik", "kecewa", "mengecewakan", "kuciwa", "sambat", "lapor petugas",
			"laporkan petugas", "melaporkan petugas", "petugas kasar", "kasar", "tidak ramah",
			"tidak sopan", "judes", "galak", "pungli", "pungutan liar", "minta uang",
			"dimintai uang", "minta duit", "dimintai duit", "disuruh bayar", "uang pelicin",
			"pelicin", "calo", "suap", "sogok", "pelayanan lambat", "pelayanan buruk",
			"pelayanan jelek", "lambat", "lelet", "lama banget", "lama sekali", "kelamaan",
			"dipersulit", "tidak dilayani", "tidak dibalas", "belum dibalas", "tidak direspon",
			"tidak ditanggapi", "slow respon", "oknum", "minta bayaran", "dimintai bayaran",
		},
		"status": {
			"status", "cek status", "status pengajuan", "status berkas", "status permohonan",
			"status pengaduan", "cek berkas", "cek pengajuan", "cek permohonan", "sudah jadi",
			"sudah selesai", "sudah diproses", "sudah dikirim", "sampai mana", "belum jadi",
			"belum selesai", "belum dikirim", "belum sampai", "belum diterima", "belum ada kabar",
			"tidak ada kabar", "belum ada balasan", "kapan jadi", "kapan selesai", "kapan dikirim", "kapan sampai",
			"kapan diambil", "bisa diambil", "kapan ambil", "kapan bisa ambil", "diproses", "progres", "progress", "perkembangan",
			"nomor pendaftaran", "nomor registrasi", "kode pendaftaran", "nomor resi", "resi",
			"lacak", "tracking", "sampun dados", "dereng dados", "sampun jadi", "dereng jadi",
			"kapan dados", "kapan dadi", "kapan rampung", "sampun rampung", "dereng rampung",
			"durung dadi", "durung jadi", "wis dadi", "wis jadi", "dereng wonten kabar",
			"sampun dikirim", "dereng dikirim", "dereng nampi",
		},
		"info": {
			"info", "informasi", "syarat", "persyaratan", "prosedur", "apa saja", "jam buka",
			"jam berapa", "jam pelayanan", "jam kerja", "jam operasional", "jam pinten",
			"buka jam", "bukak jam", "kantor buka", "buka tidak", "sabtu buka", "kantor tutup",
			"libur", "alamat kantor", "alamat dimana", "alamat dinas", "dimana kantor",
			"kantor dimana", "kantor pundi", "lokasi", "tempat rekam", "tempat perekaman",
			"biaya", "bayar", "tarif", "gratis", "berapa lama", "berapa hari", "legalisir",
			"legalisasi", "nomor pengaduan", "jadwal", "ongkos", "ongkir", "cod", "bisa dikirim",
		},
	}
}

// problemWords turn a document into a request: "syarat KTP" is a question for info, but
// "KTP hilang, syaratnya apa" needs the KTP service itself. Built in rather than configured
// because they are not a service; see the scoring rule in intent.go.
var problemWords = set(
	"hilang", "kehilangan", "ical", "kecurian", "dicuri", "kecopetan", "dicopet", "rusak",
	"patah", "retak", "robek", "sobek", "suwek", "luntur", "pudar", "terbakar", "kebakar",
	"kebakaran", "kebanjiran", "kecuci", "salah", "keliru", "typo",
)

// slang maps everyday spellings and abbreviations to the word the keywords use; a value may hold
// several words. It is applied to messages and to keywords alike.
var slang = map[string]string{
	"gmn": "gimana", "gmna": "gimana", "gimna": "gimana", "gmana": "gimana",
	"bgmn": "bagaimana", "bgm": "bagaimana",
	"tdk": "tidak", "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak",
	"ngga": "tidak", "enggak": "tidak", "engga": "tidak", "ndak": "tidak", "nda": "tidak",
	"kagak": "tidak", "tak": "tidak", "g": "tidak",
	"gabisa": "tidak bisa", "gbs": "tidak bisa", "gakbisa": "tidak bisa", "gbisa": "tidak bisa",
	"gaada": "tidak ada", "gada": "tidak ada",
	"blm": "belum", "blom": "belum", "belom": "belum", "lom": "belum",
	"sdh": "sudah", "udh": "sudah", "udah": "sudah", "dah": "sudah", "sudh": "sudah", "sdah": "sudah",
	"yg": "yang", "dgn": "dengan", "utk": "untuk", "krn": "karena", "karna": "karena",
	"sy": "saya", "bs": "bisa", "bsa": "bisa", "jd": "jadi", "jdi": "jadi", "kpn": "kapan",
	"brp": "berapa", "brapa": "berapa", "dmn": "dimana", "dmana": "dimana", "knp": "kenapa",
	"nmr": "nomor", "no": "nomor", "nomer": "nomor", "tgl": "tanggal", "tp": "tapi",
	"dr": "dari", "skrg": "sekarang", "msh": "masih", "bgt": "banget", "sampe": "sampai",
	"aja": "saja", "lg": "lagi", "dpt": "dapat", "kmrn": "kemarin", "bln": "bulan",
	"thn": "tahun", "mo": "mau", "mw": "mau", "pengen": "mau", "pgn": "mau", "pingin": "mau",
	"dateng": "datang", "nanya": "tanya", "inpo": "info", "regis": "registrasi",
	"reg": "registrasi", "komplen": "komplain", "complain": "komplain", "komplin": "komplain",
	"akte": "akta", "ektp": "ktp", "ktpel": "ktp", "ektpel": "ktp", "ilang": "hilang",
	"respons": "respon", "dibales": "dibalas", "bales": "balas",
}

// merges join word pairs that name one thing: "e ktp" and "ktp el" (from e-KTP, KTP-el). An
// empty result drops an idiom that holds a keyword but asks for nothing ("mohon maaf lahir
// batin", the Eid greeting).
var merges = map[[2]string]string{
	{"lahir", "batin"}:    "",
	{"e", "ktp"}:          "ktp",
	{"ktp", "el"}:         "ktp",
	{"ktp", "elektronik"}: "ktp",
	{"di", "mana"}:        "dimana",
}

// everyday holds common words that are never read as a typo of a keyword ("proses" is not
// "protes", "biasa" is not "biaya") and that repeated-letter collapsing may aim for.
var everyday = set(
	"proses", "biasa", "kritis", "rekan", "kawan", "susah", "kemarin", "sambal", "kontrak",
	"kabur", "minat", "bekas", "statis", "bilang", "layani", "dilayani", "kapal", "selamat",
	"terima", "kasih", "makasih", "terimakasih", "matur", "nuwun", "tolong", "mohon",
	"sugeng", "enjing", "siang", "sonten", "malam", "pagi", "sore", "halo", "hallo",
	"assalamualaikum", "waalaikumsalam", "permisi", "maaf", "nggih", "inggih", "injih",
	"sampun", "dereng", "durung", "kulo", "kula", "badhe", "pados", "nyuwun", "tulung",
	"saya", "aku", "kami", "anak", "bapak", "ibu", "suami", "istri", "kakak", "adik", "admin",
	"tanya", "mau", "ingin", "bisa", "tidak", "belum", "sudah", "masih", "sedang", "akan",
	"tapi", "tetapi", "padahal", "karena", "untuk", "dengan", "dari", "yang", "ini", "itu",
	"apa", "apakah", "bagaimana", "gimana", "kenapa", "kapan", "dimana", "berapa", "siapa",
	"hari", "minggu", "bulan", "tahun", "jam", "sekarang", "besok", "lalu", "baru", "lama",
	"nomor", "foto", "kirim", "dulu", "lagi", "juga", "saja", "banyak", "baik", "oke", "siap",
	"bantu", "bantuan", "dibantu", "urus", "ngurus", "mengurus", "bikin", "buat", "membuat",
	"kantor", "dinas", "dukcapil", "disdukcapil", "capil", "dispendukcapil", "online", "pos",
	"kurir", "desa", "kelurahan", "kecamatan", "kabupaten", "kota", "provinsi", "jalan",
	"orang", "ayah", "mama", "papa", "pripun", "wonten", "mboten", "saget", "dinten", "teng",
	"saking", "kaliyan", "wingi", "mbah", "pinten", "sekolah", "rumah", "sakit", "tinggal",
	"tanggal", "tempat", "uang", "minta", "petugas", "pelayanan", "surat", "kartu", "data",
	"dokumen", "berkas", "pengajuan", "permohonan", "keterangan", "keluarga", "bidan",
	"saat", "sesuai", "infonya", "kasus", "kabar", "ditolak", "diganti", "ganti",
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
