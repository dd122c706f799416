//! Starts the real `accel kernel` process on a connection file and talks ZeroMQ to
//! it with jupyter-zmq-client's client connections, the way a frontend does.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jupyter_protocol::{
    ConnectionInfo, ExecuteReply, ExecuteRequest, JupyterMessage, JupyterMessageContent,
    KernelInfoRequest, Transport,
};
use jupyter_zmq_client::{
    create_client_control_connection, create_client_heartbeat_connection,
    create_client_iopub_connection, create_client_shell_connection_with_identity,
    create_client_stdin_connection_with_identity, peek_ports_with_listeners,
    peer_identity_for_session, wait_for_iopub_welcome, ClientControlConnection,
    ClientHeartbeatConnection, ClientIoPubConnection, ClientShellConnection, ClientStdinConnection,
};
use tokio::time::timeout;

/// Only reached when something is wrong; generous because a first evcxr cell compiles.
pub const WAIT: Duration = Duration::from_secs(180);

pub struct Kernel {
    pub child: Child,
    pub info: ConnectionInfo,
    pub session: String,
    pub shell: ClientShellConnection,
    pub control: ClientControlConnection,
    pub iopub: ClientIoPubConnection,
    pub stdin: ClientStdinConnection,
    pub hb: ClientHeartbeatConnection,
    _dir: tempfile::TempDir,
}

/// What one execute_request produced: its reply and its iopub messages up to idle.
pub struct Executed {
    pub reply: ExecuteReply,
    pub iopub: Vec<JupyterMessage>,
}

impl Executed {
    pub fn stdout(&self) -> String {
        self.stream("stdout")
    }
    pub fn stream(&self, which: &str) -> String {
        self.iopub
            .iter()
            .filter_map(|m| match &m.content {
                JupyterMessageContent::StreamContent(s) if stream_name(s) == which => {
                    Some(s.text.clone())
                }
                _ => None,
            })
            .collect()
    }
    pub fn types(&self) -> Vec<String> {
        self.iopub
            .iter()
            .map(|m| m.header.msg_type.clone())
            .collect()
    }
}

pub fn stream_name(s: &jupyter_protocol::StreamContent) -> &'static str {
    match s.name {
        jupyter_protocol::Stdio::Stdout => "stdout",
        jupyter_protocol::Stdio::Stderr => "stderr",
    }
}

impl Kernel {
    /// A kernel on TCP with the scripted tier (fast, deterministic).
    pub async fn start() -> Kernel {
        Kernel::start_with(Transport::TCP, "script").await
    }

    pub async fn start_with(transport: Transport, tier: &str) -> Kernel {
        Kernel::start_with_env(transport, tier, &[]).await
    }

    /// Like `start_with`, with extra environment variables for the kernel process.
    pub async fn start_with_env(transport: Transport, tier: &str, env: &[(&str, &str)]) -> Kernel {
        let dir = tempfile::tempdir().unwrap();
        let (file, info) = connection_file(dir.path(), transport).await;
        let child = Command::new(env!("CARGO_BIN_EXE_accel"))
            .args(["kernel", "--connection-file"])
            .arg(&file)
            .args(["--tier", tier])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .spawn()
            .expect("start accel kernel");
        wait_bound(&info).await;

        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let session = format!("test-{}-{n}", std::process::id());
        let identity = peer_identity_for_session(&session).unwrap();
        let shell = create_client_shell_connection_with_identity(&info, &session, identity.clone())
            .await
            .unwrap();
        let stdin = create_client_stdin_connection_with_identity(&info, &session, identity)
            .await
            .unwrap();
        let control = create_client_control_connection(&info, &session)
            .await
            .unwrap();
        let mut iopub = create_client_iopub_connection(&info, "", &session)
            .await
            .unwrap();
        let hb = create_client_heartbeat_connection(&info).await.unwrap();
        let welcome = wait_for_iopub_welcome(&mut iopub, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(welcome.is_some(), "kernel sent no iopub_welcome (JEP 65)");
        Kernel {
            child,
            info,
            session,
            shell,
            control,
            iopub,
            stdin,
            hb,
            _dir: dir,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub async fn shell_request(
        &mut self,
        content: impl Into<JupyterMessageContent>,
    ) -> JupyterMessage {
        let msg = JupyterMessage::new(content.into(), None);
        let id = msg.header.msg_id.clone();
        self.shell.send(msg).await.unwrap();
        self.shell_reply_to(&id).await
    }

    pub async fn shell_reply_to(&mut self, id: &str) -> JupyterMessage {
        self.shell_reply_within(id, WAIT).await
    }

    pub async fn shell_reply_within(&mut self, id: &str, limit: Duration) -> JupyterMessage {
        loop {
            let reply = timeout(limit, self.shell.read())
                .await
                .expect("shell reply in time")
                .unwrap();
            if reply.parent_header.as_ref().is_some_and(|p| p.msg_id == id) {
                return reply;
            }
        }
    }

    pub async fn control_request(
        &mut self,
        content: impl Into<JupyterMessageContent>,
    ) -> JupyterMessage {
        let msg = JupyterMessage::new(content.into(), None);
        let id = msg.header.msg_id.clone();
        self.control.send(msg).await.unwrap();
        loop {
            let reply = timeout(WAIT, self.control.read())
                .await
                .expect("control reply in time")
                .unwrap();
            if reply.parent_header.as_ref().is_some_and(|p| p.msg_id == id) {
                return reply;
            }
        }
    }

    /// Sends an execute request without waiting; returns its msg_id.
    pub async fn send_execute(&mut self, req: ExecuteRequest) -> String {
        let msg: JupyterMessage = req.into();
        let id = msg.header.msg_id.clone();
        self.shell.send(msg).await.unwrap();
        id
    }

    pub async fn execute(&mut self, code: &str) -> Executed {
        self.execute_req(ExecuteRequest::new(code.to_string()))
            .await
    }

    pub async fn execute_req(&mut self, req: ExecuteRequest) -> Executed {
        let id = self.send_execute(req).await;
        self.collect(&id).await
    }

    /// The reply to `id` and its iopub messages through `status: idle`.
    pub async fn collect(&mut self, id: &str) -> Executed {
        let reply = self.shell_reply_to(id).await;
        let JupyterMessageContent::ExecuteReply(reply) = reply.content else {
            panic!("not an execute_reply: {reply:?}")
        };
        let iopub = self.iopub_until_idle(id).await;
        Executed { reply, iopub }
    }

    /// Like `execute`, waiting up to `limit` (not WAIT) for the reply: for cells that build crates.
    pub async fn execute_within(&mut self, code: &str, limit: Duration) -> Executed {
        let id = self
            .send_execute(ExecuteRequest::new(code.to_string()))
            .await;
        let reply = self.shell_reply_within(&id, limit).await;
        let JupyterMessageContent::ExecuteReply(reply) = reply.content else {
            panic!("not an execute_reply: {reply:?}")
        };
        let iopub = self.iopub_until_idle(&id).await;
        Executed { reply, iopub }
    }

    pub async fn iopub_until_idle(&mut self, id: &str) -> Vec<JupyterMessage> {
        let mut out = Vec::new();
        loop {
            let msg = timeout(WAIT, self.iopub.read())
                .await
                .expect("iopub message in time")
                .unwrap();
            if msg.parent_header.as_ref().map(|p| p.msg_id.as_str()) != Some(id) {
                continue;
            }
            let idle = matches!(&msg.content, JupyterMessageContent::Status(s)
                if s.execution_state == jupyter_protocol::ExecutionState::Idle);
            out.push(msg);
            if idle {
                return out;
            }
        }
    }

    /// The kernel still answers: a kernel_info round trip on shell.
    pub async fn assert_alive(&mut self) {
        let reply = self.shell_request(KernelInfoRequest {}).await;
        assert!(matches!(
            reply.content,
            JupyterMessageContent::KernelInfoReply(_)
        ));
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "kernel process exited"
        );
    }

    /// Waits for the process to exit; None if it did not within `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Kernel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A connection file in `dir` naming free ports (TCP) or socket paths in `dir` (IPC).
pub async fn connection_file(
    dir: &std::path::Path,
    transport: Transport,
) -> (PathBuf, ConnectionInfo) {
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let info = match transport {
        Transport::TCP => {
            let (ports, listeners) = peek_ports_with_listeners(ip, 5).await.unwrap();
            drop(listeners);
            conn_info(Transport::TCP, ip.to_string(), &ports)
        }
        Transport::IPC => {
            let prefix = dir.join("kernel-ipc").to_string_lossy().into_owned();
            conn_info(Transport::IPC, prefix, &[1, 2, 3, 4, 5])
        }
    };
    let file = dir.join("kernel.json");
    std::fs::write(&file, serde_json::to_string(&info).unwrap()).unwrap();
    (file, info)
}

fn conn_info(transport: Transport, ip: String, ports: &[u16]) -> ConnectionInfo {
    ConnectionInfo {
        ip,
        transport,
        shell_port: ports[0],
        iopub_port: ports[1],
        stdin_port: ports[2],
        control_port: ports[3],
        hb_port: ports[4],
        key: format!("key-{}", std::process::id()),
        signature_scheme: "hmac-sha256".into(),
        kernel_name: Some("accel".into()),
    }
}

/// Until the kernel has bound its sockets (connecting earlier would race it).
pub async fn wait_bound(info: &ConnectionInfo) {
    let end = Instant::now() + WAIT;
    loop {
        let ready = match info.transport {
            Transport::TCP => [
                info.shell_port,
                info.iopub_port,
                info.stdin_port,
                info.control_port,
                info.hb_port,
            ]
            .iter()
            .all(|p| std::net::TcpStream::connect((info.ip.as_str(), *p)).is_ok()),
            Transport::IPC => [
                info.shell_port,
                info.iopub_port,
                info.stdin_port,
                info.control_port,
                info.hb_port,
            ]
            .iter()
            .all(|p| PathBuf::from(format!("{}-{}", info.ip, p)).exists()),
        };
        if ready {
            return;
        }
        assert!(Instant::now() < end, "kernel did not bind its sockets");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Resident memory of a process in KiB (Linux).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
