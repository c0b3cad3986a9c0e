import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A certificate authority made for one run, and a server certificate for 127.0.0.1 it signed. */
export interface TlsCertificate {
  /** PEM of the CA: what the client trusts (explicitly, never by turning verification off). */
  ca: string;
  /** PEM of the server certificate (SAN IP:127.0.0.1, DNS:localhost). */
  cert: string;
  /** PEM of the server's private key. */
  key: string;
}

/**
 * Generates a fresh CA and server certificate with the `openssl` command line (Node can make keys
 * but not X.509 certificates). P-256 keys keep it to a few milliseconds. The simulated tenant
 * needs TLS because sign-in authorities must be https (MSAL refuses others:
 * https://learn.microsoft.com/en-us/entra/identity-platform/msal-client-application-configuration),
 * and warden's client refuses http for ENTRA_AUTHORITY_HOST / ENTRA_GRAPH_URL too.
 */
export function createTlsCertificate(): TlsCertificate {
  const dir = mkdtempSync(join(tmpdir(), "warden-entra-tls-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
  try {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file("ca.key"));
    openssl(
      "req",
      "-x509",
      "-new",
      "-key",
      file("ca.key"),
      "-sha256",
      "-days",
      "2",
      "-subj",
      "/CN=warden simulated tenant CA",
      "-out",
      file("ca.pem"),
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file("server.key"));
    openssl("req", "-new", "-key", file("server.key"), "-subj", "/CN=127.0.0.1", "-out", file("server.csr"));
    writeFileSync(
      file("server.ext"),
      "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    );
    openssl(
      "x509",
      "-req",
      "-in",
      file("server.csr"),
      "-CA",
      file("ca.pem"),
      "-CAkey",
      file("ca.key"),
      "-CAcreateserial",
      "-days",
      "2",
      "-sha256",
      "-extfile",
      file("server.ext"),
      "-out",
      file("server.pem"),
    );
    return {
      ca: readFileSync(file("ca.pem"), "utf8"),
      cert: readFileSync(file("server.pem"), "utf8"),
      key: readFileSync(file("server.key"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
