package whatsapp

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// openRaw opens a SQLite file as the transport does, without migrating it.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=10000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// schemaOf lists the transport's tables and indexes as SQLite keeps them, and their rows.
func schemaOf(t *testing.T, db *sql.DB) (schema []string, rows map[string]int) {
	t.Helper()
	res, err := db.Query(`SELECT name, sql FROM sqlite_master WHERE name LIKE 'ketanmu_%' AND sql IS NOT NULL
		AND name != 'ketanmu_migrations' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	rows = map[string]int{}
	var tables []string
	for res.Next() {
		var name, text string
		if err := res.Scan(&name, &text); err != nil {
			t.Fatal(err)
		}
		schema = append(schema, strings.Join(strings.Fields(strings.ReplaceAll(text, `"`, "")), " "))
		if strings.HasPrefix(text, "CREATE TABLE") {
			tables = append(tables, name)
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		rows[table] = n
	}
	return schema, rows
}

// A whatsmeow.db the earlier runner left at schema version 0 to 3 upgrades to the numbered
// files: the same schema as a new file, the versions recorded once each, the old version table
// gone, and the rows it held kept. A second start changes nothing.
func TestStoreUpgradesFromEarlierRunner(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) }
	fresh := &waDB{db: openRaw(t, filepath.Join(t.TempDir(), "fresh.db")), now: now}
	if err := fresh.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want, _ := schemaOf(t, fresh.db)
	names, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	for v := range 4 {
		t.Run(fmt.Sprintf("version %d", v), func(t *testing.T) {
			raw := openRaw(t, filepath.Join(t.TempDir(), "whatsmeow.db"))
			if _, err := raw.Exec(`CREATE TABLE ketanmu_version (version INTEGER NOT NULL); INSERT INTO ketanmu_version VALUES (?)`, v); err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= v; i++ {
				body, err := os.ReadFile(filepath.Join("testdata", "old_runner", fmt.Sprint(i, ".sql")))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := raw.Exec(string(body)); err != nil {
					t.Fatalf("old version %d: %v", i, err)
				}
			}
			seed := map[int]string{
				1: `INSERT INTO ketanmu_devices VALUES ('kkktp', '6281100000101.0:12@s.whatsapp.net', '2026-11-01T00:00:00.000Z');
					INSERT INTO ketanmu_inbox (account, wa_id, chat, inbound, next_attempt_at, created_at)
					VALUES ('kkktp', 'W1', '6281234567890', '{}', '', '2026-11-01T00:00:00.000Z')`,
				3: `INSERT INTO ketanmu_link (account, phone_seen_at) VALUES ('kkktp', '2026-11-01T00:00:00.000Z')`,
			}
			for i := 1; i <= v; i++ {
				if _, err := raw.Exec(seed[i]); err != nil {
					t.Fatal(err)
				}
			}
			_, kept := schemaOf(t, raw)
			delete(kept, "ketanmu_version") // the one table the upgrade drops

			d := &waDB{db: raw, now: now}
			for range 2 {
				if err := d.migrate(ctx); err != nil {
					t.Fatal(err)
				}
			}
			got, rows := schemaOf(t, raw)
			if !slices.Equal(got, want) {
				t.Errorf("schema after the upgrade:\n%s\nwant (a new file):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for table, n := range kept {
				if rows[table] != n {
					t.Errorf("%s has %d rows after the upgrade, want %d", table, rows[table], n)
				}
			}
			var old int
			if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'ketanmu_version'`).Scan(&old); err != nil || old != 0 {
				t.Errorf("ketanmu_version still there (%d, %v)", old, err)
			}
			var recorded []string
			res, err := raw.Query(`SELECT version || ' ' || name FROM ketanmu_migrations ORDER BY version`)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Close()
			for res.Next() {
				var s string
				if err := res.Scan(&s); err != nil {
					t.Fatal(err)
				}
				recorded = append(recorded, s)
			}
			var wantRecorded []string
			for i, f := range names {
				wantRecorded = append(wantRecorded, fmt.Sprint(i+1, " ", f.Name()))
			}
			if !slices.Equal(recorded, wantRecorded) {
				t.Errorf("recorded %v, want %v", recorded, wantRecorded)
			}
		})
	}
}

// A file from a newer release than this one is refused, not half-upgraded.
func TestStoreRefusesNewerVersion(t *testing.T) {
	raw := openRaw(t, filepath.Join(t.TempDir(), "whatsmeow.db"))
	if _, err := raw.Exec(`CREATE TABLE ketanmu_version (version INTEGER NOT NULL); INSERT INTO ketanmu_version VALUES (99)`); err != nil {
		t.Fatal(err)
	}
	d := &waDB{db: raw, now: time.Now}
	if err := d.migrate(context.Background()); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("migrate = %v, want a refusal of version 99", err)
	}
}
