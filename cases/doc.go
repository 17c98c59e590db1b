// Package cases is the complaint lifecycle (ARCHITECTURE §1, §5): filing,
// routing, tracking, action taken reports (ATRs) and their vetting, her
// rating, MSP legal review, follow-up calls, the SLA ladder and the
// monitoring dashboard.
//
// Tables owned (written only here): complaints, complaint_events, atrs,
// ratings, legal_reviews, call_tasks, complaint_media, complaint_directions,
// complaint_transfers. Its SMS (templates and wording here) are queued
// through package notify, which owns sms_outbox, in the complaint's own
// transaction; notify's drain has OpenPhone open her sealed number. cases
// sits above notify and below alerts (which implements AlertRaiser).
// It reads districts and police_stations for names, and a transfer's target
// station for its district. It also owns
// supervisor_digests (the daily digest, digest.go) and reads users'
// display names to name officers in the ATR quality figures. The
// Idempotency-Keys of filings and photo attaches are stored through
// package internal/idem (submission_keys) in the transaction that stores
// the complaint or the photos; a complaint's key lives as long as the
// complaint, and its request fingerprint is wiped with the sealed replay
// secret when the replay window ends.
//
// Invariants:
//   - Every status change goes through the one table Transitions; an illegal
//     one is a user-safe vikalp.ErrConflict. Each change and each notable
//     step appends a complaint_events row (append-only by trigger) with
//     actor, role, time and reason; public rows make her timeline.
//   - No path reaches closed except through her SATISFIED rating; her own
//     withdrawal is the only other end.
//   - Geometry is SRID 4326; a located complaint stores its H3 cells at
//     resolutions 5, 7, 8 and 9 (package geo). The point is staff-only.
//   - Complaint codes are random (crypto/rand) with a check symbol; secrets
//     carry 80 random bits and are stored as SHA-256 hashes.
//   - Her name, phone and address are sealed as one blob (auth.Keyring,
//     bound to the complaint code); they are opened only for the assigned
//     station, the district's nodal officer and MSP (only MSP when she asked
//     for confidentiality), each time after an audit_log entry.
//   - Staff queries are scoped by auth.Principal: a station sees its own
//     complaints, nodal and SP their district, MSP the state. Anything
//     outside scope is vikalp.ErrNotFound.
//   - River jobs (SLA rungs, the no-rating check) are inserted
//     with InsertTx in the transaction that makes the data they serve.
//   - SMS bodies carry only the code, times and place names: never her
//     name, number, or the kind of crime. SMS to her wait for her safe
//     callback window (IST) and are never queued when she chose "no SMS"
//     (complaints.sms_opt_out).
//   - Inbound SMS (sms_inbound.go): STATUS is answered only when the
//     sender's keyed hash matches complaints.sms_phone_hash (HMAC of her
//     normalized number, written at filing; never the number); any other
//     sender or code gets one generic reply, the same bytes after the same
//     query (the code is not in it).
//   - Complaint photos (complaint_media, at most 10, added only while open)
//     are media rows stored by ingest's pipeline through PhotoPipeline;
//     staff views are scoped, watermarked per viewer and audited, and she
//     sees only her own metadata-free thumbnails, unwatermarked.
//   - Directions (direction.go): MSP staff or the district's SP direct the
//     station, the nodal officer or (MSP only) the SP on an open complaint
//     in scope; a deadline is never later than directionCap (the SLA
//     ladder's next rung still ahead). Only the role addressed, in scope,
//     answers, once. The text is staff-only: her timeline gets one textless
//     direction_issued event, for an MSP direction only. Unanswered
//     directions climb their own ladder in SweepSLA (SP at the reply-by
//     time, MSP SLAToMSP later), each rung once (escalation_stage).
//   - Transfers (transfer.go): the nodal officer or SP within the district,
//     the MSP anywhere; a district request waits for the receiving SP or the
//     MSP (one pending per complaint). Nothing moves while closed, withdrawn
//     or with an ATR awaiting vetting. atr_due_at and sla_stage stay unless
//     the MSP restarts them with a reason; the code never changes. Scopes
//     read station_id and district_id, so they follow at once.
//   - Nothing here logs complaint text, names, phones or coordinates.
//   - ATR quality (quality.go) is computed for nodal officers and SPs over
//     their district and for MSP over the state; below MSP confidential
//     complaints are left out. ATR texts are read only to be shingled
//     (similarity.go) and are never returned: a near-copy shows ids, codes
//     and the similarity. Fewer than MinQualitySample behind a figure is
//     labelled and never ranked.
//   - Digests (supervisor_digests) are one row per IST day and scope; their
//     SMS are queued only with the row that was inserted, so a re-run sends
//     nothing, and carry counts only.
package cases
