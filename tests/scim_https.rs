//! The client over HTTPS: a stand-in GitLab on 127.0.0.1 with a certificate from a throwaway CA.
//! The CA is trusted through SSL_CERT_FILE, and only through it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;

use common::{samltrace, stderr};

const TOKEN: &str = "glsoat-https-test-token-0001";

const PAGE: &str = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"itemsPerPage":100,"startIndex":1,"Resources":[
 {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"0b1d561c-21ff-4092-beab-8154b17f82f2","active":true,"emails":[{"type":"work","value":"alice@example.com","primary":true}],"name":{"formatted":"Alice Example","givenName":"Alice","familyName":"Example"},"meta":{"resourceType":"User"},"userName":"alice"},
 {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"bob@example.com","active":false,"emails":[{"type":"work","value":"bob@example.com","primary":true}],"name":{"formatted":"Bob Builder","givenName":"Bob","familyName":"Builder"},"meta":{"resourceType":"User"},"userName":"bob1"}]}"#;

/// A CA certificate (PEM) and a server configuration for `localhost` and `127.0.0.1` signed by it.
fn pki() -> (String, Arc<rustls::ServerConfig>) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "samltrace test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
        )
        .unwrap();
    (ca.pem(), Arc::new(config))
}

/// Serves one SCIM page to every request that carries the token, over TLS, until the test ends.
fn serve(config: Arc<rustls::ServerConfig>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut reader = BufReader::new(&mut tls);
            let mut authorised = false;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                authorised |= line
                    .to_ascii_lowercase()
                    .starts_with("authorization: bearer ")
                    && line.contains(TOKEN);
                line.clear();
            }
            let (status, body) = if authorised {
                ("200 OK", PAGE)
            } else {
                ("401 Unauthorized", r#"{"message":"401 Unauthorized"}"#)
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tls.write_all(reply.as_bytes());
            let _ = tls.flush();
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    port
}

#[test]
fn a_private_ca_is_trusted_through_ssl_cert_file_and_only_then() {
    let (ca_pem, config) = pki();
    let port = serve(config);
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca_pem).unwrap();
    let out_file = dir.path().join("identities.json");
    let url = format!("https://localhost:{port}/api/scim/v2/groups/acme");

    let trusted = samltrace()
        .args(["scim", "fetch", &url, "-o"])
        .arg(&out_file)
        .env("SAMLTRACE_TOKEN", TOKEN)
        .env("SSL_CERT_FILE", &ca_file)
        .output()
        .unwrap();
    assert_eq!(trusted.status.code(), Some(0), "{}", stderr(&trusted));
    let saved = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        saved.contains("0b1d561c-21ff-4092-beab-8154b17f82f2") && saved.contains("bob@example.com"),
        "{saved}"
    );
    assert!(!saved.contains(TOKEN));

    std::fs::remove_file(&out_file).unwrap();
    let untrusted = samltrace()
        .args(["scim", "fetch", &url, "-o"])
        .arg(&out_file)
        .env("SAMLTRACE_TOKEN", TOKEN)
        .env("SSL_CERT_FILE", dir.path().join("no-such-bundle.pem"))
        .output()
        .unwrap();
    let err = stderr(&untrusted);
    assert_eq!(untrusted.status.code(), Some(2), "{err}");
    assert!(err.contains("certificate is not trusted"), "{err}");
    assert!(!err.contains(TOKEN), "{err}");
    assert!(!out_file.exists(), "a failed fetch must leave no file");
}
