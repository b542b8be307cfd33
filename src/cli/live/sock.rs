//! Opening and binding the `AF_PACKET` socket: the one place that needs
//! `unsafe`, because `nix` builds a `sockaddr_ll` only from a raw pointer.

use std::os::fd::OwnedFd;

use nix::errno::Errno;
use nix::sys::socket::{self, AddressFamily, LinkAddr, SockFlag, SockType, SockaddrLike, bind};

/// Opens a raw packet socket that receives nothing until bound, then binds
/// it to interface `ifindex` and ethertype `protocol` (host order). Binding
/// with the protocol, rather than passing it to `socket()`, means no frame
/// of another interface is ever queued on the socket.
pub fn open_bound(ifindex: u32, protocol: u16) -> Result<OwnedFd, Errno> {
    let fd = socket::socket(
        AddressFamily::Packet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    bind(
        std::os::fd::AsRawFd::as_raw_fd(&fd),
        &link_addr(ifindex, protocol)?,
    )?;
    Ok(fd)
}

fn link_addr(ifindex: u32, protocol: u16) -> Result<LinkAddr, Errno> {
    let mut raw: nix::libc::sockaddr_ll = nix::libc::sockaddr_ll {
        sll_family: nix::libc::AF_PACKET as u16,
        sll_protocol: protocol.to_be(),
        sll_ifindex: i32::try_from(ifindex).map_err(|_| Errno::EINVAL)?,
        sll_hatype: 0,
        sll_pkttype: 0,
        sll_halen: 0,
        sll_addr: [0; 8],
    };
    let len = std::mem::size_of::<nix::libc::sockaddr_ll>() as nix::libc::socklen_t;
    // SAFETY: `raw` is a fully initialised sockaddr_ll that lives for the
    // whole call, and `len` is its exact size; from_raw copies it out.
    let addr = unsafe {
        LinkAddr::from_raw(
            (&raw mut raw).cast::<nix::libc::sockaddr>().cast_const(),
            Some(len),
        )
    };
    addr.ok_or(Errno::EINVAL)
}
