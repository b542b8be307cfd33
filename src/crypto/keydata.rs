//! Key Data decryption: AES key unwrap (RFC 3394) with the KEK for
//! descriptor versions 2, 3 and 0, and RC4 keyed with Key IV || KEK with the
//! first 256 output bytes discarded for version 1 (IEEE 802.11-2020 12.7.2;
//! hostap `wpa_supplicant_decrypt_key_data()`).

use aes_kw::{KeyInit, KwAes128, KwAes256};
use zeroize::Zeroize;

use super::Error;
use super::secret::KeyData;

/// RFC 3394 unwrap; the integrity check value proves the KEK.
pub fn aes_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<KeyData, Error> {
    if wrapped.len() < 24 || wrapped.len() % 8 != 0 {
        return Err(Error::KeyData(format!(
            "AES-wrapped key data must be a multiple of 8 bytes and at least 24, have {}",
            wrapped.len()
        )));
    }
    let mut buf = vec![0u8; wrapped.len()];
    let result = match kek.len() {
        16 => KwAes128::new_from_slice(kek)
            .map_err(|_| ())
            .and_then(|kw| {
                kw.unwrap_key(wrapped, &mut buf)
                    .map(|p| p.len())
                    .map_err(|_| ())
            }),
        32 => KwAes256::new_from_slice(kek)
            .map_err(|_| ())
            .and_then(|kw| {
                kw.unwrap_key(wrapped, &mut buf)
                    .map(|p| p.len())
                    .map_err(|_| ())
            }),
        other => {
            return Err(Error::Unsupported(format!(
                "{other}-byte KEK for AES key unwrap"
            )));
        }
    };
    let data = match result {
        Ok(len) => Ok(KeyData::from_slice(buf.get(..len).unwrap_or_default())),
        Err(()) => Err(Error::KeyData(
            "AES key unwrap integrity check failed (wrong KEK or damaged key data)".into(),
        )),
    };
    buf.zeroize();
    data
}

/// RFC 3394 wrap, for tests and fixtures.
pub fn aes_wrap(kek: &[u8], plain: &[u8]) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; plain.len() + 8];
    let bad = |_| Error::KeyData("AES key wrap refused its input".into());
    let len = match kek.len() {
        16 => KwAes128::new_from_slice(kek)
            .map_err(|_| Error::Unsupported("KEK length".into()))?
            .wrap_key(plain, &mut buf)
            .map_err(bad)?
            .len(),
        24 => aes_kw::KwAes192::new_from_slice(kek)
            .map_err(|_| Error::Unsupported("KEK length".into()))?
            .wrap_key(plain, &mut buf)
            .map_err(bad)?
            .len(),
        32 => KwAes256::new_from_slice(kek)
            .map_err(|_| Error::Unsupported("KEK length".into()))?
            .wrap_key(plain, &mut buf)
            .map_err(bad)?
            .len(),
        other => {
            return Err(Error::Unsupported(format!(
                "{other}-byte KEK for AES key wrap"
            )));
        }
    };
    buf.truncate(len);
    Ok(buf)
}

/// RFC 3394 unwrap with any AES key size, for the RFC's own vectors.
pub fn aes_unwrap_any(kek: &[u8], wrapped: &[u8]) -> Result<KeyData, Error> {
    if kek.len() != 24 {
        return aes_unwrap(kek, wrapped);
    }
    let mut buf = vec![0u8; wrapped.len()];
    let kw = aes_kw::KwAes192::new_from_slice(kek)
        .map_err(|_| Error::Unsupported("KEK length".into()))?;
    let out = kw
        .unwrap_key(wrapped, &mut buf)
        .map(KeyData::from_slice)
        .map_err(|_| Error::KeyData("AES key unwrap integrity check failed".into()));
    buf.zeroize();
    out
}

/// WPA1 key data: RC4(Key IV || KEK), first 256 bytes of keystream dropped.
pub fn rc4_decrypt(key_iv: &[u8; 16], kek: &[u8], data: &[u8]) -> KeyData {
    let mut key = Vec::with_capacity(16 + kek.len());
    key.extend_from_slice(key_iv);
    key.extend_from_slice(kek);
    let mut rc4 = Rc4::new(&key);
    key.zeroize();
    for _ in 0..256 {
        rc4.next_byte();
    }
    let mut out: Vec<u8> = data.iter().map(|b| b ^ rc4.next_byte()).collect();
    let data = KeyData::from_slice(&out);
    out.zeroize();
    data
}

/// ARC4: only ever used to read WPA1 key data; small enough to keep here.
struct Rc4 {
    state: [u8; 256],
    i: u8,
    j: u8,
}

impl Rc4 {
    fn new(key: &[u8]) -> Rc4 {
        let mut state = [0u8; 256];
        for (slot, value) in state.iter_mut().zip(0u8..=255) {
            *slot = value;
        }
        let mut j: u8 = 0;
        if !key.is_empty() {
            for i in 0..256usize {
                let key_byte = key.get(i % key.len()).copied().unwrap_or(0);
                j = j.wrapping_add(state[i]).wrapping_add(key_byte);
                state.swap(i, usize::from(j));
            }
        }
        Rc4 { state, i: 0, j: 0 }
    }

    fn next_byte(&mut self) -> u8 {
        self.i = self.i.wrapping_add(1);
        let i = usize::from(self.i);
        self.j = self.j.wrapping_add(self.state[i]);
        let j = usize::from(self.j);
        self.state.swap(i, j);
        let index = self.state[i].wrapping_add(self.state[j]);
        self.state[usize::from(index)]
    }
}

impl Drop for Rc4 {
    fn drop(&mut self) {
        self.state.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{hex, parse_hex};

    #[test]
    fn rc4_matches_rfc_6229_key_0102030405() {
        // RFC 6229, 40-bit key 0x0102030405: keystream at offset 0.
        let mut rc4 = Rc4::new(&[1, 2, 3, 4, 5]);
        let stream: Vec<u8> = (0..16).map(|_| rc4.next_byte()).collect();
        assert_eq!(hex(&stream), "b2396305f03dc027ccc3524a0a1118a8");
    }

    #[test]
    fn rc4_decrypt_round_trips() {
        let iv = [7u8; 16];
        let kek = [9u8; 16];
        let plain = b"group temporal key".to_vec();
        let cipher = rc4_decrypt(&iv, &kek, &plain);
        assert_ne!(cipher.as_bytes(), &plain[..]);
        assert_eq!(
            rc4_decrypt(&iv, &kek, cipher.as_bytes()).as_bytes(),
            &plain[..]
        );
    }

    #[test]
    fn rfc_3394_4_1_and_a_wrong_kek() {
        let kek = parse_hex("000102030405060708090a0b0c0d0e0f").unwrap();
        let wrapped = parse_hex("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5").unwrap();
        let plain = aes_unwrap(&kek, &wrapped).unwrap();
        assert_eq!(hex(plain.as_bytes()), "00112233445566778899aabbccddeeff");
        let err = aes_unwrap(&[0; 16], &wrapped).unwrap_err();
        assert!(err.to_string().contains("integrity check failed"), "{err}");
        assert!(aes_unwrap(&kek, &wrapped[..20]).is_err());
    }
}
