//! The certificate the web UI is served with over HTTPS, for a phone on the LAN or a node on a
//! small server: the owner's own (a certificate and key from ACME or a reverse proxy's CA,
//! named in the config), else one this node signs for itself at `init` (or on first use, for a
//! data dir made before) and keeps in its data dir. A self-signed certificate is trusted by no browser, so what makes it safe is its
//! fingerprint: the SHA-256 of its public key (the SPKI pin of RFC 7469), shown beside the
//! pairing QR code and carried in its link, to be compared with what the phone's browser shows
//! before the owner accepts it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::data_dir::DataDir;

/// Why the HTTPS certificate could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A PEM file holds no certificate or key, or a broken one.
    #[error("{path}: {message}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Making the self-signed certificate failed.
    #[error("making a self-signed certificate: {0}")]
    Generate(String),
    /// rustls refused the certificate and key (e.g. they do not match).
    #[error("the certificate and key cannot be served: {0}")]
    Config(String),
}

/// A certificate ready to be served, and its fingerprint.
#[derive(Clone)]
pub struct Tls {
    /// What the HTTPS listener accepts connections with.
    pub config: Arc<ServerConfig>,
    /// SHA-256 of the certificate's public key (its SubjectPublicKeyInfo).
    pub spki_sha256: [u8; 32],
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("spki_sha256", &hex::encode(self.spki_sha256))
            .finish()
    }
}

impl Tls {
    /// The fingerprint as browsers and `openssl` show it: hex pairs joined by colons.
    pub fn fingerprint(&self) -> String {
        self.spki_sha256
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// The fingerprint as an HPKP pin (`base64(sha256(spki))`), the form Chromium's
    /// `--ignore-certificate-errors-spki-list` takes.
    pub fn pin(&self) -> String {
        base64(&self.spki_sha256)
    }
}

/// The certificate and key named by the config when both are given, else the data dir's own
/// (made now if missing, valid for `localhost`, the loopback addresses and `names`).
pub fn load_or_create(
    dir: &Path,
    cert: Option<&Path>,
    key: Option<&Path>,
    names: &[String],
) -> Result<Tls, TlsError> {
    let files = DataDir::new(dir);
    let (cert, key) = match (cert, key) {
        (Some(cert), Some(key)) => (cert.to_owned(), key.to_owned()),
        _ => {
            let (cert, key) = (files.tls_cert(), files.tls_key());
            if !cert.exists() || !key.exists() {
                create(&cert, &key, names)?;
            }
            (cert, key)
        }
    };
    load(&cert, &key)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TlsError + '_ {
    move |source| TlsError::Io {
        path: path.to_owned(),
        source,
    }
}

fn create(cert_path: &Path, key_path: &Path, names: &[String]) -> Result<(), TlsError> {
    use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SanType};
    let generate = |e: rcgen::Error| TlsError::Generate(e.to_string());
    let key = KeyPair::generate().map_err(generate)?;
    let mut dns = vec!["localhost".to_owned()];
    let mut ips = vec![
        std::net::IpAddr::from([127, 0, 0, 1]),
        std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
    ];
    for name in names {
        match name.parse() {
            Ok(ip) => ips.push(ip),
            Err(_) => dns.push(name.clone()),
        }
    }
    let mut params = CertificateParams::new(dns).map_err(generate)?;
    params
        .subject_alt_names
        .extend(ips.into_iter().map(SanType::IpAddress));
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, "smartket node");
    params.distinguished_name = subject;
    let cert = params.self_signed(&key).map_err(generate)?;
    crate::data_dir::write_private(key_path, key.serialize_pem().as_bytes())
        .map_err(io(key_path))?;
    std::fs::write(cert_path, cert.pem()).map_err(io(cert_path))
}

fn load(cert_path: &Path, key_path: &Path) -> Result<Tls, TlsError> {
    let pem = |path: &Path| {
        let path = path.to_owned();
        move |e: rustls::pki_types::pem::Error| TlsError::Pem {
            path,
            message: e.to_string(),
        }
    };
    let bytes = std::fs::read(cert_path).map_err(io(cert_path))?;
    let chain = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem(cert_path))?;
    let Some(leaf) = chain.first() else {
        return Err(TlsError::Pem {
            path: cert_path.to_owned(),
            message: "no certificate in the file".into(),
        });
    };
    let spki_sha256 = spki_sha256(leaf).map_err(|message| TlsError::Pem {
        path: cert_path.to_owned(),
        message,
    })?;
    let key_bytes = std::fs::read(key_path).map_err(io(key_path))?;
    let key = PrivateKeyDer::from_pem_slice(&key_bytes).map_err(pem(key_path))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    Ok(Tls {
        config: Arc::new(config),
        spki_sha256,
    })
}

/// SHA-256 of a DER certificate's SubjectPublicKeyInfo.
pub fn spki_sha256(cert: &CertificateDer<'_>) -> Result<[u8; 32], String> {
    let (_, parsed) =
        x509_parser::parse_x509_certificate(cert.as_ref()).map_err(|e| e.to_string())?;
    Ok(Sha256::digest(parsed.tbs_certificate.subject_pki.raw).into())
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn a_node_makes_its_certificate_once_keeps_the_key_private_and_serves_the_same_one_after() {
        let dir = crate::data_dir::temp_data_dir();
        let first = load_or_create(dir.path(), None, None, &["192.168.1.20".into()]).unwrap();
        let again = load_or_create(dir.path(), None, None, &[]).unwrap();
        assert_eq!(first.spki_sha256, again.spki_sha256, "made once, then read");
        assert_eq!(first.fingerprint().len(), 32 * 3 - 1);
        assert_eq!(first.pin().len(), 44);
        use std::os::unix::fs::PermissionsExt;
        let files = DataDir::new(dir.path());
        let mode = std::fs::metadata(files.tls_key())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let pem = std::fs::read(files.tls_cert()).unwrap();
        let cert = CertificateDer::pem_slice_iter(&pem)
            .next()
            .unwrap()
            .unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).unwrap();
        let sans = format!(
            "{:?}",
            parsed.subject_alternative_name().unwrap().unwrap().value
        );
        assert!(
            sans.contains("192.168.1.20") || sans.contains("[192, 168, 1, 20]"),
            "{sans}"
        );
    }

    #[test]
    fn the_owner_s_certificate_is_served_and_a_key_that_is_not_its_own_is_refused() {
        let dir = crate::data_dir::temp_data_dir();
        let other = crate::data_dir::temp_data_dir();
        load_or_create(dir.path(), None, None, &[]).unwrap();
        load_or_create(other.path(), None, None, &[]).unwrap();
        let own = load_or_create(
            dir.path(),
            Some(&DataDir::new(other.path()).tls_cert()),
            Some(&DataDir::new(other.path()).tls_key()),
            &[],
        )
        .unwrap();
        let others = load_or_create(other.path(), None, None, &[]).unwrap();
        assert_eq!(
            own.spki_sha256, others.spki_sha256,
            "the owner's files are served"
        );
        let cert = DataDir::new(dir.path()).tls_cert();
        let key = DataDir::new(other.path()).tls_key();
        let error = load_or_create(dir.path(), Some(&cert), Some(&key), &[]).unwrap_err();
        assert!(matches!(error, TlsError::Config(_)), "{error}");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        let error = load_or_create(dir.path(), Some(&empty), Some(&key), &[]).unwrap_err();
        assert!(error.to_string().contains("no certificate"), "{error}");
    }
}
