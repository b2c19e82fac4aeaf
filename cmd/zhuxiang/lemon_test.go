package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestAllocationCostMatchesLEMON checks the plan's optimum with an independent
// solver: the DIMACS file that `match export-dimacs` writes for the demo
// data, solved by LEMON's network simplex, has the optimal cost that
// `match plan` reports. LEMON comes from Debian's liblemon-dev; .ci/run
// installs it, so under CI its absence is a failure, not a skip.
func TestAllocationCostMatchesLEMON(t *testing.T) {
	gxx, err := exec.LookPath("g++")
	_, herr := os.Stat("/usr/include/lemon/dimacs.h")
	if err != nil || herr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("g++ and liblemon-dev are needed for the LEMON cross-check")
		}
		t.Skip("g++ or liblemon-dev missing: apt-get install liblemon-dev")
	}
	dir := t.TempDir()
	driver := filepath.Join(dir, "lemon_mcf")
	if out, err := exec.Command(gxx, "-O2", "-std=c++14", "-o", driver, "../../bench/lemon/lemon_mcf.cc", "-llemon").CombinedOutput(); err != nil {
		// LEMON is mostly headers; some builds ship no library to link.
		if out2, err2 := exec.Command(gxx, "-O2", "-std=c++14", "-o", driver, "../../bench/lemon/lemon_mcf.cc").CombinedOutput(); err2 != nil {
			t.Fatalf("building the LEMON driver: %v\n%s\n%s", err2, out, out2)
		}
	}
	db := filepath.Join(dir, "demo.db")
	if out, status := cli(t, "", "demo", "--db", db); status != 0 {
		t.Fatalf("demo: %s", out)
	}
	file := filepath.Join(dir, "plan.dimacs")
	if out, status := cli(t, "", "match", "export-dimacs", file, "--db", db); status != 0 {
		t.Fatalf("export-dimacs: %s", out)
	}
	out, status := cli(t, "", "match", "plan", "--json", "--db", db)
	if status != 0 {
		t.Fatalf("match plan: %s", out)
	}
	var plan struct {
		Cost       int64 `json:"cost"`
		Matched    int   `json:"matched"`
		KeyReached int   `json:"key_villages_reached"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("plan output %q: %v", out, err)
	}
	if plan.Matched == 0 || plan.KeyReached == 0 {
		t.Fatalf("the demo plan matched nothing: %s", out)
	}
	lemon, err := exec.Command(driver, "--algo", "ns", file).CombinedOutput()
	if err != nil {
		t.Fatalf("LEMON: %v\n%s", err, lemon)
	}
	m := regexp.MustCompile(`NetworkSimplex\s+optimal\s+cost (-?\d+)`).FindSubmatch(lemon)
	if m == nil {
		t.Fatalf("LEMON found no optimum:\n%s", lemon)
	}
	cost, _ := strconv.ParseInt(string(m[1]), 10, 64)
	if cost != plan.Cost {
		t.Fatalf("LEMON's optimal cost %d, match plan's %d", cost, plan.Cost)
	}
}
