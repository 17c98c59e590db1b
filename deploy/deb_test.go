package deploy

import (
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// testVersion is the version this test packages. A leftover install of it
// (a test run killed before its cleanup) is purged before installing again;
// any other installed vikalp makes the test refuse to touch the machine.
const testVersion = "0.0.0~deploytest"

// pkgDirs are the directories that belong to the package alone.
var pkgDirs = []string{"/etc/vikalp", "/var/lib/vikalp", "/usr/share/doc/vikalp", "/usr/share/vikalp"}

// TestDebianPackage builds the .deb as `make deb` does, checks its control
// data, installs it with dpkg on this machine (root on Debian, as CI is),
// checks the files, the user and the units, then removes and purges it and
// checks that nothing is left. The package is purged when the test ends,
// whatever happened.
func TestDebianPackage(t *testing.T) {
	requireDpkgRoot(t)
	bin := buildVikalp(t)
	deb, err := BuildDeb(DebOptions{Root: repoRoot(t), Binary: bin, Version: testVersion, Arch: goArch(t), OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("vikalp_%s_%s.deb", testVersion, debArch(t)); filepath.Base(deb) != want {
		t.Errorf("package file %s, want %s", filepath.Base(deb), want)
	}
	files := debFiles(t, deb)
	depends := debDepends(t, deb)
	t.Run("DependsOnEveryLinkedLibrary", func(t *testing.T) { checkDepends(t, bin, depends) })
	t.Run("Contents", func(t *testing.T) { checkContents(t, files) })

	preparePackageSlot(t)
	t.Cleanup(func() { purgeTestPackage(t) })
	ensureApt(t, depends...)
	run(t, "dpkg", "-i", deb)
	t.Run("Installed", func(t *testing.T) { checkInstalled(t, files) })
	t.Run("Units", checkUnits)

	run(t, "dpkg", "--remove", "vikalp")
	t.Run("RemoveKeepsConfigUserAndData", func(t *testing.T) {
		if got := packageStatus(t); got != "deinstall ok config-files "+testVersion {
			t.Errorf("after dpkg --remove the status is %q", got)
		}
		for _, f := range []string{"/usr/bin/vikalp", "/usr/lib/systemd/system/vikalp-serve.service"} {
			mustNotExist(t, f)
		}
		for _, f := range []string{"/etc/vikalp/vikalp.env", "/var/lib/vikalp/media"} {
			mustExist(t, f)
		}
		mustHaveUser(t, true)
	})

	run(t, "dpkg", "--purge", "vikalp")
	t.Run("PurgeLeavesNothing", func(t *testing.T) {
		if got := packageStatus(t); got != "" {
			t.Errorf("after dpkg --purge the status is %q", got)
		}
		for _, f := range append(files, pkgDirs...) {
			mustNotExist(t, f)
		}
		mustHaveUser(t, false)
	})

	t.Run("PurgeKeepsEvidence", func(t *testing.T) {
		run(t, "dpkg", "-i", deb)
		photo := "/var/lib/vikalp/media/evidence.jpg"
		if err := os.WriteFile(photo, []byte("sealed original"), 0o640); err != nil {
			t.Fatal(err)
		}
		run(t, "dpkg", "--purge", "vikalp")
		mustExist(t, photo)
		mustHaveUser(t, true)
		mustNotExist(t, "/usr/bin/vikalp")
		mustNotExist(t, "/etc/vikalp")
	})
}

// requireDpkgRoot fails (never skips) where the package cannot be
// installed: Vikalp's machines and CI are root on Debian.
func requireDpkgRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("installing the .deb needs root; make test and CI run as root on Debian")
	}
	for _, tool := range []string{"dpkg", "dpkg-deb", "dpkg-query", "getent"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: this test installs the package on a Debian machine", tool)
		}
	}
}

// preparePackageSlot makes sure no real installation is touched: a vikalp
// other than this test's is a failure; this test's leftover is purged.
func preparePackageSlot(t *testing.T) {
	t.Helper()
	status := packageStatus(t)
	if status != "" && !strings.HasSuffix(status, " "+testVersion) {
		t.Fatalf("vikalp is on this machine (%s): this test installs and purges its own package and will not touch it", status)
	}
	purgeTestPackage(t)
	if _, err := user.Lookup("vikalp"); err == nil {
		t.Fatal("a vikalp user exists without the package: remove it (userdel vikalp) if it is a test leftover")
	}
}

// purgeTestPackage purges this test's package and what PurgeKeepsEvidence
// deliberately leaves (the media directory and its owner).
func purgeTestPackage(t *testing.T) {
	t.Helper()
	if status := packageStatus(t); strings.HasSuffix(status, " "+testVersion) {
		if out, err := exec.Command("dpkg", "--purge", "vikalp").CombinedOutput(); err != nil {
			t.Errorf("purge the test package: %v\n%s", err, out)
		}
	}
	if _, err := os.Stat("/var/lib/vikalp/media/evidence.jpg"); err == nil {
		os.RemoveAll("/var/lib/vikalp")
		_ = exec.Command("deluser", "--system", "--quiet", "vikalp").Run()
		_ = exec.Command("delgroup", "--system", "--quiet", "vikalp").Run()
	}
}

// packageStatus is dpkg's "<status> <version>" of vikalp, "" when dpkg
// knows nothing of it.
func packageStatus(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status} ${Version}", "vikalp").Output()
	if err != nil || strings.HasPrefix(string(out), "unknown ok not-installed") {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func checkContents(t *testing.T, files []string) {
	for _, f := range []string{"/usr/bin/vikalp", "/usr/lib/systemd/system/vikalp-serve.service",
		"/usr/lib/systemd/system/vikalp-work.service", "/etc/vikalp/vikalp.env",
		"/usr/share/doc/vikalp/OPERATIONS.md", "/usr/share/doc/vikalp/examples/prometheus-rules.yml",
		"/usr/share/doc/vikalp/examples/nginx-vikalp.conf", "/usr/share/vikalp/backup.sh"} {
		if !slices.Contains(files, f) {
			t.Errorf("the package lacks %s (has %v)", f, files)
		}
	}
}

// checkDepends: every shared library the binary links (its ELF DT_NEEDED
// entries, what ldd starts from) comes from a package the .deb depends on.
func checkDepends(t *testing.T, bin string, depends []string) {
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil || len(libs) == 0 {
		t.Fatalf("no linked libraries in %s (%v): is it a cgo build?", bin, err)
	}
	for _, lib := range libs {
		out, err := exec.Command("dpkg", "-S", "*/"+lib).Output()
		if err != nil {
			t.Errorf("no installed package provides %s, which vikalp links", lib)
			continue
		}
		var owners []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			pkg, _, _ := strings.Cut(line, ": ")
			for _, p := range strings.Split(pkg, ", ") {
				owners = append(owners, strings.Split(p, ":")[0]) // drop :amd64
			}
		}
		if !slices.ContainsFunc(owners, func(p string) bool { return slices.Contains(depends, p) }) {
			t.Errorf("vikalp links %s from %v, but Depends is only %v", lib, owners, depends)
		}
	}
}

func checkInstalled(t *testing.T, files []string) {
	if got := packageStatus(t); got != "install ok installed "+testVersion {
		t.Fatalf("after dpkg -i the status is %q", got)
	}
	for _, f := range files {
		mustExist(t, f)
	}
	mustHaveUser(t, true)
	u, err := user.Lookup("vikalp")
	if err != nil {
		t.Fatal(err)
	}
	if uid, _ := strconv.Atoi(u.Uid); uid >= 1000 || u.HomeDir != "/var/lib/vikalp" {
		t.Errorf("vikalp user: uid %s, home %s; want a system user (uid < 1000) at /var/lib/vikalp", u.Uid, u.HomeDir)
	}
	if out, _ := exec.Command("getent", "passwd", "vikalp").Output(); !strings.HasSuffix(strings.TrimSpace(string(out)), ":/usr/sbin/nologin") {
		t.Errorf("vikalp can log in: %s", out)
	}
	checkMode(t, "/usr/bin/vikalp", 0o755, "root", "root")
	checkMode(t, "/etc/vikalp/vikalp.env", 0o640, "root", "vikalp")
	checkMode(t, "/var/lib/vikalp/media", fs.ModeDir|0o750, "vikalp", "vikalp")
	if out := run(t, "dpkg-query", "-W", "-f=${Conffiles}", "vikalp"); !strings.Contains(out, "/etc/vikalp/vikalp.env") {
		t.Errorf("/etc/vikalp/vikalp.env is not a conffile: %q", out)
	}
	// Installed, not enabled: the service cannot start before it is configured.
	for _, u := range []string{"vikalp-serve.service", "vikalp-work.service"} {
		if m, _ := filepath.Glob("/etc/systemd/system/*.wants/" + u); len(m) > 0 {
			t.Errorf("%s was enabled by the install: %v", u, m)
		}
	}
	// The installed binary runs against the installed libraries.
	if out := run(t, "/usr/bin/vikalp", "--help"); !strings.Contains(out, "serve") {
		t.Errorf("vikalp --help:\n%s", out)
	}
}

// unitHardening are the settings every unit must have, as systemd reads
// them (the last assignment wins).
var unitHardening = map[string]string{
	"User": "vikalp", "Group": "vikalp", "EnvironmentFile": "/etc/vikalp/vikalp.env", "Restart": "on-failure",
	"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
	"PrivateDevices": "yes", "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
	"ProtectKernelLogs": "yes", "ProtectControlGroups": "yes", "LockPersonality": "yes",
	"MemoryDenyWriteExecute": "yes", "CapabilityBoundingSet": "", "ReadWritePaths": "/var/lib/vikalp/media",
	"RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6", "SystemCallArchitectures": "native",
}

// checkUnits checks the installed units with systemd's own offline tools:
// `systemd-analyze verify` (syntax, every setting known, the ExecStart
// binary present) and `systemd-analyze security --offline` (the sandbox's
// exposure score, computed without a running systemd; this machine's PID 1
// is not systemd, so the units are never started here). It also reads the
// hardening settings themselves.
func checkUnits(t *testing.T) {
	for _, name := range []string{"vikalp-serve", "vikalp-work"} {
		path := "/usr/lib/systemd/system/" + name + ".service"
		settings := readUnit(t, path)
		for k, want := range unitHardening {
			if got, ok := settings[k]; !ok || got != want {
				t.Errorf("%s: %s=%q, want %q", name, k, got, want)
			}
		}
		if !strings.HasPrefix(settings["ExecStart"], "/usr/bin/vikalp ") {
			t.Errorf("%s: ExecStart=%s", name, settings["ExecStart"])
		}
		if _, err := exec.LookPath("systemd-analyze"); err != nil {
			t.Errorf("systemd-analyze not found: the units' syntax was only read by this test, not verified by systemd")
			continue
		}
		if out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("systemd-analyze verify %s: %v\n%s", name, err, out)
		}
		out, err := exec.Command("systemd-analyze", "security", "--offline=true", "--no-pager", path).CombinedOutput()
		m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out)
		if err != nil || m == nil {
			t.Errorf("systemd-analyze security %s: %v\n%s", name, err, out)
			continue
		}
		if score, _ := strconv.ParseFloat(string(m[1]), 64); score > 2.0 {
			t.Errorf("%s: systemd rates its exposure %.1f, want at most 2.0 (OK)\n%s", name, score, out)
		}
	}
	if settings := readUnit(t, "/usr/lib/systemd/system/vikalp-work.service"); settings["ExecStart"] != "/usr/bin/vikalp work" {
		t.Errorf("vikalp-work runs %q", settings["ExecStart"])
	}
	if settings := readUnit(t, "/usr/lib/systemd/system/vikalp-serve.service"); settings["ExecStart"] != "/usr/bin/vikalp serve --workers=false" {
		t.Errorf("vikalp-serve runs %q", settings["ExecStart"])
	}
}

// readUnit returns a unit file's Key=value settings (the last of each).
func readUnit(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			settings[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return settings
}

func checkMode(t *testing.T, path string, mode fs.FileMode, owner, group string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Error(err)
		return
	}
	st := fi.Sys().(*syscall.Stat_t)
	u, _ := user.LookupId(strconv.Itoa(int(st.Uid)))
	g, _ := user.LookupGroupId(strconv.Itoa(int(st.Gid)))
	if fi.Mode() != mode || u == nil || u.Username != owner || g == nil || g.Name != group {
		t.Errorf("%s: mode %v uid %d gid %d, want %v %s:%s", path, fi.Mode(), st.Uid, st.Gid, mode, owner, group)
	}
}

func mustExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); err != nil {
		t.Errorf("%s is missing: %v", path, err)
	}
}

func mustNotExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); err == nil {
		t.Errorf("%s is still there", path)
	}
}

func mustHaveUser(t *testing.T, want bool) {
	t.Helper()
	_, uerr := user.Lookup("vikalp")
	_, gerr := user.LookupGroup("vikalp")
	if got := uerr == nil && gerr == nil; got != want || (uerr == nil) != (gerr == nil) {
		t.Errorf("vikalp user exists: %v, group exists: %v; want both %v", uerr == nil, gerr == nil, want)
	}
}

// debFiles lists the package's regular files and links as absolute paths.
func debFiles(t *testing.T, deb string) []string {
	t.Helper()
	var files []string
	for _, line := range strings.Split(run(t, "dpkg-deb", "--contents", deb), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 6 || strings.HasPrefix(fields[0], "d") {
			continue
		}
		files = append(files, strings.TrimPrefix(fields[5], "."))
	}
	return files
}

// debDepends is the package names in the .deb's Depends (versions dropped).
func debDepends(t *testing.T, deb string) []string {
	t.Helper()
	var names []string
	for _, d := range strings.Split(run(t, "dpkg-deb", "--field", deb, "Depends"), ",") {
		if name := strings.Fields(d); len(name) > 0 {
			names = append(names, name[0])
		}
	}
	if len(names) == 0 {
		t.Fatal("the package has no Depends")
	}
	return names
}

// ensureApt installs missing packages the way the scripts do
// (scripts/lib/deps.sh), so dpkg -i finds its dependencies on a fresh CI
// machine too.
func ensureApt(t *testing.T, pkgs ...string) {
	t.Helper()
	script := `. "$1/scripts/lib/deps.sh" && shift && ensure_apt_packages "$@"`
	run(t, "bash", append([]string{"-c", script, "ensure", repoRoot(t)}, pkgs...)...)
}

// run runs a command and returns its output, failing the test on error.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func goArch(t *testing.T) string {
	t.Helper()
	return strings.TrimSpace(run(t, "go", "env", "GOARCH"))
}

func debArch(t *testing.T) string {
	t.Helper()
	return strings.TrimSpace(run(t, "dpkg", "--print-architecture"))
}
