package store

import (
	"context"
	"crypto/ecdsa"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/emmansun/gmsm/sm2"

	"zhuxiang"
	"zhuxiang/secure"
)

// missingHead is what verification and checkpointing say when the chain's
// head row is gone: only someone going around the store removes it.
const missingHead = "链头记录缺失（audit_head 表中没有记录），有人绕过平台直接改动了数据库"

// VerifyAuditCheckpoints re-computes the chain as VerifyAudit does and
// checks it against signed checkpoints of its head, read from a file
// outside the database. A hash chain alone only catches naive edits: whoever
// can write the database can edit an entry and recompute every hash after
// it, or shorten or wipe the log and reset the head. A checkpoint signed
// with a key the database does not hold pins the chain at its size, so
// verification reports a checkpoint whose signature fails (forged, or made
// with another key), a chain shorter than a checkpoint (truncation or
// wipe), and an entry at a checkpointed size whose hash disagrees, naming
// the first entry after the last checkpoint that still agrees: entries are
// vouched for up to that checkpoint and no further.
func (s *Store) VerifyAuditCheckpoints(ctx context.Context, cps []secure.Checkpoint, pub *ecdsa.PublicKey) (AuditVerifyResult, error) {
	var bad []string
	var good []secure.Checkpoint
	for _, c := range cps {
		if !c.Verify(pub) {
			bad = append(bad, fmt.Sprintf("检查点文件第%d行（%s，第%d条）签名无效：被伪造，或由另一把密钥签署", c.Line, cpTime(c), c.Size))
			continue
		}
		good = append(good, c)
	}
	sort.SliceStable(good, func(i, j int) bool { return good[i].Size < good[j].Size })
	res, err := s.verifyChain(ctx, good)
	if err != nil {
		return res, err
	}
	if len(bad) > 0 {
		if res.Reason != "" {
			bad = append([]string{res.Reason}, bad...)
		}
		res.Reason = strings.Join(bad, "；")
	}
	return res, nil
}

func cpTime(c secure.Checkpoint) string {
	return c.At.In(zhuxiang.Shanghai).Format("2006-01-02 15:04:05")
}

// verifyChain walks the chain from its first entry, checking each entry's
// number, link and hash, and each checkpoint (sorted by size, signatures
// already checked) when the walk reaches its size.
func (s *Store) verifyChain(ctx context.Context, cps []secure.Checkpoint) (AuditVerifyResult, error) {
	var res AuditVerifyResult
	rows, err := s.query(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	next := 0
	for next < len(cps) && cps[next].Size == 0 {
		next++ // the empty chain: it agrees with any log
		res.Checkpoints++
	}
	var lastGood int64 // size of the last checkpoint that agreed
	prev, want := "", int64(1)
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return res, err
		}
		res.Entries++
		if res.BrokenAt, res.Reason = linkProblem(&e, want, prev); res.BrokenAt != 0 {
			return res, nil
		}
		for ; next < len(cps) && cps[next].Size == e.Seq; next++ {
			c := cps[next]
			if c.Head == e.Hash {
				lastGood = c.Size
				res.Checkpoints++
				continue
			}
			res.BrokenAt = lastGood + 1
			if lastGood+1 == c.Size {
				res.Reason = fmt.Sprintf("第%d条记录被改写：其哈希与 %s 签署的检查点（检查点文件第%d行）不符", c.Size, cpTime(c), c.Line)
			} else {
				res.Reason = fmt.Sprintf("第%d条至第%d条之间有记录被改写（其后的哈希被重新计算）：第%d条的哈希与 %s 签署的检查点（检查点文件第%d行）不符", lastGood+1, c.Size, c.Size, cpTime(c), c.Line)
			}
			if lastGood > 0 {
				res.Reason += fmt.Sprintf("；第%d条及以前与检查点相符", lastGood)
			}
			return res, nil
		}
		prev, want = e.Hash, e.Seq+1
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	if next < len(cps) {
		c := cps[len(cps)-1]
		res.BrokenAt = want
		if want == 1 {
			res.Reason = fmt.Sprintf("日志已被清空：%s 签署的检查点（检查点文件第%d行）记录了%d条", cpTime(c), c.Line, c.Size)
		} else {
			res.Reason = fmt.Sprintf("日志只有%d条，但 %s 签署的检查点（检查点文件第%d行）记录了%d条：第%d条起的记录被删除", want-1, cpTime(c), c.Line, c.Size, want)
		}
		return res, nil
	}
	var headSeq int64
	var headHash string
	err = s.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res.BrokenAt, res.Reason = want, missingHead
	case err != nil:
		return res, err
	case headSeq != want-1 || headHash != prev:
		res.BrokenAt, res.Reason = want, fmt.Sprintf("链头记录为第%d条，但日志只到第%d条（末尾记录被删除）", headSeq, want-1)
	}
	return res, nil
}

// linkProblem says where and why entry e, read where entry number want
// should be and after an entry whose hash is prev, breaks the chain; 0 when
// it does not. Verifying and signing judge an entry by this one rule.
func linkProblem(e *zhuxiang.AuditEntry, want int64, prev string) (int64, string) {
	switch {
	case e.Seq != want:
		return want, fmt.Sprintf("缺少第%d条记录（下一条为第%d条）", want, e.Seq)
	case e.PrevHash != prev:
		return e.Seq, "与上一条记录的链接不符"
	case secure.AuditHash(e) != e.Hash:
		return e.Seq, "内容与哈希不符（记录被修改）"
	}
	return 0, ""
}

// SignAuditCheckpoint signs the chain's current head with key. It first
// checks that the entries written since last (the newest checkpoint, nil
// for none) still link to it and hash right, and refuses otherwise: a
// checkpoint vouches for the chain, so it must never be signed over one
// that was shortened or rewritten since the last. The caller appends the
// checkpoint to its file.
func (s *Store) SignAuditCheckpoint(ctx context.Context, key *sm2.PrivateKey, last *secure.Checkpoint) (secure.Checkpoint, error) {
	var headSeq int64
	var headHash string
	err := s.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash)
	if errors.Is(err, sql.ErrNoRows) {
		return secure.Checkpoint{}, refuseCheckpoint(missingHead)
	}
	if err != nil {
		return secure.Checkpoint{}, err
	}
	var from int64
	prev := ""
	if last != nil {
		if headSeq < last.Size {
			return secure.Checkpoint{}, refuseCheckpoint(fmt.Sprintf("链头为第%d条，比上一个检查点（%s，第%d条）短", headSeq, cpTime(*last), last.Size))
		}
		if last.Size > 0 {
			e, err := s.auditEntry(ctx, last.Size)
			if errors.Is(err, sql.ErrNoRows) {
				return secure.Checkpoint{}, refuseCheckpoint(fmt.Sprintf("上一个检查点所记的第%d条已不存在", last.Size))
			}
			if err != nil {
				return secure.Checkpoint{}, err
			}
			if e.Hash != last.Head {
				return secure.Checkpoint{}, refuseCheckpoint(fmt.Sprintf("第%d条的哈希与上一个检查点（%s）不符", last.Size, cpTime(*last)))
			}
		}
		from, prev = last.Size, last.Head
	}
	rows, err := s.query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq`, from, headSeq)
	if err != nil {
		return secure.Checkpoint{}, err
	}
	defer rows.Close()
	want := from + 1
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return secure.Checkpoint{}, err
		}
		if at, why := linkProblem(&e, want, prev); at != 0 {
			return secure.Checkpoint{}, refuseCheckpoint(fmt.Sprintf("第%d条：%s", at, why))
		}
		prev, want = e.Hash, want+1
	}
	if err := rows.Err(); err != nil {
		return secure.Checkpoint{}, err
	}
	if want-1 != headSeq || prev != headHash {
		return secure.Checkpoint{}, refuseCheckpoint(fmt.Sprintf("链头记录为第%d条，与日志（到第%d条）不符", headSeq, want-1))
	}
	return secure.SignCheckpoint(key, headSeq, headHash, s.Now())
}

func refuseCheckpoint(why string) error {
	return zhuxiang.Errorf(zhuxiang.EConflict, "", "审计日志与检查点不符，拒绝签署新检查点：%s。请运行 zhuxiang audit verify 查明", why)
}
