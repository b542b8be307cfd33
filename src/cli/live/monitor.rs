//! `--monitor`: a monitor interface on the radio of the given interface,
//! tuned to the network's channel, removed again however wpadiag stops.

use anyhow::Context as _;

use wpadiag::source::nl80211::{
    self, InterfaceInfo, NL80211_IFTYPE_MONITOR, Nl80211, NlError, ScanEntry,
};

/// A monitor interface wpadiag created. Dropping it removes it: on an
/// error, on a panic and on a normal stop alike (Ctrl-C ends the capture
/// loop, so it ends here too).
pub struct MonitorInterface {
    nl: Nl80211,
    pub ifindex: u32,
    pub name: String,
    removed: bool,
}

/// Where the channel came from, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ChannelSource {
    Option,
    Association(String),
    Scan { bssid: [u8; 6] },
}

impl MonitorInterface {
    /// Creates the interface next to `base`; `freq` is the --channel asked
    /// for, `ssid` lets a scan result tell the channel.
    /// `Ok(None)` when `base` is already a monitor interface.
    pub fn create(
        base: &str,
        freq: Option<u32>,
        ssid: Option<&[u8]>,
    ) -> anyhow::Result<Option<MonitorInterface>> {
        let base_index = nix::net::if_::if_nametoindex(base)
            .with_context(|| format!("no network interface named {base}"))?;
        let mut nl = Nl80211::open().map_err(|err| match err {
            NlError::NoNl80211 => anyhow::anyhow!(
                "--monitor needs a Wi-Fi driver that speaks nl80211, and the kernel has none loaded"
            ),
            other => anyhow::Error::new(other),
        })?;
        let info = nl.interface(base_index).map_err(|err| match err {
            NlError::Kernel {
                errno: nix::errno::Errno::ENODEV | nix::errno::Errno::EOPNOTSUPP,
                ..
            } => anyhow::anyhow!("{base} is not a Wi-Fi (nl80211) interface: --monitor needs one"),
            other => anyhow::Error::new(other).context(format!("asking nl80211 about {base}")),
        })?;
        if info.iftype == NL80211_IFTYPE_MONITOR {
            eprintln!("wpadiag: {base} is a monitor interface already: capturing on it as it is");
            return Ok(None);
        }
        let scan = if freq.is_none() && info.freq.is_none() {
            nl.scan_results(base_index).unwrap_or_default()
        } else {
            Vec::new()
        };
        let wanted = choose_channel(&info, freq, ssid, &scan);

        let name = free_name().context("finding a free interface name for the monitor")?;
        let ifindex = nl
            .new_monitor(info.wiphy, &name)
            .with_context(|| format!("creating {name} on phy#{}", info.wiphy))?;
        let mut monitor = MonitorInterface {
            nl,
            ifindex,
            name,
            removed: false,
        };
        nl80211::set_link_up(ifindex).with_context(|| format!("bringing {} up", monitor.name))?;
        let channel = match wanted {
            Some((freq, source)) => {
                // On a radio that is associated the channel is the
                // association's: tuning is only tried when it differs.
                let tuned = if info.freq == Some(freq) {
                    Ok(())
                } else {
                    monitor.nl.set_freq(ifindex, freq)
                };
                match tuned {
                    Ok(()) => describe(freq, &source, base),
                    Err(err) => {
                        // A station interface that is up owns the radio's
                        // channel: it scans, then stays on its network's.
                        eprintln!(
                            "wpadiag: could not tune {} to {}: {err}",
                            monitor.name,
                            channel_name(freq)
                        );
                        match info.freq {
                            Some(current) => describe(
                                current,
                                &ChannelSource::Association(base.to_string()),
                                base,
                            ),
                            None => format!(
                                "following the channel {base} uses (it scans, then stays on \
                                 its network's)"
                            ),
                        }
                    }
                }
            }
            None => "the radio's current channel (no --channel, no association, no scan \
                     result for the network: give --channel to be sure)"
                .to_string(),
        };
        eprintln!(
            "wpadiag: created monitor interface {} on phy#{} (the radio of {base}), {channel}; \
             it is removed when wpadiag stops",
            monitor.name, info.wiphy
        );
        Ok(Some(monitor))
    }

    /// Removes the interface now (the capture is over): the report that
    /// follows may take a while, and a second Ctrl-C must not leave it behind.
    pub fn remove(&mut self) -> Result<(), NlError> {
        if self.removed {
            return Ok(());
        }
        self.removed = true;
        self.nl.del_interface(self.ifindex)
    }
}

impl Drop for MonitorInterface {
    fn drop(&mut self) {
        if let Err(err) = self.remove() {
            eprintln!("wpadiag: could not remove {}: {err}", self.name);
        }
    }
}

/// The channel to tune to: --channel, else the association's, else the
/// scanned BSS of the network (the joined one first).
fn choose_channel(
    info: &InterfaceInfo,
    freq: Option<u32>,
    ssid: Option<&[u8]>,
    scan: &[ScanEntry],
) -> Option<(u32, ChannelSource)> {
    if let Some(freq) = freq {
        return Some((freq, ChannelSource::Option));
    }
    if let Some(freq) = info.freq {
        return Some((freq, ChannelSource::Association(info.name.clone())));
    }
    let mut matching: Vec<&ScanEntry> = scan
        .iter()
        .filter(|entry| ssid.is_none_or(|ssid| entry.ssid.as_deref() == Some(ssid)))
        .collect();
    matching.sort_by_key(|entry| !entry.joined);
    let joined_or_named = matching
        .first()
        .filter(|entry| entry.joined || ssid.is_some())?;
    Some((
        joined_or_named.freq,
        ChannelSource::Scan {
            bssid: joined_or_named.bssid,
        },
    ))
}

fn channel_name(freq: u32) -> String {
    match nl80211::freq_to_channel(freq) {
        Some(n) => format!("channel {n} ({freq} MHz)"),
        None => format!("{freq} MHz"),
    }
}

fn describe(freq: u32, source: &ChannelSource, base: &str) -> String {
    let channel = channel_name(freq);
    let from = match source {
        ChannelSource::Option => "from --channel".to_string(),
        ChannelSource::Association(name) if !name.is_empty() => {
            format!("{name}'s current channel")
        }
        ChannelSource::Association(_) => format!("{base}'s current channel"),
        ChannelSource::Scan { bssid } => format!(
            "from the scan result of {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            bssid[0], bssid[1], bssid[2], bssid[3], bssid[4], bssid[5]
        ),
    };
    format!("{channel}, {from}")
}

/// `wpadiagmon0`, or the next number not taken.
fn free_name() -> anyhow::Result<String> {
    (0..100)
        .map(|n| format!("wpadiagmon{n}"))
        .find(|name| nix::net::if_::if_nametoindex(name.as_str()).is_err())
        .ok_or_else(|| anyhow::anyhow!("wpadiagmon0 to wpadiagmon99 all exist"))
}

/// `--channel`: a 2.4/5 GHz channel number, or a frequency in MHz.
pub fn parse_channel(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let (number, mhz) = match text
        .strip_suffix("MHz")
        .or_else(|| text.strip_suffix("mhz"))
    {
        Some(n) => (n.trim(), true),
        None => (text, false),
    };
    let value: u32 = number
        .parse()
        .map_err(|_| format!("not a channel number or frequency: {text:?}"))?;
    if mhz || value >= 2000 {
        if (2400..=7125).contains(&value) {
            Ok(value)
        } else {
            Err(format!("{value} MHz is not a Wi-Fi frequency"))
        }
    } else {
        nl80211::channel_to_freq(value).ok_or_else(|| {
            format!(
                "no 2.4 or 5 GHz channel {value}: give a 6 GHz channel as a frequency, e.g. 5955MHz"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(bssid: u8, freq: u32, ssid: &[u8], joined: bool) -> ScanEntry {
        ScanEntry {
            bssid: [2, 0, 0, 0, 0, bssid],
            freq,
            ssid: Some(ssid.to_vec()),
            joined,
        }
    }

    #[test]
    fn channel_comes_from_option_then_association_then_scan() {
        let mut info = InterfaceInfo {
            name: "wlan0".into(),
            ..InterfaceInfo::default()
        };
        let scan = [
            entry(1, 2412, b"Other", false),
            entry(2, 5180, b"Home", false),
            entry(3, 2462, b"Joined", true),
        ];
        assert_eq!(
            choose_channel(&info, Some(2437), Some(b"Home"), &scan),
            Some((2437, ChannelSource::Option))
        );
        assert_eq!(
            choose_channel(&info, None, Some(b"Home"), &scan),
            Some((
                5180,
                ChannelSource::Scan {
                    bssid: [2, 0, 0, 0, 0, 2]
                }
            ))
        );
        // Without an SSID only the BSS the station joined tells the channel.
        assert_eq!(
            choose_channel(&info, None, None, &scan),
            Some((
                2462,
                ChannelSource::Scan {
                    bssid: [2, 0, 0, 0, 0, 3]
                }
            ))
        );
        assert_eq!(choose_channel(&info, None, Some(b"Nowhere"), &scan), None);
        info.freq = Some(2442);
        assert_eq!(
            choose_channel(&info, None, Some(b"Home"), &scan),
            Some((2442, ChannelSource::Association("wlan0".into())))
        );
    }

    #[test]
    fn channel_option_takes_numbers_and_frequencies() {
        assert_eq!(parse_channel("6"), Ok(2437));
        assert_eq!(parse_channel("36"), Ok(5180));
        assert_eq!(parse_channel("5955MHz"), Ok(5955));
        assert_eq!(parse_channel("2412"), Ok(2412));
        assert!(
            parse_channel("15")
                .unwrap_err()
                .contains("no 2.4 or 5 GHz channel 15")
        );
        assert!(
            parse_channel("9000MHz")
                .unwrap_err()
                .contains("not a Wi-Fi frequency")
        );
        assert!(parse_channel("six").is_err());
    }
}
