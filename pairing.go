package zhuxiang

import "time"

// PairingSource says how a pairing came to be.
type PairingSource string

// Pairing sources.
const (
	PairingFromMatch PairingSource = "match"  // a confirmed match
	PairingDirect    PairingSource = "direct" // entered by the county or the admin
	PairingImported  PairingSource = "import" // the plan's existing pairings, from XLSX
)

// Label names the source.
func (p PairingSource) Label() string {
	switch p {
	case PairingFromMatch:
		return "平台对接"
	case PairingDirect:
		return "直接录入"
	case PairingImported:
		return "批量导入"
	}
	return string(p)
}

// Pairing is an organization paired with a county or a village (结对帮扶).
type Pairing struct {
	ID          string
	OrgID       string
	Org         string // filled on read
	CountyCode  string
	VillageCode string // empty when paired with the county
	County      string // filled on read
	Village     string
	Action      Action // may be empty for imported pairings that name none
	NeedID      string
	MatchID     string
	StartDate   string
	EndDate     string
	Source      PairingSource
	Note        string
	FileName    string // the agreement, if any
	FileType    string // application/pdf, image/jpeg, image/png
	FileSize    int64
	FileSHA     string
	FileAt      time.Time // when the agreement was uploaded
	FileBy      string    // who uploaded it
	Version     int       // of the details; an agreement upload keeps it
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
}

// Place names the county and village.
func (p *Pairing) Place() string {
	if p.Village != "" {
		return p.County + " " + p.Village
	}
	return p.County
}

// ActionFixed reports whether the pairing's action is not the users' to
// correct: a platform pairing has its need's.
func (p *Pairing) ActionFixed() bool { return p.Source == PairingFromMatch }

// AgreementVersion is one agreement file a pairing has had: the current one,
// or one that a later upload replaced, which stays downloadable.
type AgreementVersion struct {
	N          int // 1 for the first file uploaded, then in order
	Name       string
	Type       string
	Size       int64
	SHA        string
	UploadedAt time.Time
	UploadedBy string
	ReplacedAt time.Time // zero for the current file
	ReplacedBy string
}

// Current reports whether the version is the pairing's agreement now.
func (v *AgreementVersion) Current() bool { return v.ReplacedAt.IsZero() }

// Active reports whether the pairing runs on day (YYYY-MM-DD); the
// pairings page marks those that do not.
func (p *Pairing) Active(day string) bool {
	return (p.StartDate == "" || p.StartDate <= day) && (p.EndDate == "" || day <= p.EndDate)
}

// Validate checks the pairing's own fields and reports every bad one at
// once.
func (p *Pairing) Validate() error {
	var pr Problems
	if p.OrgID == "" {
		pr.Addf("org", "请选择社会组织")
	} else {
		pr.Add(CheckRef("org", "社会组织", p.OrgID))
	}
	if p.CountyCode == "" && p.VillageCode == "" {
		pr.Addf("region", "请选择结对的县市或村")
	}
	pr.Add(CheckRef("county", "县市", p.CountyCode))
	pr.Add(CheckRef("village", "村", p.VillageCode))
	if p.Action != "" {
		if _, ok := ParseAction(string(p.Action)); !ok {
			pr.Addf("action", "行动无效")
		}
	}
	pr.Add(CheckText("note", "备注", p.Note, MaxNoteRunes))
	// A date that does not parse stays as typed, for the form to show.
	if d, err := ParseDate("start_date", p.StartDate); err != nil {
		pr.Add(err)
	} else if p.StartDate = d; d == "" {
		pr.Addf("start_date", "请填写结对开始日期")
	}
	if d, err := ParseDate("end_date", p.EndDate); err != nil {
		pr.Add(err)
	} else {
		p.EndDate = d
	}
	if !pr.Has("start_date") && !pr.Has("end_date") && p.EndDate != "" && p.EndDate < p.StartDate {
		pr.Addf("end_date", "结束日期早于开始日期")
	}
	return pr.Err()
}

// AgreementMaxBytes bounds an agreement file.
const AgreementMaxBytes = 10 << 20
