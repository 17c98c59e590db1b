package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// registerSupervisionRoutes wires supervision of complaints (issue 22):
// MSP and SP directions and their answers, transfers between stations and
// districts and district transfer requests (the pickers list stations with
// the public GET /stations). Scope and role rules live in package cases; a complaint outside
// the caller's scope is a 404.
func (h *Handler) registerSupervisionRoutes(v1 *gin.RouterGroup) {
	staff := v1.Group("", h.requireAuth())
	staff.GET("/complaints/:id/directions", handle(h.listDirections))
	staff.POST("/complaints/:id/directions", handle(h.issueDirection))
	staff.POST("/complaints/:id/directions/:direction_id/answer", handle(h.answerDirection))
	staff.POST("/complaints/:id/transfer", handle(h.transferComplaint))
	staff.POST("/complaints/:id/transfer-request", handle(h.requestTransfer))
	staff.GET("/transfers/pending", handle(h.pendingTransfers))
	staff.POST("/transfers/:id/accept", handle(h.acceptTransfer))
	staff.POST("/transfers/:id/decline", handle(h.declineTransfer))
}

func (h *Handler) listDirections(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ds, err := h.deps.Cases.Directions(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"directions": newDirectionsResponse(ds)})
	return nil
}

func (h *Handler) issueDirection(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	lang := requestLanguage(c, "")
	var req directionRequest
	if err := bindJSON(c, &req, lang); err != nil {
		return err
	}
	d, err := h.deps.Cases.IssueDirection(c.Request.Context(), p, id, req.input(), lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newDirectionResponse(d))
	return nil
}

func (h *Handler) answerDirection(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	directionID, err := pathID(c, "direction_id")
	if err != nil {
		return err
	}
	lang := requestLanguage(c, "")
	var req answerRequest
	if err := bindJSON(c, &req, lang); err != nil {
		return err
	}
	d, err := h.deps.Cases.AnswerDirection(c.Request.Context(), p, id, directionID, req.Answer, lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newDirectionResponse(d))
	return nil
}

func (h *Handler) transferComplaint(c *gin.Context) error {
	p, _ := principalOf(c)
	id, req, lang, err := idAndJSON[transferRequest](c)
	if err != nil {
		return err
	}
	x, err := h.deps.Cases.Transfer(c.Request.Context(), p, id, req.input(), lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newTransferResponse(x))
	return nil
}

func (h *Handler) requestTransfer(c *gin.Context) error {
	p, _ := principalOf(c)
	id, req, lang, err := idAndJSON[transferRequest](c)
	if err != nil {
		return err
	}
	x, err := h.deps.Cases.RequestTransfer(c.Request.Context(), p, id, req.requestInput(), lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newTransferResponse(x))
	return nil
}

func (h *Handler) pendingTransfers(c *gin.Context) error {
	p, _ := principalOf(c)
	xs, err := h.deps.Cases.PendingTransfers(c.Request.Context(), p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"transfers": newTransfersResponse(xs, p)})
	return nil
}

func (h *Handler) acceptTransfer(c *gin.Context) error {
	p, _ := principalOf(c)
	id, req, lang, err := idAndJSON[transferRequest](c)
	if err != nil {
		return err
	}
	x, err := h.deps.Cases.AcceptTransfer(c.Request.Context(), p, id, req.StationID, lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newTransferResponse(x))
	return nil
}

func (h *Handler) declineTransfer(c *gin.Context) error {
	p, _ := principalOf(c)
	id, req, lang, err := idAndJSON[transferRequest](c)
	if err != nil {
		return err
	}
	x, err := h.deps.Cases.DeclineTransfer(c.Request.Context(), p, id, req.Reason, lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newTransferResponse(x))
	return nil
}
