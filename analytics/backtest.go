package analytics

import "math"

// PAI returns the Predictive Accuracy Index of a hotspot map (Chainey,
// Tompson & Uhlig 2008): the share of crimes that fell in the hotspots over
// the share of the study area the hotspots cover,
//
//	PAI = (n/N) / (a/A)
//
// with n crimes in hotspots of area a, N crimes in the study area A. It is NaN
// when N, a or A is zero.
func PAI(n, total int, area, totalArea float64) float64 {
	if total == 0 || area <= 0 || totalArea <= 0 {
		return math.NaN()
	}
	return (float64(n) / float64(total)) / (area / totalArea)
}

// RRI returns the Recapture Rate Index (Levine 2008, used for hotspot maps by
// Chainey 2014): how the hotspots' share of crimes in the test period compares
// with their share in the period the map was made from,
//
//	RRI = (n2/n1) / (N2/N1)
//
// with n1, n2 the crimes in the hotspots and N1, N2 all crimes in the first
// and second period. It is NaN when n1, N1 or N2 is zero.
func RRI(n1, total1, n2, total2 int) float64 {
	if n1 == 0 || total1 == 0 || total2 == 0 {
		return math.NaN()
	}
	return (float64(n2) / float64(n1)) / (float64(total2) / float64(total1))
}
