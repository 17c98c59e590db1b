package forecast

// Prospective hotspotting's published extent (Bowers, Johnson & Pease 2004).
const (
	ProspectiveRadiusM = 400 // metres
	ProspectiveWeeks   = 8   // two months
)

// quartic returns the unnormalised quartic (biweight) kernel of bandwidth h
// at distance d: (1 − d²/h²)² for d < h, else 0. It is 1 at d = 0.
func quartic(d, h float64) float64 {
	if d >= h || h <= 0 {
		return 0
	}
	u := 1 - d*d/(h*h)
	return u * u
}

// kernel is how one event's weight is spread over the resolution-9 lattice
// around its cell. The zero kernel keeps it in its cell.
type kernel struct {
	bowers    bool    // prospective hotspotting bands, else quartic
	bandwidth float64 // metres (the radius of the Bowers bands)
}

func (k kernel) none() bool { return k.bandwidth == 0 }

// weights returns the kernel's value for each neighbour at the given centre
// distances (metres) and H3 grid distances (rings). A quartic kernel is
// normalised so one event spreads exactly its weight: smoothing moves mass,
// it never adds any. Bowers' bands are not normalised, as published: the
// event's own cell gets 1, the first ring ½, within the radius.
func (k kernel) weights(dist []float64, ring []int, out []float64) []float64 {
	out = out[:0]
	var sum float64
	for i, d := range dist {
		var v float64
		switch {
		case d >= k.bandwidth:
		case k.bowers:
			v = 1 / float64(1+ring[i])
		default:
			v = quartic(d, k.bandwidth)
		}
		out = append(out, v)
		sum += v
	}
	if !k.bowers && sum > 0 {
		for i := range out {
			out[i] /= sum
		}
	}
	return out
}

// spread lists, for each resolution-9 source cell of a History, the layer
// cells its weight reaches under one kernel and the share each gets.
type spread struct {
	start []int32 // entries of source s are [start[s], start[s+1])
	to    []int32 // layer cell index
	mass  []float64
}

// apply adds the layer surface of per-source weights tw to out.
func (sp *spread) apply(tw []float64, out []float64) []float64 {
	for s, w := range tw {
		if w == 0 {
			continue
		}
		for e := sp.start[s]; e < sp.start[s+1]; e++ {
			out[sp.to[e]] += w * sp.mass[e]
		}
	}
	return out
}
