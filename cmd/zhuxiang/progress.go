package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"zhuxiang"
)

// withTerminalProgress returns ctx carrying a Progress that shows long
// work (an import, an allocation) as one line rewritten in place on w, and
// a function that clears the line, to call before the result is printed.
// Only when w is a terminal: a script, a log file or a pipe reading the
// output never sees the line, so --json and redirected output stay as they
// were.
func withTerminalProgress(ctx context.Context, w io.Writer) (context.Context, func()) {
	if !isTerminal(w) {
		return ctx, func() {}
	}
	p, clear := lineProgress(w)
	return zhuxiang.WithProgress(ctx, p), clear
}

// isTerminal reports whether w is a character device, as a terminal is.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// lineProgress writes each report as "\r" and a line padded with spaces
// over the previous one: plain carriage returns, which every terminal
// (the Windows console included) understands, unlike escape codes.
func lineProgress(w io.Writer) (zhuxiang.Progress, func()) {
	last, width := "", 0
	p := func(step zhuxiang.Step, done, total int) {
		line := step.Label() + "…"
		if total > 1 {
			line = fmt.Sprintf("%s %d/%d（%d%%）", step.Label(), done, total, done*100/total)
		}
		if line == last {
			return
		}
		last = line
		n := columns(line)
		fmt.Fprint(w, "\r"+line+strings.Repeat(" ", max(0, width-n)))
		width = n
	}
	clear := func() {
		if width > 0 {
			fmt.Fprint(w, "\r"+strings.Repeat(" ", width)+"\r")
			width, last = 0, ""
		}
	}
	return p, clear
}

// columns is how many terminal columns s takes: Chinese characters take two.
func columns(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hangul, unicode.Hiragana, unicode.Katakana) || r >= 0xFF00 && r <= 0xFFEF || r >= 0x3000 && r <= 0x303F) {
			n++
		}
	}
	return n
}
