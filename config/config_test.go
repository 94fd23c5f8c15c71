package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/config"
)

// MustWrite writes a config file into a temporary folder and returns its path.
func MustWrite(tb testing.TB, yaml string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// MustLoad loads path and fails the test on error.
func MustLoad(tb testing.TB, path string) *config.Config {
	tb.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		tb.Fatalf("Load(%q): %v", path, err)
	}
	return cfg
}

func TestLoadDefaults(t *testing.T) {
	cfg := MustLoad(t, "")
	if got, want := cfg.Source, "built-in example"; got != want {
		t.Errorf("Source = %q, want %q", got, want)
	}
	if got, want := cfg.HTTP.Addr, "127.0.0.1:8080"; got != want {
		t.Errorf("http.addr = %q, want %q", got, want)
	}
	if got, want := len(cfg.Accounts), 5; got != want {
		t.Errorf("%d accounts, want %d", got, want)
	}
	if cfg.Office.Location == nil || cfg.Office.Location.String() != "Asia/Jakarta" {
		t.Errorf("office location = %v, want Asia/Jakarta", cfg.Office.Location)
	}
	if cfg.Outbound.RetryMin <= 0 || cfg.Outbound.RetryMax < cfg.Outbound.RetryMin {
		t.Errorf("outbound retry = %v..%v, want parsed positive durations", cfg.Outbound.RetryMin, cfg.Outbound.RetryMax)
	}
	for _, a := range cfg.Accounts {
		if !strings.HasPrefix(a.Phone, "62") {
			t.Errorf("account %s phone = %q, want the 62… form", a.Key, a.Phone)
		}
	}
	if acc, ok := cfg.Account("pengaduan"); !ok || acc.OperatorsGroup == "" {
		t.Errorf("Account(pengaduan) = %+v, %v; want the configured account", acc, ok)
	}
	if _, ok := cfg.Account("nope"); ok {
		t.Errorf("Account(nope) found, want not found")
	}
}

func TestLoadMerge(t *testing.T) {
	defaults := MustLoad(t, "")
	path := MustWrite(t, "office:\n  short_name: Dukcapil Uji\noutbound:\n  retry_min: 5s\n")
	cfg := MustLoad(t, path)
	if got, want := cfg.Office.ShortName, "Dukcapil Uji"; got != want {
		t.Errorf("office.short_name = %q, want %q", got, want)
	}
	if got, want := cfg.Outbound.RetryMin, 5*time.Second; got != want {
		t.Errorf("outbound.retry_min = %v, want %v", got, want)
	}
	if got, want := cfg.Office.Name, defaults.Office.Name; got != want {
		t.Errorf("office.name = %q, want the default %q", got, want)
	}
	if got, want := cfg.Outbound.RetryMax, defaults.Outbound.RetryMax; got != want {
		t.Errorf("outbound.retry_max = %v, want the default %v", got, want)
	}
	if got, want := len(cfg.Accounts), len(defaults.Accounts); got != want {
		t.Errorf("%d accounts, want the default %d", got, want)
	}
	if got, want := cfg.Source, path; got != want {
		t.Errorf("Source = %q, want %q", got, want)
	}
}

func TestLoadEnv(t *testing.T) {
	t.Setenv("KETANMU_HTTP_ADDR", "0.0.0.0:9999")
	t.Setenv("KETANMU_STORAGE_DATA_DIR", "/var/lib/ketanmu")
	for name, path := range map[string]string{"defaults": "", "file": MustWrite(t, "http:\n  addr: 127.0.0.1:7000\n")} {
		t.Run(name, func(t *testing.T) {
			cfg := MustLoad(t, path)
			if got, want := cfg.HTTP.Addr, "0.0.0.0:9999"; got != want {
				t.Errorf("http.addr = %q, want %q from the environment", got, want)
			}
			if got, want := cfg.Storage.DataDir, "/var/lib/ketanmu"; got != want {
				t.Errorf("storage.data_dir = %q, want %q from the environment", got, want)
			}
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		key  string // the key the message must name
		msg  string // and a fragment of the explanation
	}{
		{
			// The promise is the sum of the stage deadlines now: an old time_standard would
			// silently promise something else.
			name: "time_standard of an older release",
			yaml: `services:
  kk_ktp:
    time_standard: 3d
`,
			key: "services.kk_ktp.time_standard", msg: "workflows.pos_ketanmu.deadlines",
		},
		{
			// The law counts hours: a privacy request's deadline is calendar hours, not days.
			name: "privacy deadline not in hours",
			yaml: "workflows:\n  privasi:\n    due_within: 3d\n",
			key:  "workflows.privasi.due_within", msg: "positive duration in hours",
		},
		{
			name: "field of an unknown kind",
			yaml: "fields:\n  child_name: {kind: essay}\n",
			key:  "fields.child_name.kind", msg: "not one of",
		},
		{
			name: "field without its question",
			yaml: "fields:\n  shoe_size: {kind: text}\n",
			key:  "texts.ask_shoe_size", msg: "must not be empty",
		},
		{
			name: "field asked on a later answer",
			yaml: "fields:\n  dest_province: {kind: text, when: host_kk=ya}\n",
			key:  "fields.dest_province.when", msg: "yes/no field asked before it",
		},
		{
			name: "desa field without its kecamatan",
			yaml: "fields:\n  within_desa: {kind: desa, of: dest_address}\n",
			key:  "fields.within_desa.of", msg: "kecamatan field asked before it",
		},
		{
			name: "variant naming an unknown field",
			yaml: "services:\n  akta:\n    subtypes:\n      - key: akta_kelahiran\n        name: Akta kelahiran\n        documents: [kk]\n        fields: [shoe_size]\n",
			key:  "services.akta.subtypes[0].fields", msg: "unknown field",
		},
		{
			name: "unknown service in an account",
			yaml: `accounts:
  - key: kkktp
    name: KK
    phone: "6281100000101"
    services: [kk_ktp, paspor]
`,
			key: "accounts[0].services[1]", msg: `unknown service "paspor"`,
		},
		{
			name: "duplicate phone",
			yaml: `accounts:
  - key: kkktp
    name: KK
    phone: "081100000101"
    services: [kk_ktp]
  - key: akta
    name: Akta
    phone: "+62 811-0000-0101"
    services: [akta]
`,
			key: "accounts[1].phone", msg: "duplicate phone",
		},
		{
			name: "bad duration",
			yaml: "outbound:\n  retry_min: soon\n",
			key:  "outbound.retry_min", msg: `"soon" is not a positive duration`,
		},
		{
			name: "retry_max shorter than retry_min",
			yaml: "outbound:\n  retry_min: 10m\n  retry_max: 1m\n",
			key:  "outbound.retry_max", msg: "retry_min",
		},
		{
			name: "unknown lane",
			yaml: "outbound:\n  lanes:\n    urgent: {per_minute: 10, burst: 1}\n",
			key:  "outbound.lanes.urgent", msg: "unknown lane",
		},
		{
			name: "lane without burst",
			yaml: "outbound:\n  lanes:\n    bulk: {per_minute: 10, burst: 0}\n",
			key:  "outbound.lanes.bulk.burst", msg: "at least 1",
		},
		{
			name: "reply delay max below min",
			yaml: "outbound:\n  reply_delay: {min: 3s, max: 1s}\n",
			key:  "outbound.reply_delay.max", msg: "min",
		},
		{
			name: "bad time zone",
			yaml: "office:\n  timezone: Asia/Mojokerto\n",
			key:  "office.timezone", msg: `"Asia/Mojokerto" is not a known time zone`,
		},
		{
			name: "missing holidays file",
			yaml: "office:\n  holidays_file: /nonexistent/holidays_2027.csv\n",
			key:  "office.holidays_file", msg: "/nonexistent/holidays_2027.csv",
		},
		{
			name: "unknown service key",
			yaml: "services:\n  paspor:\n    name: Paspor\n    prefix: PAS\n",
			key:  "services.paspor", msg: "unknown service",
		},
		{
			name: "bad phone",
			yaml: `accounts:
  - key: kkktp
    name: KK
    phone: "call me"
    services: [kk_ktp]
`,
			key: "accounts[0].phone", msg: "digits",
		},
		{
			name: "bad log level",
			yaml: "log:\n  level: loud\n",
			key:  "log.level", msg: `"loud"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(MustWrite(t, tt.yaml))
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("Load = %v, want a *config.Error", err)
			}
			if got, want := ce.Key, tt.key; got != want {
				t.Errorf("key = %q, want %q (error %q)", got, want, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.key) || !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q, want it to name %q and say %q", msg, tt.key, tt.msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message %q spans several lines, want one", msg)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := config.Load(path)
	if !errors.Is(err, config.ErrNotFound) {
		t.Fatalf("Load(missing) = %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("message %q, want it to name %s", err, path)
	}
}

func TestLoadBadFile(t *testing.T) {
	for name, yaml := range map[string]string{
		"invalid YAML":    "office:\n  name: [unclosed\n  timezone: Asia/Jakarta\n",
		"tabs":            "office:\n\tname: x\n",
		"scalar document": "just a sentence\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := MustWrite(t, yaml)
			_, err := config.Load(path)
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("Load = %v, want a *config.Error", err)
			}
			if got, want := ce.Key, path; got != want {
				t.Errorf("key = %q, want the file %q", got, want)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") {
				t.Errorf("message %q spans several lines, want one", msg)
			}
		})
	}

	t.Run("wrong type", func(t *testing.T) {
		_, err := config.Load(MustWrite(t, "outbound:\n  lanes:\n    reply:\n      burst: many\n"))
		if err == nil {
			t.Fatalf("Load succeeded, want an error")
		}
		msg := err.Error()
		if !strings.Contains(msg, "burst") {
			t.Errorf("message %q, want it to name burst", msg)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("message %q spans several lines, want one", msg)
		}
	})
}

// TestStageNames checks that every stage has the names residents and operators read, so that
// no English stage key reaches anyone.
func TestStageNames(t *testing.T) {
	cfg := MustLoad(t, "")
	for _, st := range ketanmu.Stages {
		for _, key := range []string{"stage_" + string(st), "opstage_" + string(st)} {
			if v, ok := cfg.Texts[key]; !ok || v == "" || v == string(st) {
				t.Errorf("texts.%s = %q, want an Indonesian name", key, v)
			}
		}
	}
}
