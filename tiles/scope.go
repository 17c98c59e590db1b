package tiles

import (
	"strconv"

	"github.com/vikalp/vikalp/auth"
)

// Scope is the part of the map a tile may show: everything (All), or the
// rows of one district, station, PCR unit or AHTU. Exactly one of the ids is
// set when All is false; the store binds all of them, so an unset id (0)
// matches nothing.
type Scope struct {
	All        bool
	DistrictID int
	StationID  int64
	PCRUnitID  int64
	AHTUID     int
	// Moderation also shows rejected reports (moderators and admins).
	Moderation bool
}

// publicScope is what an anonymous caller's public view covers: the whole
// state, with the privacy filters of the layer applied.
var publicScope = Scope{All: true}

// ScopeOf returns the scope of a staff principal's jurisdiction.
func ScopeOf(p auth.Principal) Scope {
	s := Scope{Moderation: p.Has(auth.RoleModerator, auth.RoleAdmin)}
	switch p.Scope.Kind {
	case auth.ScopeState:
		s.All = true
	case auth.ScopeDistrict:
		s.DistrictID = int(p.Scope.ID)
	case auth.ScopeStation:
		s.StationID = p.Scope.ID
	case auth.ScopePCR:
		s.PCRUnitID = p.Scope.ID
	case auth.ScopeAHTU:
		s.AHTUID = int(p.Scope.ID)
	}
	return s
}

// Key identifies the scope in cache keys and ETags: two callers with the
// same key see the same tiles.
func (s Scope) Key() string {
	var k string
	switch {
	case s.All:
		k = "state"
	case s.DistrictID != 0:
		k = "district:" + strconv.Itoa(s.DistrictID)
	case s.StationID != 0:
		k = "station:" + strconv.FormatInt(s.StationID, 10)
	case s.PCRUnitID != 0:
		k = "pcr:" + strconv.FormatInt(s.PCRUnitID, 10)
	case s.AHTUID != 0:
		k = "ahtu:" + strconv.Itoa(s.AHTUID)
	default:
		k = "none"
	}
	if s.Moderation {
		k += "+moderation"
	}
	return k
}
