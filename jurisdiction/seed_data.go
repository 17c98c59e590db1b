package jurisdiction

import "github.com/paulmach/orb"

// Demo jurisdiction data for SeedDemo. Positions are realistic-ish
// (neighbourhood centres, not surveyed buildings) and the codes, which follow
// "<district code>-<place>", are Vikalp's own; `vikalp import` of real unit
// files replaces them.

// demoUnit is an extra demo station or PCR unit inside a district.
type demoUnit struct {
	districtID int
	code       string
	nameEN     string
	nameHI     string
	lat, lon   float64
}

// demoStations are thanas added beside each district's default Mahila Thana
// in the big cities, so station areas and nearest-station routing have
// something to choose between.
var demoStations = []demoUnit{
	{162, "LKO-HAZ", "Hazratganj", "हजरतगंज", 26.8505, 80.9466},
	{162, "LKO-GOM", "Gomti Nagar", "गोमती नगर", 26.8565, 81.0050},
	{162, "LKO-ALI", "Aliganj", "अलीगंज", 26.8942, 80.9420},
	{162, "LKO-CHI", "Chinhat", "चिनहट", 26.8814, 81.0485},
	{162, "LKO-CHK", "Chowk", "चौक", 26.8680, 80.9110},
	{162, "LKO-ALM", "Alambagh", "आलमबाग", 26.8150, 80.9030},
	{157, "KNP-KAL", "Kalyanpur", "कल्याणपुर", 26.5100, 80.2480},
	{157, "KNP-SWN", "Swaroop Nagar", "स्वरूप नगर", 26.4780, 80.3170},
	{157, "KNP-KID", "Kidwai Nagar", "किदवई नगर", 26.4330, 80.3190},
	{187, "VNS-LNK", "Lanka", "लंका", 25.2820, 82.9990},
	{187, "VNS-CNT", "Cantonment", "कैंट", 25.3290, 82.9730},
	{187, "VNS-DSW", "Dashashwamedh", "दशाश्वमेध", 25.3070, 83.0100},
	{120, "PRG-CVL", "Civil Lines", "सिविल लाइंस", 25.4520, 81.8330},
	{120, "PRG-DRG", "Daraganj", "दारागंज", 25.4400, 81.8840},
	{118, "AGR-TAJ", "Tajganj", "ताजगंज", 27.1620, 78.0420},
	{118, "AGR-HRP", "Hari Parvat", "हरीपर्वत", 27.2000, 78.0050},
	{145, "GZB-MRD", "Muradnagar", "मुरादनगर", 28.7800, 77.4990},
	{145, "GZB-KVN", "Kavi Nagar", "कविनगर", 28.6700, 77.4450},
	{144, "GBN-S20", "Sector 20 Noida", "सेक्टर 20 नोएडा", 28.5830, 77.3200},
	{144, "GBN-BT2", "Beta 2 Greater Noida", "बीटा 2 ग्रेटर नोएडा", 28.4720, 77.5100},
	{169, "MRT-LLK", "Lalkurti", "लालकुर्ती", 28.9930, 77.6960},
	{169, "MRT-CVL", "Civil Lines", "सिविल लाइंस", 29.0050, 77.7200},
	{148, "GKP-CNT", "Cantt", "कैंट", 26.7550, 83.3800},
	{148, "GKP-GRN", "Gorakhnath", "गोरखनाथ", 26.7800, 83.3600},
}

// demoPCRUnits are control-room units added in Lucknow beside the one per
// district, so zones and nearest-unit routing can be seen on the map.
var demoPCRUnits = []demoUnit{
	{162, "LKO-PCR-N", "PCR Lucknow North", "पीसीआर लखनऊ उत्तर", 26.8950, 80.9400},
	{162, "LKO-PCR-E", "PCR Lucknow East", "पीसीआर लखनऊ पूर्व", 26.8550, 81.0050},
	{162, "LKO-PCR-S", "PCR Lucknow South", "पीसीआर लखनऊ दक्षिण", 26.8150, 80.9050},
	{162, "LKO-PCR-W", "PCR Lucknow West", "पीसीआर लखनऊ पश्चिम", 26.8450, 80.8700},
}

// demoAHTUs assigns all 75 districts to the 35 units: one unit per police
// range over its remaining districts, a unit of its own for each of the 7
// commissionerates and for each of the 7 Nepal-border districts (the
// trafficking routes), and the three largest remaining ranges split in two.
// The first district of each entry is the unit's HQ.
var demoAHTUs = [AHTUCount][]int{
	{162},                     // Lucknow (commissionerate)
	{157},                     // Kanpur Nagar (commissionerate)
	{187},                     // Varanasi (commissionerate)
	{120},                     // Prayagraj (commissionerate)
	{118, 167},                // Agra (commissionerate) with Mathura
	{145},                     // Ghaziabad (commissionerate)
	{144},                     // Gautam Buddha Nagar (commissionerate)
	{169, 124, 134, 661},      // Meerut range: Meerut, Baghpat, Bulandshahr, Hapur
	{177, 172, 660},           // Saharanpur range: Saharanpur, Muzaffarnagar, Shamli
	{171, 176, 659},           // Moradabad, Rampur, Sambhal
	{132, 154},                // Bijnor, Amroha
	{130, 133, 180},           // Bareilly, Budaun, Shahjahanpur
	{173},                     // Pilibhit (Nepal border)
	{159},                     // Lakhimpur Kheri (Nepal border)
	{183, 150},                // Sitapur, Hardoi
	{186, 175},                // Unnao, Rae Bareli
	{140, 121, 640, 129, 185}, // Ayodhya range
	{147},                     // Gonda
	{125},                     // Bahraich (Nepal border)
	{181},                     // Shrawasti (Nepal border)
	{127},                     // Balrampur (Nepal border)
	{131, 178},                // Basti, Sant Kabir Nagar
	{182},                     // Siddharthnagar (Nepal border)
	{148, 137, 160},           // Gorakhpur, Deoria, Kushinagar
	{164},                     // Maharajganj (Nepal border)
	{123, 126, 168},           // Azamgarh range: Azamgarh, Ballia, Mau
	{146, 135, 152},           // Ghazipur, Chandauli, Jaunpur
	{170, 179, 184},           // Mirzapur range: Mirzapur, Bhadohi, Sonbhadra
	{174, 142, 158},           // Pratapgarh, Fatehpur, Kaushambi
	{128, 136, 149, 165},      // Chitrakoot Dham range: Banda, Chitrakoot, Hamirpur, Mahoba
	{153, 151, 161},           // Jhansi range: Jhansi, Jalaun, Lalitpur
	{139, 122},                // Etawah, Auraiya
	{155, 141, 156},           // Kannauj, Farrukhabad, Kanpur Dehat
	{119, 138, 163, 633},      // Aligarh range: Aligarh, Etah, Hathras, Kasganj
	{143, 166},                // Firozabad, Mainpuri
}

func pointOf(u demoUnit) orb.Point { return orb.Point{u.lon, u.lat} }
