// Library-default recording client (built and run by samples/record-libraries.sh): one GET with
// Go's net/http and crypto/tls defaults. The server certificate is a throwaway self-signed one,
// so verification is off. Never use this outside a test bench.
package main

import (
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	c := &http.Client{Transport: tr, Timeout: 20 * time.Second}
	r, err := c.Get(os.Args[1])
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	io.Copy(io.Discard, r.Body)
	r.Body.Close()
}
