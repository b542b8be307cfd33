//! Evidence lines shared by several rules, worded once.

use crate::diagnose::{Context, Finding};
use crate::handshake::{attempt::Message, keycheck::MicStatus};
use crate::wire::{codes::ReasonCode, eapol::KeyMsg};

/// One line per sighting-consolidated message of kind `msg`: who saw it,
/// whether it was acknowledged, whether its MIC verifies.
pub fn messages(ctx: &Context<'_>, mut finding: Finding, msg: KeyMsg) -> Finding {
    for (index, message) in ctx.messages(msg) {
        finding = finding.evidence(ctx.message_origin(index), describe(ctx, index, message));
    }
    finding
}

pub fn describe(ctx: &Context<'_>, index: usize, message: &Message) -> String {
    let mut parts = vec![ctx.label(index)];
    let sender = if message.msg.from_authenticator() {
        "AP"
    } else {
        "station"
    };
    let receiver = if message.msg.from_authenticator() {
        "station"
    } else {
        "AP"
    };
    if message.on_air {
        match message.acked {
            Some(true) => parts.push(format!("on the air, acknowledged by the {receiver}")),
            Some(false) => parts.push(format!(
                "on the air {} time(s), never acknowledged by the {receiver}",
                message.air_transmissions
            )),
            None => parts.push("on the air".to_string()),
        }
    }
    if message.sender_saw {
        parts.push(format!("the {sender} sent it"));
    }
    if message.receiver_saw {
        parts.push(format!("the {receiver} received it"));
    }
    match ctx.mic(index) {
        MicStatus::Verified { correction: None } => parts.push("MIC verifies with your key".into()),
        MicStatus::Verified {
            correction: Some(c),
        } => parts.push(format!(
            "MIC verifies with your key after an ANonce correction of {:+} ({})",
            c.delta,
            if c.big_endian {
                "big endian"
            } else {
                "little endian"
            }
        )),
        MicStatus::Failed => parts.push("MIC does NOT verify with your key".into()),
        MicStatus::Unverifiable(why) => parts.push(format!("MIC not checked: {why}")),
        MicStatus::NotChecked => {}
    }
    if let Some(signal) = message.signal_dbm {
        parts.push(format!("{signal} dBm"));
    }
    parts.join("; ")
}

/// One line per deauthentication/disassociation in the attempt.
pub fn deauths(ctx: &Context<'_>, mut finding: Finding) -> Finding {
    for (event, from_ap, reason) in ctx.deauths() {
        let who = if from_ap { "the AP" } else { "the station" };
        let code = ReasonCode(reason);
        finding = finding.evidence(
            ctx.origin(event),
            format!("{who} disconnected: reason {reason} ({})", code.name()),
        );
    }
    finding
}

/// The log lines with daemon verdicts in this attempt.
pub fn log_verdicts(ctx: &Context<'_>, mut finding: Finding) -> Finding {
    use crate::handshake::LogFact;
    for (event, fact) in ctx.log_facts() {
        let note = match fact {
            LogFact::FourWayFailedGuess => {
                "the station logged \"4-Way Handshake failed - pre-shared key may be incorrect\" (its guess for any disconnect during the handshake)".to_string()
            }
            LogFact::Disconnected { reason, locally_generated } => format!(
                "disconnected{}{}",
                reason.map(|r| format!(": reason {r} ({})", ReasonCode(r).name())).unwrap_or_default(),
                if *locally_generated { ", decided locally" } else { "" }
            ),
            LogFact::TempDisabled { reason, .. } => format!("the station disabled the network for a while: {reason}"),
            LogFact::PossiblePskMismatch => "hostapd: AP-STA-POSSIBLE-PSK-MISMATCH".to_string(),
            LogFact::RetryLimit { state } => format!("the AP gave up re-sending ({state})"),
            LogFact::CheckFailed { text, .. } => format!("logged: {text}"),
            LogFact::AuthenticationTimedOut => "the station's authentication timed out".to_string(),
            _ => continue,
        };
        finding = finding.evidence(ctx.origin(event), note);
    }
    finding
}

/// The spacing of the AP's msg 1/4 retransmissions: hostapd re-sends after
/// its EAPOL timeout (100 ms for the first, then 1 s; 4 tries in all, see
/// `wpa_send_eapol()` in src/ap/wpa_auth.c), other APs on their own clock.
pub fn m1_timing(ctx: &Context<'_>, finding: Finding) -> Finding {
    let times: Vec<f64> = ctx
        .messages(KeyMsg::M1)
        .filter_map(|(_, m)| ctx.timeline.events.get(m.first())?.time.get())
        .collect();
    if times.len() < 2 {
        return finding;
    }
    let gaps: Vec<String> = times
        .windows(2)
        .map(|pair| format!("{:.2}", pair[1] - pair[0]))
        .collect();
    let first = ctx
        .messages(KeyMsg::M1)
        .next()
        .and_then(|(i, _)| ctx.message_origin(i));
    finding.evidence(
        first,
        format!(
            "the AP sent msg 1/4 {} times, {} s apart: it was waiting for a msg 2/4 it could accept",
            times.len(),
            gaps.join(" / ")
        ),
    )
}

/// What msg 3/4's key data showed once unwrapped with the KEK.
pub fn m3_key_data(ctx: &Context<'_>, mut finding: Finding) -> Finding {
    for (index, _) in ctx.messages(KeyMsg::M3) {
        let Some(data) = ctx.link.keys.m3_key_data(ctx.attempt, index) else {
            continue;
        };
        let wpa1 = data.ie.as_ref().is_some_and(|ie| ie.id == 221);
        let beacon = ctx
            .link
            .bss
            .as_ref()
            .and_then(|b| if wpa1 { b.wpa.as_ref() } else { b.rsn.as_ref() });
        let note = if !data.unwrapped {
            "msg 3/4's key data does not unwrap with the KEK (the station drops such a message)"
                .to_string()
        } else {
            let ie = match (&data.ie, beacon) {
                (Some(ie), Some(b)) if ie.id == b.id && ie.body == b.body => {
                    "its security element equals the Beacon's"
                }
                (Some(ie), Some(b)) if ie.id == b.id => {
                    "its security element DIFFERS from the Beacon's"
                }
                (Some(_), _) => "it carries the AP's security element",
                (None, _) => "it carries no security element",
            };
            // WPA1 hands out the GTK in a separate group key handshake.
            let gtk = match (wpa1, data.gtk) {
                (true, _) => "the GTK follows in the group key handshake (WPA1)",
                (false, true) => "GTK present",
                (false, false) => "GTK MISSING",
            };
            format!(
                "msg 3/4's key data {}: {ie}; {gtk}{}",
                if wpa1 {
                    "is in the clear"
                } else {
                    "unwraps with the KEK"
                },
                if data.igtk { ", IGTK present" } else { "" }
            )
        };
        finding = finding.evidence(ctx.message_origin(index), note);
        break;
    }
    finding
}
