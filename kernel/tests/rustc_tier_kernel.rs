//! The shipped configuration end to end: `accel kernel` with the evcxr-backed rustc
//! tier, real rustc. Kept to one kernel start (each evcxr start costs seconds).

mod common;

use std::time::{Duration, Instant};

use common::Kernel;
use jupyter_protocol::{
    JupyterMessageContent, KernelInfoRequest, MediaType, ReplyStatus, Transport,
};

#[tokio::test(flavor = "multi_thread")]
async fn rust_cells_through_evcxr() {
    let start = Instant::now();
    let mut k = Kernel::start_with(Transport::TCP, "evcxr").await;
    // kernel_info does not wait for evcxr, which is still starting.
    let reply = k.shell_request(KernelInfoRequest {}).await;
    assert!(matches!(
        reply.content,
        JupyterMessageContent::KernelInfoReply(_)
    ));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "kernel_info took {:?}",
        start.elapsed()
    );

    let ex = k
        .execute("let x: i64 = 40;\nprintln!(\"hello from rust\");\nx + 2")
        .await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    assert_eq!(ex.stdout(), "hello from rust\n");
    let value = ex.iopub.iter().find_map(|m| match &m.content {
        JupyterMessageContent::ExecuteResult(r) => r.data.content.iter().find_map(|d| match d {
            MediaType::Plain(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    });
    assert_eq!(value.as_deref(), Some("42"));

    // Variables persist; a compile error is an error reply, and the kernel goes on.
    let ex = k.execute("let y: i32 = \"not a number\";").await;
    assert_eq!(ex.reply.status, ReplyStatus::Error);
    let ex = k.execute("x * 2").await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    assert_eq!(ex.reply.execution_count.0, 3);
}
