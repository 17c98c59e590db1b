package ingest

import (
	"strings"

	"github.com/vikalp/vikalp"
)

// Category is the kind of nuisance or harassment a hotspot report is about.
type Category string

// The hotspot report taxonomy (ARCHITECTURE §1, issue 4).
const (
	CategoryStalking            Category = "stalking"
	CategoryCatcallingComments  Category = "catcalling_comments"
	CategoryGroping             Category = "groping"
	CategoryStaringFollowing    Category = "staring_following"
	CategoryIndecentExposure    Category = "indecent_exposure"
	CategoryDrunkGathering      Category = "drunk_gathering"
	CategoryPoorlyLitArea       Category = "poorly_lit_area"
	CategoryUnsafeTransportStop Category = "unsafe_transport_stop"
	CategoryOther               Category = "other"
)

// CategoryInfo is one category with its English and Hindi labels.
type CategoryInfo struct {
	Key     Category
	LabelEN string
	LabelHI string
}

var categories = []CategoryInfo{
	{CategoryStalking, "Stalking", "पीछा करना"},
	{CategoryCatcallingComments, "Catcalling / comments", "फब्तियाँ / अभद्र टिप्पणी"},
	{CategoryGroping, "Groping", "छेड़छाड़ / गलत तरीके से छूना"},
	{CategoryStaringFollowing, "Staring / following", "घूरना / पीछा करना"},
	{CategoryIndecentExposure, "Indecent exposure", "अश्लील प्रदर्शन"},
	{CategoryDrunkGathering, "Drunk gathering", "शराबियों का जमावड़ा"},
	{CategoryPoorlyLitArea, "Poorly lit area", "अंधेरा / कम रोशनी वाला स्थान"},
	{CategoryUnsafeTransportStop, "Unsafe transport stop", "असुरक्षित बस / ऑटो स्टैंड"},
	{CategoryOther, "Other", "अन्य"},
}

// Categories returns the taxonomy in display order.
func Categories() []CategoryInfo { return append([]CategoryInfo(nil), categories...) }

// Info returns c's labels; ok is false for an unknown category.
func (c Category) Info() (CategoryInfo, bool) {
	for _, info := range categories {
		if info.Key == c {
			return info, true
		}
	}
	return CategoryInfo{}, false
}

// ParseCategory accepts a category key, or its English or Hindi label, in
// any case. Anything else is a user-safe ErrInvalid listing the keys.
func ParseCategory(s string) (Category, error) {
	s = strings.TrimSpace(s)
	for _, info := range categories {
		if strings.EqualFold(s, string(info.Key)) || strings.EqualFold(s, info.LabelEN) || s == info.LabelHI {
			return info.Key, nil
		}
	}
	if s == "" {
		return "", vikalp.InvalidField("category", "required", "choose a category")
	}
	return "", vikalp.InvalidField("category", "unknown_category", "category must be one of "+categoryKeys())
}

func categoryKeys() string {
	keys := make([]string, len(categories))
	for i, info := range categories {
		keys[i] = string(info.Key)
	}
	return strings.Join(keys, ", ")
}
