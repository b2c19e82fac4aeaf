package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/store"
)

// matchAllocate computes the allocation (the optimiser's 对接方案) on the database, saves it as
// the system actor (so the /plan page shows it), and prints the figures.
func matchAllocate(ctx context.Context, st *store.Store, asJSON bool, stdout, stderr io.Writer) error {
	start := time.Now()
	ctx, clearProgress := withTerminalProgress(ctx, stderr)
	saved, r, err := st.Allocate(ctx, zhuxiang.SystemActor)
	clearProgress()
	if err != nil {
		return err
	}
	total := time.Since(start).Seconds()
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(map[string]any{
			"plan": saved.ID, "needs": r.Needs, "offers": r.Offers, "candidates": r.Arcs, "matched": r.Matched,
			"key_villages_reached": r.KeyReached, "key_villages": r.KeyVillages, "total_score": r.TotalScore,
			"cost": r.Cost, "solve_seconds": r.Seconds, "seconds": total,
		})
	}
	fmt.Fprintf(stdout, "需求 %d  资源 %d  候选 %d  匹配 %d  覆盖重点村 %d/%d  总分 %d  最优费用 %d  求解 %.3f 秒  共 %.3f 秒\n",
		r.Needs, r.Offers, r.Arcs, r.Matched, r.KeyReached, r.KeyVillages, r.TotalScore, r.Cost, r.Seconds, total)
	return nil
}

// exportDIMACS writes the allocation's min-cost-flow problem without saving a
// allocation, and prints the optimal cost our solver found for it.
func exportDIMACS(ctx context.Context, st *store.Store, path string, stdout io.Writer) error {
	in, err := st.MatchInput(ctx)
	if err != nil {
		return err
	}
	r, err := match.Allocate(in)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("无法创建文件 %s: %v", path, err)
	}
	if err := r.WriteDIMACS(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已写出 %s：需求 %d  资源 %d  候选 %d  最优费用 %d\n", path, r.Needs, r.Offers, r.Arcs, r.Cost)
	return nil
}

// lapseLoop ends unanswered interests once an hour (and at start). Several
// servers behind a load balancer may all run it: the update is idempotent
// and each interest lapses once, in one transaction.
func lapseLoop(ctx context.Context, st *store.Store, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := st.LapseMatches(ctx); err != nil {
			logger.Warn("lapse matches", "err", err)
		} else if n > 0 {
			logger.Info("lapsed matches", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
