// Package app builds Vikalp's one service graph: every domain service, wired
// on one pool (and a read pool for the reads that tolerate replication lag),
// the handlers' api.Deps, and the River workers and periodic jobs. cmd/vikalp
// builds it from the environment; app/apitest builds the same graph with test
// settings, so HTTP and browser tests run the production wiring. The graph is
// built here only: api.New refuses Deps that lack a service instead of
// building one, and services take their collaborators (alerts its webhooks)
// from here; a test that needs its own router takes apitest.Deps and changes
// only settings.
//
// The import direction (README Layout, layers_test.go) decides what is
// injected here: notify sits below cases, ingest and alerts, which all queue
// SMS through it, so its drain gets cases' and ingest's phone openers from
// here; alerts sits above cases and imports it, so cases gets alerts as its
// AlertRaiser. app owns no tables; it sits above api (it produces api.Deps)
// and below cmd.
package app
