//! PMKs per second per core, against the raw SHA-1 compression rate of this
//! CPU: one PMK costs 16,384 compressions, so `compressions/s / 16,384` is
//! the ceiling for one PBKDF2 chain. Run with `cargo bench --bench pmk`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sha1::block_api::compress;
use wpadiag::crypto::pmk;

const COMPRESSIONS_PER_PMK: f64 = 16_384.0;

/// Runs `f` until `budget` has passed; returns calls per second.
fn rate(budget: Duration, mut f: impl FnMut() -> u64) -> f64 {
    let start = Instant::now();
    let mut done = 0u64;
    while start.elapsed() < budget {
        done += f();
    }
    done as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    // The machine is shared: interleave short rounds of each measurement and
    // keep each one's best round, the one least disturbed by other work.
    let round = Duration::from_millis(400);
    let rounds = 12;
    let mut best = [0f64; 3];

    let mut state = [
        0x6745_2301u32,
        0xefcd_ab89,
        0x98ba_dcfe,
        0x1032_5476,
        0xc3d2_e1f0,
    ];
    let blocks = [[0x5au8; 64]];
    let mut counter = 0u32;
    let mut out = [0u8; 32];
    for _ in 0..rounds {
        // Single-block calls chained through the state, as PBKDF2 chains
        // them: the latency of one compression, the unit a PMK is made of.
        let compressions = rate(round, || {
            for _ in 0..10_000 {
                compress(&mut state, &blocks);
            }
            10_000
        });
        let fast = rate(round, || {
            counter = counter.wrapping_add(1);
            black_box(pmk::pmk_from_bytes(
                &counter.to_le_bytes().repeat(3),
                b"benchmark-ssid",
            ));
            1
        });
        let crate_rate = rate(round, || {
            counter = counter.wrapping_add(1);
            pmk::pbkdf2_sha1(
                &counter.to_le_bytes().repeat(3),
                b"benchmark-ssid",
                4096,
                &mut out,
            );
            black_box(out);
            1
        });
        for (best, now) in best.iter_mut().zip([compressions, fast, crate_rate]) {
            *best = best.max(now);
        }
    }
    black_box(state);
    let [compressions, fast, crate_rate] = best;

    let ceiling = compressions / COMPRESSIONS_PER_PMK;
    println!(
        "best of {rounds} interleaved rounds of {} ms each",
        round.as_millis()
    );
    println!("sha1 compressions/s/core      {:>12.0}", compressions);
    println!("ceiling PMK/s/core            {:>12.0}", ceiling);
    println!(
        "wpadiag PMK/s/core            {:>12.0}  ({:.0}% of ceiling)",
        fast,
        100.0 * fast / ceiling
    );
    println!(
        "pbkdf2 crate PMK/s/core       {:>12.0}  ({:.0}% of ceiling)",
        crate_rate,
        100.0 * crate_rate / ceiling
    );
}
