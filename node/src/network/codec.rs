//! The request-response protocols and their bytes codec.
//!
//! Each frame is a 4-byte big-endian length then that many bytes. The length is checked
//! against the protocol's limit *before* any buffer is allocated, so a peer announcing a
//! 4 GiB response costs us four bytes of reading, not four gigabytes of memory.

use std::fmt;
use std::io;

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use libp2p::request_response;

/// The largest request and response accepted on one protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimit {
    /// Largest request, in bytes.
    pub request: usize,
    /// Largest response, in bytes.
    pub response: usize,
}

/// Which request-response protocol a request travels on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequestKind {
    /// `/smartket/sync/1`: set reconciliation and catalogue pulls.
    Sync,
    /// `/smartket/msg/1`: sealed direct messages (orders, delivery jobs).
    Msg,
    /// `/smartket/blob/1`: content-addressed blobs.
    Blob,
    /// `/smartket/mailbox/1`: sealed messages left with a cooperative for an absent recipient.
    Mailbox,
}

impl RequestKind {
    /// Every kind.
    pub const ALL: [RequestKind; 4] = [
        RequestKind::Sync,
        RequestKind::Msg,
        RequestKind::Blob,
        RequestKind::Mailbox,
    ];

    /// The protocol name negotiated on the stream.
    pub fn protocol(&self) -> StreamProtocol {
        StreamProtocol::new(match self {
            RequestKind::Sync => "/smartket/sync/1",
            RequestKind::Msg => "/smartket/msg/1",
            RequestKind::Blob => "/smartket/blob/1",
            RequestKind::Mailbox => "/smartket/mailbox/1",
        })
    }
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.protocol().as_ref())
    }
}

/// A frame whose announced length is over the protocol's limit. Carried inside an
/// [`io::Error`] so the event loop can tell it from other stream failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("frame of {size} bytes is over the limit of {max}")]
pub struct FrameTooLarge {
    /// The announced (or attempted) size.
    pub size: usize,
    /// The limit.
    pub max: usize,
}

impl FrameTooLarge {
    /// Finds this error inside an I/O error, if that is what it is.
    pub fn find(error: &io::Error) -> Option<FrameTooLarge> {
        error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<FrameTooLarge>())
            .copied()
    }
}

/// Length-prefixed bytes, bounded per direction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BytesCodec {
    limit: SizeLimit,
}

impl BytesCodec {
    /// A codec enforcing `limit`.
    pub(crate) fn new(limit: SizeLimit) -> BytesCodec {
        BytesCodec { limit }
    }
}

/// Reads one frame of at most `max` bytes from `io`: what every inbound request and response
/// goes through. Public so that `node/fuzz` can feed it untrusted bytes.
pub async fn read_frame<T>(io: &mut T, max: usize) -> io::Result<Vec<u8>>
where
    T: AsyncRead + Unpin + Send,
{
    let mut len = [0u8; 4];
    io.read_exact(&mut len).await?;
    let size = u32::from_be_bytes(len) as usize;
    if size > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            FrameTooLarge { size, max },
        ));
    }
    let mut buf = vec![0u8; size];
    io.read_exact(&mut buf).await?;
    Ok(buf)
}

async fn write_frame<T>(io: &mut T, bytes: &[u8], max: usize) -> io::Result<()>
where
    T: AsyncWrite + Unpin + Send,
{
    let size = bytes.len();
    let len = u32::try_from(size)
        .ok()
        .filter(|_| size <= max)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, FrameTooLarge { size, max }))?;
    io.write_all(&len.to_be_bytes()).await?;
    io.write_all(bytes).await?;
    io.flush().await
}

impl request_response::Codec for BytesCodec {
    type Protocol = StreamProtocol;
    type Request = Vec<u8>;
    type Response = Vec<u8>;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>>
    where
        T: AsyncRead + Unpin + Send,
    {
        read_frame(io, self.limit.request).await
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>>
    where
        T: AsyncRead + Unpin + Send,
    {
        read_frame(io, self.limit.response).await
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: Vec<u8>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &req, self.limit.request).await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: Vec<u8>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &res, self.limit.response).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::io::Cursor;

    #[test]
    fn a_frame_round_trips() {
        let mut out = Cursor::new(Vec::new());
        block_on(write_frame(&mut out, b"hello", 16)).unwrap();
        let mut input = Cursor::new(out.into_inner());
        assert_eq!(block_on(read_frame(&mut input, 16)).unwrap(), b"hello");
    }

    #[test]
    fn an_oversize_length_is_refused_before_reading_the_body() {
        // Announces 4 GiB - 1 and sends nothing more: must fail on the prefix alone.
        let mut input = Cursor::new(vec![0xff, 0xff, 0xff, 0xff]);
        let err = block_on(read_frame(&mut input, 1024)).unwrap_err();
        assert_eq!(
            FrameTooLarge::find(&err),
            Some(FrameTooLarge {
                size: u32::MAX as usize,
                max: 1024
            })
        );
    }
}
