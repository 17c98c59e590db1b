package auth

import (
	"errors"
	"testing"

	"github.com/vikalp/vikalp"
)

func TestParseScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Scope
		wantErr bool
	}{
		{in: "state", want: StateScope},
		{in: "state:0", want: StateScope},
		{in: "district:162", want: Scope{Kind: ScopeDistrict, ID: 162}},
		{in: " station:12 ", want: Scope{Kind: ScopeStation, ID: 12}},
		{in: "ahtu:3", want: Scope{Kind: ScopeAHTU, ID: 3}},
		{in: "pcr:7", want: Scope{Kind: ScopePCR, ID: 7}},
		{in: "", wantErr: true},
		{in: "district", wantErr: true},
		{in: "district:0", wantErr: true},
		{in: "district:-4", wantErr: true},
		{in: "district:x", wantErr: true},
		{in: "state:9", wantErr: true},
		{in: "village:1", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseScope(tt.in)
		if tt.wantErr {
			if !errors.Is(err, vikalp.ErrInvalid) {
				t.Errorf("ParseScope(%q) = %v, %v; want ErrInvalid", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseScope(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if again, err := ParseScope(got.String()); err != nil || again != got {
			t.Errorf("ParseScope(%q.String()) = %v, %v", tt.in, again, err)
		}
	}
}

func TestValidateAssignment(t *testing.T) {
	t.Parallel()
	district := Scope{Kind: ScopeDistrict, ID: 162}
	tests := []struct {
		role  Role
		scope Scope
		ok    bool
	}{
		{RoleStation, Scope{Kind: ScopeStation, ID: 4}, true},
		{RoleStation, district, false},
		{RoleNodal, district, true},
		{RoleNodal, StateScope, false},
		{RoleSP, district, true},
		{RoleSP, Scope{Kind: ScopeStation, ID: 4}, false},
		{RoleMSPAnalyst, StateScope, true},
		{RoleMSPLegal, district, false},
		{RoleAHTU, Scope{Kind: ScopeAHTU, ID: 3}, true},
		{RoleAHTU, StateScope, true},
		{RoleAHTU, district, false},
		{RolePCR, Scope{Kind: ScopePCR, ID: 7}, true},
		{RolePCR, district, true},
		{RolePCR, StateScope, false},
		{RoleECell, district, true},
		{RoleECell, StateScope, true},
		{RoleECell, Scope{Kind: ScopeStation, ID: 4}, false},
		{RoleModerator, StateScope, true},
		{RoleAdmin, StateScope, true},
		{RoleAdmin, district, false},
		{Role("chief"), StateScope, false},
		{RoleAdmin, Scope{Kind: ScopeState, ID: 3}, false},
	}
	for _, tt := range tests {
		err := ValidateAssignment(tt.role, tt.scope)
		if tt.ok && err != nil || !tt.ok && !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("ValidateAssignment(%s, %s) = %v; want ok %v", tt.role, tt.scope, err, tt.ok)
		}
	}
	for _, r := range Roles() {
		if !r.Valid() || len(r.ScopeKinds()) == 0 {
			t.Errorf("role %s has no scope kinds", r)
		}
	}
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	if r, err := ParseRole(" msp_legal "); err != nil || r != RoleMSPLegal {
		t.Fatalf("ParseRole = %v, %v", r, err)
	}
	if _, err := ParseRole("superuser"); !errors.Is(err, vikalp.ErrInvalid) {
		t.Fatalf("ParseRole(superuser) error = %v, want ErrInvalid", err)
	}
}

func TestPrincipalContext(t *testing.T) {
	t.Parallel()
	if _, ok := FromContext(t.Context()); ok {
		t.Fatal("empty context has a principal")
	}
	p := Principal{UserID: 4, Role: RoleSP, Scope: Scope{Kind: ScopeDistrict, ID: 162}}
	got, ok := FromContext(WithPrincipal(t.Context(), p))
	if !ok || got != p || !got.Has(RoleNodal, RoleSP) || got.Has(RoleAdmin) {
		t.Fatalf("FromContext = %+v, %v", got, ok)
	}
}
