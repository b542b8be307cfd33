//! `suspicious-frames`: frames on the link that the AP (or the station)
//! does not seem to have sent: anyone can transmit a msg 1/4 or a
//! deauthentication with someone else's address. Pointed out, never the
//! verdict: the rule is last in [`crate::diagnose::RULES`] and is skipped
//! when choosing an attempt's verdict.
//!
//! The evidence, as far as the capture shows it:
//! - an authenticator's key message whose transmitter is not the link's
//!   AP, or which arrives from the DS with a source address other than its
//!   transmitter (an AP sends its own EAPOL frames with SA = TA = BSSID);
//! - a deauthentication or disassociation whose sequence number does not
//!   fit between the claimed sender's frames before and after it;
//! - one whose signal strength is more than 15 dB from the median of the
//!   claimed sender's other frames.

use crate::diagnose::{Confidence, Context, Finding, Rule};
use crate::handshake::{EventKind, event::AirInfo};
use crate::wire::MacAddr;

pub struct SuspiciousFrames;

/// How far (dB) a frame's signal may be from its sender's median.
const SIGNAL_SPREAD_DB: i16 = 15;
/// Frames of the sender needed before its median means anything.
const MIN_SIGNAL_SAMPLES: usize = 3;
/// Sequence numbers are 12 bits (IEEE 802.11-2020 9.2.4.4.2).
const SEQ_MODULO: u16 = 4096;

/// A frame of the link with its claimed transmitter.
struct Sent {
    event: usize,
    ta: MacAddr,
    deauth: bool,
    air: AirInfo,
}

impl Rule for SuspiciousFrames {
    fn id(&self) -> &'static str {
        "suspicious-frames"
    }

    fn link_wide(&self) -> bool {
        true
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        // The link's frames, not one attempt's: report once, on the first.
        if ctx.attempt != 0 {
            return None;
        }
        let ap = ctx.link.id.ap;
        let sent: Vec<Sent> = ctx
            .link
            .link
            .events
            .iter()
            .filter_map(|&event| sent_by(ctx, event))
            .collect();
        let mut notes: Vec<(usize, String)> = Vec::new();
        for frame in &sent {
            let key = match ctx.timeline.events.get(frame.event).map(|e| &e.kind) {
                Some(EventKind::Key(key)) if key.msg.from_authenticator() => Some(key),
                _ => None,
            };
            if let Some(key) = key {
                if frame.ta != ap {
                    notes.push((
                        frame.event,
                        format!(
                            "msg {} sent by a transmitter that is not the AP",
                            key.msg.label()
                        ),
                    ));
                } else if frame.air.sa.is_some_and(|sa| sa != frame.ta) {
                    notes.push((
                        frame.event,
                        format!(
                            "msg {} from the AP's address on behalf of another source address: an AP sends its own EAPOL frames",
                            key.msg.label()
                        ),
                    ));
                }
            }
            if !frame.deauth {
                continue;
            }
            let others = sent
                .iter()
                .filter(|o| o.ta == frame.ta && o.event != frame.event);
            if let Some(note) = sequence_out_of_line(frame, others.clone()) {
                notes.push((frame.event, note));
            }
            if let Some(note) = signal_unlike(ctx, frame, others) {
                notes.push((frame.event, note));
            }
        }
        if notes.is_empty() {
            return None;
        }
        let confidence = if notes.len() > 1 {
            Confidence::Likely
        } else {
            Confidence::Possible
        };
        let mut finding = Finding::new(
            self.id(),
            confidence,
            format!(
                "{} frame{} on this link may not come from who {} claim{} to be",
                notes.len(),
                if notes.len() == 1 { "" } else { "s" },
                if notes.len() == 1 { "it" } else { "they" },
                if notes.len() == 1 { "s" } else { "" },
            ),
        );
        for (event, note) in notes {
            finding = finding.evidence(ctx.origin(event), note);
        }
        Some(
            finding
                .rules_out("nothing: a forged frame is a possibility, not a proof; a second transmitter or a capture on two channels can look the same")
                .next_step("look for another transmitter using the AP's address (a rogue AP, a deauthentication attack) near the station"),
        )
    }
}

fn sent_by(ctx: &Context<'_>, event: usize) -> Option<Sent> {
    let kind = &ctx.timeline.events.get(event)?.kind;
    let (ta, deauth, air) = match kind {
        EventKind::Key(key) => {
            let air = key.air?;
            (air.ta?, false, air)
        }
        EventKind::Deauthentication { ta, air, .. } => (*ta, true, (*air)?),
        EventKind::Authentication { ta, air, .. } => (*ta, false, (*air)?),
        EventKind::AssociationRequest { sta, air, .. } => (*sta, false, (*air)?),
        EventKind::AssociationResponse { bssid, air, .. } => (*bssid, false, (*air)?),
        EventKind::ProtectedData {
            sta,
            bssid,
            from_sta,
            air,
        } => (if *from_sta { *sta } else { *bssid }, false, (*air)?),
        _ => return None,
    };
    Some(Sent {
        event,
        ta,
        deauth,
        air,
    })
}

/// Distance from `a` forward to `b` in 12-bit sequence space.
fn forward(a: u16, b: u16) -> u16 {
    (b.wrapping_sub(a)) % SEQ_MODULO
}

/// A sender's sequence numbers only go forward: the frame must come after
/// the sender's previous frame and before its next one.
fn sequence_out_of_line<'a>(
    frame: &Sent,
    others: impl Iterator<Item = &'a Sent>,
) -> Option<String> {
    let seq = frame.air.sequence_number?;
    let mut before = None;
    let mut after = None;
    for other in others {
        let Some(other_seq) = other.air.sequence_number else {
            continue;
        };
        if other.event < frame.event {
            before = Some(other_seq);
        } else if after.is_none() {
            after = Some(other_seq);
        }
    }
    let previous = before?;
    let step = forward(previous, seq);
    let backwards = (step == 0 && !frame.air.retry) || step > SEQ_MODULO / 2;
    let beyond_next = after.is_some_and(|next| {
        let span = forward(previous, next);
        span <= SEQ_MODULO / 2 && step > span
    });
    (backwards || beyond_next).then(|| {
        format!(
            "deauthentication with sequence number {seq}, out of line with the sender's other frames ({previous} before it{})",
            after.map_or(String::new(), |n| format!(", {n} after it"))
        )
    })
}

/// The frame's signal against the median of the sender's other frames
/// (and, for an AP, its Beacons).
fn signal_unlike<'a>(
    ctx: &Context<'_>,
    frame: &Sent,
    others: impl Iterator<Item = &'a Sent>,
) -> Option<String> {
    let signal = frame.air.signal_dbm?;
    let mut samples: Vec<i8> = others.filter_map(|o| o.air.signal_dbm).collect();
    samples.extend(ctx.timeline.events.iter().filter_map(|e| match &e.kind {
        EventKind::Beacon {
            bssid, signal_dbm, ..
        } if *bssid == frame.ta => *signal_dbm,
        _ => None,
    }));
    if samples.len() < MIN_SIGNAL_SAMPLES {
        return None;
    }
    samples.sort_unstable();
    let median = *samples.get(samples.len() / 2)?;
    let off = (i16::from(signal) - i16::from(median)).abs();
    (off > SIGNAL_SPREAD_DB).then(|| {
        format!(
            "deauthentication received at {signal} dBm, {off} dB from the sender's usual {median} dBm"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(event: usize, seq: u16, retry: bool) -> Sent {
        Sent {
            event,
            ta: MacAddr([2, 0, 0, 0, 0, 1]),
            deauth: false,
            air: AirInfo {
                retry,
                sequence_number: Some(seq),
                ..AirInfo::default()
            },
        }
    }

    #[test]
    fn sequence_in_line_passes() {
        let others = [sent(1, 100, false), sent(5, 110, false)];
        assert_eq!(
            sequence_out_of_line(&sent(3, 105, false), others.iter()),
            None
        );
        // Across the 4095 -> 0 wrap.
        let others = [sent(1, 4090, false), sent(5, 3, false)];
        assert_eq!(
            sequence_out_of_line(&sent(3, 1, false), others.iter()),
            None
        );
        // A retry repeats its number.
        let others = [sent(1, 100, false)];
        assert_eq!(
            sequence_out_of_line(&sent(3, 100, true), others.iter()),
            None
        );
    }

    #[test]
    fn sequence_out_of_line_is_named() {
        let others = [sent(1, 100, false), sent(5, 110, false)];
        let note = sequence_out_of_line(&sent(3, 2000, false), others.iter()).expect("flagged");
        assert!(note.contains("2000") && note.contains("100 before") && note.contains("110 after"));
        let others = [sent(1, 100, false)];
        assert!(sequence_out_of_line(&sent(3, 40, false), others.iter()).is_some());
        // Nothing before it: nothing to compare.
        let others = [sent(5, 110, false)];
        assert_eq!(
            sequence_out_of_line(&sent(3, 2000, false), others.iter()),
            None
        );
    }
}
