// Package leads links trafficking tips into scored leads for the state's
// AHTUs (ARCHITECTURE §7, docs/LEADS.md).
//
// Invariants:
//   - Owns tables transit_places, border_lines, entities, tip_entities,
//     leads, lead_members and lead_events (migrations/sql/00007_leads.sql).
//   - Extraction (EntityExtractor) is pure; tips sharing a phone, vehicle or
//     name–alias pair are linked by union-find (LinkTips), scored by Score
//     with a stored per-indicator explanation, and routed to the AHTU with
//     most of their places.
//   - Investigator merges and splits are pinned memberships that relinking
//     never undoes.
//   - Lead alerts (AlertArgs) carry ids and scores only: never tip text,
//     names, phone numbers or places.
//   - A full relink (Service.Run) is recorded in analytics' analysis_runs as
//     kind "leads"; the periodic analysis runs it after the hotspot pass.
package leads
