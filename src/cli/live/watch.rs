//! On a station's managed interface: notice, while capturing, that it has
//! associated and yet no EAPOL frame came through it. With nl80211's control
//! port (current kernels, wpa_supplicant and hostapd) EAPOL bypasses the
//! netdev, so the capture stays empty however long it runs: say so at once.

use std::time::{Duration, Instant};

use wpadiag::source::nl80211::{self, NL80211_IFTYPE_STATION, Nl80211};

/// How long after the association the first EAPOL frame may take: the AP
/// sends msg 1/4 within milliseconds, and again one second later.
pub const EAPOL_GRACE: Duration = Duration::from_secs(2);

/// How often the interface's state is asked for.
const POLL_EVERY: Duration = Duration::from_millis(500);

pub struct AssociationWatch {
    nl: Nl80211,
    interface: String,
    ifindex: u32,
    last_poll: Option<Instant>,
    /// When the interface was first seen associated, and with what.
    associated: Option<(Instant, Option<Vec<u8>>, Option<u32>)>,
    done: bool,
}

impl AssociationWatch {
    /// `None` unless `interface` is an nl80211 station interface (a veth, a
    /// wired card or a kernel without nl80211 has nothing to watch).
    pub fn start(interface: &str, ifindex: u32) -> Option<AssociationWatch> {
        let mut nl = Nl80211::open().ok()?;
        let info = nl.interface(ifindex).ok()?;
        (info.iftype == NL80211_IFTYPE_STATION).then(|| AssociationWatch {
            nl,
            interface: interface.to_string(),
            ifindex,
            last_poll: None,
            associated: None,
            done: false,
        })
    }

    /// Called from the capture loop with the number of EAPOL frames so far;
    /// returns the warning, once, when it is due.
    pub fn poll(&mut self, eapol_frames: u64) -> Option<String> {
        if self.done || eapol_frames > 0 {
            self.done = true;
            return None;
        }
        let now = Instant::now();
        if self.associated.is_none() && self.last_poll.is_none_or(|t| now - t >= POLL_EVERY) {
            self.last_poll = Some(now);
            match self.nl.interface(self.ifindex) {
                // The frequency appears once mac80211 gives the station a
                // channel for authentication; the SSID once it associated.
                Ok(info) if info.ssid.is_some() || info.freq.is_some() => {
                    self.associated = Some((now, info.ssid, info.freq));
                }
                Ok(_) => {}
                // The interface went away, or nl80211 stopped answering.
                Err(_) => self.done = true,
            }
        }
        let (since, ssid, freq) = self.associated.as_ref()?;
        if now.duration_since(*since) < EAPOL_GRACE {
            return None;
        }
        self.done = true;
        let network = match ssid {
            Some(ssid) => format!(" with \"{}\"", String::from_utf8_lossy(ssid)),
            None => String::new(),
        };
        let channel = match freq.and_then(|f| nl80211::freq_to_channel(f).map(|c| (c, f))) {
            Some((c, f)) => format!(" on channel {c} ({f} MHz)"),
            None => String::new(),
        };
        Some(format!(
            "{iface} associated{network}{channel} over {grace} s ago and no EAPOL frame has \
             come through it: the kernel and wpa_supplicant pass EAPOL over nl80211's control \
             port, past this interface",
            iface = self.interface,
            grace = EAPOL_GRACE.as_secs(),
        ))
    }
}
