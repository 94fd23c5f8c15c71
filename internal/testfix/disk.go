package testfix

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// SmallDisk mounts a tmpfs of size (e.g. "3m") for the test and returns its folder; it needs
// root (CI runs as root) and skips the test elsewhere.
func SmallDisk(tb testing.TB, size string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		tb.Skipf("cannot mount a small tmpfs (needs root): %v %s", err, out)
	}
	tb.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			tb.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// Fill writes the file at path until its disk has no space left.
func Fill(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	chunk := bytes.Repeat([]byte{0}, 64<<10)
	for _, n := range []int{len(chunk), 512} { // big writes, then the last partial block
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
}
