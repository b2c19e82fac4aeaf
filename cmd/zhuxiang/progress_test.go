package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhuxiang"
)

// TestTerminalProgress writes progress only to a terminal: a buffer, a
// regular file and a pipe (what scripts and logs read) get nothing, and
// the line written to a terminal is rewritten in place and cleared.
func TestTerminalProgress(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	var buf bytes.Buffer
	for name, w := range map[string]interface{ Write([]byte) (int, error) }{"buffer": &buf, "file": file, "pipe": pw} {
		if isTerminal(w) {
			t.Errorf("%s taken for a terminal", name)
		}
		ctx, clear := withTerminalProgress(context.Background(), w)
		if p := zhuxiang.ProgressOf(ctx); p != nil {
			t.Errorf("%s got a progress line", name)
		}
		clear()
	}
	if fi, _ := file.Stat(); fi.Size() != 0 || buf.Len() != 0 {
		t.Errorf("progress written to a non-terminal: file %d bytes, buffer %q", fi.Size(), buf.String())
	}

	// What a terminal sees: one line, rewritten with \r, padded over the
	// longer line before it, then cleared.
	var term bytes.Buffer
	p, clear := lineProgress(&term)
	p(zhuxiang.StepCheck, 500, 1000)
	p(zhuxiang.StepCheck, 500, 1000) // the same line is not written twice
	p(zhuxiang.StepSave, 1, 1000)
	p(zhuxiang.StepSolve, 0, 1)
	clear()
	got := term.String()
	want := "\r逐行校验 500/1000（50%）" +
		"\r保存 1/1000（0%）" + strings.Repeat(" ", 7) +
		"\r求最优解…" + strings.Repeat(" ", 8) +
		"\r" + strings.Repeat(" ", 9) + "\r"
	if got != want {
		t.Errorf("terminal output\n got %q\nwant %q", got, want)
	}
}
