// Package ingest takes in what the public sends Vikalp: hotspot reports
// (photo, short text, category, place) and trafficking tips (text, protected
// photos, places and times, vehicles, phones, people, sealed contact
// details), and the historical reports an operator bulk-imports. It owns
// the photo pipeline shared by reports, tips and complaints, moderation of
// public reports, and Open311's view of them (through package api).
//
// Tables owned (written only here): media, reports, report_media, tips,
// tip_places, tip_media. It reads districts, police_stations, pcr_units,
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
//   - Tips are visible only to the AHTUs covering their places, MSP
//     (msp_analyst, msp_legal) and admin; anyone else gets
//     vikalp.ErrNotFound. Every view of a tip, its photo or its contact is
//     written to the audit log first; tip photos are watermarked with the
//     viewer and the time.
//   - Imports are idempotent by source_id (ON CONFLICT DO NOTHING) and
//     load in batches, each one transaction: COPY into a staging table,
//     then one set-wise routing INSERT … SELECT. Imported reports are
//     approved, carry no code and are not duplicate-linked.
//   - Nothing here logs report or tip text, names, phones, coordinates,
//     images or EXIF.
package ingest
