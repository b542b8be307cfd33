//! Opening, filtering and binding the `AF_PACKET` socket: the one place
//! that needs `unsafe`, because `nix` builds a `sockaddr_ll` only from a raw
//! pointer and has no `SO_ATTACH_FILTER`.

use std::os::fd::OwnedFd;

use nix::errno::Errno;
use nix::sys::socket::{self, AddressFamily, LinkAddr, SockFlag, SockType, SockaddrLike, bind};

/// Opens a raw packet socket that receives nothing until bound, attaches
/// `filter` (a classic BPF program) if given, then binds it to interface
/// `ifindex` and ethertype `protocol` (host order). Binding with the
/// protocol, rather than passing it to `socket()`, and filtering before
/// binding mean no frame of another interface, and none the filter
/// rejects, is ever queued on the socket.
pub fn open_bound(
    ifindex: u32,
    protocol: u16,
    filter: Option<&[(u16, u8, u8, u32)]>,
) -> Result<OwnedFd, Errno> {
    let fd = socket::socket(
        AddressFamily::Packet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    if let Some(filter) = filter {
        attach_filter(&fd, filter)?;
    }
    bind(
        std::os::fd::AsRawFd::as_raw_fd(&fd),
        &link_addr(ifindex, protocol)?,
    )?;
    Ok(fd)
}

/// `SO_ATTACH_FILTER`: nix has no wrapper for it.
fn attach_filter(fd: &OwnedFd, program: &[(u16, u8, u8, u32)]) -> Result<(), Errno> {
    let mut instructions: Vec<nix::libc::sock_filter> = program
        .iter()
        .map(|&(code, jt, jf, k)| nix::libc::sock_filter { code, jt, jf, k })
        .collect();
    let prog = nix::libc::sock_fprog {
        len: u16::try_from(instructions.len()).map_err(|_| Errno::EINVAL)?,
        filter: instructions.as_mut_ptr(),
    };
    // SAFETY: `prog` points at `instructions`, which outlives the call, and
    // its length is the vector's; the kernel copies the program in.
    let rc = unsafe {
        nix::libc::setsockopt(
            std::os::fd::AsRawFd::as_raw_fd(fd),
            nix::libc::SOL_SOCKET,
            nix::libc::SO_ATTACH_FILTER,
            (&raw const prog).cast(),
            std::mem::size_of::<nix::libc::sock_fprog>() as nix::libc::socklen_t,
        )
    };
    Errno::result(rc).map(drop)
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
