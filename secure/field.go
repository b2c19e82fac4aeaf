package secure

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// FieldKey encrypts personal data at rest (phone numbers today; names and
// ID numbers of people served later) with SM4-GCM, and computes keyed SM3
// blind indexes for exact look-ups of values that are stored encrypted.
// It holds two independent keys, so that knowing an index reveals nothing
// about the encryption key and the other way round.
type FieldKey struct {
	id    string // 8 hex characters derived from both keys
	block cipher.AEAD
	index []byte
	raw   []byte // sm4 key || index key, for writing the key out again
}

const (
	sm4KeyLen   = 16
	indexKeyLen = 32
	// SealedPrefix starts every sealed value: the scheme (SM4-GCM, format
	// 1). The key id follows it, so that a value says which key sealed it
	// and a rekey or a wrong key is recognised without trying to decrypt.
	SealedPrefix = "sm4g1:"
	keyFileMagic = "zhuxiang-field-key 1"
)

// ErrWrongKey reports a value sealed under another key than the one given.
var ErrWrongKey = errors.New("secure: value sealed under another key")

// ErrNotSealed reports a value that does not have the sealed format (for
// instance a plaintext left from before encryption).
var ErrNotSealed = errors.New("secure: value is not sealed")

// NewFieldKey makes a fresh random key pair.
func NewFieldKey() *FieldKey {
	raw := make([]byte, sm4KeyLen+indexKeyLen)
	if _, err := rand.Read(raw); err != nil {
		panic("secure: no randomness: " + err.Error())
	}
	k, err := fieldKeyFromRaw(raw)
	if err != nil {
		panic(err)
	}
	return k
}

func fieldKeyFromRaw(raw []byte) (*FieldKey, error) {
	if len(raw) != sm4KeyLen+indexKeyLen {
		return nil, fmt.Errorf("密钥长度应为 %d 字节（SM4 %d 字节 + 索引 %d 字节），实际为 %d 字节", sm4KeyLen+indexKeyLen, sm4KeyLen, indexKeyLen, len(raw))
	}
	raw = bytes.Clone(raw)
	b, err := sm4.NewCipher(raw[:sm4KeyLen])
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	k := &FieldKey{block: g, index: raw[sm4KeyLen:], raw: raw}
	k.id = hex.EncodeToString(k.mac("zhuxiang key id", raw[:sm4KeyLen]))[:8]
	return k, nil
}

// ID names the key without revealing it: 8 hex characters, written in the
// key file, in every sealed value and in the database's key record.
func (k *FieldKey) ID() string { return k.id }

// Check is the key check value the database keeps: an HMAC-SM3 of both
// keys under the index key, so that a store refuses a different key before
// it seals anything with it; the key itself never reaches the database.
func (k *FieldKey) Check() string {
	return hex.EncodeToString(k.mac("zhuxiang key check", k.raw))
}

func (k *FieldKey) mac(label string, data []byte) []byte {
	m := hmac.New(sm3.New, k.index)
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write(data)
	return m.Sum(nil)
}

// Seal encrypts plaintext for the place named by context (table, column
// and row, e.g. "orgs.phone/1a2b…"); the context is authenticated, so a
// value copied into another column or row does not open there. An empty
// plaintext stays empty: "no phone" is not a secret and costs nothing.
func (k *FieldKey) Seal(plaintext, context string) string {
	if plaintext == "" {
		return ""
	}
	nonce := make([]byte, k.block.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("secure: no randomness: " + err.Error())
	}
	head := SealedPrefix + k.id + ":"
	out := k.block.Seal(nonce, nonce, []byte(plaintext), aad(head, context))
	return head + base64.RawURLEncoding.EncodeToString(out)
}

// Open decrypts a value Seal made for the same context. It returns
// ErrNotSealed for a value without the sealed format and ErrWrongKey for
// one sealed under another key; errors never carry the value.
func (k *FieldKey) Open(sealed, context string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	id, ok := SealedKeyID(sealed)
	if !ok {
		return "", ErrNotSealed
	}
	if id != k.id {
		return "", ErrWrongKey
	}
	head := SealedPrefix + id + ":"
	body, err := base64.RawURLEncoding.DecodeString(sealed[len(head):])
	ns := k.block.NonceSize()
	if err != nil || len(body) < ns+k.block.Overhead() {
		return "", errors.New("secure: sealed value is damaged")
	}
	plain, err := k.block.Open(nil, body[:ns], body[ns:], aad(head, context))
	if err != nil {
		return "", fmt.Errorf("secure: sealed value does not open for %s (damaged, or moved from another column or row)", context)
	}
	return string(plain), nil
}

// SealedKeyID returns the id of the key that sealed v, and whether v has
// the sealed format at all.
func SealedKeyID(v string) (string, bool) {
	if !strings.HasPrefix(v, SealedPrefix) {
		return "", false
	}
	rest := v[len(SealedPrefix):]
	id, _, ok := strings.Cut(rest, ":")
	if !ok || len(id) != 8 {
		return "", false
	}
	return id, true
}

func aad(head, context string) []byte {
	return []byte(head + context)
}

// BlindIndex is a keyed SM3 digest (HMAC-SM3 under the index key) of a
// normalised value, for exact look-ups of values stored sealed: equal
// values of one kind ("phone") get equal indexes, and without the key the
// index cannot be tested against guesses. The caller normalises (digits
// only for phones), so that "138-0000-0000" finds "13800000000". An empty
// value has an empty index.
func (k *FieldKey) BlindIndex(kind, normalized string) string {
	if normalized == "" {
		return ""
	}
	return hex.EncodeToString(k.mac("zhuxiang blind index "+kind, []byte(normalized))[:16])
}

// ParseFieldKey reads the key from ZHUXIANG_KEY's form: the 48 bytes of
// both keys (SM4 first) as 96 hex characters or as base64.
func ParseFieldKey(s string) (*FieldKey, error) {
	s = strings.TrimSpace(s)
	if raw, err := hex.DecodeString(s); err == nil {
		return fieldKeyFromRaw(raw)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(s); err == nil {
			return fieldKeyFromRaw(raw)
		}
	}
	return nil, errors.New("密钥应为 96 位十六进制或 base64 编码的 48 字节")
}

// String hides the key from logs and error messages that print it by
// mistake.
func (k *FieldKey) String() string { return "FieldKey(" + k.id + ")" }

// WriteTo writes the key file: a text file with a comment, a magic line,
// the key id and both keys in hex, one per line.
func (k *FieldKey) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString("# 助乡字段加密密钥（SM4 加密电话号码等个人信息，SM3 盲索引）。\n")
	b.WriteString("# 请离线备份本文件，且与数据库备份分开存放：丢失后已加密的个人信息无法恢复。\n")
	b.WriteString(keyFileMagic + "\n")
	b.WriteString("id " + k.id + "\n")
	b.WriteString("sm4 " + hex.EncodeToString(k.raw[:sm4KeyLen]) + "\n")
	b.WriteString("index " + hex.EncodeToString(k.raw[sm4KeyLen:]) + "\n")
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// ReadFieldKey parses a key file that WriteTo wrote. The id line must agree
// with the keys, which catches a file edited or cut by hand.
func ReadFieldKey(r io.Reader) (*FieldKey, error) {
	sc := bufio.NewScanner(r)
	vals := map[string]string{}
	magic := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == keyFileMagic {
			magic = true
			continue
		}
		name, val, _ := strings.Cut(line, " ")
		vals[name] = strings.TrimSpace(val)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !magic {
		return nil, errors.New("不是助乡密钥文件（缺少“" + keyFileMagic + "”一行）")
	}
	enc, err1 := hex.DecodeString(vals["sm4"])
	idx, err2 := hex.DecodeString(vals["index"])
	if err1 != nil || err2 != nil || len(enc) != sm4KeyLen || len(idx) != indexKeyLen {
		return nil, errors.New("密钥文件的 sm4 或 index 行无效")
	}
	k, err := fieldKeyFromRaw(append(enc, idx...))
	if err != nil {
		return nil, err
	}
	if vals["id"] != k.id {
		return nil, fmt.Errorf("密钥文件的 id 行（%s）与密钥不符（应为 %s），文件可能已损坏", vals["id"], k.id)
	}
	return k, nil
}

// LoadFieldKeyFile reads a key file from disk.
func LoadFieldKeyFile(path string) (*FieldKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	k, err := ReadFieldKey(f)
	if err != nil {
		return nil, fmt.Errorf("密钥文件 %s：%w", path, err)
	}
	return k, nil
}

// CreateFieldKeyFile writes k to a new file readable by its owner only; it
// never overwrites an existing file, since that would lose the old key.
func CreateFieldKeyFile(path string, k *FieldKey) error {
	return createSecretFile(path, func(w io.Writer) error {
		_, err := k.WriteTo(w)
		return err
	})
}
