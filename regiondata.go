package zhuxiang

import (
	_ "embed"
	"io"
	"strings"
)

// prefectureRegions is the prefecture's division codes and names down to
// the townships, from the national statistics' division codes (NBS 2022):
// public facts, kept in the project and built into the binary so that the
// demo shows the real townships and the tests import them wherever the
// project is cloned, with nothing beside it.
//
//go:embed data/regions-652800.csv
var prefectureRegions string

// PrefectureRegionsFile is the name of the built-in regions file, which the
// spreadsheet reader uses to tell CSV from XLSX and messages use to name it.
const PrefectureRegionsFile = "regions-652800.csv"

// PrefectureRegions returns the built-in regions file of prefecture 652800
// (columns code,name,level,parent_code: the prefecture, its nine counties
// and their townships), in the form `zhuxiang import regions` reads.
func PrefectureRegions() io.Reader {
	return strings.NewReader(prefectureRegions)
}
