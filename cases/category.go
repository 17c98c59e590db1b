package cases

import "github.com/vikalp/vikalp"

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
type CategoryInfo = vikalp.Term[Category]

var categories = vikalp.Taxonomy[Category]{
	{Code: CategoryDomesticViolence, LabelEN: "Domestic violence", LabelHI: "घरेलू हिंसा"},
	{Code: CategoryDowryHarassment, LabelEN: "Dowry harassment", LabelHI: "दहेज उत्पीड़न"},
	{Code: CategoryStalking, LabelEN: "Stalking", LabelHI: "पीछा करना"},
	{Code: CategoryPublicSexualHarassment, LabelEN: "Sexual harassment in public", LabelHI: "सार्वजनिक स्थान पर यौन उत्पीड़न"},
	{Code: CategoryWorkplaceHarassment, LabelEN: "Workplace harassment", LabelHI: "कार्यस्थल पर उत्पीड़न"},
	{Code: CategoryCyberHarassment, LabelEN: "Cyber harassment", LabelHI: "साइबर उत्पीड़न"},
	{Code: CategoryThreatsIntimidation, LabelEN: "Threats or intimidation", LabelHI: "धमकी या डराना"},
	{Code: CategoryTraffickingSuspicion, LabelEN: "Suspected trafficking", LabelHI: "मानव तस्करी का संदेह"},
	{Code: CategoryOther, LabelEN: "Other", LabelHI: "अन्य"},
}

// Categories returns the taxonomy in display order. The slice is a copy.
func Categories() []CategoryInfo { return categories.Terms() }

// Valid reports whether c is part of the taxonomy.
func (c Category) Valid() bool {
	_, ok := categories.Lookup(c)
	return ok
}

// Label returns c's label in lang (English for an unknown language), or the
// raw code for a category outside the taxonomy.
func (c Category) Label(lang Language) string {
	if t, ok := categories.Lookup(c); ok {
		return t.Label(string(lang))
	}
	return string(c)
}
