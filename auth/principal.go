package auth

import "context"

// Principal is an authenticated caller: who they are, their role and the
// jurisdiction they act in. Handlers put it in the request context; domain
// code scopes every query by it.
type Principal struct {
	UserID      int64
	Username    string
	DisplayName string
	Role        Role
	Scope       Scope
}

// Has reports whether p holds one of roles.
func (p Principal) Has(roles ...Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

type principalKey struct{}

// WithPrincipal returns a copy of ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal in ctx and whether there is one; an
// anonymous caller has none.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.UserID != 0
}
