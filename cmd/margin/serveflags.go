//go:build !(js && wasm)

package main

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
)

// loadTLS reads the certificate and key "margin serve" is to speak HTTPS
// with. Neither file means plain HTTP (nil); one without the other, or a
// file that cannot be read or holds no PEM block of its kind, is an error
// naming the flag and the file, so the operator knows which one to fix.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	switch {
	case certFile == "" && keyFile == "":
		return nil, nil
	case keyFile == "":
		return nil, errors.New("--tls-cert needs --tls-key, the certificate's private key")
	case certFile == "":
		return nil, errors.New("--tls-key needs --tls-cert, the certificate it belongs to")
	}
	certPEM, err := readPEM("--tls-cert", certFile, "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	keyPEM, err := readPEM("--tls-key", keyFile, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert %s and --tls-key %s: %w", certFile, keyFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// readPEM reads file and checks that its first PEM block's type ends
// with kind ("PRIVATE KEY" also covers "EC PRIVATE KEY" and "RSA PRIVATE
// KEY").
func readPEM(flagName, file, kind string) ([]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	block, _ := pem.Decode(data)
	if block == nil || !strings.HasSuffix(block.Type, kind) {
		return nil, fmt.Errorf("%s %s: the file holds no PEM %s", flagName, file, kind)
	}
	return data, nil
}

// proxyList is the repeatable --trusted-proxy flag: each value a CIDR
// range or a single address.
type proxyList []netip.Prefix

func (l *proxyList) String() string {
	parts := make([]string, len(*l))
	for i, p := range *l {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func (l *proxyList) Set(v string) error {
	if p, err := netip.ParsePrefix(v); err == nil {
		*l = append(*l, p.Masked())
		return nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return fmt.Errorf("%q is not an IP address or a CIDR range such as 10.0.0.0/8", v)
	}
	a = a.Unmap()
	*l = append(*l, netip.PrefixFrom(a, a.BitLen()))
	return nil
}
