//! A kernel whose parent dies exits by itself (like ipykernel's parent poller): when it is
//! re-parented, and when the process named by JPY_PARENT_PID is gone.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{connection_file, wait_bound, Kernel};
use jupyter_protocol::Transport;

/// Whether `pid` has exited (gone, or a zombie nobody reaped yet).
fn exited(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // The state letter follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
    }
}

fn wait_exited(pid: u32, limit: Duration) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if exited(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn exits_when_its_parent_dies() {
    let dir = tempfile::tempdir().unwrap();
    let (file, info) = connection_file(dir.path(), Transport::TCP).await;
    // sh starts the kernel in the background, prints its pid and waits: sh is the parent.
    let mut parent = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" kernel --connection-file \"$1\" --tier script </dev/null & echo $!; exec sleep 600")
        .arg(env!("CARGO_BIN_EXE_accel"))
        .arg(&file)
        .env_remove("JPY_PARENT_PID")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(parent.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let kernel: u32 = line.trim().parse().expect("kernel pid");
    wait_bound(&info).await;
    assert!(!exited(kernel), "kernel died before its parent");

    parent.kill().unwrap();
    parent.wait().unwrap();
    let gone = wait_exited(kernel, Duration::from_secs(10));
    if !gone {
        // SAFETY: killing the leftover kernel this test started.
        unsafe { libc::kill(kernel as i32, libc::SIGKILL) };
    }
    assert!(
        gone,
        "kernel {kernel} still running 10 s after its parent died"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exits_when_jpy_parent_pid_is_gone() {
    let mut frontend = Command::new("sleep").arg("600").spawn().unwrap();
    let pid = frontend.id().to_string();
    let mut k = Kernel::start_with_env(Transport::TCP, "script", &[("JPY_PARENT_PID", &pid)]).await;
    k.assert_alive().await;
    frontend.kill().unwrap();
    frontend.wait().unwrap();
    assert!(
        k.wait_exit(Duration::from_secs(10)).is_some(),
        "kernel still running 10 s after JPY_PARENT_PID died"
    );
}
