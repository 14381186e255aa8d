//! The XML-Enc algorithms we open: RSA key transport (OAEP with MGF1-SHA-1, the xmlenc11 OAEP
//! with any SHA-2 digest and MGF, PKCS#1 v1.5) and content ciphers (AES-CBC, AES-GCM,
//! 3DES-CBC), with the XML-Enc padding rule (last byte = pad length, other pad bytes arbitrary).
//!
//! Bytes in, bytes out: no XML here, and no key ever leaves this module in an error message.

use aes_gcm::aead::{Aead, KeyInit};
use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::NoPadding};
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};

use super::algorithms::DigestAlg;

/// Why something could not be decrypted, in words fit for EN002.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DecryptFailure {
    /// The key transport failed: most often the message was encrypted for another SP key.
    WrongKey(String),
    Unsupported(String),
    BadPadding(String),
    Malformed(String),
}

impl DecryptFailure {
    pub fn reason(&self) -> String {
        match self {
            DecryptFailure::WrongKey(s) => format!("wrong key: {s}"),
            DecryptFailure::Unsupported(a) => format!("unsupported algorithm {a}"),
            DecryptFailure::BadPadding(s) => format!("bad padding: {s}"),
            DecryptFailure::Malformed(s) => s.clone(),
        }
    }
}

impl std::fmt::Display for DecryptFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason())
    }
}

pub const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
pub const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
pub const RSA_OAEP_11: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";

/// A key-transport algorithm with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyTransport {
    Pkcs1v15,
    Oaep {
        digest: DigestAlg,
        mgf: DigestAlg,
        label: Vec<u8>,
    },
}

/// Unwraps a content key with the SP's private key.
pub fn unwrap_key(
    key: &rsa::PrivateKey,
    transport: &KeyTransport,
    wrapped: &[u8],
) -> Result<Vec<u8>, DecryptFailure> {
    let result = match transport {
        KeyTransport::Pkcs1v15 => key.decrypt(rsa::Pkcs1v15Encrypt, wrapped),
        KeyTransport::Oaep { digest, mgf, label } => oaep(key, *digest, *mgf, label, wrapped),
    };
    result.map_err(|_| {
        DecryptFailure::WrongKey(
            "the encrypted key does not decrypt with the given SP key (encrypted for another key?)"
                .to_owned(),
        )
    })
}

fn oaep(
    key: &rsa::PrivateKey,
    digest: DigestAlg,
    mgf: DigestAlg,
    label: &[u8],
    wrapped: &[u8],
) -> rsa::errors::Result<Vec<u8>> {
    macro_rules! with_mgf {
        ($d:ty) => {
            match mgf {
                DigestAlg::Sha1 => oaep_with::<$d, Sha1>(key, label, wrapped),
                DigestAlg::Sha256 => oaep_with::<$d, Sha256>(key, label, wrapped),
                DigestAlg::Sha384 => oaep_with::<$d, Sha384>(key, label, wrapped),
                DigestAlg::Sha512 => oaep_with::<$d, Sha512>(key, label, wrapped),
            }
        };
    }
    match digest {
        DigestAlg::Sha1 => with_mgf!(Sha1),
        DigestAlg::Sha256 => with_mgf!(Sha256),
        DigestAlg::Sha384 => with_mgf!(Sha384),
        DigestAlg::Sha512 => with_mgf!(Sha512),
    }
}

fn oaep_with<D, M>(
    key: &rsa::PrivateKey,
    label: &[u8],
    wrapped: &[u8],
) -> rsa::errors::Result<Vec<u8>>
where
    D: 'static + sha2::Digest + sha2::digest::FixedOutputReset + Send + Sync,
    M: 'static + sha2::Digest + sha2::digest::FixedOutputReset + Send + Sync,
{
    let padding = if label.is_empty() {
        rsa::Oaep::<D, M>::new_with_mgf_hash()
    } else {
        rsa::Oaep::<D, M>::new_with_mgf_hash_and_label(label.to_vec())
    };
    key.decrypt(padding, wrapped)
}

/// A content cipher of the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentCipher {
    AesCbc(usize),
    AesGcm(usize),
    TripleDesCbc,
}

impl ContentCipher {
    pub fn from_uri(uri: &str) -> Option<ContentCipher> {
        Some(match uri {
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc" => ContentCipher::AesCbc(16),
            "http://www.w3.org/2001/04/xmlenc#aes192-cbc" => ContentCipher::AesCbc(24),
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => ContentCipher::AesCbc(32),
            "http://www.w3.org/2009/xmlenc11#aes128-gcm" => ContentCipher::AesGcm(16),
            "http://www.w3.org/2009/xmlenc11#aes192-gcm" => ContentCipher::AesGcm(24),
            "http://www.w3.org/2009/xmlenc11#aes256-gcm" => ContentCipher::AesGcm(32),
            "http://www.w3.org/2001/04/xmlenc#tripledes-cbc" => ContentCipher::TripleDesCbc,
            _ => return None,
        })
    }

    pub fn key_len(self) -> usize {
        match self {
            ContentCipher::AesCbc(n) | ContentCipher::AesGcm(n) => n,
            ContentCipher::TripleDesCbc => 24,
        }
    }

    /// Decrypts `data` (IV first) with `key`.
    pub fn decrypt(self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, DecryptFailure> {
        if key.len() != self.key_len() {
            return Err(DecryptFailure::WrongKey(format!(
                "the unwrapped key is {} bytes, the cipher needs {} (encrypted for another key?)",
                key.len(),
                self.key_len()
            )));
        }
        match self {
            ContentCipher::AesCbc(16) => cbc_decrypt::<aes::Aes128>(key, data, 16),
            ContentCipher::AesCbc(24) => cbc_decrypt::<aes::Aes192>(key, data, 16),
            ContentCipher::AesCbc(_) => cbc_decrypt::<aes::Aes256>(key, data, 16),
            ContentCipher::TripleDesCbc => cbc_decrypt::<des::TdesEde3>(key, data, 8),
            ContentCipher::AesGcm(16) => gcm_decrypt::<aes_gcm::Aes128Gcm>(key, data),
            ContentCipher::AesGcm(24) => {
                type Aes192Gcm = aes_gcm::AesGcm<aes::Aes192, aes_gcm::aead::consts::U12>;
                gcm_decrypt::<Aes192Gcm>(key, data)
            }
            ContentCipher::AesGcm(_) => gcm_decrypt::<aes_gcm::Aes256Gcm>(key, data),
        }
    }
}

fn cbc_decrypt<C>(key: &[u8], data: &[u8], block: usize) -> Result<Vec<u8>, DecryptFailure>
where
    C: cbc::cipher::BlockCipherDecrypt + cbc::cipher::KeyInit,
    cbc::Decryptor<C>: KeyIvInit + BlockModeDecrypt,
{
    if data.len() < 2 * block || !data.len().is_multiple_of(block) {
        return Err(DecryptFailure::Malformed(format!(
            "CipherValue of {} bytes is not an IV plus whole {block}-byte blocks",
            data.len()
        )));
    }
    let (iv, body) = data.split_at(block);
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv)
        .map_err(|_| DecryptFailure::Malformed("bad key or IV length".to_owned()))?;
    let mut buf = body.to_vec();
    let plain = dec
        .decrypt_padded::<NoPadding>(&mut buf)
        .map_err(|_| DecryptFailure::Malformed("ciphertext is not whole blocks".to_owned()))?;
    let pad = usize::from(plain.last().copied().unwrap_or(0));
    if pad == 0 || pad > block || pad > plain.len() {
        return Err(DecryptFailure::BadPadding(format!(
            "last byte {pad} is not a pad length of 1 to {block} (wrong key or corrupted data)"
        )));
    }
    Ok(plain[..plain.len() - pad].to_vec())
}

fn gcm_decrypt<A>(key: &[u8], data: &[u8]) -> Result<Vec<u8>, DecryptFailure>
where
    A: Aead + KeyInit + aes_gcm::AeadCore<NonceSize = aes_gcm::aead::consts::U12>,
{
    if data.len() < 12 + 16 {
        return Err(DecryptFailure::Malformed(format!(
            "CipherValue of {} bytes is shorter than a GCM IV and tag",
            data.len()
        )));
    }
    let cipher = A::new_from_slice(key)
        .map_err(|_| DecryptFailure::Malformed("bad AES-GCM key length".to_owned()))?;
    let (iv, body) = data.split_at(12);
    let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(iv)
        .map_err(|_| DecryptFailure::Malformed("bad AES-GCM IV".to_owned()))?;
    cipher.decrypt(&nonce, body).map_err(|_| {
        DecryptFailure::WrongKey(
            "AES-GCM authentication failed: wrong key or the ciphertext was altered".to_owned(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::Aead;
    use cbc::cipher::{BlockModeEncrypt, block_padding::Pkcs7};

    #[test]
    fn aes_cbc_round_trip_with_arbitrary_pad_bytes() {
        let key = [7u8; 16];
        let iv = [9u8; 16];
        // XML-Enc padding: only the last byte is meaningful.
        let mut block = *b"hello\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\x0b";
        let enc = cbc::Encryptor::<aes::Aes128>::new_from_slices(&key, &iv).unwrap();
        let ct = enc
            .encrypt_padded::<NoPadding>(&mut block, 16)
            .unwrap()
            .to_vec();
        let data = [iv.as_slice(), &ct].concat();
        let plain = ContentCipher::AesCbc(16).decrypt(&key, &data).unwrap();
        assert_eq!(plain, b"hello");
        let other = ContentCipher::AesCbc(16).decrypt(&[8u8; 16], &data);
        assert!(other.is_err() || other.unwrap() != b"hello");
    }

    #[test]
    fn triple_des_round_trip() {
        let key = [0x13u8; 24];
        let iv = [1u8; 8];
        let mut buf = [0u8; 16];
        buf[..10].copy_from_slice(b"0123456789");
        let enc = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv).unwrap();
        let ct = enc.encrypt_padded::<Pkcs7>(&mut buf, 10).unwrap().to_vec();
        let data = [iv.as_slice(), &ct].concat();
        let plain = ContentCipher::TripleDesCbc.decrypt(&key, &data).unwrap();
        assert_eq!(plain, b"0123456789");
    }

    #[test]
    fn aes_gcm_round_trip_and_tamper() {
        let key = [3u8; 32];
        let iv = [4u8; 12];
        let c = aes_gcm::Aes256Gcm::new_from_slice(&key).unwrap();
        let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(&iv[..]).unwrap();
        let ct = c.encrypt(&nonce, &b"<a/>"[..]).unwrap();
        let mut data = [iv.as_slice(), &ct].concat();
        assert_eq!(
            ContentCipher::AesGcm(32).decrypt(&key, &data).unwrap(),
            b"<a/>"
        );
        let last = data.len() - 1;
        data[last] ^= 1;
        assert!(matches!(
            ContentCipher::AesGcm(32).decrypt(&key, &data),
            Err(DecryptFailure::WrongKey(_))
        ));
    }

    #[test]
    fn short_or_ragged_ciphertext_is_malformed_not_a_panic() {
        for c in [
            ContentCipher::AesCbc(16),
            ContentCipher::AesGcm(16),
            ContentCipher::TripleDesCbc,
        ] {
            let key = vec![0u8; c.key_len()];
            for len in [0, 1, 15, 17, 27, 33] {
                assert!(c.decrypt(&key, &vec![0u8; len]).is_err(), "{c:?} {len}");
            }
        }
        assert!(matches!(
            ContentCipher::AesCbc(32).decrypt(&[0u8; 16], &[0u8; 32]),
            Err(DecryptFailure::WrongKey(_))
        ));
    }
}
