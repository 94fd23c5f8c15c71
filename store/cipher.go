package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ketanmu/ketanmu"
)

// Cipher encrypts documents at rest with AES-256-GCM; the nonce is stored before the ciphertext.
type Cipher struct{ aead cipher.AEAD }

// NewCipher takes a 32-byte key.
func NewCipher(key []byte) (*Cipher, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("data key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Cipher{aead: aead}, nil
}

// Seal encrypts plain; ad binds the ciphertext to its row (the sha256), so blobs cannot be swapped.
func (c *Cipher) Seal(plain, ad []byte) []byte {
	nonce := make([]byte, c.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return c.aead.Seal(nonce, nonce, plain, ad)
}

// errErased is what reading a file emptied by the retention purge gives.
var errErased = ketanmu.Errorf(ketanmu.EGONE, "file erased: its retention period has ended")

// Open decrypts what Seal produced; an erased (empty) file is EGONE.
func (c *Cipher) Open(sealed, ad []byte) ([]byte, error) {
	n := c.aead.NonceSize()
	if len(sealed) == 0 {
		return nil, errErased
	}
	if len(sealed) < n {
		return nil, errors.New("ciphertext too short")
	}
	return c.aead.Open(nil, sealed[:n], sealed[n:], ad)
}

// LoadKey returns the data key from envHex (64 hex characters) when set, else from the file at
// path, creating the file with a fresh random key when it does not exist (created is then true).
func LoadKey(envHex, path string) (key []byte, created bool, err error) {
	if envHex != "" {
		key, err = hex.DecodeString(strings.TrimSpace(envHex))
		if err != nil || len(key) != 32 {
			return nil, false, errors.New("KETANMU_DATA_KEY must be 64 hex characters (32 bytes)")
		}
		return key, false, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, false, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, false, err
		}
		return key, true, nil
	} else if err != nil {
		return nil, false, err
	}
	key, err = hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != 32 {
		return nil, false, fmt.Errorf("%s must hold 64 hex characters (32 bytes)", path)
	}
	return key, false, nil
}
