package cases_test

import (
	"errors"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
)

// TestFilingChannels counts filings by the outreach link's src tag: per day
// and district, never with the complaint; a retried filing counts once; an
// unknown tag files normally and counts nowhere; numbers go to MSP and the
// district's officers only.
func TestFilingChannels(t *testing.T) {
	b := setup(t)
	withChannel := func(ch, key string) cases.FileInput {
		in := input()
		in.Channel, in.IdempotencyKey = ch, key
		return in
	}
	b.file(t, withChannel("poster", "channel-test-key-0001"))
	b.file(t, withChannel("poster", "channel-test-key-0001")) // her retry: the same complaint
	b.file(t, withChannel(" POSTER ", ""))
	b.file(t, withChannel("saathi", ""))
	b.file(t, withChannel("bogus-tag", ""))
	inB := withChannel("sticker", "")
	inB.Lat, inB.Lon = ptr(26.5), ptr(80.4) // district B
	b.file(t, inB)

	if n := b.count(t, `SELECT count(*) FROM complaints`); n != 5 {
		t.Fatalf("%d complaints; want 5 (the retry is the first one)", n)
	}
	if n := b.count(t, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'filing_channels'
		AND column_name NOT IN ('day', 'district_id', 'channel', 'filings')`); n != 0 {
		t.Errorf("filing_channels has %d columns beyond day, district, channel and count", n)
	}
	want := func(name string, st cases.ChannelStats, counts map[cases.Channel]int) {
		t.Helper()
		total := 0
		if len(st.Channels) != len(cases.Channels) {
			t.Errorf("%s: %d channels listed; want all %d", name, len(st.Channels), len(cases.Channels))
		}
		for _, c := range st.Channels {
			if c.Filings != counts[c.Channel] {
				t.Errorf("%s: %s = %d; want %d", name, c.Channel, c.Filings, counts[c.Channel])
			}
			total += c.Filings
		}
		if st.Total != total {
			t.Errorf("%s: total %d; want %d", name, st.Total, total)
		}
	}
	st, err := b.svc.FilingChannels(b.ctx, b.analyst, 30)
	if err != nil {
		t.Fatal(err)
	}
	want("MSP", st, map[cases.Channel]int{cases.ChannelPoster: 2, cases.ChannelSaathi: 1, cases.ChannelSticker: 1})
	st, err = b.svc.FilingChannels(b.ctx, b.nodalB, 30)
	if err != nil {
		t.Fatal(err)
	}
	want("nodal B", st, map[cases.Channel]int{cases.ChannelSticker: 1})
	st, err = b.svc.FilingChannels(b.ctx, b.spA, 30)
	if err != nil {
		t.Fatal(err)
	}
	want("SP A", st, map[cases.Channel]int{cases.ChannelPoster: 2, cases.ChannelSaathi: 1})

	// The window: a month later, a 7-day window holds nothing.
	b.clock.Advance(30 * 24 * time.Hour)
	if st, err = b.svc.FilingChannels(b.ctx, b.analyst, 7); err != nil || st.Total != 0 {
		t.Errorf("7 days a month later: %+v, %v", st, err)
	}
	if _, err := b.svc.FilingChannels(b.ctx, b.stationA1, 30); !errors.Is(err, vikalp.ErrForbidden) {
		t.Errorf("station: %v; want forbidden", err)
	}
	if _, err := b.svc.FilingChannels(b.ctx, b.ecell, 30); !errors.Is(err, vikalp.ErrForbidden) {
		t.Errorf("E-cell: %v; want forbidden", err)
	}
}
