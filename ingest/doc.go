// Package ingest takes in what the public sends Vikalp: hotspot reports
// (photo, short text, category, place) and trafficking tips (text, protected
// photos, places and times, vehicles, phones, people, sealed contact
// details), and the historical reports an operator bulk-imports. It owns
// the photo pipeline shared by reports, tips and complaints, moderation of
// public reports, and Open311's view of them (through package api).
//
// Tables owned (written only here): media, reports, report_media,
// report_reporters, report_events, report_updates, tips, tip_places,
// tip_media. Reports' and tips' Idempotency-Keys are stored through package
// internal/idem (submission_keys), and retention deletes a rejected report's
// key with it. A reporter's updates are queued through package notify (which
// owns sms_outbox) in the report's transaction, worded here; notify's drain
// has OpenPhone open her sealed number. It reads districts, police_stations, pcr_units,
// ahtu_units and ahtu_districts (routing, through package jurisdiction and
// the set-wise routing of the importer).
//
// Invariants:
//   - Geometry is SRID 4326 (lon/lat) and crosses pgx as WKB. Every
//     geolocated row (reports, tip_places) stores its H3 cells at
//     resolutions 5, 7, 8 and 9 (package geo) and is routed to district,
//     station, PCR unit and AHTU at ingest, in the transaction that stores
//     it together with its River jobs (HappeningNowArgs, TipReceivedArgs).
//   - A location outside Uttar Pradesh, or none at all (no form location
//     and no EXIF GPS), is a user-safe vikalp.ErrInvalid; nothing is stored.
//   - Photos: type sniffed from content (JPEG, PNG, WebP only), byte and
//     pixel limits checked from the header before any full decode. Stored:
//     SHA-256 of the upload, the upload itself only sealed (auth.Keyring,
//     bound to its blob prefix), an upright derivative re-encoded without
//     any metadata (≤ 2048 px) and a 320 px thumbnail. Originals and EXIF
//     facts are never served.
//   - A refused or failed submission leaves no row and no blob: blobs
//     written for a request are deleted when its transaction fails.
//   - Reports start pending. Only approved reports' photos are public, and
//     then the moderator-redacted rendering when there is one. Public views
//     show no point, no text and no EXIF.
//   - A report within Config.DuplicateRadius (50 m, geodesic) of a standing
//     report of the same category, within the duplicate window (24 h), is
//     linked to the earliest such report (duplicate_of) and raises its
//     also_reported count, whichever H3 cells they fall in. Advisory locks on
//     the report's r8 cell and its neighbours (per category) serialize
//     reports that could be duplicates of each other.
//   - A report has a life after moderation (report_lifecycle*.go). Its
//     moderation status (pending, approved, rejected) is all that public
//     statistics read; an approved report also has an outcome (open,
//     action_taken, fixed, closed, reopened) set by moderators and admins
//     state-wide and by PCR units, stations, nodal officers and SPs for
//     their own area (elsewhere: vikalp.ErrNotFound), each change one
//     append-only report_events row (public reason code; staff-only note)
//     and one audit entry without the note. Approving a report reopens the
//     fixed or closed reports of its category in the same r9 cell or within
//     Config.DuplicateRadius that it was received after.
//   - A new report gets a secret (shown once; stored SHA-256 hashed, and
//     sealed only to replay an Idempotency-Key). With code and secret the
//     reporter sees her history and adds updates (cleaned text, or a photo
//     through the pipeline); updates are staff-only and never public photos.
//   - Public outputs of reports (Open311 listings and requests by id, area
//     feeds) show a position only as the first of its r8, r7, r5 cells with
//     at least Config.PublicMinReports distinct approved reports
//     (publicCellSQL); they read approved reports only. Staff exports follow
//     the caller's scope and are audited with the filter, never the rows.
//   - Tips are visible only to the AHTUs covering their places, MSP
//     (msp_analyst, msp_legal) and admin; anyone else gets
//     vikalp.ErrNotFound. Every view of a tip, its photo or its contact is
//     written to the audit log first; tip photos are watermarked with the
//     viewer and the time.
//   - Imports are idempotent by source_id (ON CONFLICT DO NOTHING) and
//     load in batches, each one transaction: COPY into a staging table,
//     then set-wise routing INSERT … SELECTs: first the rows whose h3_r8
//     cell is in jurisdiction's route_cells (cells in which every point
//     routes alike; a join, no geometry), then exact point-in-polygon SQL
//     for the rows left (cells on a district, station-area, PCR-zone or
//     PCR-Voronoi edge, or where a nearest-unit fallback decides). Both
//     give the same routing (TestRouteCellsRouteLikeTheExactSQL). An
//     import first rebuilds route_cells if a jurisdiction change emptied
//     it. Imported reports are approved, carry no code and are not
//     duplicate-linked.
//   - Nothing here logs report or tip text, names, phones, coordinates,
//     images or EXIF.
package ingest
