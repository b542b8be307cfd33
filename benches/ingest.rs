//! In-process throughput of the capture path over a generated in-memory
//! radiotap pcap (beacons, ACK/CTS, CCMP data, one handshake every 2,000
//! frames): the reader alone, reader + link/802.11 decoding, and the whole
//! `FrameIngest`. Run with `cargo bench --bench ingest`; divan prints
//! frames/s and bytes/s per benchmark.

use std::hint::black_box;
use std::io::Cursor;
use std::sync::OnceLock;

use divan::counter::{BytesCount, ItemsCount};
use wpadiag::handshake::from_frame::FrameIngest;
use wpadiag::source::CaptureReader;
use wpadiag::wire::{self, ieee80211, link::Link};

fn main() {
    divan::main();
}

const FRAMES: usize = 200_000;
const AP: [u8; 6] = [2, 0, 0, 0, 1, 0];

struct Capture {
    bytes: &'static [u8],
    frames: usize,
}

/// Built once and leaked: the reader wants an owned `Read + 'static`.
fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let (bytes, frames) = generate(FRAMES);
        Capture {
            bytes: Box::leak(bytes.into_boxed_slice()),
            frames,
        }
    })
}

/// A small deterministic generator (xorshift), radiotap with Flags (FCS
/// present), Rate, Channel and signal, like `gen_bigcap.py`.
fn generate(frames: usize) -> (Vec<u8>, usize) {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut out = Vec::new();
    out.extend(0xa1b2_c3d4_u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0u8; 8]);
    out.extend(65_535u32.to_le_bytes());
    out.extend(127u32.to_le_bytes());
    let mut count = 0;
    let record = |out: &mut Vec<u8>, n: usize, wlan: &[u8], signal: u8| {
        let mut packet = vec![0, 0, 18, 0, 0x2e, 0x48, 0, 0];
        packet.extend([0x10, 48]);
        packet.extend(2437u16.to_le_bytes());
        packet.extend(0x00c0u16.to_le_bytes());
        packet.extend([signal, 1, 0, 0]);
        packet.extend_from_slice(wlan);
        packet.extend([0u8; 4]); // FCS (not checked by the decoders)
        out.extend(((n / 10_000) as u32).to_le_bytes());
        out.extend(((n % 10_000 * 100) as u32).to_le_bytes());
        out.extend((packet.len() as u32).to_le_bytes());
        out.extend((packet.len() as u32).to_le_bytes());
        out.extend(packet);
    };
    for n in 0..frames {
        let r = next();
        let sta = [2, 0, 0, 0, 2, (r % 64) as u8];
        let signal = 0xc0 | (r >> 8) as u8 & 0x3f;
        let mut wlan = Vec::new();
        if n % 2_000 < 4 {
            // M1..M4 of a handshake.
            let msg = n % 2_000;
            let to_ap = msg % 2 == 1;
            let info: u16 = [0x008a, 0x010a, 0x13ca, 0x030a][msg];
            wlan.extend(if to_ap { 0x0188u16 } else { 0x0288 }.to_le_bytes());
            wlan.extend([0x3a, 0x01]);
            let (a1, a2) = if to_ap { (AP, sta) } else { (sta, AP) };
            wlan.extend(a1);
            wlan.extend(a2);
            wlan.extend(AP);
            wlan.extend([0, 0, 7, 0]);
            wlan.extend([0xaa, 0xaa, 3, 0, 0, 0, 0x88, 0x8e]);
            let mut body = vec![2];
            body.extend(info.to_be_bytes());
            body.extend(16u16.to_be_bytes());
            body.extend((n as u64 / 2_000 * 2 + msg as u64 / 2 + 1).to_be_bytes());
            body.extend([msg as u8; 32]);
            body.extend([0u8; 48]);
            body.extend(0u16.to_be_bytes());
            wlan.extend([2, 3]);
            wlan.extend((body.len() as u16).to_be_bytes());
            wlan.extend(body);
        } else if n % 100 == 0 {
            // Beacon with SSID and RSN element.
            wlan.extend([0x80, 0, 0, 0]);
            wlan.extend([0xff; 6]);
            wlan.extend(AP);
            wlan.extend(AP);
            wlan.extend([0, 0]);
            wlan.extend([0u8; 8]);
            wlan.extend([100, 0, 0x11, 0x04, 0, 13]);
            wlan.extend(b"wpadiag-bench");
            wlan.extend([
                0x30, 0x14, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2,
                0, 0,
            ]);
        } else if r % 5 == 0 {
            wlan.extend([0xd4, 0, 0, 0]);
            wlan.extend(sta);
        } else {
            // CCMP-protected QoS data, 60-1530 bytes of payload.
            let to_ap = r & 0x100 != 0;
            wlan.extend(if to_ap { 0x4188u16 } else { 0x4288 }.to_le_bytes());
            wlan.extend([0x2c, 0]);
            let (a1, a2) = if to_ap { (AP, sta) } else { (sta, AP) };
            wlan.extend(a1);
            wlan.extend(a2);
            wlan.extend(AP);
            wlan.extend([0, 0, 0, 0]);
            wlan.extend([1, 0, 0, 0x20, 0, 0, 0, 0]);
            let len = 60 + (r >> 16) as usize % 1_470;
            wlan.resize(wlan.len() + len, 0x5a);
        }
        record(&mut out, n, &wlan, signal);
        count += 1;
    }
    (out, count)
}

fn reader() -> CaptureReader {
    match CaptureReader::new(Cursor::new(capture().bytes)) {
        Ok(reader) => reader,
        Err(err) => panic!("generated capture unreadable: {err}"),
    }
}

/// The file reader alone: records walked, bytes touched.
#[divan::bench]
fn read_records(bencher: divan::Bencher) {
    let capture = capture();
    bencher
        .counter(BytesCount::new(capture.bytes.len()))
        .counter(ItemsCount::new(capture.frames))
        .bench(|| {
            let mut reader = reader();
            let mut total = 0usize;
            while let Some(Ok(record)) = reader.next_record() {
                total += record.data.len();
            }
            black_box(total)
        });
}

/// Reader + radiotap + 802.11 decoding of every frame.
#[divan::bench]
fn decode_frames(bencher: divan::Bencher) {
    let capture = capture();
    bencher
        .counter(BytesCount::new(capture.bytes.len()))
        .counter(ItemsCount::new(capture.frames))
        .bench(|| {
            let mut reader = reader();
            let mut eapol = 0usize;
            while let Some(Ok(record)) = reader.next_record() {
                let Ok(decoded) = wire::decode(record.linktype, record.data) else {
                    continue;
                };
                if let Link::Dot11(bytes) = decoded.link {
                    if let Ok(frame) = ieee80211::parse(bytes) {
                        if let ieee80211::Body::Data { eapol: Some(_), .. } = frame.body {
                            eapol += 1;
                        }
                    }
                }
            }
            black_box(eapol)
        });
}

/// Everything a capture goes through before the per-link analysis.
#[divan::bench]
fn frame_ingest(bencher: divan::Bencher) {
    let capture = capture();
    bencher
        .counter(BytesCount::new(capture.bytes.len()))
        .counter(ItemsCount::new(capture.frames))
        .bench(|| {
            let mut reader = reader();
            let mut ingest = FrameIngest::new(0);
            while let Some(Ok(record)) = reader.next_record() {
                ingest.push(record.number, record.time, record.linktype, record.data);
            }
            black_box(ingest.finish().0.len())
        });
}
