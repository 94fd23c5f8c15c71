// Package backup writes and reads ketanmu's backups: one age-encrypted file holding a tar
// archive of consistent snapshots of the databases, the data key and a manifest. The archive
// layout, the manifest and the pruning policy are plain values; reading and writing files
// happens at the edges (Take, Restore, Prune).
package backup

import (
	"encoding/json"
	"fmt"
	"time"
)

// The names inside the archive. They are fixed whatever the config calls the files, so that a
// backup restores under another config.
const (
	ManifestName = "manifest.json"
	DatabaseName = "ketanmu.db"
	WhatsAppName = "whatsmeow.db"
	KeyName      = "ketanmu.key"
)

// FormatVersion is the archive layout this build writes and reads.
const FormatVersion = 1

// Manifest describes a backup. It is the archive's first entry, so that a reader knows what to
// expect before the large files come.
type Manifest struct {
	Format        int              `json:"format"`
	CreatedAt     time.Time        `json:"created_at"`
	AppVersion    string           `json:"app_version"`
	SchemaVersion int              `json:"schema_version"`
	Counts        map[string]int64 `json:"counts"`
	Files         []Entry          `json:"files"`
}

// Entry is one file of the archive with its size and checksum.
type Entry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Has reports whether the manifest lists a file.
func (m Manifest) Has(name string) bool {
	_, ok := m.entry(name)
	return ok
}

func (m Manifest) entry(name string) (Entry, bool) {
	for _, e := range m.Files {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Check refuses a manifest this build cannot restore: another format, a schema newer than the
// build's (restore with the newer release), or one without the database and the key.
func (m Manifest) Check(buildSchema int) error {
	if m.Format != FormatVersion {
		return fmt.Errorf("backup format %d is not supported by this release (it reads format %d)", m.Format, FormatVersion)
	}
	if m.SchemaVersion > buildSchema {
		return fmt.Errorf("backup has database schema %d, newer than this release's %d: restore it with the release that made it (%s)",
			m.SchemaVersion, buildSchema, m.AppVersion)
	}
	for _, name := range []string{DatabaseName, KeyName} {
		if !m.Has(name) {
			return fmt.Errorf("backup has no %s", name)
		}
	}
	for _, e := range m.Files {
		if !knownName(e.Name) {
			return fmt.Errorf("backup lists an unknown file %q", e.Name)
		}
	}
	return nil
}

func knownName(name string) bool {
	return name == DatabaseName || name == WhatsAppName || name == KeyName
}

func encodeManifest(m Manifest) ([]byte, error) { return json.MarshalIndent(m, "", "  ") }

func decodeManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("backup manifest: %w", err)
	}
	return m, nil
}
