//! The iopub publisher: one task owns the socket, so messages leave in the order
//! they were produced, whichever thread produced them.
//!
//! Memory stays bounded however much a cell prints: producers go through a
//! bounded channel (a full channel blocks the cell, which is the backpressure),
//! stream text is cut into chunks of at most `CHUNK` bytes before it enters the
//! channel, and the XPUB socket's `send` waits until the subscriber's connection
//! takes the bytes instead of queueing without limit. Consecutive chunks of the
//! same stream already waiting are coalesced into one message, so a chatty cell
//! costs few messages without delaying any output.

use std::sync::Arc;

use accel_magics::StreamName;
use jupyter_protocol::{IoPubWelcome, JupyterMessage, StreamContent};
use jupyter_zmq_client::{KernelIoPubXPubConnection, SubscriptionEvent};
use tokio::sync::{mpsc, oneshot};

/// Largest piece of stream text one channel slot holds.
pub const CHUNK: usize = 16 * 1024;
/// Largest coalesced stream message.
const MAX_MESSAGE: usize = 256 * 1024;
/// Channel slots: CHUNK * SLOTS bounds the text waiting here (4 MiB).
const SLOTS: usize = 256;

pub enum IopubEvent {
    Msg(JupyterMessage),
    Stream {
        parent: Arc<JupyterMessage>,
        name: StreamName,
        text: String,
    },
    /// Answered once everything before it has been handed to the socket.
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct Iopub {
    tx: mpsc::Sender<IopubEvent>,
}

impl Iopub {
    pub fn spawn(conn: KernelIoPubXPubConnection, kernel_id: &str) -> Iopub {
        let (tx, rx) = mpsc::channel(SLOTS);
        // ZeroMQ topic frames like ipykernel's: `kernel.<id>.<msg_type>`, `stream.stdout`.
        let topic: Arc<str> = format!("kernel.{kernel_id}").into();
        tokio::spawn(pump(conn, rx, topic));
        Iopub { tx }
    }

    pub async fn send(&self, msg: JupyterMessage) {
        let _ = self.tx.send(IopubEvent::Msg(msg)).await;
    }

    /// From a non-async thread (the executor's sink).
    pub fn send_blocking(&self, event: IopubEvent) {
        let _ = self.tx.blocking_send(event);
    }

    pub fn stream_blocking(&self, parent: &Arc<JupyterMessage>, name: StreamName, text: &str) {
        for piece in chunks(text, CHUNK) {
            self.send_blocking(IopubEvent::Stream {
                parent: parent.clone(),
                name,
                text: piece.to_string(),
            });
        }
    }

    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(IopubEvent::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    pub fn flush_blocking(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.blocking_send(IopubEvent::Flush(tx)).is_ok() {
            let _ = rx.blocking_recv();
        }
    }
}

/// Splits at char boundaries into pieces of at most `max` bytes.
pub fn chunks(text: &str, max: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len().min(max);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            // max smaller than one char: take the whole char.
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (head, tail) = rest.split_at(end);
        rest = tail;
        Some(head)
    })
}

async fn pump(
    mut conn: KernelIoPubXPubConnection,
    mut rx: mpsc::Receiver<IopubEvent>,
    topic: Arc<str>,
) {
    let mut held: Option<IopubEvent> = None;
    loop {
        let event = match held.take() {
            Some(event) => event,
            None => tokio::select! {
                event = rx.recv() => match event {
                    Some(event) => event,
                    None => return,
                },
                sub = conn.recv_subscription() => {
                    // JEP 65: tell a new subscriber it is connected, so it knows
                    // no message after this one will be lost to a slow join.
                    if let Ok(SubscriptionEvent::Subscribe(t)) = sub {
                        let welcome: JupyterMessage = IoPubWelcome::new(t).into();
                        publish(&mut conn, &topic, welcome).await;
                    }
                    continue;
                }
            },
        };
        match event {
            IopubEvent::Msg(msg) => publish(&mut conn, &topic, msg).await,
            IopubEvent::Flush(done) => {
                let _ = done.send(());
            }
            IopubEvent::Stream {
                parent,
                name,
                mut text,
            } => {
                while text.len() < MAX_MESSAGE {
                    match rx.try_recv() {
                        Ok(IopubEvent::Stream {
                            parent: p,
                            name: n,
                            text: t,
                        }) if n == name && p.header.msg_id == parent.header.msg_id => {
                            text.push_str(&t)
                        }
                        Ok(other) => {
                            held = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                let content = match name {
                    StreamName::Stdout => StreamContent::stdout(&text),
                    StreamName::Stderr => StreamContent::stderr(&text),
                };
                publish(&mut conn, &topic, super::child(content, &parent)).await;
            }
        }
    }
}

async fn publish(conn: &mut KernelIoPubXPubConnection, topic: &str, mut msg: JupyterMessage) {
    let frame = match &msg.content {
        jupyter_protocol::JupyterMessageContent::StreamContent(s) => {
            format!(
                "stream.{}",
                if matches!(s.name, jupyter_protocol::Stdio::Stdout) {
                    "stdout"
                } else {
                    "stderr"
                }
            )
        }
        other => format!("{topic}.{}", other.message_type()),
    };
    msg.zmq_identities = vec![frame.into_bytes().into()];
    msg.header.version = super::PROTOCOL_VERSION.into();
    if let Err(e) = conn.send(msg).await {
        eprintln!("accel: iopub send failed: {e}");
    }
}
