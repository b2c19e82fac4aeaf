package secure

import (
	"encoding/hex"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"zhuxiang"
)

// AuditTimeLayout is how audit times enter the hash: fixed width, UTC, so
// that both databases give back the very bytes that were hashed.
const AuditTimeLayout = "2006-01-02T15:04:05.000000Z"

// AuditHash computes the SM3 chain hash of e over its previous hash and
// every field, each length-prefixed so that no two entries serialize alike.
func AuditHash(e *zhuxiang.AuditEntry) string {
	h := sm3.New()
	for _, f := range []string{
		e.PrevHash,
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(AuditTimeLayout),
		e.ActorID, e.ActorName, e.Op, e.Entity, e.EntityID, e.Summary,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TruncateAuditTime cuts t to what AuditTimeLayout keeps.
func TruncateAuditTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
