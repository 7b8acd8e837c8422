//! One HTTPS GET with rustls' default client configuration (`with_safe_defaults`: its default
//! cipher suites, key exchange groups and protocol versions), for recording its ClientHello.
//! Usage: rustlsclient HOST PORT
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::SystemTime;

use rustls::client::{ServerCertVerified, ServerCertVerifier};
use rustls::{Certificate, ClientConfig, ClientConnection, RootCertStore, ServerName, Stream};

/// Accepts any server certificate: the bench's server has a throwaway self-signed one.
struct AcceptAny;

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &Certificate,
        _intermediates: &[Certificate],
        _server_name: &ServerName,
        _scts: &mut dyn Iterator<Item = &[u8]>,
        _ocsp_response: &[u8],
        _now: SystemTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: rustlsclient HOST PORT");
        std::process::exit(2);
    }
    let host = args[1].as_str();
    let port: u16 = args[2].parse().expect("PORT: a number from 1 to 65535");
    let mut config = ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(RootCertStore::empty())
        .with_no_client_auth();
    config.dangerous().set_certificate_verifier(Arc::new(AcceptAny));
    let name = ServerName::try_from(host).expect("HOST: a DNS name");
    let mut conn = ClientConnection::new(Arc::new(config), name).expect("rustls client");
    let mut sock = TcpStream::connect((host, port)).expect("TCP connect");
    let mut tls = Stream::new(&mut conn, &mut sock);
    tls.write_all(format!("GET / HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
        .expect("TLS handshake and request");
    let mut body = Vec::new();
    // openssl s_server -www may close without close_notify: the answer read so far counts
    let _ = tls.read_to_end(&mut body);
    println!("{} bytes, {:?}", body.len(), conn.negotiated_cipher_suite().map(|s| s.suite()));
}
