//! Live capture from a Linux interface through an `AF_PACKET` socket: no
//! libpcap, no C library at build time.
//!
//! The socket itself is opened and bound by the caller (binding needs a
//! `sockaddr_ll`, which `nix` builds only through an `unsafe` constructor,
//! and this crate forbids `unsafe`); everything after that lives here: which
//! link type an interface gives, the receive loop with kernel timestamps and
//! a timeout (so a stop flag is seen), and which frames matter to a
//! handshake.

use std::io::{self, IoSliceMut};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::errno::Errno;
use nix::sys::socket::{
    self, ControlMessageOwned, MsgFlags, setsockopt,
    sockopt::{ReceiveTimeout, ReceiveTimestampns},
};
use nix::sys::time::TimeVal;

use crate::wire::{
    self, LinkType,
    eapol::ETHERTYPE as ETH_P_PAE,
    ieee80211::{self, Body},
    link::Link,
};

/// `ETH_P_ALL`: every frame, for 802.11 interfaces (radiotap or not).
pub const ETH_P_ALL: u16 = 0x0003;

/// `ARPHRD_*` values of `/sys/class/net/IFACE/type` that wpadiag reads.
pub const ARPHRD_ETHER: u16 = 1;
pub const ARPHRD_IEEE80211: u16 = 801;
pub const ARPHRD_IEEE80211_RADIOTAP: u16 = 803;

/// How long one receive waits before the caller may look at its stop flag.
pub const RECV_TIMEOUT: Duration = Duration::from_millis(200);

/// The buffer size: larger than any 802.11 frame with its radio header.
const BUFFER_LEN: usize = 65_536;

/// Why an interface cannot be captured on.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("not an interface name: {0:?}")]
    BadName(String),
    #[error("no network interface named {0}")]
    NoSuchInterface(String),
    #[error(
        "interface {name} has hardware type {arphrd}, not Ethernet (1), 802.11 (801) or radiotap (803)"
    )]
    UnsupportedType { name: String, arphrd: u16 },
    #[error("reading the type of interface {name}: {source}")]
    Sysfs { name: String, source: io::Error },
}

/// Checks an interface name before it goes into a path or a system call
/// (Linux: at most 15 bytes, no `/`, no whitespace).
pub fn check_name(name: &str) -> Result<(), LiveError> {
    let ok = !name.is_empty()
        && name.len() <= 15
        && name != "."
        && name != ".."
        && !name
            .bytes()
            .any(|b| b == b'/' || b.is_ascii_whitespace() || b == 0);
    if ok {
        Ok(())
    } else {
        Err(LiveError::BadName(name.to_string()))
    }
}

/// The interface's `ARPHRD_*` hardware type.
pub fn arphrd(name: &str) -> Result<u16, LiveError> {
    check_name(name)?;
    let path = format!("/sys/class/net/{name}/type");
    let text = std::fs::read_to_string(&path).map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            LiveError::NoSuchInterface(name.to_string())
        } else {
            LiveError::Sysfs {
                name: name.to_string(),
                source,
            }
        }
    })?;
    text.trim().parse().map_err(|_| LiveError::Sysfs {
        name: name.to_string(),
        source: io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not a number: {text:?}"),
        ),
    })
}

/// The pcap link type of frames read from an interface of hardware type
/// `arphrd` (what libpcap's `pcap-linux.c` maps them to).
pub fn linktype_for_arphrd(arphrd: u16) -> Option<LinkType> {
    match arphrd {
        ARPHRD_ETHER => Some(LinkType::ETHERNET),
        ARPHRD_IEEE80211 => Some(LinkType::IEEE802_11),
        ARPHRD_IEEE80211_RADIOTAP => Some(LinkType::RADIOTAP),
        _ => None,
    }
}

/// What an interface gives and how the socket must be bound for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfacePlan {
    pub linktype: LinkType,
    /// The ethertype to bind to, in host order: always `ETH_P_ALL`, the only
    /// binding that also sees the frames the host itself sends (the kernel
    /// passes outgoing frames to `ETH_P_ALL` taps alone), which on a
    /// station's interface are its msg 2/4 and 4/4.
    pub protocol: u16,
    /// Only EAPOL frames are wanted (an Ethernet interface): the socket gets
    /// [`EAPOL_FILTER`], so the kernel drops everything else before copying.
    pub eapol_only: bool,
}

/// A classic BPF program accepting only frames of ethertype 0x888E, as
/// `(code, jt, jf, k)`: `ldh [12]; jeq #0x888e, accept, drop; accept: ret
/// #262144; drop: ret #0` (what `tcpdump -d ether proto 0x888e` prints).
pub const EAPOL_FILTER: [(u16, u8, u8, u32); 4] = [
    (0x28, 0, 0, 12),
    (0x15, 0, 1, ETH_P_PAE as u32),
    (0x06, 0, 0, 0x0004_0000),
    (0x06, 0, 0, 0),
];

/// Reads the interface's type and decides the link type and bound protocol.
pub fn plan(name: &str) -> Result<InterfacePlan, LiveError> {
    let arphrd = arphrd(name)?;
    let linktype = linktype_for_arphrd(arphrd).ok_or_else(|| LiveError::UnsupportedType {
        name: name.to_string(),
        arphrd,
    })?;
    Ok(InterfacePlan {
        linktype,
        protocol: ETH_P_ALL,
        eapol_only: linktype == LinkType::ETHERNET,
    })
}

/// Whether `errno` from `socket()` means missing privileges.
pub fn is_permission_error(errno: Errno) -> bool {
    matches!(errno, Errno::EPERM | Errno::EACCES)
}

/// One received frame.
#[derive(Debug)]
pub struct LivePacket<'a> {
    /// Nanoseconds since the Unix epoch (the kernel's receive time).
    pub time_ns: u64,
    pub data: &'a [u8],
    /// The length on the wire (more than `data.len()` when cut).
    pub original_len: usize,
}

impl LivePacket<'_> {
    /// Seconds since the Unix epoch, as capture records carry them.
    pub fn time(&self) -> f64 {
        self.time_ns as f64 / 1e9
    }
}

/// A bound `AF_PACKET` socket being read.
pub struct LiveCapture {
    fd: OwnedFd,
    linktype: LinkType,
    buffer: Vec<u8>,
    cmsg: Vec<u8>,
}

impl LiveCapture {
    /// Takes a bound `AF_PACKET`/`SOCK_RAW` socket; asks the kernel for
    /// receive timestamps and a receive timeout of [`RECV_TIMEOUT`].
    pub fn new(fd: OwnedFd, linktype: LinkType) -> io::Result<Self> {
        setsockopt(&fd, ReceiveTimestampns, &true).map_err(io::Error::from)?;
        let timeout = TimeVal::new(0, RECV_TIMEOUT.as_micros() as _);
        setsockopt(&fd, ReceiveTimeout, &timeout).map_err(io::Error::from)?;
        Ok(LiveCapture {
            fd,
            linktype,
            buffer: vec![0; BUFFER_LEN],
            cmsg: nix::cmsg_space!(nix::sys::time::TimeSpec),
        })
    }

    pub fn linktype(&self) -> LinkType {
        self.linktype
    }

    /// Waits up to [`RECV_TIMEOUT`] for a frame. `Ok(None)`: nothing came
    /// (or a signal interrupted the wait), look at the stop flag and call
    /// again.
    pub fn recv(&mut self) -> io::Result<Option<LivePacket<'_>>> {
        let (len, original_len, stamp) = {
            let mut iov = [IoSliceMut::new(&mut self.buffer)];
            let received = socket::recvmsg::<()>(
                self.fd.as_raw_fd(),
                &mut iov,
                Some(&mut self.cmsg),
                MsgFlags::MSG_TRUNC,
            );
            let message = match received {
                Ok(message) => message,
                Err(Errno::EAGAIN | Errno::EINTR) => return Ok(None),
                Err(errno) => return Err(io::Error::from(errno)),
            };
            let mut stamp = None;
            if let Ok(cmsgs) = message.cmsgs() {
                for cmsg in cmsgs {
                    if let ControlMessageOwned::ScmTimestampns(ts) = cmsg {
                        let ns = i128::from(ts.tv_sec()) * 1_000_000_000 + i128::from(ts.tv_nsec());
                        stamp = u64::try_from(ns).ok();
                    }
                }
            }
            // With MSG_TRUNC, packet sockets return the frame's real length.
            (message.bytes.min(BUFFER_LEN), message.bytes, stamp)
        };
        let time_ns = stamp.unwrap_or_else(now_ns);
        Ok(Some(LivePacket {
            time_ns,
            data: self.buffer.get(..len).unwrap_or_default(),
            original_len,
        }))
    }
}

/// The wall clock in nanoseconds since the Unix epoch.
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Whether a frame is one `--handshake-only` keeps: EAPOL, Authentication,
/// (Re)Association, Deauthentication, Disassociation.
pub fn is_handshake_frame(linktype: LinkType, data: &[u8]) -> bool {
    let Ok(decoded) = wire::decode(linktype, data) else {
        return false;
    };
    match decoded.link {
        Link::Ethernet { ethertype, .. } => ethertype == ETH_P_PAE,
        Link::Dot11(bytes) => match ieee80211::parse(bytes) {
            Ok(frame) => matches!(
                frame.body,
                Body::Data { eapol: Some(_), .. }
                    | Body::Authentication { .. }
                    | Body::AssociationRequest { .. }
                    | Body::AssociationResponse { .. }
                    | Body::Deauthentication { .. }
                    | Body::Disassociation { .. }
            ),
            Err(_) => false,
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn maps_interface_types() {
        assert_eq!(linktype_for_arphrd(1), Some(LinkType::ETHERNET));
        assert_eq!(linktype_for_arphrd(801), Some(LinkType::IEEE802_11));
        assert_eq!(linktype_for_arphrd(803), Some(LinkType::RADIOTAP));
        assert_eq!(linktype_for_arphrd(772), None); // loopback
    }

    #[test]
    fn rejects_names_that_are_not_interfaces() {
        for bad in ["", ".", "..", "a/b", "../lo", "wlan 0", "sixteen-chars-xx"] {
            assert!(
                matches!(check_name(bad), Err(LiveError::BadName(_))),
                "{bad:?}"
            );
        }
        check_name("wlp2s0").unwrap();
        assert!(matches!(
            arphrd("wpdnosuch0"),
            Err(LiveError::NoSuchInterface(_))
        ));
    }

    #[test]
    fn loopback_is_not_supported() {
        // Every Linux machine has lo, of type 772.
        if std::path::Path::new("/sys/class/net/lo/type").exists() {
            assert!(matches!(
                plan("lo"),
                Err(LiveError::UnsupportedType { arphrd: 772, .. })
            ));
        }
    }

    #[test]
    fn keeps_only_handshake_frames() {
        let mut eapol = vec![0x02, 0, 0, 0, 1, 0, 0x02, 0, 0, 0, 0, 0, 0x88, 0x8e];
        eapol.extend_from_slice(&[0x02, 0x03, 0x00, 0x00]);
        assert!(is_handshake_frame(LinkType::ETHERNET, &eapol));
        let mut ipv4 = eapol.clone();
        ipv4[12] = 0x08;
        ipv4[13] = 0x00;
        assert!(!is_handshake_frame(LinkType::ETHERNET, &ipv4));
        // 802.11 deauthentication, reason 15, then an ACK.
        let mut deauth = vec![0xc0, 0, 0, 0];
        deauth.extend_from_slice(&[2, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
        deauth.extend_from_slice(&[0x10, 0, 15, 0]);
        assert!(is_handshake_frame(LinkType::IEEE802_11, &deauth));
        let ack = [0xd4, 0, 0, 0, 2, 0, 0, 0, 1, 0];
        assert!(!is_handshake_frame(LinkType::IEEE802_11, &ack));
        assert!(!is_handshake_frame(LinkType::IEEE802_11, &[]));
    }
}
