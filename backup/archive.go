package backup

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"filippo.io/age"
)

// ErrWrongIdentity is a backup that none of the given identities can open.
var ErrWrongIdentity = errors.New("this identity cannot open the backup: it was encrypted to another key (check backup.recipients and the identity file)")

// ErrDamaged is a backup that was truncated or changed after it was written.
var ErrDamaged = errors.New("the backup is damaged: truncated or changed after it was written")

// File is one file to put into the archive: its name there and where it is now.
type File struct {
	Name string
	Path string
}

// Describe fills the manifest's file list with the files' sizes and checksums.
func Describe(m *Manifest, files []File) error {
	m.Files = m.Files[:0]
	for _, f := range files {
		e, err := describe(f)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, e)
	}
	return nil
}

func describe(f File) (Entry, error) {
	fh, err := os.Open(f.Path)
	if err != nil {
		return Entry{}, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return Entry{}, fmt.Errorf("read %s: %w", f.Path, err)
	}
	return Entry{Name: f.Name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Write encrypts to the recipients a tar archive of the manifest followed by the files, in the
// manifest's order. The result is a plain age file.
func Write(w io.Writer, recipients []age.Recipient, m Manifest, files []File) error {
	if len(recipients) == 0 {
		return errors.New("no recipient: a backup is always encrypted to a public key")
	}
	enc, err := age.Encrypt(w, recipients...)
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	tw := tar.NewWriter(enc)
	body, err := encodeManifest(m)
	if err != nil {
		return err
	}
	if err := writeEntry(tw, ManifestName, int64(len(body)), m.CreatedAt, bytes.NewReader(body)); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeFile(tw, f, m.CreatedAt); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return enc.Close()
}

func writeFile(tw *tar.Writer, f File, at time.Time) error {
	fh, err := os.Open(f.Path)
	if err != nil {
		return err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return err
	}
	return writeEntry(tw, f.Name, fi.Size(), at, fh)
}

func writeEntry(tw *tar.Writer, name string, size int64, at time.Time, r io.Reader) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: at, Format: tar.FormatPAX}); err != nil {
		return err
	}
	if _, err := io.Copy(tw, r); err != nil {
		return fmt.Errorf("archive %s: %w", name, err)
	}
	return nil
}

// Extract decrypts a backup with the identities and writes its files into dir (which exists),
// checking each against the manifest. It returns the manifest only when every listed file
// arrived whole and the age stream authenticated to its end.
func Extract(r io.Reader, identities []age.Identity, dir string) (Manifest, error) {
	dec, err := age.Decrypt(r, identities...)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return Manifest{}, ErrWrongIdentity
	} else if err != nil {
		return Manifest{}, fmt.Errorf("%w (%v)", ErrDamaged, err)
	}
	m, err := extractAll(tar.NewReader(dec), dir)
	if err != nil {
		return m, err
	}
	// The tar end marker can come before the end of the age stream: read to its end, so that a
	// cut or changed final chunk is noticed.
	if _, err := io.Copy(io.Discard, dec); err != nil {
		return m, fmt.Errorf("%w (%v)", ErrDamaged, err)
	}
	return m, nil
}

func extractAll(tr *tar.Reader, dir string) (Manifest, error) {
	hdr, err := tr.Next()
	if err != nil {
		return Manifest{}, damaged(err)
	}
	if hdr.Name != ManifestName || hdr.Size > 1<<20 {
		return Manifest{}, fmt.Errorf("%w: the manifest does not come first", ErrDamaged)
	}
	body, err := io.ReadAll(tr)
	if err != nil {
		return Manifest{}, damaged(err)
	}
	m, err := decodeManifest(body)
	if err != nil {
		return m, err
	}
	// Anyone with the public key can write an age file: names are checked before a file is written.
	for _, e := range m.Files {
		if !knownName(e.Name) {
			return m, fmt.Errorf("%w: the manifest lists an unknown file %q", ErrDamaged, e.Name)
		}
	}
	seen := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return m, damaged(err)
		}
		e, ok := m.entry(hdr.Name)
		if !ok || seen[hdr.Name] {
			return m, fmt.Errorf("%w: unexpected file %q", ErrDamaged, hdr.Name)
		}
		seen[hdr.Name] = true
		if err := extractFile(tr, e, filepath.Join(dir, e.Name)); err != nil {
			return m, err
		}
	}
	for _, e := range m.Files {
		if !seen[e.Name] {
			return m, fmt.Errorf("%w: %s is missing", ErrDamaged, e.Name)
		}
	}
	return m, nil
}

func extractFile(r io.Reader, e Entry, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if err != nil {
		f.Close()
		return damaged(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
		return fmt.Errorf("%w: %s does not match its checksum", ErrDamaged, e.Name)
	}
	return nil
}

func damaged(err error) error { return fmt.Errorf("%w (%v)", ErrDamaged, err) }
