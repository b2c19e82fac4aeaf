package main

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestMain lets a test run the program itself: with ZHUXIANG_TEST_MAIN
// set, the test binary is the zhuxiang command, and what main writes to the
// real standard output and error is what a person would see.
func TestMain(m *testing.M) {
	if os.Getenv("ZHUXIANG_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// zhuxiangMain runs the program's main with args in a process of its own.
func zhuxiangMain(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ZHUXIANG_TEST_MAIN=1", "ZHUXIANG_DB="+t.TempDir()+"/z.db")
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		status = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

// english finds the flag package's own words, which must never reach a
// user: its usage header, its "(default …)" and its kinds of value.
var english = regexp.MustCompile(`Usage of|\(default|flag provided|flag needs|invalid value|\bstring\b|\bint\b`)

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestHelpInChinese asks every command for its help the ways people do
// (--help, -h, help 命令) and the program for its list of commands: all of
// it in Chinese, on standard output, exiting 0, with no text of Go's flag
// package. A wrong flag or command is refused in Chinese with exit 2.
func TestHelpInChinese(t *testing.T) {
	out, errOut, status := zhuxiangMain(t, "--help")
	if status != 0 || errOut != "" || english.MatchString(out) || !strings.Contains(out, "用法: zhuxiang <命令>") {
		t.Fatalf("zhuxiang --help: status %d, stderr %q\n%s", status, errOut, out)
	}
	for _, c := range commands {
		for _, name := range c.names {
			if name == "help" {
				continue
			}
			if !strings.Contains(out, c.desc) {
				t.Errorf("zhuxiang --help does not describe %s", name)
			}
			words := strings.Fields(name)
			for _, args := range [][]string{append(words, "--help"), append(words, "-h"), append([]string{"help"}, words...)} {
				out, errOut, status := zhuxiangMain(t, args...)
				if status != 0 || errOut != "" || english.MatchString(out) || !hasHan(out) ||
					!strings.HasPrefix(out, "用法: zhuxiang "+name) || !strings.Contains(out, c.desc) {
					t.Errorf("zhuxiang %s: status %d, stderr %q\n%s", strings.Join(args, " "), status, errOut, out)
				}
			}
		}
	}
	out, _, status = zhuxiangMain(t, "help")
	if status != 0 || !strings.Contains(out, "命令:") {
		t.Errorf("zhuxiang help: status %d\n%s", status, out)
	}
	for _, bad := range [][]string{{"serve", "--nope"}, {"demo", "--scale"}, {"bench", "match", "--needs", "many"}, {"frobnicate"}} {
		out, errOut, status := zhuxiangMain(t, bad...)
		if status != 2 || english.MatchString(out+errOut) || !strings.HasPrefix(errOut, "错误: ") || !strings.Contains(errOut, "用法: zhuxiang") {
			t.Errorf("zhuxiang %s: status %d, stdout %q\nstderr %s", strings.Join(bad, " "), status, out, errOut)
		}
	}
}
