package deploy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNginxExampleIsValid checks deploy/nginx/vikalp.conf with `nginx -t`
// inside a minimal main configuration, with a self-signed certificate in
// place of the real one. The nginx binary is the system's when installed;
// otherwise Debian's nginx package is downloaded with apt-get and unpacked,
// not installed: installing it would start a web server on ports 80 and 443
// of the machine (CI included) as a side effect of a test.
func TestNginxExampleIsValid(t *testing.T) {
	nginx := nginxBinary(t)
	dir := t.TempDir()
	cert, key := selfSignedCert(t, dir)
	site, err := os.ReadFile(filepath.Join("nginx", "vikalp.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer("/etc/ssl/vikalp/fullchain.pem", cert, "/etc/ssl/vikalp/privkey.pem", key).Replace(string(site))
	if conf == string(site) {
		t.Fatal("vikalp.conf no longer names /etc/ssl/vikalp/{fullchain,privkey}.pem: update this test")
	}

	if out, err := nginxTest(t, nginx, dir, conf); err != nil || !strings.Contains(out, "test is successful") {
		t.Fatalf("nginx -t on deploy/nginx/vikalp.conf: %v\n%s", err, out)
	}
	// The check has teeth: a misspelt directive fails it.
	broken := strings.Replace(conf, "proxy_buffering off;", "proxy_bufering off;", 1)
	if out, err := nginxTest(t, nginx, dir, broken); err == nil {
		t.Fatalf("nginx -t accepted a misspelt directive:\n%s", out)
	}
}

// nginxTest runs `nginx -t` on site inside a main configuration that keeps
// every path nginx touches in dir.
func nginxTest(t *testing.T, nginx, dir, site string) (string, error) {
	t.Helper()
	sitePath := filepath.Join(dir, "vikalp.conf")
	if err := os.WriteFile(sitePath, []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	main := strings.ReplaceAll(`pid DIR/nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    client_body_temp_path DIR/body;
    proxy_temp_path DIR/proxy;
    fastcgi_temp_path DIR/fastcgi;
    uwsgi_temp_path DIR/uwsgi;
    scgi_temp_path DIR/scgi;
    include DIR/vikalp.conf;
}
`, "DIR", dir)
	mainPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(mainPath, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nginx, "-t", "-p", dir, "-e", "stderr", "-c", mainPath).CombinedOutput()
	return string(out), err
}

// nginxBinary returns the system's nginx or one unpacked from Debian's
// package (with the libraries it links installed the way the scripts do).
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if p := "/usr/sbin/nginx"; fileExists(p) {
		return p
	}
	if os.Geteuid() != 0 {
		t.Fatal("nginx is not installed and this test can only fetch it as root (apt-get download nginx)")
	}
	ensureApt(t, "libc6", "libcrypt1", "libpcre2-8-0", "libssl3", "zlib1g")
	dir := t.TempDir()
	download := func() error {
		cmd := exec.Command("apt-get", "download", "-q", "nginx")
		cmd.Dir = dir
		return cmd.Run()
	}
	if download() != nil {
		run(t, "apt-get", "update", "-qq")
		if err := download(); err != nil {
			t.Fatalf("apt-get download nginx: %v", err)
		}
	}
	debs, _ := filepath.Glob(filepath.Join(dir, "nginx_*.deb"))
	if len(debs) != 1 {
		t.Fatalf("apt-get download nginx left %v", debs)
	}
	root := filepath.Join(dir, "root")
	run(t, "dpkg-deb", "-x", debs[0], root)
	return filepath.Join(root, "usr", "sbin", "nginx")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// selfSignedCert writes a throwaway certificate and key for
// vikalp.example.in into dir.
func selfSignedCert(t *testing.T, dir string) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vikalp.example.in"},
		DNSNames: []string{"vikalp.example.in"}, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<33, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}
