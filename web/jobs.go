package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sort"
	"sync"
	"time"

	"zhuxiang"
	"zhuxiang/secure"
)

// Long work (an import of thousands of rows, an allocation run) runs as a
// job in the background of this process: the POST answers 303 to
// /jobs/{id}, whose page shows a progress bar and, once the work is done,
// the same result the POST used to show. The page refreshes itself without
// JavaScript (a <noscript> refresh in the head) and with it app.js polls
// /jobs/{id}/status and moves the bar. The work runs the same store calls
// as before, so an import is still one transaction: all or nothing.
//
// Jobs live in memory: a job's counters change many times a second, and
// writing them to the database would put every tick through the audited
// write path. What matters outlives the process anyway: a stored import is
// in the audit log (listed on the import page) and an allocation in its
// own table (listed on the plan page). Behind a load balancer without
// sticky sessions a job's page may reach another process and say so.

// Bounds on the registry. Unfinished jobs hold their parsed file in
// memory, so there may be only a few at once, and fewer per person.
const (
	jobKeep        = 6 * time.Hour // a finished job's result stays readable this long
	jobsKept       = 100           // finished jobs kept at most; the oldest go first
	jobsOpen       = 8             // jobs queued or running at once, for everyone
	jobsOpenPerUse = 2             // of those, per account
)

// jobState is where a job is in its life.
type jobState string

const (
	jobQueued  jobState = "queued"
	jobRunning jobState = "running"
	jobDone    jobState = "done"
	jobFailed  jobState = "failed"
)

// jobResult is what a finished job shows: an import's result, an import
// refused as a whole file, or the address of the result (an allocation).
type jobResult struct {
	Import    *importResultData
	FileError *importPageData
	URL       string
}

// job is one piece of long work. Its counters are written by the work's
// goroutine through progress and read by the pages, under mu.
type job struct {
	ID      string
	Kind    string // "import" or "plan"
	Label   string // what it is, for people: "导入社会组织"
	Owner   string // the user ID of who started it
	Started time.Time
	Steps   []zhuxiang.Step

	mu       sync.Mutex
	state    jobState
	step     zhuxiang.Step
	done     int
	total    int
	finished time.Time
	result   jobResult
	err      error
}

// jobRegistry runs and keeps the jobs of this process.
type jobRegistry struct {
	mu    sync.Mutex
	jobs  map[string]*job
	slots chan struct{} // one per job running at once
	log   *slog.Logger
	// hook, set by tests only, is called after each progress report, on
	// the job's goroutine: a test blocks in it to look at a job half done.
	hook func(j *job, step zhuxiang.Step, done, total int)
}

func newJobRegistry(log *slog.Logger) *jobRegistry {
	// Half the cores at most, so that pages stay quick while imports run.
	return &jobRegistry{jobs: map[string]*job{}, slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2)), log: log}
}

// errBusy is why a job was not started; the pages show it with 503.
type errBusy string

func (e errBusy) Error() string { return string(e) }

// start queues work as a new job of owner's and returns at once. It refuses
// (errBusy) when too many jobs are unfinished, for everyone or for owner.
func (r *jobRegistry) start(owner, kind, label string, steps []zhuxiang.Step, work func(ctx context.Context) (jobResult, error)) (*job, error) {
	now := time.Now()
	j := &job{ID: secure.NewID(), Kind: kind, Label: label, Owner: owner, Started: now, Steps: steps, state: jobQueued}
	r.mu.Lock()
	open, mine := 0, 0
	var finished []*job
	for _, o := range r.jobs {
		o.mu.Lock()
		st, fin := o.state, o.finished
		o.mu.Unlock()
		switch {
		case st == jobQueued || st == jobRunning:
			open++
			if o.Owner == owner {
				mine++
			}
		case now.Sub(fin) > jobKeep:
			delete(r.jobs, o.ID)
		default:
			finished = append(finished, o)
		}
	}
	if open >= jobsOpen {
		r.mu.Unlock()
		return nil, errBusy("服务器上正在处理的导入和计算较多，请几分钟后再试")
	}
	if mine >= jobsOpenPerUse {
		r.mu.Unlock()
		return nil, errBusy(fmt.Sprintf("您已有 %d 个任务正在处理，请等它们完成后再提交", mine))
	}
	if len(finished) >= jobsKept {
		sort.Slice(finished, func(a, b int) bool { return finished[a].finishedAt().Before(finished[b].finishedAt()) })
		for _, o := range finished[:len(finished)-jobsKept+1] {
			delete(r.jobs, o.ID)
		}
	}
	r.jobs[j.ID] = j
	r.mu.Unlock()
	go r.run(j, work)
	return j, nil
}

// run waits for a slot and does the work, reporting its progress into j.
func (r *jobRegistry) run(j *job, work func(ctx context.Context) (jobResult, error)) {
	r.slots <- struct{}{}
	defer func() { <-r.slots }()
	j.mu.Lock()
	j.state = jobRunning
	j.mu.Unlock()
	ctx := zhuxiang.WithProgress(context.Background(), func(step zhuxiang.Step, done, total int) {
		j.mu.Lock()
		j.step, j.done, j.total = step, done, total
		j.mu.Unlock()
		if r.hook != nil {
			r.hook(j, step, done, total)
		}
	})
	var res jobResult
	var err error
	func() {
		defer func() {
			if v := recover(); v != nil {
				r.log.Error("job panic", "kind", j.Kind, "panic", v)
				err = fmt.Errorf("job panic: %v", v)
			}
		}()
		res, err = work(ctx)
	}()
	if err != nil && zhuxiang.ErrorCodeOf(err) == zhuxiang.EInternal {
		r.log.Error("job failed", "kind", j.Kind, "id", j.ID, "err", err)
	}
	j.mu.Lock()
	j.result, j.err, j.finished, j.state = res, err, time.Now(), jobDone
	if err != nil {
		j.state = jobFailed
	}
	j.mu.Unlock()
}

// get returns the job id, if this process has it.
func (r *jobRegistry) get(id string) *job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jobs[id]
}

// of returns owner's jobs of kind, newest first.
func (r *jobRegistry) of(owner, kind string) []jobStatus {
	r.mu.Lock()
	var out []*job
	for _, j := range r.jobs {
		if j.Owner == owner && j.Kind == kind {
			out = append(out, j)
		}
	}
	r.mu.Unlock()
	sort.Slice(out, func(a, b int) bool { return out[a].Started.After(out[b].Started) })
	st := make([]jobStatus, len(out))
	for i, j := range out {
		st[i] = j.status()
	}
	return st
}

func (j *job) finishedAt() time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.finished
}

// jobStatus is a job as the page and /jobs/{id}/status show it.
type jobStatus struct {
	ID      string    `json:"id"`
	Label   string    `json:"label"`
	State   jobState  `json:"state"`
	Step    string    `json:"step,omitempty"` // the current step's name
	Done    int       `json:"done"`           // of the current step
	Total   int       `json:"total"`
	Percent int       `json:"percent"`           // of the whole job
	Text    string    `json:"text"`              // one line for people
	URL     string    `json:"url"`               // where the result is shown
	Outcome string    `json:"outcome,omitempty"` // a finished job's result in a word or two
	Started time.Time `json:"-"`
}

// status is j's progress now. The bar gives each step an equal share: the
// steps' sizes are not known in advance (how many rows an import will
// save depends on its checks), and a bar that moves steadily through
// known stages reads truer than one that guesses.
func (j *job) status() jobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := jobStatus{ID: j.ID, Label: j.Label, State: j.state, Done: j.done, Total: j.total, URL: "/jobs/" + j.ID, Started: j.Started}
	if j.step != "" {
		s.Step = j.step.Label()
	}
	switch j.state {
	case jobQueued:
		s.Text = "排队等候：服务器正在处理其他任务，稍后自动开始…"
	case jobRunning:
		idx := 0
		for i, st := range j.Steps {
			if st == j.step {
				idx = i
			}
		}
		frac := 0.0
		if j.total > 0 {
			frac = float64(j.done) / float64(j.total)
		}
		s.Percent = min(99, int((float64(idx)+frac)/float64(max(1, len(j.Steps)))*100))
		switch {
		case j.step == "":
			s.Text = "正在开始…"
		case j.total > 1:
			s.Text = fmt.Sprintf("第 %d/%d 步，%s：%s / %s", idx+1, len(j.Steps), s.Step, thousands(int64(j.done)), thousands(int64(j.total)))
		default:
			s.Text = fmt.Sprintf("第 %d/%d 步，%s…", idx+1, len(j.Steps), s.Step)
		}
	case jobDone:
		s.Percent, s.Text, s.Outcome = 100, "已完成", "已完成"
		if j.result.URL != "" {
			s.URL = j.result.URL
		}
		switch res := j.result; {
		case res.FileError != nil:
			s.Outcome = "文件有误，未保存"
		case res.Import != nil && res.Import.Res.DryRun:
			s.Outcome = "仅校验"
		case res.Import != nil && res.Import.Res.Stored && len(res.Import.Res.Rejected) > 0:
			s.Outcome = "部分保存"
		case res.Import != nil && res.Import.Res.Stored:
			s.Outcome = "已保存"
		case res.Import != nil:
			s.Outcome = "有误，未保存"
		}
	case jobFailed:
		s.Percent, s.Text, s.Outcome = 100, "未完成："+zhuxiang.ErrorMessage(j.err), "未完成"
	}
	return s
}

// jobPageData is what job.html shows while a job is unfinished.
type jobPageData struct {
	Job    jobStatus
	Back   string // the page the job was started from
	BackTo string // its name
}

// jobFor returns the job in the path if the signed-in user may see it; a
// job of someone else's reads as not found, like any record out of scope.
func (s *server) jobFor(r *http.Request, q *request) (*job, error) {
	j := s.jobs.get(r.PathValue("id"))
	if j == nil || zhuxiang.CanSeeJob(q.actor, j.Owner) != nil {
		return nil, zhuxiang.Errorf(zhuxiang.ENotFound, "", "找不到这个任务：它可能已完成超过 6 小时，或在另一台服务器上运行。导入的结果可在“导入”页的最近导入中查看，对接方案在“对接方案”页")
	}
	return j, nil
}

// jobPage shows a job: its progress while it runs, its result when done.
func (s *server) jobPage(w http.ResponseWriter, r *http.Request, q *request) error {
	j, err := s.jobFor(r, q)
	if err != nil {
		return err
	}
	st := j.status()
	j.mu.Lock()
	res, jerr := j.result, j.err
	j.mu.Unlock()
	switch st.State {
	case jobDone:
		if res.URL != "" {
			redirect(w, r, res.URL)
			return nil
		}
		if d := res.Import; d != nil {
			status := http.StatusOK
			if len(d.Res.Rejected) > 0 && !d.Res.Stored {
				status = http.StatusUnprocessableEntity
			}
			s.render(w, r, status, "import_result", &view{Title: "导入结果", Nav: "import", Data: *d})
			return nil
		}
		if d := res.FileError; d != nil {
			s.render(w, r, http.StatusUnprocessableEntity, "import", &view{Title: "导入", Nav: "import", Data: s.importPageData(r.Context(), q, d.Kind, d.Error)})
			return nil
		}
	case jobFailed:
		return jerr
	}
	d := jobPageData{Job: st, Back: "/import", BackTo: "导入"}
	if j.Kind == "plan" {
		d.Back, d.BackTo = "/plan", "对接方案"
	}
	nav := "import"
	if j.Kind == "plan" {
		nav = "plan"
	}
	s.render(w, r, http.StatusOK, "job", &view{Title: j.Label, Nav: nav, Data: d, Refresh: 2})
	return nil
}

// jobStatusJSON answers app.js's polling with the job's progress.
func (s *server) jobStatusJSON(w http.ResponseWriter, r *http.Request, q *request) error {
	j, err := s.jobFor(r, q)
	if err != nil {
		return err
	}
	b, err := json.Marshal(j.status())
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.Write(b)
	return nil
}
