package serverproc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"margin/cmd/internal/apitest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir and
// returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "margin test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

// startTLS runs "margin serve" with the certificate and waits until it
// answers /healthz over https.
func startTLS(t *testing.T, data, certFile, keyFile string, pool *x509.CertPool) (*proc, *http.Client) {
	t.Helper()
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	return launch(t, "https", hc, data, nil, "--tls-cert", certFile, "--tls-key", keyFile), hc
}

// "margin serve --tls-cert --tls-key" speaks HTTPS itself: answers carry
// HSTS, the session cookie is Secure and __Host- even for a host name
// that is not loopback, and plain HTTP on the port gets no page.
func TestServeTLS(t *testing.T) {
	binary(t)
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	p, hc := startTLS(t, filepath.Join(dir, "data"), certFile, keyFile, pool)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := apitest.New(p.URL)
	c.HTTP.Transport = hc.Transport

	for _, path := range []string{"/", "/api/articles", "/web/margin.css"} {
		r, err := c.Do(ctx, http.MethodGet, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusOK {
			t.Errorf("%s: %s", path, r)
		}
		if got := r.Header.Get("Strict-Transport-Security"); got != "max-age=63072000; includeSubDomains" {
			t.Errorf("%s: Strict-Transport-Security %q", path, got)
		}
		if got := r.Header.Get("Cross-Origin-Opener-Policy"); got != "same-origin" {
			t.Errorf("%s: Cross-Origin-Opener-Policy %q", path, got)
		}
		if !strings.HasPrefix(r.Header.Get("Content-Security-Policy"), "default-src 'none'; ") {
			t.Errorf("%s: Content-Security-Policy %q", path, r.Header.Get("Content-Security-Policy"))
		}
	}

	// A LAN name, which over plain http would get the unprefixed cookie.
	r, err := c.JSON(ctx, http.MethodPost, "/api/users", map[string]string{"name": "ada", "password": "a long enough password"}, "Host", "margin.lan")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusCreated {
		t.Fatalf("sign-up over https: %s", r)
	}
	cookie := r.Header.Get("Set-Cookie")
	if !strings.HasPrefix(cookie, "__Host-margin_session=") || !strings.Contains(cookie, "; Secure") || !strings.Contains(cookie, "; HttpOnly") {
		t.Errorf("session cookie over https: %q", cookie)
	}

	// Plain HTTP to the TLS port is not served a page.
	plain := &http.Client{Timeout: 5 * time.Second}
	if resp, err := plain.Get("http://" + strings.TrimPrefix(p.URL, "https://") + "/"); err == nil {
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain http on the TLS port answered %d", resp.StatusCode)
		}
		resp.Body.Close()
	}
}

// Wrong TLS flags stop "margin serve" before it listens, with a message
// naming the flag, and the file when a file is at fault.
func TestServeTLSBadFlags(t *testing.T) {
	binary(t)
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, dir)
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate\x00\xff"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	_, otherKey, _ := selfSigned(t, t.TempDir())
	data := filepath.Join(dir, "data")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--tls-cert", certFile}, []string{"--tls-cert needs --tls-key"}},
		{[]string{"--tls-key", keyFile}, []string{"--tls-key needs --tls-cert"}},
		{[]string{"--tls-cert", missing, "--tls-key", keyFile}, []string{"--tls-cert", missing}},
		{[]string{"--tls-cert", certFile, "--tls-key", missing}, []string{"--tls-key", missing}},
		{[]string{"--tls-cert", garbage, "--tls-key", keyFile}, []string{"--tls-cert " + garbage, "no PEM CERTIFICATE"}},
		{[]string{"--tls-cert", certFile, "--tls-key", garbage}, []string{"--tls-key " + garbage, "no PEM PRIVATE KEY"}},
		{[]string{"--tls-cert", keyFile, "--tls-key", certFile}, []string{"--tls-cert " + keyFile, "no PEM CERTIFICATE"}},
		{[]string{"--tls-cert", certFile, "--tls-key", otherKey}, []string{"--tls-cert " + certFile, "--tls-key " + otherKey}},
	} {
		args := append([]string{"serve", "--addr", freeAddr(t), "--data", data}, tc.args...)
		out, err := margin(t, "", args...)
		if err == nil {
			t.Errorf("%v: started", tc.args)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output %q lacks %q", tc.args, out, w)
			}
		}
	}
}
