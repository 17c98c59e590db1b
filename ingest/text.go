package ingest

import (
	"fmt"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/text"
)

// cleanList cleans each item of a short list (vehicle numbers, phone
// numbers, descriptions of people) with text.Field, dropping empty items.
func cleanList(field string, items []string, maxItems, maxRunes int) ([]string, error) {
	out := make([]string, 0, len(items))
	for _, it := range items {
		c, err := text.Field(field, it, maxRunes)
		if err != nil {
			return nil, err
		}
		if c != "" {
			out = append(out, c)
		}
	}
	if len(out) > maxItems {
		return nil, vikalp.InvalidField(field, "too_many", fmt.Sprintf("give at most %d entries", maxItems))
	}
	return out, nil
}
