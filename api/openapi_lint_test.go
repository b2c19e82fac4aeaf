package api

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// redoclyVersion is the linter .ci/run installs; a newer one may bring new
// rules, so it moves on purpose.
const redoclyVersion = "2.77.0"

// TestOpenAPILint runs a standard OpenAPI linter, Redocly CLI with its
// recommended rules, on the document and fails on any error (warnings are
// printed). The linter is the redocly command on PATH, or the one
// ZHUXIANG_REDOCLY names; without it the test is skipped, except in CI,
// where .ci/run installs it and its absence is a failure.
func TestOpenAPILint(t *testing.T) {
	bin := os.Getenv("ZHUXIANG_REDOCLY")
	if bin == "" {
		bin, _ = exec.LookPath("redocly")
	}
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("redocly is not installed: .ci/run installs @redocly/cli@%s with npm", redoclyVersion)
		}
		t.Skipf("redocly not found: npm install -g @redocly/cli@%s, or set ZHUXIANG_REDOCLY", redoclyVersion)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "lint", "--extends=recommended", "openapi.json")
	// No telemetry and no update check: the test talks to nothing.
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint found errors in openapi.json (%v):\n%s", err, out)
	}
	if !strings.Contains(string(out), "valid") {
		t.Fatalf("redocly lint said nothing recognisable:\n%s", out)
	}
	t.Logf("redocly lint:\n%s", out)
}
