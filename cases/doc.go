// Package cases is the complaint lifecycle (ARCHITECTURE §1, §5): filing,
// routing, tracking, action taken reports (ATRs) and their vetting, her
// rating, MSP legal review, follow-up calls, the SLA ladder and the
// monitoring dashboard.
//
// Tables owned (written only here): complaints, complaint_events, atrs,
// ratings, legal_reviews, call_tasks, complaint_media, and for now sms_outbox (owned by
// package alerts per ARCHITECTURE §4; it moves there with SMSProvider).
// It reads districts and police_stations for names only.
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
//   - River jobs (SLA rungs, SMS delivery, the no-rating check) are inserted
//     with InsertTx in the transaction that makes the data they serve.
//   - SMS bodies carry only the code, times and place names: never her
//     name, number, or the kind of crime.
//   - Complaint photos (complaint_media, at most 10, added only while open)
//     are media rows stored by ingest's pipeline through PhotoPipeline;
//     staff views are scoped, watermarked per viewer and audited, and she
//     sees only her own metadata-free thumbnails, unwatermarked.
//   - Nothing here logs complaint text, names, phones or coordinates.
package cases
