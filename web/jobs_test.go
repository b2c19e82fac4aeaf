package web

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store/storetest"
)

// finish waits for the job a POST was answered with (a 303 to /jobs/{id})
// and returns its page once the job is finished: the result, or the
// redirect to it. Any other answer comes back as it is. It waits by asking
// the job's status, as app.js does; nothing here measures time.
func (c *client) finish(r *resp) *resp {
	c.t.Helper()
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/jobs/") {
		return r
	}
	for range 2000 {
		if st := c.jobStatus(r.Location); st.State == jobDone || st.State == jobFailed {
			return c.get(r.Location)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("job %s did not finish", r.Location)
	return nil
}

// jobStatus reads a job's /status JSON.
func (c *client) jobStatus(jobURL string) jobStatus {
	c.t.Helper()
	r := c.get(jobURL + "/status")
	if r.Status != http.StatusOK {
		c.t.Fatalf("%s/status: %d\n%s", jobURL, r.Status, excerpt(r.Body))
	}
	var st jobStatus
	if err := json.Unmarshal([]byte(r.Body), &st); err != nil {
		c.t.Fatalf("%s/status: %v\n%s", jobURL, err, r.Body)
	}
	return st
}

// newEnvWithOptions is newEnvOn with the handler's options chosen by the
// test (a job hook); the logger is always a discarding one.
func newEnvWithOptions(t testing.TB, engine string, opts Options) *env {
	t.Helper()
	st := storetest.Open(t, engine)
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv}
}

// gate holds a job at chosen points of its progress until the test lets
// it go on, so that a test can look at a job half done without racing it.
type gate struct {
	mu      sync.Mutex
	at      func(step zhuxiang.Step, done, total int) bool // where to stop
	stopped chan struct{}                                  // a job stopped
	resume  chan struct{}                                  // let it go on
}

func newGate(at func(step zhuxiang.Step, done, total int) bool) *gate {
	return &gate{at: at, stopped: make(chan struct{}), resume: make(chan struct{})}
}

func (g *gate) hook(_ *job, step zhuxiang.Step, done, total int) {
	g.mu.Lock()
	at := g.at
	g.mu.Unlock()
	if at == nil || !at(step, done, total) {
		return
	}
	g.stopped <- struct{}{}
	<-g.resume
}

// open stops holding jobs anywhere.
func (g *gate) open() {
	g.mu.Lock()
	g.at = nil
	g.mu.Unlock()
}

// orgsCSV makes an organizations file of n good rows.
func orgsCSV(t testing.TB, n, from int) []byte {
	var b strings.Builder
	b.WriteString("组织名称,统一社会信用代码,法人类型,登记县市\n")
	for i := range n {
		fmt.Fprintf(&b, "和静县测试%d协会,%s,社会团体,和静县\n", from+i, creditCode(t, '1', from+i))
	}
	return []byte(b.String())
}

// TestImportJob follows an import through its job: the POST answers with
// the job's page, which shows the progress (with a refresh for browsers
// without JavaScript) while the work runs, then the same result page as
// before; another user cannot see it, and the import page lists it.
func TestImportJob(t *testing.T) {
	g := newGate(func(step zhuxiang.Step, done, total int) bool {
		return step == zhuxiang.StepCheck && done >= total/2 && done < total
	})
	e := newEnvWithOptions(t, "sqlite", Options{jobHook: g.hook})
	e.user("admin1", zhuxiang.RoleAdmin, "")
	e.user("admin2", zhuxiang.RoleAdmin, "")
	e.user("hejing", zhuxiang.RoleCounty, "652827")
	c := e.client()
	c.signIn("admin1")
	// The others sign in first: a held import holds the write lock.
	var others []*client
	for _, name := range []string{"admin2", "hejing"} {
		o := e.client()
		o.signIn(name)
		others = append(others, o)
	}

	r := c.upload("/import/orgs", "orgs.csv", orgsCSV(t, 1000, 100), "", c.csrf)
	mustStatus(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Location, "/jobs/") {
		t.Fatalf("import answered with %q, want a job's page", r.Location)
	}
	job := r.Location
	<-g.stopped // the job is halfway through its checks

	page := c.get(job)
	mustStatus(t, page, http.StatusOK)
	mustContain(t, page, "导入社会组织", `<noscript><meta http-equiv="refresh" content="2"></noscript>`, `<progress class="job-progress" max="100"`,
		`data-job="`+job+`/status"`, "第 1/2 步，逐行校验：", " / 1,000", "可以离开本页")
	st := c.jobStatus(job)
	if st.State != jobRunning || st.Step != "逐行校验" || st.Total != 1000 || st.Done <= 0 || st.Done >= 1000 || st.Percent <= 0 || st.Percent >= 50 {
		t.Errorf("status halfway through the checks: %+v", st)
	}
	// Nobody else sees it: not another administrator, not a county user.
	for _, o := range others {
		mustStatus(t, o.get(job), http.StatusNotFound)
		mustStatus(t, o.get(job+"/status"), http.StatusNotFound)
		mustNotContain(t, o.get("/import"), job)
	}
	// The import page lists it while it runs.
	mustContain(t, c.get("/import"), `href="`+job+`"`, "进行中")

	g.open()
	g.resume <- struct{}{}
	r = c.finish(r)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "导入结果：社会组织", "导入成功", "1000")
	mustNotContain(t, r, `http-equiv="refresh"`)
	if st := c.jobStatus(job); st.State != jobDone || st.Percent != 100 || st.URL != job {
		t.Errorf("finished status: %+v", st)
	}
	// Later, the import page lists the job and the stored import.
	r = c.get("/import")
	mustContain(t, r, `href="`+job+`"`, "已保存", "最近的导入", `<td data-label="新增" class="num">1000</td>`)

	// A file refused for its header is shown on the import page, at its form.
	r = c.finish(c.upload("/import/pairings", "p.csv", []byte("甲,乙\n1,2\n"), "", c.csrf))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "表头缺少必填列", `action="/import/pairings"`)

	mustStatus(t, c.get("/jobs/nosuchjob"), http.StatusNotFound)
}

// TestJobLimits refuses a third unfinished job of one person, and says why
// on the page the person came from.
func TestJobLimits(t *testing.T) {
	g := newGate(func(step zhuxiang.Step, done, total int) bool { return step == zhuxiang.StepCheck && done == 0 })
	e := newEnvWithOptions(t, "sqlite", Options{jobHook: g.hook})
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()
	c.signIn("admin1")
	var jobs []*resp
	for i := range jobsOpenPerUse {
		r := c.upload("/import/orgs", "orgs.csv", orgsCSV(t, 3, 10*i), "", c.csrf)
		mustStatus(t, r, http.StatusSeeOther)
		jobs = append(jobs, r)
	}
	<-g.stopped // the first runs (and waits); the second is queued or waits too
	r := c.upload("/import/orgs", "orgs.csv", orgsCSV(t, 3, 90), "", c.csrf)
	mustStatus(t, r, http.StatusServiceUnavailable)
	mustContain(t, r, "任务正在处理", `action="/import/orgs"`)
	g.open()
	g.resume <- struct{}{}
	for _, j := range jobs {
		if !strings.Contains(c.finish(j).Body, "导入成功") {
			t.Errorf("job %s did not import", j.Location)
		}
	}
}

// TestPlanJob runs the allocation as a job: progress through its four
// steps, then the new allocation's page.
func TestPlanJob(t *testing.T) {
	g := newGate(func(step zhuxiang.Step, done, total int) bool { return step == zhuxiang.StepScore && done == total })
	e := newEnvWithOptions(t, "sqlite", Options{jobHook: g.hook})
	e.townships()
	village := e.village("和静县", "巴伦台镇", "测试一村")
	e.user("admin1", zhuxiang.RoleAdmin, "")
	e.user("cun", zhuxiang.RoleVillage, village)
	e.need(e.actor("cun"), village, "电商销售核桃", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
	org := e.org("和静县电子商务促进会", "652827", 3)
	e.offer(org.ID, "电商平台助销", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
	c := e.client()
	c.signIn("admin1")
	r := c.post("/plan", nil)
	mustStatus(t, r, http.StatusSeeOther)
	<-g.stopped
	page := c.get(r.Location)
	mustContain(t, page, "计算全州对接方案", "第 2/4 步，逐条评分", `http-equiv="refresh"`, "历次方案")
	if st := c.jobStatus(r.Location); st.Percent < 25 || st.Percent > 50 {
		t.Errorf("status after scoring: %+v", st)
	}
	g.open()
	g.resume <- struct{}{}
	r = c.finish(r)
	mustStatus(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Location, "/plan/") {
		t.Fatalf("finished plan job points at %q", r.Location)
	}
	mustContain(t, c.follow(r), "已计算新的对接方案", "电商销售核桃")
}
