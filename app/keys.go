package app

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/vikalp/vikalp/auth"
)

// derivedKeys are the keys Build derives from the data keys.
type derivedKeys struct {
	keyring     *auth.Keyring
	fingerprint []byte
	phone       [][]byte
}

// deriveKeys parses the data keys into the keyring and derives the
// fingerprint and phone hash keys from them.
func deriveKeys(dataKeys string) (derivedKeys, error) {
	var k derivedKeys
	var err error
	if k.keyring, err = auth.ParseKeyring(dataKeys); err != nil {
		return k, err
	}
	if k.fingerprint, err = fingerprintKey(dataKeys); err != nil {
		return k, err
	}
	k.phone, err = phoneHashKeys(dataKeys)
	return k, err
}

// fingerprintKey derives the key of the contact hashes in idempotency
// fingerprints (vikalp.ContactFingerprint) from the current data key, the
// first entry of VIKALP_DATA_KEY: every replica derives the same, nobody
// without the data key can. After a key rotation, a retry of a submission
// made before it (within the 24 h replay window) with contact details is
// refused as a conflict instead of replayed.
func fingerprintKey(dataKeys string) ([]byte, error) {
	keys, err := hkdfKeys(dataKeys, "vikalp/idempotency/contact-fingerprint/v1")
	if err != nil {
		return nil, err
	}
	return keys[0], nil
}

// phoneHashKeys derives, from each entry of VIKALP_DATA_KEY in order, the
// key of the hash of her number kept for inbound STATUS SMS
// (cases.Deps.PhoneKeys): filings hash under the current key, inbound
// messages are matched under all of them, so a rotation keeps older
// complaints answerable while their data key is listed.
func phoneHashKeys(dataKeys string) ([][]byte, error) {
	return hkdfKeys(dataKeys, "vikalp/sms/phone-hash/v1")
}

// hkdfKeys derives a 32-byte key for purpose info (HKDF-SHA-256) from
// each entry of VIKALP_DATA_KEY, current first.
func hkdfKeys(dataKeys, info string) ([][]byte, error) {
	var keys [][]byte
	for _, entry := range strings.Split(dataKeys, ",") {
		if entry = strings.TrimSpace(entry); entry == "" {
			continue
		}
		k, err := hkdf.Key(sha256.New, []byte(entry), nil, info, 32)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("data keys: none given")
	}
	return keys, nil
}
