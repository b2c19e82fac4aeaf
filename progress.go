package zhuxiang

import "context"

// Progress is told how far a long piece of work (an import, an allocation)
// has come: done of total units of a step. The work calls it through Tick,
// a bounded number of times per step whatever the size, so that reporting
// costs nothing measurable; it must return at once and may be called from
// the goroutine doing the work.
type Progress func(step Step, done, total int)

// Step names a stage of long work; Label is what a person reads.
type Step string

// The steps of an import and of an allocation.
const (
	StepCheck Step = "check" // an import checks every row
	StepSave  Step = "save"  // an import or an allocation writes its records
	StepLoad  Step = "load"  // an allocation reads needs and offers
	StepScore Step = "score" // an allocation scores every need against the offers
	StepSolve Step = "solve" // the optimiser runs
)

// Label is the step's Chinese name.
func (s Step) Label() string {
	switch s {
	case StepCheck:
		return "逐行校验"
	case StepSave:
		return "保存"
	case StepLoad:
		return "读取需求与资源"
	case StepScore:
		return "逐条评分"
	case StepSolve:
		return "求最优解"
	}
	return string(s)
}

// progressTicks is about how many times Tick reports a step.
const progressTicks = 100

// Tick reports done of total to p when it moved by a hundredth of total
// since the last report, or finished; a nil p does nothing.
func (p Progress) Tick(step Step, done, total int) {
	if p == nil {
		return
	}
	if every := max(1, total/progressTicks); done%every == 0 || done >= total {
		p(step, done, total)
	}
}

type progressKey struct{}

// WithProgress returns ctx carrying p. Progress travels in the context
// because it is optional and passes through layers that have no use for it
// (an importer hands the rows to the store's import runner, which reports):
// every import's signature would otherwise grow a parameter most callers
// leave nil.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ProgressOf returns the Progress ctx carries, or nil.
func ProgressOf(ctx context.Context) Progress {
	p, _ := ctx.Value(progressKey{}).(Progress)
	return p
}
