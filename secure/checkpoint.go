package secure

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// A Checkpoint is a signed statement of the audit chain's head, in the
// manner of Certificate Transparency's signed tree heads: at time At the
// chain held Size entries and the last one hashed to Head. Checkpoints live
// in a file outside the database and are signed with a key outside it, so
// that someone who can write the database, but has not the key, cannot
// rewrite, shorten or wipe the chain without verification noticing.
type Checkpoint struct {
	Size int64
	Head string // the hash of entry Size; empty when Size is 0
	At   time.Time
	Sig  []byte // SM2 signature (ASN.1) over Message()
	// Line is the checkpoint's line in its file (1-based), for messages;
	// it is not signed.
	Line int
}

// checkpointOrigin starts every signed message, so that a signature made
// for anything else with the same key never reads as a checkpoint.
const checkpointOrigin = "zhuxiang audit checkpoint v1"

// Message is the text that the signature covers.
func (c Checkpoint) Message() []byte {
	return []byte(fmt.Sprintf("%s\n%d\n%s\n%s\n", checkpointOrigin, c.Size, c.Head, c.At.UTC().Format(time.RFC3339)))
}

// String is the checkpoint's line in the checkpoints file: size, head hash
// ("-" for the empty chain), time and base64 signature, separated by spaces.
func (c Checkpoint) String() string {
	head := c.Head
	if head == "" {
		head = "-"
	}
	return fmt.Sprintf("%d %s %s %s", c.Size, head, c.At.UTC().Format(time.RFC3339), base64.StdEncoding.EncodeToString(c.Sig))
}

// ParseCheckpoint reads one line written by Checkpoint.String. It checks
// the form only; Verify checks the signature.
func ParseCheckpoint(line string) (Checkpoint, error) {
	var c Checkpoint
	f := strings.Fields(line)
	if len(f) != 4 {
		return c, fmt.Errorf("应有 4 项（条数 哈希 时间 签名），实有 %d 项", len(f))
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || n < 0 {
		return c, fmt.Errorf("条数“%s”不是非负整数", f[0])
	}
	c.Size = n
	if f[1] != "-" {
		if len(f[1]) != 64 || strings.Trim(f[1], "0123456789abcdef") != "" {
			return c, fmt.Errorf("哈希“%s”不是 64 位十六进制数", f[1])
		}
		c.Head = f[1]
	}
	if (c.Size == 0) != (c.Head == "") {
		return c, errors.New("条数与哈希不相称（只有 0 条时哈希为“-”）")
	}
	if c.At, err = time.Parse(time.RFC3339, f[2]); err != nil {
		return c, fmt.Errorf("时间“%s”格式不对", f[2])
	}
	if c.Sig, err = base64.StdEncoding.DecodeString(f[3]); err != nil || len(c.Sig) == 0 {
		return c, errors.New("签名不是 base64")
	}
	return c, nil
}

// SignCheckpoint signs the head (size, head) at time at with key.
func SignCheckpoint(key *sm2.PrivateKey, size int64, head string, at time.Time) (Checkpoint, error) {
	c := Checkpoint{Size: size, Head: head, At: at.UTC().Truncate(time.Second)}
	sig, err := key.Sign(rand.Reader, c.Message(), sm2.DefaultSM2SignerOpts)
	if err != nil {
		return c, err
	}
	c.Sig = sig
	return c, nil
}

// Verify tells whether c was signed by the private half of pub.
func (c Checkpoint) Verify(pub *ecdsa.PublicKey) bool {
	return pub != nil && sm2.VerifyASN1WithSM2(pub, nil, c.Message(), c.Sig)
}

// ReadCheckpoints reads a checkpoints file: one checkpoint a line; blank
// lines and lines starting with # are skipped. A missing file is an error
// that errors.Is(err, fs.ErrNotExist) recognizes; a line that does not
// parse is reported with its number, since only someone who can write the
// file can have made it so.
func ReadCheckpoints(path string) ([]Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Checkpoint
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c, err := ParseCheckpoint(line)
		if err != nil {
			return nil, fmt.Errorf("检查点文件 %s 第%d行无法读取：%v", path, n, err)
		}
		c.Line = n
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("检查点文件 %s 第%d行之后无法读取：%v", path, n, err)
	}
	return out, nil
}

// LastCheckpoint is the checkpoint of the longest chain in cps (the latest
// of those), or nil: the next checkpoint continues from it.
func LastCheckpoint(cps []Checkpoint) *Checkpoint {
	var last *Checkpoint
	for i := range cps {
		if last == nil || cps[i].Size > last.Size || cps[i].Size == last.Size && cps[i].At.After(last.At) {
			last = &cps[i]
		}
	}
	return last
}

// AppendCheckpoint adds c as a line at the end of the file at path,
// creating it, and syncs it to disk before returning: a checkpoint that
// could be lost in a crash protects nothing. Lines are short and written
// with one O_APPEND write, so a server and a command-line run appending at
// once do not interleave.
func AppendCheckpoint(path string, c Checkpoint) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(c.String() + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CreateSigningKey makes a new SM2 key and writes it to path as a PKCS#8
// PEM file readable by its owner only; an existing file is never
// overwritten. The public half goes beside it (path with .pub in place of
// .pem) for the operator to keep elsewhere.
func CreateSigningKey(path string) (*sm2.PrivateKey, error) {
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := smx509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	err = createSecretFile(path, func(w io.Writer) error {
		return pem.Encode(w, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	})
	if err != nil {
		return nil, err
	}
	pubDER, err := smx509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	if err := os.WriteFile(PublicKeyPath(path), pub, 0o644); err != nil {
		return nil, err
	}
	return key, nil
}

// PublicKeyPath is where CreateSigningKey puts the public half of the key
// at path.
func PublicKeyPath(path string) string {
	return strings.TrimSuffix(path, ".pem") + ".pub"
}

// LoadSigningKey reads an SM2 private key written by CreateSigningKey.
func LoadSigningKey(path string) (*sm2.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("签名密钥文件 %s 不是 PEM 格式的私钥", path)
	}
	k, err := smx509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("签名密钥文件 %s 无法读取：%v", path, err)
	}
	key, ok := k.(*sm2.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("签名密钥文件 %s 不是 SM2 私钥", path)
	}
	return key, nil
}

// LoadVerifyKey reads the key that checks checkpoints: a public key PEM
// (the .pub file) or the private key file, whose public half is used.
func LoadVerifyKey(path string) (*ecdsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("密钥文件 %s 不是 PEM 格式", path)
	}
	switch blk.Type {
	case "PRIVATE KEY":
		key, err := LoadSigningKey(path)
		if err != nil {
			return nil, err
		}
		return &key.PublicKey, nil
	case "PUBLIC KEY":
		k, err := smx509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("公钥文件 %s 无法读取：%v", path, err)
		}
		pub, ok := k.(*ecdsa.PublicKey)
		if !ok || pub.Curve != sm2.P256() {
			return nil, fmt.Errorf("公钥文件 %s 不是 SM2 公钥", path)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("密钥文件 %s 的类型“%s”无法用于校验", path, blk.Type)
}

// LoadOrCreateSigningKey loads the key at path, or creates it when there
// is no file yet (created tells which).
func LoadOrCreateSigningKey(path string) (key *sm2.PrivateKey, created bool, err error) {
	key, err = LoadSigningKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = CreateSigningKey(path)
		return key, err == nil, err
	}
	return key, false, err
}
