// Package opsmetrics exports the operational state of a Vikalp deployment
// to Prometheus: what hurts complainants and victims first when it goes
// wrong (ATRs past their deadline, alerts nobody acknowledged, background
// jobs piling up, SMS that could not be delivered, an analysis that did not
// finish, audit checkpoints that stopped). The alerting rules in
// deploy/prometheus/rules.yml and the dashboard in deploy/grafana/vikalp.json
// are written against these names.
//
// Tables owned: none. It only reads, at scrape time, with its own bounded
// queries (snapshot_store.go): complaints, alerts and sms_outbox (aggregate
// counts through their partial and time indexes), analysis_runs (the newest
// finished run of each kind) and River's river_job (non-final states and the
// last audit checkpoint job).
//
// Invariants:
//   - Only counts, ages and timestamps leave this package: no complaint
//     code, text, name, phone, place or id, and no label whose values grow
//     with the data. Every label takes values from a fixed list in this
//     package (SLA rungs, alert kinds, job states, SMS statuses, analysis
//     kinds), so a scrape is the same size whatever the database holds.
//   - A scrape runs its queries under a timeout (Config.Timeout, default 2 s)
//     in one read-only transaction; when the database does not answer it
//     reports vikalp_ops_metrics_up 0 and nothing else, rather than stale or
//     partial numbers.
//   - The collector is registered only on the registry served on
//     VIKALP_METRICS_ADDR, never on the public listener.
package opsmetrics
