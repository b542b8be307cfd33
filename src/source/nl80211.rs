//! Just enough nl80211 (generic netlink) and rtnetlink to put a monitor
//! interface next to a station's interface and take it away again: what
//! `iw dev wlan0 info`, `iw phy phy0 interface add mon0 type monitor flags
//! control otherbss`, `ip link set mon0 up`, `iw dev mon0 set freq 2437`,
//! `iw dev wlan0 scan dump` and `iw dev mon0 del` do, without running them.
//!
//! The messages are built and parsed here as bytes (the first half of this
//! file, no I/O, tested byte for byte); the socket half sends them through
//! `nix`, so no C library and no `unsafe` are needed.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::socket::{
    self, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, setsockopt,
    sockopt::ReceiveTimeout,
};
use nix::sys::time::TimeVal;

// linux/netlink.h
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_DUMP: u16 = 0x300;
const NLMSG_HDRLEN: usize = 16;
const NLA_HDRLEN: usize = 4;
const NLA_F_NESTED: u16 = 0x8000;
const NLA_TYPE_MASK: u16 = 0x3fff;

// linux/genetlink.h
const GENL_ID_CTRL: u16 = 0x10;
const CTRL_CMD_GETFAMILY: u8 = 3;
const CTRL_ATTR_FAMILY_ID: u16 = 1;
const CTRL_ATTR_FAMILY_NAME: u16 = 2;
const GENL_HDRLEN: usize = 4;

// linux/rtnetlink.h, linux/if.h
const RTM_NEWLINK: u16 = 16;
const IFF_UP: u32 = 0x1;

// linux/nl80211.h
const NL80211_CMD_SET_WIPHY: u8 = 2;
const NL80211_CMD_GET_INTERFACE: u8 = 5;
const NL80211_CMD_NEW_INTERFACE: u8 = 7;
const NL80211_CMD_DEL_INTERFACE: u8 = 8;
const NL80211_CMD_GET_SCAN: u8 = 32;
const NL80211_ATTR_WIPHY: u16 = 1;
const NL80211_ATTR_IFINDEX: u16 = 3;
const NL80211_ATTR_IFNAME: u16 = 4;
const NL80211_ATTR_IFTYPE: u16 = 5;
const NL80211_ATTR_MAC: u16 = 6;
const NL80211_ATTR_MNTR_FLAGS: u16 = 23;
const NL80211_ATTR_WIPHY_FREQ: u16 = 38;
const NL80211_ATTR_WIPHY_CHANNEL_TYPE: u16 = 39;
const NL80211_ATTR_BSS: u16 = 47;
const NL80211_ATTR_SSID: u16 = 52;
const NL80211_BSS_BSSID: u16 = 1;
const NL80211_BSS_FREQUENCY: u16 = 2;
const NL80211_BSS_INFORMATION_ELEMENTS: u16 = 6;
const NL80211_BSS_STATUS: u16 = 9;
const NL80211_MNTR_FLAG_CONTROL: u16 = 3;
const NL80211_MNTR_FLAG_OTHER_BSS: u16 = 4;
const NL80211_CHAN_NO_HT: u32 = 0;
pub const NL80211_IFTYPE_STATION: u32 = 2;
pub const NL80211_IFTYPE_MONITOR: u32 = 6;

/// nl80211's generic netlink version (what `iw` sends).
const NL80211_VERSION: u8 = 0;

/// A reply the kernel did not send within this time is an error, never a hang.
const REPLY_TIMEOUT: Duration = Duration::from_secs(3);

/// Large enough for one datagram of a scan dump (the kernel fills up to
/// ~32 KiB per datagram; a BSS with all its elements is a few KiB).
const RECV_BUFFER: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum NlError {
    #[error("the kernel has no nl80211 (no Wi-Fi driver is loaded)")]
    NoNl80211,
    #[error("{what}: {errno}{hint}")]
    Kernel {
        what: &'static str,
        errno: Errno,
        hint: &'static str,
    },
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        source: io::Error,
    },
    #[error("{what}: malformed netlink reply ({detail})")]
    Malformed {
        what: &'static str,
        detail: &'static str,
    },
    #[error("{what}: no reply from the kernel within {} s", REPLY_TIMEOUT.as_secs())]
    Timeout { what: &'static str },
}

impl NlError {
    /// Whether the error means "missing CAP_NET_ADMIN".
    pub fn is_permission(&self) -> bool {
        matches!(
            self,
            NlError::Kernel {
                errno: Errno::EPERM | Errno::EACCES,
                ..
            }
        )
    }
}

fn kernel_error(what: &'static str, errno: Errno) -> NlError {
    let hint = match errno {
        Errno::EPERM | Errno::EACCES => {
            " (needs CAP_NET_ADMIN: run with sudo, or once `sudo setcap \
             cap_net_raw,cap_net_admin+ep $(command -v wpadiag)`)"
        }
        Errno::ENODEV => " (not a Wi-Fi interface, or its driver is not an nl80211 one)",
        Errno::EBUSY => " (the radio is in use on another channel, e.g. by an association)",
        Errno::EOPNOTSUPP => " (the driver does not support this)",
        Errno::ENFILE | Errno::ENOSPC => {
            " (the radio cannot have one more interface of this type now)"
        }
        _ => "",
    };
    NlError::Kernel { what, errno, hint }
}

/// What `NL80211_CMD_GET_INTERFACE` tells about an interface.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InterfaceInfo {
    pub ifindex: u32,
    pub name: String,
    /// The radio (`phyN`) the interface belongs to.
    pub wiphy: u32,
    /// `NL80211_IFTYPE_*`.
    pub iftype: u32,
    pub mac: Option<[u8; 6]>,
    /// The operating frequency in MHz, when the interface is on a channel
    /// (associated, or a monitor interface that was tuned).
    pub freq: Option<u32>,
    /// The SSID of the network a station interface is connected to.
    pub ssid: Option<Vec<u8>>,
}

/// One BSS of the kernel's scan results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanEntry {
    pub bssid: [u8; 6],
    pub freq: u32,
    pub ssid: Option<Vec<u8>>,
    /// The station is authenticated or associated with this BSS.
    pub joined: bool,
}

// ---------------------------------------------------------------------------
// Messages as bytes.

/// Builds one netlink message: header, then the family header, then
/// attributes, each padded to 4 bytes.
#[derive(Debug, Clone)]
struct MessageBuilder {
    buf: Vec<u8>,
    /// Offsets of the nested attributes not closed yet.
    open: Vec<usize>,
}

impl MessageBuilder {
    fn new(kind: u16, flags: u16, seq: u32) -> MessageBuilder {
        let mut buf = Vec::with_capacity(128);
        buf.extend_from_slice(&0u32.to_ne_bytes()); // length, set by finish()
        buf.extend_from_slice(&kind.to_ne_bytes());
        buf.extend_from_slice(&(flags | NLM_F_REQUEST).to_ne_bytes());
        buf.extend_from_slice(&seq.to_ne_bytes());
        buf.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel fills it
        MessageBuilder {
            buf,
            open: Vec::new(),
        }
    }

    fn genl(family: u16, flags: u16, seq: u32, cmd: u8, version: u8) -> MessageBuilder {
        let mut message = MessageBuilder::new(family, flags, seq);
        message.buf.extend_from_slice(&[cmd, version, 0, 0]);
        message
    }

    fn pad(&mut self) {
        while self.buf.len() % 4 != 0 {
            self.buf.push(0);
        }
    }

    fn attr(&mut self, kind: u16, value: &[u8]) -> &mut Self {
        // Attribute values here are a few bytes: an interface name at most.
        let len = u16::try_from(NLA_HDRLEN + value.len()).unwrap_or(u16::MAX);
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        self.buf.extend_from_slice(value);
        self.pad();
        self
    }

    fn u32(&mut self, kind: u16, value: u32) -> &mut Self {
        self.attr(kind, &value.to_ne_bytes())
    }

    /// A NUL-terminated string attribute (`NLA_NUL_STRING`).
    fn string(&mut self, kind: u16, value: &str) -> &mut Self {
        let mut bytes = value.as_bytes().to_vec();
        bytes.push(0);
        self.attr(kind, &bytes)
    }

    fn begin_nested(&mut self, kind: u16) -> &mut Self {
        self.open.push(self.buf.len());
        self.buf.extend_from_slice(&0u16.to_ne_bytes());
        self.buf
            .extend_from_slice(&(kind | NLA_F_NESTED).to_ne_bytes());
        self
    }

    fn end_nested(&mut self) -> &mut Self {
        if let Some(start) = self.open.pop() {
            let len = u16::try_from(self.buf.len().saturating_sub(start)).unwrap_or(u16::MAX);
            if let Some(slot) = self.buf.get_mut(start..start + 2) {
                slot.copy_from_slice(&len.to_ne_bytes());
            }
        }
        self
    }

    fn finish(mut self) -> Vec<u8> {
        while self.open.pop().is_some() {}
        let len = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        if let Some(slot) = self.buf.get_mut(..4) {
            slot.copy_from_slice(&len.to_ne_bytes());
        }
        self.buf
    }
}

/// One netlink message of a received datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Message<'a> {
    kind: u16,
    seq: u32,
    /// What follows the 16-byte header.
    payload: &'a [u8],
}

/// Splits a datagram into its messages; stops at the first malformed one.
fn messages(datagram: &[u8]) -> impl Iterator<Item = Result<Message<'_>, &'static str>> {
    let mut rest = datagram;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let header: Option<&[u8; NLMSG_HDRLEN]> =
            rest.get(..NLMSG_HDRLEN).and_then(|h| h.try_into().ok());
        let Some(header) = header else {
            rest = &[];
            return Some(Err("truncated message header"));
        };
        let len = u32::from_ne_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = u16::from_ne_bytes([header[4], header[5]]);
        let seq = u32::from_ne_bytes([header[8], header[9], header[10], header[11]]);
        let Some(payload) = (len >= NLMSG_HDRLEN)
            .then(|| rest.get(NLMSG_HDRLEN..len))
            .flatten()
        else {
            rest = &[];
            return Some(Err("message length out of bounds"));
        };
        rest = rest.get(align4(len)..).unwrap_or(&[]);
        Some(Ok(Message { kind, seq, payload }))
    })
}

fn align4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// The attributes of a block: `(type without flags, value)`; stops at the
/// first malformed one.
fn attributes(block: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = block;
    std::iter::from_fn(move || {
        let header: &[u8; NLA_HDRLEN] = rest.get(..NLA_HDRLEN)?.try_into().ok()?;
        let len = usize::from(u16::from_ne_bytes([header[0], header[1]]));
        let kind = u16::from_ne_bytes([header[2], header[3]]) & NLA_TYPE_MASK;
        let value = (len >= NLA_HDRLEN)
            .then(|| rest.get(NLA_HDRLEN..len))
            .flatten()?;
        rest = rest.get(align4(len)..).unwrap_or(&[]);
        Some((kind, value))
    })
}

fn attr_u32(value: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(value.get(..4)?.try_into().ok()?))
}

fn attr_u16(value: &[u8]) -> Option<u16> {
    Some(u16::from_ne_bytes(value.get(..2)?.try_into().ok()?))
}

fn attr_mac(value: &[u8]) -> Option<[u8; 6]> {
    value.get(..6)?.try_into().ok()
}

/// The error code of an `NLMSG_ERROR` payload: 0 is an acknowledgement.
fn error_code(payload: &[u8]) -> Option<i32> {
    Some(i32::from_ne_bytes(payload.get(..4)?.try_into().ok()?))
}

/// The attributes after the generic netlink header.
fn genl_attributes(payload: &[u8]) -> &[u8] {
    payload.get(GENL_HDRLEN..).unwrap_or(&[])
}

fn parse_family_id(payload: &[u8]) -> Option<u16> {
    attributes(genl_attributes(payload))
        .find(|(kind, _)| *kind == CTRL_ATTR_FAMILY_ID)
        .and_then(|(_, value)| attr_u16(value))
}

fn parse_interface(payload: &[u8]) -> Option<InterfaceInfo> {
    let mut info = InterfaceInfo::default();
    let mut have = (false, false);
    for (kind, value) in attributes(genl_attributes(payload)) {
        match kind {
            NL80211_ATTR_IFINDEX => {
                info.ifindex = attr_u32(value)?;
                have.0 = true;
            }
            NL80211_ATTR_WIPHY => {
                info.wiphy = attr_u32(value)?;
                have.1 = true;
            }
            NL80211_ATTR_IFNAME => {
                let name = value.split(|&b| b == 0).next().unwrap_or(&[]);
                info.name = String::from_utf8_lossy(name).into_owned();
            }
            NL80211_ATTR_IFTYPE => info.iftype = attr_u32(value)?,
            NL80211_ATTR_MAC => info.mac = attr_mac(value),
            NL80211_ATTR_WIPHY_FREQ => info.freq = attr_u32(value),
            NL80211_ATTR_SSID => info.ssid = Some(value.to_vec()),
            _ => {}
        }
    }
    (have.0 && have.1).then_some(info)
}

fn parse_scan_entry(payload: &[u8]) -> Option<ScanEntry> {
    let (_, bss) =
        attributes(genl_attributes(payload)).find(|(kind, _)| *kind == NL80211_ATTR_BSS)?;
    let mut bssid = None;
    let mut freq = None;
    let mut ssid = None;
    let mut joined = false;
    for (kind, value) in attributes(bss) {
        match kind {
            NL80211_BSS_BSSID => bssid = attr_mac(value),
            NL80211_BSS_FREQUENCY => freq = attr_u32(value),
            NL80211_BSS_INFORMATION_ELEMENTS => ssid = ssid_element(value),
            NL80211_BSS_STATUS => joined = true,
            _ => {}
        }
    }
    Some(ScanEntry {
        bssid: bssid?,
        freq: freq?,
        ssid,
        joined,
    })
}

/// The SSID element (ID 0) of a run of information elements.
fn ssid_element(mut elements: &[u8]) -> Option<Vec<u8>> {
    while let [id, len, rest @ ..] = elements {
        let value = rest.get(..usize::from(*len))?;
        if *id == 0 {
            return Some(value.to_vec());
        }
        elements = rest.get(usize::from(*len)..)?;
    }
    None
}

/// The centre frequency (MHz) of a 2.4 or 5 GHz channel number, as
/// `ieee80211_channel_to_frequency()` maps them (6 GHz numbers overlap the
/// 5 GHz ones: give those as a frequency).
pub fn channel_to_freq(channel: u32) -> Option<u32> {
    match channel {
        1..=13 => Some(2407 + 5 * channel),
        14 => Some(2484),
        32..=177 => Some(5000 + 5 * channel),
        _ => None,
    }
}

/// The channel number of a frequency, for messages.
pub fn freq_to_channel(freq: u32) -> Option<u32> {
    match freq {
        2484 => Some(14),
        2412..=2472 => Some((freq - 2407) / 5),
        5160..=5885 => Some((freq - 5000) / 5),
        5955..=7115 => Some((freq - 5950) / 5),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Sockets.

/// A generic netlink socket with nl80211's family resolved.
#[derive(Debug)]
pub struct Nl80211 {
    sock: OwnedFd,
    family: u16,
    seq: u32,
}

fn open_socket(protocol: SockProtocol, what: &'static str) -> Result<OwnedFd, NlError> {
    let io_error = |errno: Errno| NlError::Io {
        what,
        source: io::Error::from(errno),
    };
    let fd = socket::socket(
        AddressFamily::Netlink,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        protocol,
    )
    .map_err(io_error)?;
    socket::bind(fd.as_raw_fd(), &NetlinkAddr::new(0, 0)).map_err(io_error)?;
    let timeout = TimeVal::new(
        REPLY_TIMEOUT.as_secs() as nix::libc::time_t,
        REPLY_TIMEOUT.subsec_micros() as nix::libc::suseconds_t,
    );
    setsockopt(&fd, ReceiveTimeout, &timeout).map_err(io_error)?;
    Ok(fd)
}

/// Sends `request` and collects the payloads of the replies of type
/// `reply_kind` until the kernel acknowledges (or, for a dump, says done).
fn transact(
    sock: &OwnedFd,
    request: &[u8],
    seq: u32,
    reply_kind: u16,
    what: &'static str,
) -> Result<Vec<Vec<u8>>, NlError> {
    let io_error = |errno: Errno| NlError::Io {
        what,
        source: io::Error::from(errno),
    };
    socket::sendto(
        sock.as_raw_fd(),
        request,
        &NetlinkAddr::new(0, 0),
        MsgFlags::empty(),
    )
    .map_err(io_error)?;
    let mut replies = Vec::new();
    let mut buf = vec![0u8; RECV_BUFFER];
    loop {
        let n = match socket::recv(sock.as_raw_fd(), &mut buf, MsgFlags::empty()) {
            Ok(n) => n,
            Err(Errno::EAGAIN) => return Err(NlError::Timeout { what }),
            Err(Errno::EINTR) => continue,
            Err(errno) => return Err(io_error(errno)),
        };
        for message in messages(buf.get(..n).unwrap_or(&[])) {
            let message = message.map_err(|detail| NlError::Malformed { what, detail })?;
            if message.seq != seq {
                continue;
            }
            match message.kind {
                NLMSG_ERROR => {
                    let code = error_code(message.payload).ok_or(NlError::Malformed {
                        what,
                        detail: "short error message",
                    })?;
                    if code == 0 {
                        return Ok(replies);
                    }
                    return Err(kernel_error(what, Errno::from_raw(-code)));
                }
                NLMSG_DONE => return Ok(replies),
                kind if kind == reply_kind => replies.push(message.payload.to_vec()),
                _ => {}
            }
        }
    }
}

impl Nl80211 {
    /// Opens a generic netlink socket and looks up nl80211's family id.
    pub fn open() -> Result<Nl80211, NlError> {
        let sock = open_socket(SockProtocol::NetlinkGeneric, "opening a netlink socket")?;
        let mut request = MessageBuilder::genl(GENL_ID_CTRL, NLM_F_ACK, 1, CTRL_CMD_GETFAMILY, 1);
        request.string(CTRL_ATTR_FAMILY_NAME, "nl80211");
        let replies = match transact(
            &sock,
            &request.finish(),
            1,
            GENL_ID_CTRL,
            "looking up nl80211",
        ) {
            Err(NlError::Kernel {
                errno: Errno::ENOENT,
                ..
            }) => return Err(NlError::NoNl80211),
            other => other?,
        };
        let family = replies
            .iter()
            .find_map(|payload| parse_family_id(payload))
            .ok_or(NlError::NoNl80211)?;
        Ok(Nl80211 {
            sock,
            family,
            seq: 1,
        })
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// A new nl80211 request for `cmd` on interface `ifindex`, and its
    /// sequence number.
    fn request(&mut self, flags: u16, cmd: u8, ifindex: u32) -> (MessageBuilder, u32) {
        let seq = self.next_seq();
        let mut request = MessageBuilder::genl(self.family, flags, seq, cmd, NL80211_VERSION);
        request.u32(NL80211_ATTR_IFINDEX, ifindex);
        (request, seq)
    }

    fn send(
        &self,
        request: MessageBuilder,
        seq: u32,
        what: &'static str,
    ) -> Result<Vec<Vec<u8>>, NlError> {
        transact(&self.sock, &request.finish(), seq, self.family, what)
    }

    /// `iw dev IFACE info`.
    pub fn interface(&mut self, ifindex: u32) -> Result<InterfaceInfo, NlError> {
        const WHAT: &str = "reading the interface's radio";
        let (request, seq) = self.request(NLM_F_ACK, NL80211_CMD_GET_INTERFACE, ifindex);
        self.send(request, seq, WHAT)?
            .iter()
            .find_map(|payload| parse_interface(payload))
            .ok_or(NlError::Malformed {
                what: WHAT,
                detail: "no interface in the reply",
            })
    }

    /// `iw phy phyN interface add NAME type monitor flags control otherbss`:
    /// returns the new interface's index.
    pub fn new_monitor(&mut self, wiphy: u32, name: &str) -> Result<u32, NlError> {
        const WHAT: &str = "adding a monitor interface";
        let seq = self.next_seq();
        let request = monitor_request(self.family, seq, wiphy, name);
        let replies = transact(&self.sock, &request, seq, self.family, WHAT)?;
        if let Some(info) = replies.iter().find_map(|payload| parse_interface(payload)) {
            return Ok(info.ifindex);
        }
        nix::net::if_::if_nametoindex(name).map_err(|errno| NlError::Io {
            what: WHAT,
            source: io::Error::from(errno),
        })
    }

    /// `iw dev IFACE set freq FREQ` (20 MHz, no HT).
    pub fn set_freq(&mut self, ifindex: u32, freq: u32) -> Result<(), NlError> {
        let (mut request, seq) = self.request(NLM_F_ACK, NL80211_CMD_SET_WIPHY, ifindex);
        request
            .u32(NL80211_ATTR_WIPHY_FREQ, freq)
            .u32(NL80211_ATTR_WIPHY_CHANNEL_TYPE, NL80211_CHAN_NO_HT);
        self.send(request, seq, "tuning the monitor interface")
            .map(drop)
    }

    /// `iw dev IFACE del`.
    pub fn del_interface(&mut self, ifindex: u32) -> Result<(), NlError> {
        let (request, seq) = self.request(NLM_F_ACK, NL80211_CMD_DEL_INTERFACE, ifindex);
        self.send(request, seq, "removing the monitor interface")
            .map(drop)
    }

    /// `iw dev IFACE scan dump`: the kernel's cached scan results.
    pub fn scan_results(&mut self, ifindex: u32) -> Result<Vec<ScanEntry>, NlError> {
        let (request, seq) = self.request(NLM_F_DUMP, NL80211_CMD_GET_SCAN, ifindex);
        Ok(self
            .send(request, seq, "reading scan results")?
            .iter()
            .filter_map(|payload| parse_scan_entry(payload))
            .collect())
    }
}

fn monitor_request(family: u16, seq: u32, wiphy: u32, name: &str) -> Vec<u8> {
    let mut request = MessageBuilder::genl(
        family,
        NLM_F_ACK,
        seq,
        NL80211_CMD_NEW_INTERFACE,
        NL80211_VERSION,
    );
    request
        .u32(NL80211_ATTR_WIPHY, wiphy)
        .string(NL80211_ATTR_IFNAME, name)
        .u32(NL80211_ATTR_IFTYPE, NL80211_IFTYPE_MONITOR)
        // Control frames (ACKs) and other BSSs' frames, as a sniffer wants.
        .begin_nested(NL80211_ATTR_MNTR_FLAGS)
        .attr(NL80211_MNTR_FLAG_CONTROL, &[])
        .attr(NL80211_MNTR_FLAG_OTHER_BSS, &[])
        .end_nested();
    request.finish()
}

fn link_up_request(seq: u32, ifindex: u32) -> Vec<u8> {
    let mut request = MessageBuilder::new(RTM_NEWLINK, NLM_F_ACK, seq);
    // struct ifinfomsg: family (AF_UNSPEC), pad, type, index, flags, change.
    request.buf.extend_from_slice(&[0, 0]);
    request.buf.extend_from_slice(&0u16.to_ne_bytes());
    request.buf.extend_from_slice(&ifindex.to_ne_bytes());
    request.buf.extend_from_slice(&IFF_UP.to_ne_bytes());
    request.buf.extend_from_slice(&IFF_UP.to_ne_bytes());
    request.finish()
}

/// `ip link set IFACE up`, over rtnetlink.
pub fn set_link_up(ifindex: u32) -> Result<(), NlError> {
    const WHAT: &str = "bringing the monitor interface up";
    let sock = open_socket(SockProtocol::NetlinkRoute, WHAT)?;
    transact(&sock, &link_up_request(1, ifindex), 1, RTM_NEWLINK, WHAT).map(drop)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used)]
    use super::*;

    fn ne32(v: u32) -> [u8; 4] {
        v.to_ne_bytes()
    }

    #[test]
    fn new_monitor_request_is_laid_out_as_the_kernel_reads_it() {
        let bytes = monitor_request(0x1c, 7, 2, "mon0");
        let mut expected = Vec::new();
        expected.extend_from_slice(&ne32(60)); // total length
        expected.extend_from_slice(&0x1cu16.to_ne_bytes());
        expected.extend_from_slice(&(NLM_F_REQUEST | NLM_F_ACK).to_ne_bytes());
        expected.extend_from_slice(&ne32(7));
        expected.extend_from_slice(&ne32(0));
        expected.extend_from_slice(&[NL80211_CMD_NEW_INTERFACE, 0, 0, 0]);
        expected.extend_from_slice(&8u16.to_ne_bytes());
        expected.extend_from_slice(&1u16.to_ne_bytes());
        expected.extend_from_slice(&ne32(2));
        // "mon0\0" is 5 bytes: attribute length 9, padded to 12.
        expected.extend_from_slice(&9u16.to_ne_bytes());
        expected.extend_from_slice(&4u16.to_ne_bytes());
        expected.extend_from_slice(b"mon0\0\0\0\0");
        expected.extend_from_slice(&8u16.to_ne_bytes());
        expected.extend_from_slice(&5u16.to_ne_bytes());
        expected.extend_from_slice(&ne32(6));
        // Nested flags: header + two empty flag attributes.
        expected.extend_from_slice(&12u16.to_ne_bytes());
        expected.extend_from_slice(&(23u16 | 0x8000).to_ne_bytes());
        expected.extend_from_slice(&4u16.to_ne_bytes());
        expected.extend_from_slice(&3u16.to_ne_bytes());
        expected.extend_from_slice(&4u16.to_ne_bytes());
        expected.extend_from_slice(&4u16.to_ne_bytes());
        assert_eq!(bytes, expected);
    }

    #[test]
    fn link_up_request_sets_only_the_up_flag() {
        let bytes = link_up_request(3, 42);
        assert_eq!(bytes.len(), 32);
        assert_eq!(&bytes[4..6], &RTM_NEWLINK.to_ne_bytes());
        assert_eq!(&bytes[16..18], &[0, 0]);
        assert_eq!(&bytes[20..24], &ne32(42));
        assert_eq!(&bytes[24..28], &ne32(1));
        assert_eq!(&bytes[28..32], &ne32(1));
    }

    fn reply(kind: u16, seq: u32, attrs: &MessageBuilder) -> Vec<u8> {
        let mut message = MessageBuilder::new(kind, 0, seq);
        message.buf.extend_from_slice(&attrs.buf[NLMSG_HDRLEN..]);
        message.finish()
    }

    #[test]
    fn interface_reply_is_read_back() {
        let mut attrs = MessageBuilder::genl(0x1c, 0, 5, NL80211_CMD_NEW_INTERFACE, 1);
        attrs
            .u32(NL80211_ATTR_IFINDEX, 9)
            .string(NL80211_ATTR_IFNAME, "wlan1")
            .u32(NL80211_ATTR_WIPHY, 1)
            .u32(NL80211_ATTR_IFTYPE, NL80211_IFTYPE_STATION)
            .attr(NL80211_ATTR_MAC, &[2, 0, 0, 0, 1, 0])
            .u32(NL80211_ATTR_WIPHY_FREQ, 2437)
            .attr(NL80211_ATTR_SSID, b"Corner Bakery");
        let datagram = reply(0x1c, 5, &attrs);
        let messages: Vec<_> = messages(&datagram).collect::<Result<_, _>>().unwrap();
        assert_eq!(messages.len(), 1);
        let info = parse_interface(messages[0].payload).unwrap();
        assert_eq!(
            info,
            InterfaceInfo {
                ifindex: 9,
                name: "wlan1".into(),
                wiphy: 1,
                iftype: NL80211_IFTYPE_STATION,
                mac: Some([2, 0, 0, 0, 1, 0]),
                freq: Some(2437),
                ssid: Some(b"Corner Bakery".to_vec()),
            }
        );
    }

    #[test]
    fn scan_entry_reads_bssid_frequency_and_ssid() {
        let mut attrs = MessageBuilder::genl(0x1c, 0, 5, 34, 1);
        let mut ies = vec![0u8, 4];
        ies.extend_from_slice(b"Home");
        ies.extend_from_slice(&[1, 2, 0x82, 0x84]);
        attrs
            .u32(NL80211_ATTR_IFINDEX, 3)
            .begin_nested(NL80211_ATTR_BSS)
            .attr(NL80211_BSS_BSSID, &[2, 0, 0, 0, 0, 0])
            .u32(NL80211_BSS_FREQUENCY, 5180)
            .attr(NL80211_BSS_INFORMATION_ELEMENTS, &ies)
            .end_nested();
        let datagram = reply(0x1c, 5, &attrs);
        let message = messages(&datagram).next().unwrap().unwrap();
        assert_eq!(
            parse_scan_entry(message.payload),
            Some(ScanEntry {
                bssid: [2, 0, 0, 0, 0, 0],
                freq: 5180,
                ssid: Some(b"Home".to_vec()),
                joined: false,
            })
        );
    }

    #[test]
    fn errors_and_several_messages_in_one_datagram() {
        let mut datagram = MessageBuilder::new(NLMSG_ERROR, 0, 4);
        datagram.buf.extend_from_slice(&(-16i32).to_ne_bytes()); // -EBUSY
        datagram.buf.extend_from_slice(&[0; 16]); // the request's header
        let mut bytes = datagram.finish();
        bytes.extend(MessageBuilder::new(NLMSG_DONE, 0, 4).finish());
        let parsed: Vec<_> = messages(&bytes).collect::<Result<_, _>>().unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].kind, NLMSG_ERROR);
        assert_eq!(error_code(parsed[0].payload), Some(-16));
        assert_eq!(parsed[1].kind, NLMSG_DONE);
        let err = kernel_error("tuning the monitor interface", Errno::EBUSY);
        assert!(
            err.to_string().contains("in use on another channel"),
            "{err}"
        );
        assert!(kernel_error("x", Errno::EPERM).is_permission());
    }

    #[test]
    fn malformed_replies_never_panic() {
        let mut seed = 0x9e37_79b9_u32;
        let mut attrs = MessageBuilder::genl(0x1c, 0, 5, 7, 1);
        attrs
            .u32(NL80211_ATTR_IFINDEX, 9)
            .begin_nested(NL80211_ATTR_BSS)
            .attr(NL80211_BSS_INFORMATION_ELEMENTS, &[0, 9, 1])
            .end_nested();
        let good = reply(0x1c, 5, &attrs);
        for cut in 0..=good.len() {
            for flip in 0..good.len() {
                let mut bytes = good[..cut].to_vec();
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                if let Some(b) = bytes.get_mut(flip) {
                    *b ^= seed as u8;
                }
                for message in messages(&bytes).flatten() {
                    let _ = parse_interface(message.payload);
                    let _ = parse_scan_entry(message.payload);
                    let _ = parse_family_id(message.payload);
                    let _ = error_code(message.payload);
                }
            }
        }
        assert_eq!(ssid_element(&[0, 9, 1]), None);
        assert_eq!(
            ssid_element(&[1, 1, 2, 0, 2, b'h', b'i']),
            Some(b"hi".to_vec())
        );
    }

    #[test]
    fn channels_and_frequencies() {
        assert_eq!(channel_to_freq(1), Some(2412));
        assert_eq!(channel_to_freq(6), Some(2437));
        assert_eq!(channel_to_freq(14), Some(2484));
        assert_eq!(channel_to_freq(36), Some(5180));
        assert_eq!(channel_to_freq(0), None);
        assert_eq!(channel_to_freq(200), None);
        assert_eq!(freq_to_channel(2437), Some(6));
        assert_eq!(freq_to_channel(5180), Some(36));
        assert_eq!(freq_to_channel(5955), Some(1));
        assert_eq!(freq_to_channel(900), None);
    }
}
