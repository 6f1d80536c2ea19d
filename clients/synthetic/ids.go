package synthetic

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
)

// Person ids look like the Person API's (64 hex digits, e.g.
// 3f9c5e31...b278) and reveal nothing: the first half is the person index
// encrypted with AES under a key derived from the seed, the second half
// encrypts the first again. Decoding needs no table.

// idMagic fills the first half of the plaintext block, so that decoding can
// tell a real id from random hex.
var idMagic = [8]byte{'o', 'p', 'p', 's', 'l', 'a', 'g', 0}

// idCodec encodes and decodes person ids for one seed.
type idCodec struct{ block cipher.Block }

func newIDCodec(seed int64) *idCodec {
	key := sha256.Sum256([]byte("oppslag synthetic person id " + strconv.FormatInt(seed, 10)))
	block, err := aes.NewCipher(key[:16])
	if err != nil {
		panic(err) // a 16-byte key is always valid
	}
	return &idCodec{block: block}
}

// encode returns the id of person i.
func (c *idCodec) encode(i int) string {
	var src, dst [32]byte
	copy(src[:8], idMagic[:])
	binary.BigEndian.PutUint64(src[8:16], uint64(i))
	c.block.Encrypt(dst[:16], src[:16])
	for k := range 16 {
		src[16+k] = dst[k] ^ 0x5c
	}
	c.block.Encrypt(dst[16:], src[16:])
	return hex.EncodeToString(dst[:])
}

// decode returns the person index of id, if id is one of n persons' ids.
func (c *idCodec) decode(id string, n int) (int, bool) {
	if len(id) != 64 {
		return 0, false
	}
	var raw [32]byte
	if _, err := hex.Decode(raw[:], []byte(id)); err != nil {
		return 0, false
	}
	var plain [16]byte
	c.block.Decrypt(plain[:], raw[:16])
	if [8]byte(plain[:8]) != idMagic {
		return 0, false
	}
	i := binary.BigEndian.Uint64(plain[8:])
	if i >= uint64(n) || c.encode(int(i)) != id {
		return 0, false
	}
	return int(i), true
}
