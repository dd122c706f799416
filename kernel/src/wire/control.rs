//! The control channel: served by its own task, so interrupt and shutdown work
//! while a cell is running (the shell task is waiting on it then).

use std::sync::Arc;

use jupyter_protocol::{
    InterruptReply, JupyterMessage, JupyterMessageContent, ShutdownReply, Status,
};
use jupyter_zmq_client::KernelControlConnection;

use super::{child, kernel_info::kernel_info, Kernel};

pub async fn serve(mut conn: KernelControlConnection, kernel: Arc<Kernel>) {
    loop {
        let msg = match conn.read().await {
            Ok(msg) => msg,
            Err(e) => {
                super::dropped("control", e).await;
                continue;
            }
        };
        kernel.iopub.send(child(Status::busy(), &msg)).await;
        let reply: Option<JupyterMessage> = match &msg.content {
            JupyterMessageContent::KernelInfoRequest(_) => Some(child(kernel_info(), &msg)),
            JupyterMessageContent::InterruptRequest(_) => {
                kernel.interrupt();
                Some(child(InterruptReply::new(), &msg))
            }
            JupyterMessageContent::ShutdownRequest(req) => {
                let reply = ShutdownReply {
                    restart: req.restart,
                    status: Default::default(),
                    error: None,
                };
                if let Err(e) = conn.send(child(reply, &msg)).await {
                    eprintln!("accel: shutdown_reply failed: {e}");
                }
                kernel.shutdown(req.restart, &msg).await
            }
            // debugger: false in kernel_info, so frontends do not send debug requests.
            other => {
                eprintln!("accel: ignored `{}` on control", other.message_type());
                None
            }
        };
        if let Some(reply) = reply {
            if let Err(e) = conn.send(reply).await {
                eprintln!("accel: control reply failed: {e}");
            }
        }
        kernel.iopub.send(child(Status::idle(), &msg)).await;
    }
}
