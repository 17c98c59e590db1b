package auth

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vikalp/vikalp"
)

// Role is what a staff member does. Every user has exactly one.
type Role string

// The roles of Vikalp's staff.
const (
	RoleECell      Role = "ecell"       // E-cell staff filing complaints for women
	RoleStation    Role = "station"     // police station officer: works the queue, files ATRs
	RoleNodal      Role = "nodal"       // district nodal officer: vets ATRs
	RoleSP         Role = "sp"          // Superintendent of Police of a district
	RoleMSPAnalyst Role = "msp_analyst" // Mahila Samman Prakoshth analyst (state)
	RoleMSPLegal   Role = "msp_legal"   // Mahila Samman Prakoshth legal vetting (state)
	RoleAHTU       Role = "ahtu"        // Anti-Human Trafficking Unit investigator
	RolePCR        Role = "pcr"         // police control room dispatcher
	RoleModerator  Role = "moderator"   // moderates public hotspot reports (state)
	RoleAdmin      Role = "admin"       // manages accounts (state)
)

// roleScopes lists, for each role, the scope kinds it may hold.
var roleScopes = map[Role][]ScopeKind{
	RoleECell:      {ScopeDistrict, ScopeState},
	RoleStation:    {ScopeStation},
	RoleNodal:      {ScopeDistrict},
	RoleSP:         {ScopeDistrict},
	RoleMSPAnalyst: {ScopeState},
	RoleMSPLegal:   {ScopeState},
	RoleAHTU:       {ScopeAHTU, ScopeState},
	RolePCR:        {ScopePCR, ScopeDistrict},
	RoleModerator:  {ScopeState},
	RoleAdmin:      {ScopeState},
}

// Roles returns every role in a stable order.
func Roles() []Role {
	return []Role{RoleECell, RoleStation, RoleNodal, RoleSP, RoleMSPAnalyst, RoleMSPLegal,
		RoleAHTU, RolePCR, RoleModerator, RoleAdmin}
}

// ParseRole returns the role named s, or an ErrInvalid naming the choices.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(s))
	if !r.Valid() {
		return "", vikalp.InvalidField("role", "unknown_role",
			fmt.Sprintf("role must be one of %s", joinRoles(Roles())))
	}
	return r, nil
}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	_, ok := roleScopes[r]
	return ok
}

// AllowsScope reports whether a user with role r may hold a scope of kind k.
func (r Role) AllowsScope(k ScopeKind) bool {
	for _, allowed := range roleScopes[r] {
		if allowed == k {
			return true
		}
	}
	return false
}

// ScopeKinds returns the scope kinds role r may hold, most specific first.
func (r Role) ScopeKinds() []ScopeKind {
	return append([]ScopeKind(nil), roleScopes[r]...)
}

// String implements fmt.Stringer.
func (r Role) String() string { return string(r) }

// ValidateAssignment checks that role and scope are valid and suit each
// other, returning an ErrInvalid with a user-safe message otherwise.
func ValidateAssignment(role Role, scope Scope) error {
	if !role.Valid() {
		return vikalp.InvalidField("role", "unknown_role",
			fmt.Sprintf("role must be one of %s", joinRoles(Roles())))
	}
	if err := scope.Validate(); err != nil {
		return err
	}
	if !role.AllowsScope(scope.Kind) {
		return vikalp.InvalidField("scope", "scope_not_allowed",
			fmt.Sprintf("a %s user needs a scope of kind %s", role, joinKinds(role.ScopeKinds())))
	}
	return nil
}

// ScopeKind is the level of jurisdiction a scope covers.
type ScopeKind string

// The kinds of jurisdiction a user can be scoped to.
const (
	ScopeState    ScopeKind = "state"    // all of Uttar Pradesh; the scope id is 0
	ScopeDistrict ScopeKind = "district" // one district, by LGD code
	ScopeStation  ScopeKind = "station"  // one police station
	ScopeAHTU     ScopeKind = "ahtu"     // one Anti-Human Trafficking Unit
	ScopePCR      ScopeKind = "pcr"      // one police control room unit
)

// Valid reports whether k is one of the defined scope kinds.
func (k ScopeKind) Valid() bool {
	switch k {
	case ScopeState, ScopeDistrict, ScopeStation, ScopeAHTU, ScopePCR:
		return true
	}
	return false
}

// Scope is the jurisdiction a user acts in: a kind and the id of the unit
// (0 for the state).
type Scope struct {
	Kind ScopeKind
	ID   int64
}

// StateScope is the scope covering all of Uttar Pradesh.
var StateScope = Scope{Kind: ScopeState}

// ParseScope parses "state" (or "state:0") and "KIND:ID" such as
// "district:162", returning an ErrInvalid with a user-safe message otherwise.
func ParseScope(s string) (Scope, error) {
	s = strings.TrimSpace(s)
	kind, idText, hasID := strings.Cut(s, ":")
	sc := Scope{Kind: ScopeKind(kind)}
	if hasID {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			return Scope{}, errBadScope
		}
		sc.ID = id
	} else if sc.Kind != ScopeState {
		return Scope{}, errBadScope
	}
	if err := sc.Validate(); err != nil {
		return Scope{}, err
	}
	return sc, nil
}

var errBadScope = vikalp.InvalidField("scope", "bad_scope",
	`scope must look like "state", "district:162", "station:12", "ahtu:3" or "pcr:7"`)

// Validate checks the kind and that the id is 0 for the state and positive
// otherwise.
func (s Scope) Validate() error {
	if !s.Kind.Valid() {
		return errBadScope
	}
	if (s.Kind == ScopeState) != (s.ID == 0) || s.ID < 0 {
		return vikalp.InvalidField("scope", "bad_scope_id",
			"the state scope has no id; every other scope needs a positive id")
	}
	return nil
}

// String returns "state" or "KIND:ID", the form ParseScope reads.
func (s Scope) String() string {
	if s.Kind == ScopeState {
		return string(ScopeState)
	}
	return string(s.Kind) + ":" + strconv.FormatInt(s.ID, 10)
}

func joinRoles(rs []Role) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ", ")
}

func joinKinds(ks []ScopeKind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = string(k)
	}
	return strings.Join(parts, " or ")
}
