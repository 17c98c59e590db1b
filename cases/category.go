package cases

import "slices"

// Language is the language of a complaint's text or of a message shown to a
// person: English or Hindi.
type Language string

// The two languages Vikalp speaks.
const (
	English Language = "en"
	Hindi   Language = "hi"
)

// Valid reports whether l is a supported language.
func (l Language) Valid() bool { return l == English || l == Hindi }

// orEnglish returns l, or English when l is not a supported language; used
// for the language of error messages, which must never fail.
func (l Language) orEnglish() Language {
	if l.Valid() {
		return l
	}
	return English
}

// Category is one entry of the fixed complaint taxonomy. Its string is the
// stable code stored in the database and sent over the API.
type Category string

// The complaint taxonomy (issue 3). Adding one is a code change, never data.
const (
	CategoryDomesticViolence       Category = "domestic_violence"
	CategoryDowryHarassment        Category = "dowry_harassment"
	CategoryStalking               Category = "stalking"
	CategoryPublicSexualHarassment Category = "public_sexual_harassment"
	CategoryWorkplaceHarassment    Category = "workplace_harassment"
	CategoryCyberHarassment        Category = "cyber_harassment"
	CategoryThreatsIntimidation    Category = "threats_intimidation"
	CategoryTraffickingSuspicion   Category = "trafficking_suspicion"
	CategoryOther                  Category = "other"
)

// CategoryInfo is a category with its English and Hindi labels, for forms.
type CategoryInfo struct {
	Code    Category
	LabelEN string
	LabelHI string
}

var categories = []CategoryInfo{
	{CategoryDomesticViolence, "Domestic violence", "घरेलू हिंसा"},
	{CategoryDowryHarassment, "Dowry harassment", "दहेज उत्पीड़न"},
	{CategoryStalking, "Stalking", "पीछा करना"},
	{CategoryPublicSexualHarassment, "Sexual harassment in public", "सार्वजनिक स्थान पर यौन उत्पीड़न"},
	{CategoryWorkplaceHarassment, "Workplace harassment", "कार्यस्थल पर उत्पीड़न"},
	{CategoryCyberHarassment, "Cyber harassment", "साइबर उत्पीड़न"},
	{CategoryThreatsIntimidation, "Threats or intimidation", "धमकी या डराना"},
	{CategoryTraffickingSuspicion, "Suspected trafficking", "मानव तस्करी का संदेह"},
	{CategoryOther, "Other", "अन्य"},
}

// Categories returns the taxonomy in display order. The slice is a copy.
func Categories() []CategoryInfo { return slices.Clone(categories) }

// Valid reports whether c is part of the taxonomy.
func (c Category) Valid() bool {
	return slices.ContainsFunc(categories, func(i CategoryInfo) bool { return i.Code == c })
}

// Label returns c's label in lang (English for an unknown language), or the
// raw code for a category outside the taxonomy.
func (c Category) Label(lang Language) string {
	for _, i := range categories {
		if i.Code == c {
			if lang == Hindi {
				return i.LabelHI
			}
			return i.LabelEN
		}
	}
	return string(c)
}
