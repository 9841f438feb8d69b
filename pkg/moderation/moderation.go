// Package moderation finds sensitive words in user text with an
// Aho–Corasick automaton (github.com/coregx/ahocorasick), so checking a
// text costs the same however long the word list is. Matching ignores
// letter case and invisible formatting characters (a zero-width space
// inside a word does not hide it). Which fields are refused and which are
// masked is the caller's choice; see docs/errors.md.
package moderation

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coregx/ahocorasick"
)

//go:embed words.txt
var defaultWords string

// NoList is the Load source that turns filtering off.
const NoList = "none"

// Filter finds the words of one list; a nil *Filter finds nothing.
type Filter struct {
	ac *ahocorasick.Automaton
}

// Load builds the filter configured by source: "" is the list built into
// the binary, NoList is no filtering (nil), anything else a list file.
func Load(source string) (*Filter, error) {
	switch source {
	case "":
		return Parse(strings.NewReader(defaultWords))
	case NoList:
		return nil, nil
	}
	f, err := os.Open(source)
	if err != nil {
		return nil, fmt.Errorf("moderation word list: %w", err)
	}
	defer f.Close()
	return Parse(f)
}

// Parse reads a list: one word or phrase per line; blank lines and lines
// starting with # are skipped. An empty list gives a nil filter.
func Parse(r io.Reader) (*Filter, error) {
	var words []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if w := normalize(line).text; w != "" {
			words = append(words, w)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("moderation word list: %w", err)
	}
	return New(words)
}

// New builds a filter of words (nil for none).
func New(words []string) (*Filter, error) {
	if len(words) == 0 {
		return nil, nil
	}
	ac, err := ahocorasick.NewBuilder().SetMatchKind(ahocorasick.LeftmostLongest).AddStrings(words).Build()
	if err != nil {
		return nil, fmt.Errorf("moderation: %w", err)
	}
	return &Filter{ac: ac}, nil
}

// Contains reports whether s holds a listed word.
func (f *Filter) Contains(s string) bool {
	if f == nil {
		return false
	}
	return f.ac.IsMatch([]byte(normalize(s).text))
}

// Mask replaces every character of every listed word in s with '*',
// including any invisible characters hidden inside the word.
func (f *Filter) Mask(s string) string {
	if f == nil {
		return s
	}
	n := normalize(s)
	matches := f.ac.FindAllOverlapping([]byte(n.text))
	if len(matches) == 0 {
		return s
	}
	runes := []rune(s)
	for _, m := range matches {
		for i := n.runeAt[m.Start]; i <= n.runeAt[m.End-1]; i++ {
			runes[i] = '*'
		}
	}
	return string(runes)
}

// normalized is text as it is matched, with runeAt[i] the index in the
// original text's runes of the rune that byte i of text came from.
type normalized struct {
	text   string
	runeAt []int
}

// normalize lowers the case of s and drops its format (Cf) characters.
func normalize(s string) normalized {
	var b strings.Builder
	runeAt := make([]int, 0, len(s))
	i := 0
	for _, r := range s {
		if !unicode.Is(unicode.Cf, r) {
			lower := unicode.ToLower(r)
			for range utf8.RuneLen(lower) {
				runeAt = append(runeAt, i)
			}
			b.WriteRune(lower)
		}
		i++
	}
	return normalized{text: b.String(), runeAt: runeAt}
}

// BuiltIn is the filter of the list built into the binary (what Load("")
// gives); the list is compiled in and tested, so it cannot fail.
func BuiltIn() *Filter {
	f, err := Load("")
	if err != nil {
		panic(err)
	}
	return f
}
