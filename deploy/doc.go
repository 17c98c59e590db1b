// Package deploy builds and checks what an operator installs beside the
// vikalp binary: the Debian package (debian/: nfpm config, systemd units,
// the commented /etc/vikalp/vikalp.env, maintainer scripts), the TLS
// reverse proxy example (nginx/vikalp.conf), the Prometheus alerting rules
// (prometheus/rules.yml) and the Grafana dashboard (grafana/vikalp.json).
// `make deb` runs scripts/deb.sh, which builds the binary and calls BuildDeb
// through cmd/mkdeb.
//
// Tables owned: none.
//
// Invariants, each kept by a test in this package:
//   - vikalp.env lists every VIKALP_* setting cmd/vikalp reads (and the
//     _FILE form of every secret), commented with its meaning and default.
//   - The package installs with dpkg on a Debian machine, creates the
//     vikalp system user and its state directory, declares a Depends for
//     every library the binary links, and `dpkg --purge` leaves nothing
//     behind (no file, no user). It never starts a unit on first install.
//   - Every metric named in rules.yml and the dashboard is one a real
//     `vikalp serve` exports on VIKALP_METRICS_ADDR.
//   - The nginx example passes `nginx -t`.
package deploy
