package zhuxiang

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// maxSearchVariants caps how many readings of a name are kept. Every
// character with two readings doubles the count, so without a cap a long
// name full of 多音字 would produce thousands of keys. The cap is low because
// the keys feed a trigram index: a higher cap mostly adds rare readings
// nobody types (会 kuai, 市 fu), and every key lengthens the index an import
// builds. Four keeps the
// alternative readings of the first two 多音字, which is where place names
// (重庆, 长安, 和静) put them.
const maxSearchVariants = 4

// searchKeyArgs asks for every reading of a character, without tones:
// people searching by pinyin do not type tones, and guessing which reading a
// place name uses (重庆, 长安) is exactly what they should not have to do.
var searchKeyArgs = pinyin.Args{Style: pinyin.Normal, Heteronym: true}

// searchVariant is one reading of a whole name: the pinyin joined without
// separators and the first letters of each syllable.
type searchVariant struct {
	full, initials strings.Builder
}

// SearchKeys returns the lower-case, space-separated keys stored next to an
// organization or village name, so that a pinyin query can be matched as a
// substring: the full pinyin (库尔勒 → kuerle) and the initials (→ kel) of
// each reading of the name. Digits and letters other than Han characters are
// kept, lower-cased, in both so that "巴州2号" is found by "bz2h".
func SearchKeys(name string) string {
	name = foldFullWidth(name)
	variants := []*searchVariant{{}}
	for _, r := range name {
		readings := runeReadings(r)
		if readings == nil {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				lr := unicode.ToLower(r)
				for _, v := range variants {
					v.full.WriteRune(lr)
					v.initials.WriteRune(lr)
				}
			}
			// Punctuation and blanks are dropped so that the keys of
			// "巴州 · 协会" and "巴州协会" are the same.
			continue
		}
		// Readings are taken in the dictionary's order, most common first,
		// and only as many as keep the total within the cap.
		k := max(1, maxSearchVariants/len(variants))
		if k > len(readings) {
			k = len(readings)
		}
		next := make([]*searchVariant, 0, len(variants)*k)
		for _, v := range variants {
			for i, py := range readings[:k] {
				w := v
				if i < k-1 {
					w = &searchVariant{}
					w.full.WriteString(v.full.String())
					w.initials.WriteString(v.initials.String())
				}
				w.full.WriteString(py)
				w.initials.WriteByte(py[0])
				next = append(next, w)
			}
		}
		variants = next
	}

	seen := make(map[string]bool)
	var keys []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			keys = append(keys, s)
		}
	}
	for _, v := range variants {
		add(v.full.String())
	}
	for _, v := range variants {
		add(v.initials.String())
	}
	return strings.Join(keys, " ")
}

// runeReadings returns the toneless readings of a Han character, each made
// only of a–z, or nil when the dictionary does not know the character.
func runeReadings(r rune) []string {
	if r < 0x80 {
		return nil
	}
	if v, ok := readingCache.Load(r); ok {
		return v.([]string)
	}
	out := lookupReadings(r)
	readingCache.Store(r, out)
	return out
}

// readingCache remembers each character's readings: go-pinyin rewrites every
// reading through regular expressions, which made pinyin keys a sixth of the
// cost of importing 100 000 organizations. A few thousand distinct
// characters ever occur, so the cache stays small.
var readingCache sync.Map

func lookupReadings(r rune) []string {
	var out []string
	for _, py := range pinyin.SinglePinyin(r, searchKeyArgs) {
		// Normal style still writes ü as v and may leave other marks on rare
		// syllables (ḿ, ň); keeping only a–z keeps the keys plain ASCII.
		py = strings.Map(func(c rune) rune {
			if c >= 'a' && c <= 'z' {
				return c
			}
			return -1
		}, strings.ToLower(py))
		if py != "" && !slices.Contains(out, py) {
			out = append(out, py)
		}
	}
	return out
}

// SearchNormalize prepares a search query for matching against names and
// SearchKeys. A query typed as separate syllables ("ku er le") is joined,
// because the keys hold the pinyin without separators; a query with Chinese
// characters keeps its blanks, which may separate words on purpose.
func SearchNormalize(q string) string {
	q = strings.ToLower(strings.TrimSpace(foldFullWidth(q)))
	fields := strings.Fields(q)
	if q != "" && strings.Trim(q, "abcdefghijklmnopqrstuvwxyz \t\r\n\v\f") == "" {
		return strings.Join(fields, "")
	}
	return strings.Join(fields, " ")
}

// PinyinKey is the key that sorts names the way a Chinese reader looks them
// up: by the pinyin of each character in turn (the most common reading of
// a 多音字), as a dictionary or a telephone list does, instead of by code
// point, which scatters 阿 and 安 far apart. Syllables are separated by a
// blank, which sorts before every letter, so 阿姨 (a yi) comes before 爱
// (ai). Characters without a reading (digits, Latin letters) stand for
// themselves, lower-cased.
func PinyinKey(name string) string {
	name = foldFullWidth(name)
	var b strings.Builder
	for _, r := range name {
		if py, ok := nameReadings[r]; ok {
			b.WriteString(py)
		} else if rs := runeReadings(r); rs != nil {
			b.WriteString(rs[0])
		} else if unicode.IsSpace(r) {
			continue
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// nameReadings are the readings of characters that names use in another
// reading than the dictionary gives first: 尉犁 is yù lí, 库尔勒 kù ěr lè,
// 乌什 wū shí, 长安 cháng ān, 成都 chéng dū, 西藏 xī zàng.
var nameReadings = map[rune]string{'尉': "yu", '勒': "le", '什': "shi", '长': "chang", '都': "du", '藏': "zang", '厦': "xia"}

// ComparePinyin orders two names by PinyinKey, and names that read the same
// by their characters, so that the order is always the same.
func ComparePinyin(a, b string) int {
	if c := strings.Compare(PinyinKey(a), PinyinKey(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// SortByPinyin sorts a list in place by the names key gives, in pinyin
// order. Each key is computed once.
func SortByPinyin[T any](list []T, name func(T) string) {
	keys := make(map[string]string, len(list))
	for _, x := range list {
		n := name(x)
		if _, ok := keys[n]; !ok {
			keys[n] = PinyinKey(n)
		}
	}
	slices.SortStableFunc(list, func(x, y T) int {
		a, b := name(x), name(y)
		if c := strings.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}
