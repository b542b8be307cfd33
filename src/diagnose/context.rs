//! What a rule sees: one attempt of one link, with helpers that answer the
//! questions rules ask ("was M2 acknowledged?", "did the AP send M1 again?").

use crate::handshake::{
    EventKind, LinkAnalysis, LogFact, Observer, Origin, Timeline,
    attempt::{AttemptFacts, Message},
    keycheck::MicStatus,
    timeline::{InputKind, file_of},
};
use crate::wire::eapol::KeyMsg;

/// Which kinds of evidence cover a link: decides what absence means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// A monitor capture holds events of this link.
    pub air: bool,
    /// ... and it shows ACKs.
    pub acks: bool,
    pub station_log: bool,
    pub ap_log: bool,
    /// An own-interface (Ethernet) capture holds events of this link.
    pub own_capture: bool,
}

impl Coverage {
    pub fn of(timeline: &Timeline, link: &LinkAnalysis) -> Coverage {
        let mut coverage = Coverage::default();
        let mut files: Vec<u16> = link
            .link
            .events
            .iter()
            .filter_map(|&i| timeline.events.get(i).map(file_of))
            .collect();
        files.sort_unstable();
        files.dedup();
        for file in files {
            let Some(input) = timeline.inputs.get(usize::from(file)) else {
                continue;
            };
            match &input.kind {
                InputKind::Capture { shows_acks, .. } if input.is_air_capture() => {
                    coverage.air = true;
                    coverage.acks |= *shows_acks;
                }
                InputKind::Capture { .. } => coverage.own_capture = true,
                InputKind::Log {
                    observer: Observer::AccessPoint,
                } => coverage.ap_log = true,
                InputKind::Log { .. } => coverage.station_log = true,
            }
        }
        coverage
    }

    /// Only the station's point of view: nothing shows what the AP received.
    pub fn station_side_only(&self) -> bool {
        !self.air && !self.ap_log
    }
}

pub struct Context<'a> {
    pub timeline: &'a Timeline,
    pub link: &'a LinkAnalysis,
    pub attempt: usize,
    pub facts: &'a AttemptFacts,
    pub coverage: Coverage,
}

impl<'a> Context<'a> {
    pub fn origin(&self, event: usize) -> Option<Origin> {
        self.timeline.events.get(event).map(|e| e.origin)
    }

    pub fn message(&self, index: usize) -> Option<&'a Message> {
        self.facts.messages.get(index)
    }

    pub fn message_origin(&self, index: usize) -> Option<Origin> {
        self.message(index).and_then(|m| self.origin(m.first()))
    }

    pub fn messages(&self, msg: KeyMsg) -> impl Iterator<Item = (usize, &'a Message)> + 'a {
        let facts = self.facts;
        facts.of(msg)
    }

    pub fn count(&self, msg: KeyMsg) -> usize {
        self.facts.count(msg)
    }

    pub fn mic(&self, message: usize) -> MicStatus {
        self.link.keys.mic(self.attempt, message)
    }

    /// `Some(true)` when a station message's MIC verified with the given
    /// key, `Some(false)` when some were checked and none verified.
    pub fn station_uses_given_key(&self) -> Option<bool> {
        proof(
            self.facts
                .messages
                .iter()
                .enumerate()
                .filter(|(_, m)| matches!(m.msg, KeyMsg::M2 | KeyMsg::M4 | KeyMsg::Group2)),
            |i| self.mic(i),
        )
    }

    /// The same for the AP: M3's MIC, or a PMKID in M1.
    pub fn ap_uses_given_key(&self) -> Option<bool> {
        let mic = proof(
            self.facts
                .messages
                .iter()
                .enumerate()
                .filter(|(_, m)| matches!(m.msg, KeyMsg::M3 | KeyMsg::Group1)),
            |i| self.mic(i),
        );
        let pmkid = self
            .facts
            .of(KeyMsg::M1)
            .filter_map(|(i, _)| self.link.keys.pmkid(self.attempt, i))
            .reduce(|a, b| a || b);
        match (mic, pmkid) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), _) | (_, Some(false)) => Some(false),
            _ => None,
        }
    }

    /// An M1 after message `index`: the AP did not accept what came before.
    pub fn m1_after(&self, index: usize) -> Option<usize> {
        self.facts
            .of(KeyMsg::M1)
            .find(|(i, _)| *i > index)
            .map(|(i, _)| i)
    }

    /// The station's first encrypted data frame after message `index`: it
    /// had installed the PTK, so it accepted msg 3/4 and answered it.
    pub fn station_encrypted_after(&self, index: usize) -> Option<usize> {
        let after = self.message(index)?.first();
        self.facts.events.iter().copied().find(|&i| {
            i > after
                && matches!(
                    self.timeline.events.get(i).map(|e| &e.kind),
                    Some(EventKind::ProtectedData { from_sta: true, .. })
                )
        })
    }

    /// The station's first encrypted data frame after the attempt's only
    /// msg 3/4, when no msg 4/4 is in view: a sniffer that missed msg 4/4.
    /// The station installs its keys as it sends msg 4/4, and the attempt
    /// began with an (re)association, so no earlier key is left to encrypt
    /// with; the AP never re-sent msg 3/4 and nobody disconnected, so
    /// nothing says it still waited for msg 4/4; and no check of the
    /// replay found a reason for either side to drop a message.
    pub fn encrypting_without_m4(&self) -> Option<usize> {
        if self.count(KeyMsg::M4) > 0 || self.ended_by_disconnect() || !self.facts.checks.is_empty()
        {
            return None;
        }
        let mut m3s = self.facts.of(KeyMsg::M3);
        let (m3, message) = m3s.next()?;
        if m3s.next().is_some() || !(message.on_air || message.receiver_saw) {
            return None;
        }
        let fresh = self.facts.events.iter().any(|&i| {
            matches!(
                self.timeline.events.get(i).map(|e| &e.kind),
                Some(EventKind::AssociationRequest { .. } | EventKind::AssociationResponse { .. })
            )
        });
        if !fresh {
            return None;
        }
        self.station_encrypted_after(m3)
    }

    /// Deauthentications and disassociations in the attempt:
    /// (event, sent by the AP, reason).
    pub fn deauths(&self) -> Vec<(usize, bool, u16)> {
        self.facts
            .events
            .iter()
            .filter_map(|&i| match &self.timeline.events.get(i)?.kind {
                EventKind::Deauthentication { ta, reason, .. } => {
                    Some((i, *ta == self.link.id.ap, *reason))
                }
                _ => None,
            })
            .collect()
    }

    pub fn log_facts(&self) -> impl Iterator<Item = (usize, &'a LogFact)> + 'a {
        let events = &self.timeline.events;
        let facts = self.facts;
        facts.log_facts(events)
    }

    /// A log line saying a check failed: (event, check name, message).
    pub fn failed_check(&self, name: &str) -> Option<(usize, Option<KeyMsg>, Observer)> {
        self.log_facts().find_map(|(i, fact)| match fact {
            LogFact::CheckFailed { check, msg, .. } if *check == name => {
                Some((i, *msg, self.timeline.events.get(i)?.observer))
            }
            _ => None,
        })
    }

    pub fn has_fact(&self, wanted: impl Fn(&LogFact) -> bool) -> Option<usize> {
        self.log_facts().find(|(_, f)| wanted(f)).map(|(i, _)| i)
    }

    pub fn label(&self, index: usize) -> String {
        match self.message(index) {
            Some(m) => match m.replay_counter {
                Some(counter) => format!("msg {} (replay counter {counter})", m.msg.label()),
                None => format!("msg {}", m.msg.label()),
            },
            None => "a message".to_string(),
        }
    }

    /// Whether this is the link's last attempt (so "nothing followed" may
    /// just mean the capture ended).
    pub fn is_last_attempt(&self) -> bool {
        self.attempt + 1 == self.link.attempts.len()
    }

    pub fn ended_by_disconnect(&self) -> bool {
        !self.deauths().is_empty()
            || self
                .has_fact(|f| {
                    matches!(
                        f,
                        LogFact::Disconnected { .. }
                            | LogFact::FourWayFailedGuess
                            | LogFact::RetryLimit { .. }
                    )
                })
                .is_some()
            || !self.is_last_attempt()
    }
}

fn proof<'m>(
    messages: impl Iterator<Item = (usize, &'m Message)>,
    mic: impl Fn(usize) -> MicStatus,
) -> Option<bool> {
    let mut any_failed = false;
    for (index, _) in messages {
        match mic(index) {
            MicStatus::Verified { .. } => return Some(true),
            MicStatus::Failed => any_failed = true,
            _ => {}
        }
    }
    any_failed.then_some(false)
}
