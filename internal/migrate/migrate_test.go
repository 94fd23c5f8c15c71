package migrate_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/ketanmu/ketanmu/internal/migrate"
)

func open(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func now() time.Time { return time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC) }

func TestApplyInOrderOnceAndPending(t *testing.T) {
	ctx := context.Background()
	fsys := fstest.MapFS{
		"m/010_more.sql": {Data: []byte(`INSERT INTO t (v) VALUES ('ten');`)},
		"m/002_t.sql":    {Data: []byte(`CREATE TABLE t (v TEXT NOT NULL);`)},
		"m/README.md":    {Data: []byte(`not a migration`)},
	}
	set, err := migrate.Load(fsys, "m", "applied")
	if err != nil {
		t.Fatal(err)
	}
	if set.Latest() != 10 || len(set.All()) != 2 || set.All()[0].Name != "002_t.sql" {
		t.Fatalf("loaded %+v, latest %d", set.All(), set.Latest())
	}
	db := open(t)
	if n, err := set.Pending(ctx, db); err != nil || n != 0 {
		t.Fatalf("a database never migrated: pending %d, %v; want 0", n, err)
	}
	for range 2 { // the second run applies nothing again
		if err := set.Apply(ctx, db, now); err != nil {
			t.Fatal(err)
		}
	}
	var rows int
	if err := db.QueryRow(`SELECT COUNT(*) FROM t`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("t has %d rows (%v), want 1: 010 ran after 002, once", rows, err)
	}
	var recorded string
	if err := db.QueryRow(`SELECT group_concat(version || ':' || name || '@' || applied_at, ' ') FROM applied ORDER BY version`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if want := "2:002_t.sql@2026-12-07T08:00:00.000Z 10:010_more.sql@2026-12-07T08:00:00.000Z"; recorded != want {
		t.Errorf("recorded %q, want %q", recorded, want)
	}

	// A release with one more file has one pending.
	fsys["m/011_next.sql"] = &fstest.MapFile{Data: []byte(`INSERT INTO t (v) VALUES ('eleven');`)}
	next, err := migrate.Load(fsys, "m", "applied")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := next.Pending(ctx, db); err != nil || n != 1 {
		t.Fatalf("pending %d, %v; want 1", n, err)
	}
}

func TestFailingMigrationChangesNothing(t *testing.T) {
	ctx := context.Background()
	set, err := migrate.Load(fstest.MapFS{
		"m/001_t.sql":   {Data: []byte(`CREATE TABLE t (v TEXT NOT NULL);`)},
		"m/002_bad.sql": {Data: []byte(`INSERT INTO t (v) VALUES ('kept?'); INSERT INTO nowhere VALUES (1);`)},
	}, "m", "applied")
	if err != nil {
		t.Fatal(err)
	}
	db := open(t)
	err = set.Apply(ctx, db, now)
	if err == nil || !strings.Contains(err.Error(), "002_bad.sql") {
		t.Fatalf("Apply = %v, want an error naming 002_bad.sql", err)
	}
	var rows, recorded int
	if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM t), (SELECT COUNT(*) FROM applied)`).Scan(&rows, &recorded); err != nil {
		t.Fatal(err)
	}
	if rows != 0 || recorded != 1 {
		t.Errorf("after the failure: %d rows in t, %d recorded; want 0 and 1 (001 only)", rows, recorded)
	}
}

func TestLoadRefusesBadNames(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no number": {"m/init.sql": {}},
		"zero":      {"m/000_init.sql": {}},
		"twice":     {"m/003_a.sql": {}, "m/3_b.sql": {}},
	} {
		if _, err := migrate.Load(fsys, "m", "applied"); err == nil {
			t.Errorf("%s: Load accepted it", name)
		}
	}
}

func TestRecordAdoptsAnEarlierRunnersVersion(t *testing.T) {
	ctx := context.Background()
	set, err := migrate.Load(fstest.MapFS{
		"m/001_t.sql": {Data: []byte(`CREATE TABLE t (v TEXT);`)},
		"m/002_u.sql": {Data: []byte(`CREATE TABLE u (v TEXT);`)},
	}, "m", "applied")
	if err != nil {
		t.Fatal(err)
	}
	db := open(t)
	if _, err := db.Exec(`CREATE TABLE t (v TEXT); CREATE TABLE applied (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Record(ctx, tx, 1, now); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := set.Apply(ctx, db, now); err != nil {
		t.Fatalf("Apply after Record(1) = %v: 001 must not run again", err)
	}
	var u int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'u'`).Scan(&u); err != nil || u != 1 {
		t.Errorf("002 not applied (%d, %v)", u, err)
	}
}
