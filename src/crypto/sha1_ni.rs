//! PBKDF2-HMAC-SHA1 chains on the x86 SHA extensions, several at once.
//!
//! One chain is 8,190 dependent compressions, each 20 dependent `sha1rnds4`
//! instructions: a single chain waits on that instruction's latency while
//! the unit could start another. Independent chains (the two output blocks
//! of a PMK, and those of other candidates) fill those slots, so N chains
//! cost little more than one until the unit's throughput is reached.
//!
//! Every PBKDF2 iteration hashes one block of the same shape: a 20-byte
//! message after a 64-byte HMAC key block, so message words 5..=15 are the
//! padding (0x80000000, zeros, bit length 672). The states stay in vector
//! registers across the 4,095 iterations, in the layout the instructions
//! use: the digest of one compression is already the first 20 message
//! bytes of the next.
//!
//! `unsafe` is allowed here and nowhere else in the crate: running these
//! instructions needs `#[target_feature]` functions, which Rust 1.85 (the
//! oldest supported compiler) requires to be `unsafe fn`, and on that
//! compiler the intrinsics themselves are `unsafe fn`. The module touches no
//! pointers (values go in with `_mm_set_epi32` and out with
//! `_mm_extract_epi32`), and its only safe entry points check the CPU
//! first.

#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m128i, _mm_add_epi32, _mm_extract_epi32, _mm_set_epi32, _mm_setzero_si128,
    _mm_sha1msg1_epu32, _mm_sha1msg2_epu32, _mm_sha1nexte_epu32, _mm_sha1rnds4_epu32,
    _mm_xor_si128,
};

/// A SHA-1 chaining value: A, B, C, D, E.
pub type State = [u32; 5];

/// Whether this CPU runs the kernels. `is_x86_feature_detected!` caches
/// its answer after the first call: later calls are one atomic load.
pub fn available() -> bool {
    std::arch::is_x86_feature_detected!("sha")
        && std::arch::is_x86_feature_detected!("sse2")
        && std::arch::is_x86_feature_detected!("ssse3")
        && std::arch::is_x86_feature_detected!("sse4.1")
}

/// The 4,095 iterations after U1 of `N` independent PBKDF2-HMAC-SHA1
/// chains. Chain `i` starts from the HMAC inner and outer key states
/// `inner[i]`, `outer[i]` and from `u1[i]`; the result is its output block
/// T = U1 ^ U2 ^ ... ^ U4096. `None` when the CPU lacks the extensions.
pub fn pbkdf2_chains<const N: usize>(
    inner: &[State; N],
    outer: &[State; N],
    u1: &[State; N],
    iterations: u32,
) -> Option<[State; N]> {
    if !available() {
        return None;
    }
    // SAFETY: `available()` just confirmed every feature the function is
    // compiled for; it takes its inputs by reference to plain arrays.
    Some(unsafe { chains(inner, outer, u1, iterations) })
}

/// One SHA-1 compression of a whole 64-byte block, as
/// `sha1::block_api::compress` does it: lets tests check the round
/// sequence on arbitrary blocks. `None` without the extensions.
#[cfg(test)]
pub fn compress(state: &mut State, block: &[u8; 64]) -> Option<()> {
    if !available() {
        return None;
    }
    let mut words = [0u32; 16];
    for (word, bytes) in words.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    // SAFETY: as in `pbkdf2_chains`: the features are present, and the
    // arguments are plain arrays.
    *state = unsafe { compress_one(state, &words) };
    Some(())
}

/// The constants one initial state contributes to each compression: its
/// ABCD register, E to add to the first four message words, and E again
/// for the final feed-forward, whose other lanes are copied into the
/// output: holding 0x80000000 in lane 2 there makes the output E register
/// exactly message words 4..=7 of the next PBKDF2 block.
#[derive(Clone, Copy)]
struct Init {
    abcd: __m128i,
    e_first: __m128i,
    e_last: __m128i,
}

#[allow(unused_unsafe)]
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn init(state: &State, next_word: u32) -> Init {
    let [a, b, c, d, e] = state.map(|w| w as i32);
    // SAFETY: the caller runs with the features enabled; these are
    // register operations on values.
    unsafe {
        Init {
            abcd: _mm_set_epi32(a, b, c, d),
            e_first: _mm_set_epi32(e, 0, 0, 0),
            e_last: _mm_set_epi32(e, next_word as i32, 0, 0),
        }
    }
}

/// 80 rounds for several independent states at once, from `$init[i]`
/// (`&[Init; N]`) over the message `$w[i]` (`[[__m128i; 4]; N]`: W0..W3,
/// W4..W7, W8..W11, W12..W15). Evaluates to the new ABCD and E registers
/// (the chaining value added in). The lanes are written one after another
/// in each four-round group; the out-of-order core overlaps them.
///
/// A macro, not a function: at six lanes the body is too large for LLVM
/// to inline, and `#[inline(always)]` cannot go with `#[target_feature]`;
/// a call would pass every state through memory twice per iteration. Use
/// it only inside an `unsafe` block of a function compiled with the
/// features.
macro_rules! rounds {
    ($init:expr, $w:expr) => {{
        let init = $init;
        let mut msg = $w;
        let mut abcd = init.map(|i| i.abcd);
        let mut prev = abcd;
        let mut e = abcd;
        for i in 0..init.len() {
            e[i] = _mm_add_epi32(init[i].e_first, msg[i][0]);
        }
        // Group `$g` of four rounds, round function `$f`. From group 4 on,
        // message slot g % 4 (W[4g-16..]) becomes W[4g..4g+4]:
        // msg1 xors in W[t-14], the xor W[t-8], msg2 W[t-3] and the rotate.
        macro_rules! group {
            ($g:literal, $f:literal) => {
                for i in 0..init.len() {
                    if $g >= 4 {
                        let m = &mut msg[i];
                        let x = _mm_sha1msg1_epu32(m[$g % 4], m[($g + 1) % 4]);
                        let x = _mm_xor_si128(x, m[($g + 2) % 4]);
                        m[$g % 4] = _mm_sha1msg2_epu32(x, m[($g + 3) % 4]);
                    }
                    if $g > 0 {
                        e[i] = _mm_sha1nexte_epu32(prev[i], msg[i][$g % 4]);
                    }
                    prev[i] = abcd[i];
                    abcd[i] = _mm_sha1rnds4_epu32::<$f>(abcd[i], e[i]);
                }
            };
        }
        group!(0, 0);
        group!(1, 0);
        group!(2, 0);
        group!(3, 0);
        group!(4, 0);
        group!(5, 1);
        group!(6, 1);
        group!(7, 1);
        group!(8, 1);
        group!(9, 1);
        group!(10, 2);
        group!(11, 2);
        group!(12, 2);
        group!(13, 2);
        group!(14, 2);
        group!(15, 3);
        group!(16, 3);
        group!(17, 3);
        group!(18, 3);
        group!(19, 3);
        for i in 0..init.len() {
            // E after 80 rounds is A from before the last group, rotated.
            e[i] = _mm_sha1nexte_epu32(prev[i], init[i].e_last);
            abcd[i] = _mm_add_epi32(abcd[i], init[i].abcd);
        }
        (abcd, e)
    }};
}

#[allow(unused_unsafe)]
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn extract(abcd: __m128i, e: __m128i) -> State {
    // SAFETY: the caller runs with the features enabled (SSE4.1 extract).
    unsafe {
        [
            _mm_extract_epi32::<3>(abcd),
            _mm_extract_epi32::<2>(abcd),
            _mm_extract_epi32::<1>(abcd),
            _mm_extract_epi32::<0>(abcd),
            _mm_extract_epi32::<3>(e),
        ]
        .map(|w| w as u32)
    }
}

/// The message words 5..=15 of every PBKDF2 block after U1: the padding of
/// a 20-byte message after a 64-byte block.
const PAD_W5: u32 = 0x8000_0000;
const BIT_LEN: u32 = (64 + 20) * 8;

#[allow(unused_unsafe)]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn chains<const N: usize>(
    inner: &[State; N],
    outer: &[State; N],
    u1: &[State; N],
    iterations: u32,
) -> [State; N] {
    // SAFETY: this function is only called after `available()`; everything
    // below is register arithmetic and calls to the helpers above, which
    // need the same features.
    unsafe {
        let mut inner_init = [init(&[0; 5], 0); N];
        let mut outer_init = inner_init;
        let mut u_abcd = [_mm_setzero_si128(); N];
        let mut u_e = u_abcd;
        for i in 0..N {
            inner_init[i] = init(&inner[i], PAD_W5);
            outer_init[i] = init(&outer[i], PAD_W5);
            let [a, b, c, d, e] = u1[i].map(|w| w as i32);
            u_abcd[i] = _mm_set_epi32(a, b, c, d);
            u_e[i] = _mm_set_epi32(e, PAD_W5 as i32, 0, 0);
        }
        let zero = _mm_setzero_si128();
        let last = _mm_set_epi32(0, 0, 0, BIT_LEN as i32);
        let (mut t_abcd, mut t_e) = (u_abcd, u_e);
        for _ in 1..iterations {
            let mut block = [[zero, zero, zero, last]; N];
            for i in 0..N {
                block[i][0] = u_abcd[i];
                block[i][1] = u_e[i];
            }
            let (h_abcd, h_e) = rounds!(&inner_init, block);
            for i in 0..N {
                block[i][0] = h_abcd[i];
                block[i][1] = h_e[i];
            }
            (u_abcd, u_e) = rounds!(&outer_init, block);
            for i in 0..N {
                t_abcd[i] = _mm_xor_si128(t_abcd[i], u_abcd[i]);
                t_e[i] = _mm_xor_si128(t_e[i], u_e[i]);
            }
        }
        let mut out = [[0u32; 5]; N];
        for i in 0..N {
            out[i] = extract(t_abcd[i], t_e[i]);
        }
        out
    }
}

#[cfg(test)]
#[allow(unused_unsafe)]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn compress_one(state: &State, w: &[u32; 16]) -> State {
    // SAFETY: only called after `available()`; register operations only.
    unsafe {
        // `_mm_set_epi32` takes the top lane first: W0 ends in lane 3.
        let block = [0, 4, 8, 12].map(|k| {
            let [a, b, c, d] = [w[k], w[k + 1], w[k + 2], w[k + 3]].map(|w| w as i32);
            _mm_set_epi32(a, b, c, d)
        });
        let start = [init(state, 0)];
        let ([abcd], [e]) = rounds!(&start, [block]);
        extract(abcd, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64: reproducible blocks and states without a dependency.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn one_compression_equals_the_sha1_crate() {
        if !available() {
            println!("skipped: this CPU has no SHA extensions");
            return;
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for round in 0..200 {
            let mut state: State = [0; 5];
            state.iter_mut().for_each(|w| *w = next(&mut seed) as u32);
            let mut block = [0u8; 64];
            for chunk in block.chunks_exact_mut(8) {
                chunk.copy_from_slice(&next(&mut seed).to_le_bytes());
            }
            if round == 0 {
                block = [0; 64];
            }
            let mut expected = state;
            sha1::block_api::compress(&mut expected, &[block]);
            let mut got = state;
            assert_eq!(compress(&mut got, &block), Some(()));
            assert_eq!(got, expected, "round {round}");
        }
    }
}
