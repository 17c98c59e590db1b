package vikalp

import (
	"slices"
	"strings"
)

// Term is one entry of a fixed bilingual taxonomy (the complaint categories,
// the hotspot report categories): the stable code stored in the database and
// sent over the API, and its English and Hindi labels.
type Term[C ~string] struct {
	Code    C
	LabelEN string
	LabelHI string
}

// Label returns the term's label in lang: Hindi for "hi", else English.
func (t Term[C]) Label(lang string) string {
	if lang == "hi" {
		return t.LabelHI
	}
	return t.LabelEN
}

// Taxonomy is a fixed list of terms in display order. Adding a term is a
// code change, never data.
type Taxonomy[C ~string] []Term[C]

// Terms returns a copy of the terms in display order.
func (x Taxonomy[C]) Terms() []Term[C] { return slices.Clone(x) }

// Lookup returns the term with code c; ok is false for a code outside x.
func (x Taxonomy[C]) Lookup(c C) (t Term[C], ok bool) {
	i := slices.IndexFunc(x, func(t Term[C]) bool { return t.Code == c })
	if i < 0 {
		return Term[C]{}, false
	}
	return x[i], true
}

// Parse accepts a code or an English label in any case, or a Hindi label;
// ok is false for anything else.
func (x Taxonomy[C]) Parse(s string) (c C, ok bool) {
	s = strings.TrimSpace(s)
	for _, t := range x {
		if strings.EqualFold(s, string(t.Code)) || strings.EqualFold(s, t.LabelEN) || s == t.LabelHI {
			return t.Code, true
		}
	}
	return "", false
}

// Codes lists the codes, comma-separated, for error messages.
func (x Taxonomy[C]) Codes() string {
	codes := make([]string, len(x))
	for i, t := range x {
		codes[i] = string(t.Code)
	}
	return strings.Join(codes, ", ")
}
