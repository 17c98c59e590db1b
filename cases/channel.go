package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// Channel is how a woman reached Vikalp when she filed: the outreach
// material whose link or QR code she followed (the link's src tag). It is
// counted per day and district, never stored with her complaint, so no
// channel figure leads to a person.
type Channel string

// The outreach channels a filing link may name.
const (
	ChannelPoster    Channel = "poster"
	ChannelStandee   Channel = "standee"
	ChannelSticker   Channel = "sticker"
	ChannelHandbill  Channel = "handbill"
	ChannelSaathi    Channel = "saathi"    // a SAATHI citizen cadet shared the link
	ChannelNewspaper Channel = "newspaper" // a newspaper insert
	ChannelRubaru    Channel = "rubaru"    // the RU-BA-RU outreach programme
)

// Channels lists every channel in the order the dashboard shows them.
var Channels = []Channel{ChannelPoster, ChannelStandee, ChannelSticker, ChannelHandbill, ChannelSaathi,
	ChannelNewspaper, ChannelRubaru}

// ParseChannel reads a link's src tag; anything unknown (a mangled or
// home-made link) is no channel, never an error: a typo in a poster's
// link must not stop her filing.
func ParseChannel(s string) (Channel, bool) {
	c := Channel(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Channels {
		if c == known {
			return c, true
		}
	}
	return "", false
}

// ChannelCount is how many complaints came through one channel.
type ChannelCount struct {
	Channel Channel `db:"channel"`
	Filings int     `db:"filings"`
}

// ChannelStats are the filings by channel over the last Days days (IST).
type ChannelStats struct {
	Days     int
	From     time.Time // first day counted (IST midnight)
	Channels []ChannelCount
	Total    int
}

// MaxChannelDays bounds the window the dashboard may ask for.
const MaxChannelDays = 730

// FilingChannels counts the complaints filed through each outreach channel
// in p's scope over the last days days (every channel listed, zeros
// included). Numbers only: MSP for the state, SP and nodal officers for
// their district.
func (s *Service) FilingChannels(ctx context.Context, p auth.Principal, days int) (ChannelStats, error) {
	if err := requireRole(p, auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleSP, auth.RoleNodal); err != nil {
		return ChannelStats{}, err
	}
	v, err := visibility(p)
	if err != nil {
		return ChannelStats{}, err
	}
	if days <= 0 || days > MaxChannelDays {
		days = 90
	}
	today := s.now().In(vikalp.IST)
	from := time.Date(today.Year(), today.Month(), today.Day()-days+1, 0, 0, 0, 0, vikalp.IST)
	counts, err := NewChannelStore(s.db).Counts(ctx, v.DistrictID, from)
	if err != nil {
		return ChannelStats{}, fmt.Errorf("filing channels: %w", err)
	}
	st := ChannelStats{Days: days, From: from}
	for _, ch := range Channels {
		n := counts[ch]
		st.Channels = append(st.Channels, ChannelCount{Channel: ch, Filings: n})
		st.Total += n
	}
	return st, nil
}
