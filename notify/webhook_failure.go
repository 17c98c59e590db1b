package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"

	"github.com/vikalp/vikalp/internal/netguard"
)

// Short reasons for a failed delivery attempt, the only failure text stored
// in deliveries and shown to administrators. Go's error text is not: it
// carries the receiver's URL (query tokens included), the addresses it
// resolved to and the internal DNS resolver's address ("lookup x on
// 10.0.0.2:53"). That detail goes to the log (failureDetail).
const (
	reasonNotAllowed   = "address not allowed"
	reasonTimeout      = "timeout"
	reasonRefused      = "connection refused"
	reasonReset        = "connection reset"
	reasonUnreachable  = "host unreachable"
	reasonHostNotFound = "host not found"
	reasonDNS          = "DNS lookup failed"
	reasonTLS          = "TLS error"
	reasonFailed       = "request failed"
	// reasonPolicy: this worker's allow-list is not the recorded one
	// (ErrWebhookPolicyMismatch), so it did not send.
	reasonPolicy = "webhook policy differs between replicas"
)

// failureReason returns the short reason for an attempt that got status
// code (0 when no response came) and failed with err.
func failureReason(code int, err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case code != 0:
		return fmt.Sprintf("HTTP %d", code)
	case errors.Is(err, ErrWebhookPolicyMismatch):
		return reasonPolicy
	case errors.Is(err, netguard.ErrRefused):
		return reasonNotAllowed
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return reasonTimeout
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return reasonHostNotFound
	case errors.As(err, &dnsErr):
		return reasonDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return reasonRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return reasonReset
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return reasonUnreachable
	case isTLSError(err):
		return reasonTLS
	}
	return reasonFailed
}

// isTLSError reports whether err is a failed TLS handshake or certificate
// check.
func isTLSError(err error) bool {
	var verify *tls.CertificateVerificationError
	var header tls.RecordHeaderError
	var alert tls.AlertError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verify) || errors.As(err, &header) || errors.As(err, &alert) ||
		errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}

// failureDetail is err's text for the log, without the request URL that
// net/http puts in front of it (a receiver's URL may carry a token).
func failureDetail(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err.Error()
	}
	return err.Error()
}
