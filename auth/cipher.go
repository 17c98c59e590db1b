package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Field encryption errors. Neither carries key material or plaintext.
var (
	// ErrUnknownKey means a sealed value names a key the keyring lacks.
	ErrUnknownKey = errors.New("sealed value uses a key this keyring does not have")
	// ErrSealedCorrupt means a sealed value is malformed, was tampered with,
	// or is bound to other associated data.
	ErrSealedCorrupt = errors.New("sealed value is corrupt or does not match its associated data")
)

// sealVersion is the first byte of every sealed value.
const sealVersion byte = 1

// KeySize is the size of every data key: AES-256.
const KeySize = 32

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Keyring seals and opens fields with AES-256-GCM. It holds every key that
// may still be in use and seals with the current one. A sealed value is
//
//	version(1) | len(keyID)(1) | keyID | nonce(12) | ciphertext+tag
//
// and the header (version and key id) is authenticated with the caller's
// associated data, so a value cannot be relabelled or moved to another row
// or column when the caller binds it with aad (e.g. "complaints.name:42").
type Keyring struct {
	aeads   map[string]cipher.AEAD
	current string
}

// NewKeyring returns a keyring of keys (id → 32-byte key) sealing with
// current.
func NewKeyring(keys map[string][]byte, current string) (*Keyring, error) {
	k := &Keyring{aeads: make(map[string]cipher.AEAD, len(keys)), current: current}
	for id, key := range keys {
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("data key id %q: use 1 to 32 letters, digits, _ or -", id)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("data key %q: must be %d bytes, not %d", id, KeySize, len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("data key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("data key %q: %w", id, err)
		}
		k.aeads[id] = aead
	}
	if _, ok := k.aeads[current]; !ok {
		return nil, fmt.Errorf("current data key %q is not in the keyring", current)
	}
	return k, nil
}

// ParseKeyring reads "id:key[,id:key…]" (the VIKALP_DATA_KEY format), each
// key 32 bytes in base64 or hex. The first key is the current one; the
// others only open values sealed before a rotation.
func ParseKeyring(s string) (*Keyring, error) {
	keys := map[string][]byte{}
	var current string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, encoded, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("data keys: each entry must look like id:base64key")
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("data keys: id %q appears twice", id)
		}
		key, err := decodeDataKey(encoded)
		if err != nil {
			return nil, fmt.Errorf("data key %q: %w", id, err)
		}
		keys[id] = key
		if current == "" {
			current = id
		}
	}
	if current == "" {
		return nil, fmt.Errorf("data keys: none given")
	}
	return NewKeyring(keys, current)
}

// decodeDataKey accepts a 32-byte key as standard or URL-safe base64, or hex.
func decodeDataKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	return nil, fmt.Errorf("must be %d bytes, base64 or hex encoded", KeySize)
}

// Current returns the id of the key new values are sealed with.
func (k *Keyring) Current() string { return k.current }

// Seal encrypts plaintext with the current key, binding it to aad.
func (k *Keyring) Seal(plaintext, aad []byte) ([]byte, error) {
	aead := k.aeads[k.current]
	header := sealHeader(k.current)
	out := make([]byte, len(header), len(header)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	copy(out, header)
	nonce := out[len(header) : len(header)+aead.NonceSize()]
	out = out[:len(header)+aead.NonceSize()]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: read nonce: %w", err)
	}
	return aead.Seal(out, nonce, plaintext, append(header, aad...)), nil
}

// Open decrypts a value made by Seal with any key in the ring, checking it
// against aad.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	id, rest, err := splitSealed(sealed)
	if err != nil {
		return nil, err
	}
	aead, ok := k.aeads[id]
	if !ok {
		return nil, fmt.Errorf("open key %q: %w", id, ErrUnknownKey)
	}
	if len(rest) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrSealedCorrupt
	}
	header := sealed[:len(sealed)-len(rest)]
	nonce, ciphertext := rest[:aead.NonceSize()], rest[aead.NonceSize():]
	plaintext, err := aead.Open(nil, nonce, ciphertext, append(header[:len(header):len(header)], aad...))
	if err != nil {
		return nil, ErrSealedCorrupt
	}
	return plaintext, nil
}

// KeyID returns the id of the key sealed was sealed with.
func KeyID(sealed []byte) (string, error) {
	id, _, err := splitSealed(sealed)
	return id, err
}

// NeedsRotation reports whether sealed was made with a key other than the
// current one (or cannot be read), so a re-encryption job should Reseal it.
func (k *Keyring) NeedsRotation(sealed []byte) bool {
	id, _, err := splitSealed(sealed)
	return err != nil || id != k.current
}

// Reseal opens sealed and seals the plaintext again with the current key.
func (k *Keyring) Reseal(sealed, aad []byte) ([]byte, error) {
	plaintext, err := k.Open(sealed, aad)
	if err != nil {
		return nil, err
	}
	defer clear(plaintext)
	return k.Seal(plaintext, aad)
}

func sealHeader(id string) []byte {
	h := make([]byte, 0, 2+len(id))
	h = append(h, sealVersion, byte(len(id)))
	return append(h, id...)
}

// splitSealed returns the key id and what follows the header.
func splitSealed(sealed []byte) (string, []byte, error) {
	if len(sealed) < 2 || sealed[0] != sealVersion {
		return "", nil, ErrSealedCorrupt
	}
	n := int(sealed[1])
	if n == 0 || len(sealed) < 2+n {
		return "", nil, ErrSealedCorrupt
	}
	return string(sealed[2 : 2+n]), sealed[2+n:], nil
}
