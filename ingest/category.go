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
type CategoryInfo = vikalp.Term[Category]

var categories = vikalp.Taxonomy[Category]{
	{Code: CategoryStalking, LabelEN: "Stalking", LabelHI: "पीछा करना"},
	{Code: CategoryCatcallingComments, LabelEN: "Catcalling / comments", LabelHI: "फब्तियाँ / अभद्र टिप्पणी"},
	{Code: CategoryGroping, LabelEN: "Groping", LabelHI: "छेड़छाड़ / गलत तरीके से छूना"},
	{Code: CategoryStaringFollowing, LabelEN: "Staring / following", LabelHI: "घूरना / पीछा करना"},
	{Code: CategoryIndecentExposure, LabelEN: "Indecent exposure", LabelHI: "अश्लील प्रदर्शन"},
	{Code: CategoryDrunkGathering, LabelEN: "Drunk gathering", LabelHI: "शराबियों का जमावड़ा"},
	{Code: CategoryPoorlyLitArea, LabelEN: "Poorly lit area", LabelHI: "अंधेरा / कम रोशनी वाला स्थान"},
	{Code: CategoryUnsafeTransportStop, LabelEN: "Unsafe transport stop", LabelHI: "असुरक्षित बस / ऑटो स्टैंड"},
	{Code: CategoryOther, LabelEN: "Other", LabelHI: "अन्य"},
}

// Categories returns the taxonomy in display order.
func Categories() []CategoryInfo { return categories.Terms() }

// Info returns c's labels; ok is false for an unknown category.
func (c Category) Info() (CategoryInfo, bool) { return categories.Lookup(c) }

// ParseCategory accepts a category key, or its English or Hindi label, in
// any case. Anything else is a user-safe ErrInvalid listing the keys.
func ParseCategory(s string) (Category, error) {
	if c, ok := categories.Parse(s); ok {
		return c, nil
	}
	if strings.TrimSpace(s) == "" {
		return "", vikalp.InvalidField("category", "required", "choose a category")
	}
	return "", vikalp.InvalidField("category", "unknown_category", "category must be one of "+categories.Codes())
}
