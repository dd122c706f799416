//! The stdin channel: the kernel asks the frontend for a line (`input_request`)
//! and waits for `input_reply`. At most one question is open at a time (cells
//! run one at a time); an interrupt cancels it.

use std::sync::Arc;

use jupyter_protocol::{InputRequest, JupyterMessage, JupyterMessageContent};
use jupyter_zmq_client::KernelStdinConnection;
use tokio::sync::mpsc;

pub struct Ask {
    pub parent: Arc<JupyterMessage>,
    pub prompt: String,
    pub password: bool,
    /// `None` when cancelled (interrupt) or the channel broke.
    pub answer: std::sync::mpsc::Sender<Option<String>>,
}

enum Event {
    Ask(Ask),
    Cancel,
}

#[derive(Clone)]
pub struct Stdin {
    tx: mpsc::UnboundedSender<Event>,
}

impl Stdin {
    pub fn spawn(conn: KernelStdinConnection) -> Stdin {
        let (tx, rx) = mpsc::unbounded_channel();
        let (writer, mut reader) = conn.split();
        let (replies_tx, replies_rx) = mpsc::unbounded_channel();
        // Reading in its own task keeps the select below cancel-safe.
        tokio::spawn(async move {
            loop {
                match reader.read().await {
                    Ok(msg) => {
                        if replies_tx.send(msg).is_err() {
                            return;
                        }
                    }
                    Err(e) => eprintln!("accel: dropped a stdin message: {e}"),
                }
            }
        });
        tokio::spawn(serve(writer, rx, replies_rx));
        Stdin { tx }
    }

    /// Blocks the calling (executor) thread until the frontend answers.
    pub fn ask_blocking(
        &self,
        parent: &Arc<JupyterMessage>,
        prompt: &str,
        password: bool,
    ) -> Option<String> {
        let (answer, rx) = std::sync::mpsc::channel();
        let ask = Ask {
            parent: parent.clone(),
            prompt: prompt.into(),
            password,
            answer,
        };
        self.tx.send(Event::Ask(ask)).ok()?;
        rx.recv().ok().flatten()
    }

    pub fn cancel(&self) {
        let _ = self.tx.send(Event::Cancel);
    }
}

async fn serve(
    mut writer: jupyter_zmq_client::RouterSendConnection,
    mut rx: mpsc::UnboundedReceiver<Event>,
    mut replies: mpsc::UnboundedReceiver<JupyterMessage>,
) {
    let mut open: Option<std::sync::mpsc::Sender<Option<String>>> = None;
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                None => return,
                Some(Event::Cancel) => {
                    if let Some(answer) = open.take() {
                        let _ = answer.send(None);
                    }
                }
                Some(Event::Ask(ask)) => {
                    let request = InputRequest { prompt: ask.prompt, password: ask.password };
                    // `child` copies the execute request's routing identity, which is
                    // the identity the client's stdin socket shares with its shell socket.
                    let msg = super::child(request, &ask.parent);
                    match writer.send(msg).await {
                        Ok(()) => open = Some(ask.answer),
                        Err(e) => {
                            eprintln!("accel: input_request failed: {e}");
                            let _ = ask.answer.send(None);
                        }
                    }
                }
            },
            reply = replies.recv() => match reply {
                None => return,
                Some(msg) => match msg.content {
                    JupyterMessageContent::InputReply(r) => match open.take() {
                        Some(answer) => { let _ = answer.send(Some(r.value)); }
                        None => eprintln!("accel: input_reply with no open input_request; ignored"),
                    },
                    other => eprintln!("accel: ignored `{}` on stdin", other.message_type()),
                },
            },
        }
    }
}
