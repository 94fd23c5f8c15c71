package store_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu/store"
)

func TestCipher(t *testing.T) {
	c := MustCipher(t)
	plain := []byte("KK 3516xxxxxxxxxxxx")
	ad := []byte("sha-of-the-row")

	t.Run("round trip", func(t *testing.T) {
		sealed := c.Seal(plain, ad)
		if bytes.Contains(sealed, plain) {
			t.Fatalf("sealed text contains the plain text")
		}
		got, err := c.Open(sealed, ad)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain) {
			t.Errorf("Open = %q, want %q", got, plain)
		}
	})

	t.Run("fresh nonce each time", func(t *testing.T) {
		if a, b := c.Seal(plain, ad), c.Seal(plain, ad); bytes.Equal(a, b) {
			t.Errorf("two seals of the same text are equal")
		}
	})

	t.Run("wrong key fails", func(t *testing.T) {
		other, err := store.NewCipher(bytes.Repeat([]byte{1}, 32))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.Open(c.Seal(plain, ad), ad); err == nil {
			t.Errorf("Open with another key succeeded")
		}
	})

	t.Run("wrong associated data fails", func(t *testing.T) {
		if _, err := c.Open(c.Seal(plain, ad), []byte("another row")); err == nil {
			t.Errorf("Open with another row's data succeeded")
		}
	})

	t.Run("tampered ciphertext fails", func(t *testing.T) {
		sealed := c.Seal(plain, ad)
		for _, i := range []int{0, len(sealed) / 2, len(sealed) - 1} {
			bad := bytes.Clone(sealed)
			bad[i] ^= 0x01
			if _, err := c.Open(bad, ad); err == nil {
				t.Errorf("Open of ciphertext with byte %d flipped succeeded", i)
			}
		}
	})

	t.Run("short ciphertext fails", func(t *testing.T) {
		if _, err := c.Open([]byte{1, 2, 3}, ad); err == nil {
			t.Errorf("Open of 3 bytes succeeded")
		}
	})

	t.Run("key must be 32 bytes", func(t *testing.T) {
		for _, n := range []int{0, 16, 31, 33} {
			if _, err := store.NewCipher(make([]byte, n)); err == nil {
				t.Errorf("NewCipher(%d bytes) succeeded", n)
			}
		}
	})
}

func TestLoadKey(t *testing.T) {
	key := bytes.Repeat([]byte{0xab}, 32)

	t.Run("from env hex", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ketanmu.key")
		got, created, err := store.LoadKey(" "+hex.EncodeToString(key)+"\n", path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, key) || created {
			t.Errorf("LoadKey(env) = %x, created %v; want %x, false", got, created, key)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("LoadKey(env) touched the key file: %v", err)
		}
	})

	t.Run("env must be 64 hex characters", func(t *testing.T) {
		for _, env := range []string{"zz", hex.EncodeToString(key[:16]), hex.EncodeToString(key) + "00"} {
			if _, _, err := store.LoadKey(env, filepath.Join(t.TempDir(), "k")); err == nil {
				t.Errorf("LoadKey(%q) succeeded", env)
			} else if !strings.Contains(err.Error(), "KETANMU_DATA_KEY") {
				t.Errorf("LoadKey(%q) = %v, want a message naming KETANMU_DATA_KEY", env, err)
			}
		}
	})

	t.Run("creates file 0600 and reads it back", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sub", "ketanmu.key")
		first, created, err := store.LoadKey("", path)
		if err != nil {
			t.Fatal(err)
		}
		if !created || len(first) != 32 {
			t.Fatalf("LoadKey = %d bytes, created %v; want 32 bytes, true", len(first), created)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
			t.Errorf("key file mode = %v, want %v", got, want)
		}
		again, created, err := store.LoadKey("", path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, first) || created {
			t.Errorf("second LoadKey = %x, created %v; want %x, false", again, created, first)
		}
	})

	t.Run("rejects bad file", func(t *testing.T) {
		for name, content := range map[string]string{
			"not hex":   "this is not a key\n",
			"too short": hex.EncodeToString(key[:20]) + "\n",
			"empty":     "",
		} {
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "ketanmu.key")
				if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
				_, _, err := store.LoadKey("", path)
				if err == nil {
					t.Fatalf("LoadKey of a bad file succeeded")
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("LoadKey = %v, want a message naming %s", err, path)
				}
				if got, _ := os.ReadFile(path); string(got) != content {
					t.Errorf("bad key file was overwritten with %q", got)
				}
			})
		}
	})
}
