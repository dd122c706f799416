//! The Jupyter wire protocol (messaging 5.4) over ZeroMQ, on jupyter-protocol and
//! jupyter-zmq-client: framing, signing and verification are theirs, never ours.
//!
//! Tasks: `shell` (one request at a time, in order, like ipykernel), `control`
//! (answers while a cell runs: interrupt, shutdown, kernel_info), `iopub` (the
//! only writer of the publish socket), `stdin`, heartbeat, and a SIGINT watcher.
//! Cells run on the executor thread; no task ever blocks on a cell.
//!
//! Invariant: a message whose signature does not verify, that lacks frames, or
//! whose JSON does not parse is dropped by the reading task with a line on
//! stderr; nothing in it executes and the task keeps reading.

mod control;
mod iopub;
pub mod kernel_info;
mod lenient;
mod shell;
mod sink;
mod stdin;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use jupyter_protocol::{
    ConnectionInfo, JupyterMessage, JupyterMessageContent, ShutdownReply, Status, Transport,
};
use jupyter_zmq_client::{
    create_kernel_control_connection, create_kernel_heartbeat_connection,
    create_kernel_iopub_xpub_connection, create_kernel_shell_connection,
    create_kernel_stdin_connection, KernelHeartbeatConnection, RuntimeError,
};

use crate::executor::Executor;
use crate::tiers::{rustc_tier, Start, TierChoice};
use iopub::Iopub;
use stdin::Stdin;

pub const PROTOCOL_VERSION: &str = "5.4";

/// A reply or publication caused by `parent` (same session, routing identity, parent header).
pub fn child(content: impl Into<JupyterMessageContent>, parent: &JupyterMessage) -> JupyterMessage {
    let mut msg = JupyterMessage::new(content, Some(parent));
    msg.header.version = PROTOCOL_VERSION.into();
    msg.header.username = "accel".into();
    msg
}

/// What every task shares.
pub struct Kernel {
    pub iopub: Iopub,
    pub stdin: Stdin,
    pub executor: Executor,
}

impl Kernel {
    /// Stops the running cell, including one waiting for stdin.
    pub fn interrupt(&self) {
        self.executor.interrupt();
        self.stdin.cancel();
    }

    /// After the shutdown reply went out on the requesting channel: tell iopub
    /// (as ipykernel does), stop the cell, let the sockets drain, exit. A restart
    /// is the kernel manager's job: it starts a fresh process.
    pub async fn shutdown(&self, restart: bool, parent: &JupyterMessage) -> ! {
        let reply = ShutdownReply {
            restart,
            status: Default::default(),
            error: None,
        };
        self.iopub.send(child(reply, parent)).await;
        self.interrupt();
        self.iopub.flush().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        crate::rustc_tier::workdir::remove();
        std::process::exit(0)
    }
}

/// `accel kernel --connection-file F`.
pub fn serve(connection_file: &Path, tier: TierChoice) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(connection_file)
        .with_context(|| format!("reading connection file {}", connection_file.display()))?;
    let mut info: ConnectionInfo = serde_json::from_str(&text)
        .with_context(|| format!("parsing connection file {}", connection_file.display()))?;
    if !info.key.is_empty() && info.signature_scheme != "hmac-sha256" {
        bail!(
            "unsupported signature_scheme {:?} (accel speaks hmac-sha256)",
            info.signature_scheme
        );
    }
    if info.transport == Transport::TCP && (info.ip == "*" || info.ip.is_empty()) {
        info.ip = "0.0.0.0".into();
    }
    // The session (and the rustc tier inside it) starts on its own thread now, in
    // parallel with binding the sockets; kernel_info never waits for it.
    let executor = Executor::start(move || rustc_tier(tier, Start::Eager));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(info, executor))
}

async fn run(info: ConnectionInfo, executor: Executor) -> anyhow::Result<()> {
    let session_id = new_id();
    let heartbeat = create_kernel_heartbeat_connection(&info)
        .await
        .context("binding heartbeat")?;
    let shell = create_kernel_shell_connection(&info, &session_id)
        .await
        .context("binding shell")?;
    let control = create_kernel_control_connection(&info, &session_id)
        .await
        .context("binding control")?;
    let stdin = create_kernel_stdin_connection(&info, &session_id)
        .await
        .context("binding stdin")?;
    let iopub = create_kernel_iopub_xpub_connection(&info, &session_id)
        .await
        .context("binding iopub")?;

    let iopub = Iopub::spawn(iopub, &session_id);
    let mut starting = JupyterMessage::new(Status::starting(), None);
    starting.header.version = PROTOCOL_VERSION.into();
    iopub.send(starting).await;

    let kernel = Arc::new(Kernel {
        iopub,
        stdin: Stdin::spawn(stdin),
        executor,
    });
    tokio::spawn(heartbeat_echo(heartbeat));
    tokio::spawn(interrupt_on_sigint(kernel.clone()));
    tokio::spawn(control::serve(control, kernel.clone()));
    shell::serve(shell, kernel).await;
    Ok(())
}

/// Heartbeat: echo every ping back unchanged, as the spec asks.
async fn heartbeat_echo(mut hb: KernelHeartbeatConnection) {
    use zeromq::{SocketRecv, SocketSend};
    loop {
        match hb.socket.recv().await {
            Ok(ping) => {
                if let Err(e) = hb.socket.send(ping).await {
                    eprintln!("accel: heartbeat reply failed: {e}");
                }
            }
            Err(e) => {
                eprintln!("accel: heartbeat receive failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Ctrl-C in a terminal (or interrupt_mode "signal") interrupts the cell, never the kernel.
async fn interrupt_on_sigint(kernel: Arc<Kernel>) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut sigint) = signal(SignalKind::interrupt()) else {
        eprintln!("accel: cannot watch SIGINT; interrupts work through interrupt_request only");
        return;
    };
    while sigint.recv().await.is_some() {
        kernel.interrupt();
    }
}

/// Logs a message a reading task could not accept and decides how long to pause:
/// bad messages are the sender's problem (no pause); socket errors pause briefly
/// so a broken socket cannot spin a core.
pub(crate) async fn dropped(channel: &str, error: RuntimeError) {
    eprintln!("accel: dropped a message on {channel}: {error}");
    if matches!(error, RuntimeError::ZmqError(_) | RuntimeError::IoError(_)) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn new_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{:08x}-{:x}", std::process::id(), nanos)
}
