// Package netguard keeps outbound requests that an administrator configures
// (webhook URLs) away from the platform's own network: loopback, link-local
// (cloud metadata at 169.254.169.254), private, shared and other
// special-purpose addresses are refused unless a deployment allows a
// network explicitly (a police intranet's receivers, for example).
//
// The check runs on the address actually dialled, after DNS resolution and
// on every redirect hop, so a host name that resolves (or re-resolves) to an
// internal address is refused too.
package netguard

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"time"
)

// ErrRefused is wrapped by every refusal of Check, CheckHost and the
// Client's dialler, so callers can tell a refused address from a network
// failure (errors.Is) without reading the message.
var ErrRefused = errors.New("address not allowed")

// blocked are the special-purpose ranges (RFC 6890 and successors) a
// request may not reach unless allowed.
var blocked = mustPrefixes(
	"0.0.0.0/8",       // "this network"
	"10.0.0.0/8",      // private
	"100.64.0.0/10",   // carrier-grade NAT
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, cloud metadata
	"172.16.0.0/12",   // private
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation
	"192.88.99.0/24",  // 6to4 relay
	"192.168.0.0/16",  // private
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation
	"203.0.113.0/24",  // documentation
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, broadcast
	"::/128",          // unspecified
	"::1/128",         // loopback
	"64:ff9b:1::/48",  // local-use NAT64
	"100::/64",        // discard
	"2001::/23",       // IETF protocol assignments
	"2001:db8::/32",   // documentation
	"2002::/16",       // 6to4 (embeds an IPv4 address)
	"fc00::/7",        // unique local
	"fe80::/10",       // link-local
	"ff00::/8",        // multicast
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// Policy decides which addresses outbound requests may reach. The zero
// Policy refuses every special-purpose range.
type Policy struct {
	// Allow lists networks reachable even though they are special-purpose,
	// e.g. 10.20.0.0/16 for receivers on a police intranet.
	Allow []netip.Prefix
}

// String is the policy's allow-list in a canonical form: networks masked,
// sorted and without duplicates, comma-separated ("" when none). Two
// policies with the same String allow the same addresses.
func (p Policy) String() string {
	nets := make([]string, 0, len(p.Allow))
	for _, a := range p.Allow {
		nets = append(nets, a.Masked().String())
	}
	slices.Sort(nets)
	return strings.Join(slices.Compact(nets), ",")
}

// Fingerprint is the hex SHA-256 of String: what replicas compare to know
// they enforce the same policy (see notify's webhook policy).
func (p Policy) Fingerprint() string {
	sum := sha256.Sum256([]byte(p.String()))
	return hex.EncodeToString(sum[:])
}

// ParseAllow parses a comma-separated list of CIDR networks or single
// addresses ("10.20.0.0/16, 192.168.4.7").
func ParseAllow(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a network (10.20.0.0/16) nor an address", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// nat64 is the well-known NAT64 prefix (RFC 6052): its addresses reach the
// IPv4 address in their last four bytes, which is what is checked.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// Check returns an error when addr may not be reached.
func (p Policy) Check(addr netip.Addr) error {
	addr = addr.Unmap()
	if nat64.Contains(addr) {
		b := addr.As16()
		addr = netip.AddrFrom4([4]byte(b[12:]))
	}
	for _, a := range p.Allow {
		if a.Contains(addr) {
			return nil
		}
	}
	if addr.Zone() != "" {
		return fmt.Errorf("%w: %s is a scoped address, which is internal", ErrRefused, addr)
	}
	for _, b := range blocked {
		if b.Contains(addr) {
			return fmt.Errorf("%w: %s is internal or special-purpose (%s) and not in the allowed networks", ErrRefused, addr, b)
		}
	}
	return nil
}

// CheckHost refuses a URL host that is, literally, a refused address or
// "localhost". Names are resolved and checked only when dialled (Client),
// as an address checked now could change before then.
func (p Policy) CheckHost(host string) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return p.Check(netip.IPv6Loopback())
	}
	if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return p.Check(a)
	}
	return nil
}

// Client returns an HTTP client whose every connection is checked against
// the policy on the address dialled. It ignores proxy settings (a proxy
// would dial for it, unchecked) and follows no redirects: a 3xx answer is
// returned as it is.
func (p Policy) Client(timeout time.Duration) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	transport.DialContext = (&net.Dialer{Timeout: timeout, Control: p.control}).DialContext
	return &http.Client{
		Timeout:   timeout,
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// control runs after resolution, on the address about to be connected.
func (p Policy) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("netguard: %w", err)
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("netguard: dialled address %q: %w", host, err)
	}
	return p.Check(a)
}
