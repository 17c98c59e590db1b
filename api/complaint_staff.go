package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
)

// registerComplaintStaffRoutes wires the police side. Every call is scoped
// by the caller's role and jurisdiction inside package cases; a complaint
// outside the caller's scope is a 404.
func (h *Handler) registerComplaintStaffRoutes(v1 *gin.RouterGroup) {
	staff := v1.Group("", h.requireAuth())
	staff.GET("/complaints", handle(h.complaintQueue))
	staff.GET("/complaints/:id", handle(h.complaintDetail))
	staff.PUT("/complaints/:id/atr", handle(h.draftATR))
	staff.POST("/complaints/:id/atr/submit", handle(h.atrStep(h.deps.Cases.SubmitATR)))
	staff.POST("/complaints/:id/atr/approve", handle(h.atrStep(h.deps.Cases.ApproveATR)))
	staff.POST("/complaints/:id/atr/return", handle(h.returnATR))
	staff.POST("/complaints/:id/legal-decision", handle(h.legalDecision))
	staff.GET("/call-tasks", handle(h.callTasks))
	staff.POST("/call-tasks/:id/outcome", handle(h.recordCallOutcome))
	staff.GET("/dashboard/complaints", handle(h.complaintDashboard))
}

func (h *Handler) complaintQueue(c *gin.Context) error {
	p, _ := principalOf(c)
	if fir := c.Query("fir"); fir != "" {
		return h.complaintsByFIR(c, p, fir)
	}
	f := cases.QueueFilter{Status: cases.Status(c.Query("status")), Overdue: c.Query("overdue") == "true",
		Dissatisfied: c.Query("dissatisfied") == "true"}
	if d := c.Query("district_id"); d != "" {
		id, err := strconv.Atoi(d)
		if err != nil {
			return vikalp.InvalidField("district_id", "district_invalid", "district_id must be a number")
		}
		f.DistrictID = &id
	}
	if l := c.Query("limit"); l != "" {
		f.Limit, _ = strconv.Atoi(l)
	}
	items, err := h.deps.Cases.Queue(c.Request.Context(), p, f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"complaints": newQueueResponse(items)})
	return nil
}

func (h *Handler) complaintDetail(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.deps.Cases.Detail(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newDetailResponse(d))
	return nil
}

type atrRequest struct {
	Text         string      `json:"text"`
	ActionTaken  string      `json:"action_taken"`
	InternalNote string      `json:"internal_note"`
	FIR          *firRequest `json:"fir"`
}

// firRequest is the FIR an ATR records; station_code defaults to the
// complaint's own station.
type firRequest struct {
	StationCode string `json:"station_code"`
	Year        int    `json:"year"`
	Serial      int    `json:"serial"`
}

func (r *firRequest) input() *cases.FIRInput {
	if r == nil {
		return nil
	}
	return &cases.FIRInput{StationCode: r.StationCode, Year: r.Year, Serial: r.Serial}
}

// complaintsByFIR answers the queue's ?fir= search: the complaints in
// scope whose ATRs record that FIR, closed ones included.
func (h *Handler) complaintsByFIR(c *gin.Context, p auth.Principal, fir string) error {
	found, err := h.deps.Cases.SearchFIR(c.Request.Context(), p, fir, requestLanguage(c, ""))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"complaints": newFIRMatchesResponse(found)})
	return nil
}

func (h *Handler) draftATR(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	lang := requestLanguage(c, "")
	var req atrRequest
	if err := bindJSON(c, &req, lang); err != nil {
		return err
	}
	atr, err := h.deps.Cases.DraftATR(c.Request.Context(), p, id,
		cases.ATRInput{Text: req.Text, ActionTaken: req.ActionTaken, InternalNote: req.InternalNote,
			FIR: req.FIR.input()}, lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newATRResponse(atr))
	return nil
}

// atrStep adapts the ATR calls that need nothing but the complaint id.
func (h *Handler) atrStep(step func(context.Context, auth.Principal, int64, cases.Language) (cases.ATR, error)) handlerFunc {
	return func(c *gin.Context) error {
		p, _ := principalOf(c)
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		atr, err := step(c.Request.Context(), p, id, requestLanguage(c, ""))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, newATRResponse(atr))
		return nil
	}
}

type reasonRequest struct {
	Reason   string `json:"reason"`
	Decision string `json:"decision"`
	Outcome  string `json:"outcome"`
	Note     string `json:"note"`
}

func (h *Handler) returnATR(c *gin.Context) error {
	p, _ := principalOf(c)
	id, req, lang, err := idAndBody(c)
	if err != nil {
		return err
	}
	atr, err := h.deps.Cases.ReturnATR(c.Request.Context(), p, id, req.Reason, lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newATRResponse(atr))
	return nil
}

func (h *Handler) legalDecision(c *gin.Context) error {
	p, _ := principalOf(c)
	id, req, lang, err := idAndBody(c)
	if err != nil {
		return err
	}
	decision := cases.Decision(strings.ToLower(req.Decision))
	if err := h.deps.Cases.LegalDecision(c.Request.Context(), p, id, decision, req.Reason, lang); err != nil {
		return err
	}
	d, err := h.deps.Cases.Detail(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newDetailResponse(d))
	return nil
}

func (h *Handler) callTasks(c *gin.Context) error {
	p, _ := principalOf(c)
	tasks, err := h.deps.Cases.CallTasks(c.Request.Context(), p, c.Query("open") != "false")
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"call_tasks": newCallTasksResponse(tasks)})
	return nil
}

func (h *Handler) recordCallOutcome(c *gin.Context) error {
	p, _ := principalOf(c)
	id, req, lang, err := idAndBody(c)
	if err != nil {
		return err
	}
	task, err := h.deps.Cases.RecordCallOutcome(c.Request.Context(), p, id, cases.CallOutcome(req.Outcome), req.Note, lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newCallTaskResponse(task))
	return nil
}

func (h *Handler) complaintDashboard(c *gin.Context) error {
	p, _ := principalOf(c)
	d, err := h.deps.Cases.Dashboard(c.Request.Context(), p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newDashboardResponse(d))
	return nil
}

// idAndBody reads the :id path parameter and a reasonRequest body.
func idAndBody(c *gin.Context) (int64, reasonRequest, cases.Language, error) {
	return idAndJSON[reasonRequest](c)
}

// idAndJSON reads the :id path parameter and a JSON body of type T, with
// the request's language for errors.
func idAndJSON[T any](c *gin.Context) (int64, T, cases.Language, error) {
	var req T
	id, err := pathID(c, "id")
	if err != nil {
		return 0, req, "", err
	}
	lang := requestLanguage(c, "")
	if err := bindJSON(c, &req, lang); err != nil {
		return 0, req, "", err
	}
	return id, req, lang, nil
}

// pathID parses a positive integer path parameter; anything else is a 404,
// as no such resource can exist.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, vikalp.ErrNotFound
	}
	return id, nil
}
