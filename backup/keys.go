package backup

import (
	"fmt"
	"os"
	"strings"

	"filippo.io/age"
)

// ParseRecipients reads age public keys (age1…) as config lists them.
func ParseRecipients(keys []string) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		r, err := age.ParseX25519Recipient(k)
		if err != nil {
			return nil, fmt.Errorf("backup.recipients: %q is not an age public key (age1…): %w", k, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// ReadIdentities reads an age identity file (as age-keygen writes it: AGE-SECRET-KEY-1… lines,
// comments allowed).
func ReadIdentities(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("identity file: %w", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("identity file %s: %w", path, err)
	}
	return ids, nil
}

// ThrowAway makes a fresh key pair for a simulator backup, which has no configured recipient:
// the identity is printed once and kept nowhere.
func ThrowAway() (age.Recipient, string, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, "", err
	}
	return id.Recipient(), id.String(), nil
}
