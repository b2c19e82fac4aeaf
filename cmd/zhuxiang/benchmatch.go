package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/metrics"
	"strconv"
	"time"

	"zhuxiang/match/flow"
)

// cmdBenchMatch implements "zhuxiang bench match": it builds a Synthetic instance, optionally
// writes it as DIMACS for the LEMON comparison (bench/lemon/compare.sh), solves it and prints
// one line of figures. The time is that of flow.Solve alone; the cost is in the units of the
// DIMACS file, so it can be compared with LEMON's number directly.
func cmdBenchMatch(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench match", flag.ContinueOnError)
	needs := fs.Int("needs", 2000, "需求数")
	offers := fs.Int("offers", 1000, "资源数")
	candidates := fs.Int("candidates", 30, "每个需求的候选资源数")
	seed := fs.Int64("seed", 1, "随机种子")
	dimacs := fs.String("dimacs", "", "写出 DIMACS 最小费用流文件的路径（可选）")
	if err := parseFlags(fs, "bench match", args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数：%v", fs.Args())
	}
	switch {
	case *needs < 0 || *offers < 0 || *candidates < 0:
		return fmt.Errorf("需求数、资源数和候选数不能为负")
	case *offers == 0 && *candidates > 0 && *needs > 0:
		return fmt.Errorf("没有资源时候选数只能为 0")
	case int64(*needs)*int64(min(*candidates, *offers)) > 1<<31-1:
		return fmt.Errorf("候选边过多（需求数 × 候选数须小于 2^31）")
	}

	p := flow.Synthetic(*needs, *offers, *candidates, *seed)
	if *dimacs != "" {
		start := time.Now()
		if err := writeDIMACSFile(p, *dimacs); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已写出 DIMACS：%s（%.1f 秒）\n", *dimacs, time.Since(start).Seconds())
	}

	start := time.Now()
	sol, err := flow.Solve(p)
	elapsed := time.Since(start)
	if err != nil {
		return fmt.Errorf("求解失败：%v", err)
	}
	groups := make([]bool, p.Groups)
	keyGroups := 0
	for _, g := range p.Group {
		if g >= 0 && !groups[g] {
			groups[g] = true
			keyGroups++
		}
	}
	fmt.Fprintf(stdout, "需求 %d  资源 %d  候选边 %d  匹配 %d  覆盖重点村组 %d/%d  总分 %d  最优费用 %d  求解 %.3f 秒  峰值内存 %s\n",
		p.Needs, p.Offers, len(p.Offer), sol.Matched, sol.Reached, keyGroups, sol.Score, sol.Cost,
		elapsed.Seconds(), peakMemory())
	return nil
}

func writeDIMACSFile(p *flow.Problem, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("无法创建 DIMACS 文件：%v", err)
	}
	if err := p.WriteDIMACS(f); err != nil {
		f.Close()
		return fmt.Errorf("写 DIMACS 文件失败：%v", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("写 DIMACS 文件失败：%v", err)
	}
	return nil
}

// peakMemory reports the process's peak resident set size (VmHWM, Linux), the figure LEMON's
// driver reports from getrusage, so the two are comparable. Elsewhere it falls back to the
// memory the Go runtime currently holds from the OS, and says so.
func peakMemory() string {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Bytes()
			if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
				kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
				if err == nil {
					return fmt.Sprintf("%d MB", kb/1024)
				}
			}
		}
	}
	sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		return fmt.Sprintf("%d MB（Go 运行时当前占用，非峰值）", sample[0].Value.Uint64()>>20)
	}
	return "未知"
}
