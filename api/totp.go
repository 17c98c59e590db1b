package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// registerTOTPRoutes wires second-factor enrolment for the caller (allowed
// to enrol-only sessions, see restrictedRoutes) and the admin reset.
func (h *Handler) registerTOTPRoutes(v1 *gin.RouterGroup) {
	v1.POST("/me/totp", h.requireAuth(), handle(h.beginTOTP))
	v1.POST("/me/totp/confirm", h.requireAuth(), handle(h.confirmTOTP))
	v1.DELETE("/admin/users/:id/totp", h.requireRole(auth.RoleAdmin), handle(h.resetTOTP))
}

type totpStatusResponse struct {
	Enabled           bool `json:"enabled"`
	Required          bool `json:"required"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
}

func newTOTPStatusResponse(st auth.TOTPStatus) *totpStatusResponse {
	return &totpStatusResponse{Enabled: st.Enabled, Required: st.Required, RecoveryCodesLeft: st.RecoveryCodesLeft}
}

// totpEnrolmentResponse is shown once: the secret for typing in, the
// otpauth:// URI and the same URI as a QR code (a PNG data URL).
type totpEnrolmentResponse struct {
	Secret     string `json:"secret"`
	OTPAuthURI string `json:"otpauth_uri"`
	QRPNG      string `json:"qr_png"`
}

// beginTOTP starts enrolment: a new pending secret for the caller.
func (h *Handler) beginTOTP(c *gin.Context) error {
	p, _ := principalOf(c)
	e, err := h.deps.Auth.BeginTOTPEnrolment(c.Request.Context(), p)
	if err != nil {
		return fmt.Errorf("begin totp enrolment: %w", err)
	}
	c.JSON(http.StatusOK, totpEnrolmentResponse{Secret: e.Secret, OTPAuthURI: e.URI, QRPNG: e.QRDataURL()})
	return nil
}

type confirmTOTPRequest struct {
	Code string `json:"code"`
}

type confirmTOTPResponse struct {
	sessionResponse
	RecoveryCodes []string `json:"recovery_codes"`
}

// confirmTOTP checks the first code; on success the caller's sessions end
// and a fresh full one replaces them (new cookies), and the recovery codes
// are shown once.
func (h *Handler) confirmTOTP(c *gin.Context) error {
	var req confirmTOTPRequest
	if err := c.ShouldBindJSON(&req); err != nil || req.Code == "" {
		return vikalp.InvalidField("code", "code_missing", "enter the code from your authenticator app")
	}
	p, _ := principalOf(c)
	conf, err := h.deps.Auth.ConfirmTOTP(c.Request.Context(), p, req.Code, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return fmt.Errorf("confirm totp: %w", err)
	}
	h.setSessionCookies(c, conf.Session)
	c.JSON(http.StatusOK, confirmTOTPResponse{RecoveryCodes: conf.RecoveryCodes,
		sessionResponse: sessionResponse{User: newUserResponse(p), CSRFToken: conf.Session.CSRFToken,
			ExpiresAt: &conf.Session.ExpiresAt, TOTP: &totpStatusResponse{Enabled: true,
				Required: h.deps.Auth.TOTPRequired(p.Role), RecoveryCodesLeft: len(conf.RecoveryCodes)}}})
	return nil
}

// resetTOTP removes a user's second factor (admin only, audited) and ends
// their sessions.
func (h *Handler) resetTOTP(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	u, err := h.deps.Auth.ResetTOTP(c.Request.Context(), p, id)
	if err != nil {
		return fmt.Errorf("reset totp: %w", err)
	}
	c.JSON(http.StatusOK, gin.H{"user": newUserResponse(u.Principal()), "totp": totpStatusResponse{
		Required: h.deps.Auth.TOTPRequired(u.Role)}})
	return nil
}
