//! EAPOL-Key frames and the KDEs of their key data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::wire::eapol::{EapolKey, kde::Kde};

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = EapolKey::new_detect(data) {
        let _ = (key.message(), key.replay_counter(), key.key_nonce(), key.key_mic());
        assert!(key.mic_covered().len() <= data.len());
        for kde in Kde::iter(key.key_data()) {
            let _ = kde;
        }
    }
    let mut rest = data;
    let mut steps = 0;
    while let Ok((after, _)) = Kde::parse(rest) {
        assert!(after.len() < rest.len() || after.is_empty());
        if after.is_empty() {
            break;
        }
        rest = after;
        steps += 1;
        assert!(steps <= data.len());
    }
});
