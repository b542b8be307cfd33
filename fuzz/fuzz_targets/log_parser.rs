//! The wpa_supplicant/hostapd log parser on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpadiag::handshake::from_log::{events_from_log, events_from_reader};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index as u64 + 1, line.to_string()));
    let _ = events_from_log(lines, 0);
    // The byte reader: its own line splitting, non-UTF-8 and long lines.
    let _ = events_from_reader(std::io::Cursor::new(data), 0);
});
