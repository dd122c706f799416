//! The first use of the `accel` crate in a session, end to end (kernel/src/rustc_tier/
//! prelude_dep.rs): without preloading, the first cell naming the crate says in the cell what
//! it waits for; with preloading (the default), an idle session adds the crate in the
//! background, and a session that never uses it only ever sees its own output.

mod common;

use std::time::Duration;

use common::{Executed, Kernel};
use jupyter_protocol::{JupyterMessageContent, MediaType, ReplyStatus, Transport};

/// The first accel cell may build ndarray, rayon and the prelude (cold cache, busy machine).
const BUILD_LIMIT: Duration = Duration::from_secs(900);

const FIRST: &str = "use accel::prelude::*;\nlet a = Array2::<f64>::eye(3);\nlet b: Array2<f64> = a.dot(&a);\nb.sum()";
const ADDING: &str = "accel: adding the accel crate (first use";
const READY: &str = "accel: the accel crate is ready.\n";
const WAITING: &str = "accel: waiting for the accel crate";

fn value(ex: &Executed) -> Option<String> {
    ex.iopub.iter().find_map(|m| match &m.content {
        JupyterMessageContent::ExecuteResult(r) => r.data.content.iter().find_map(|d| match d {
            MediaType::Plain(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn first_accel_cell_says_what_it_waits_for() {
    let mut k =
        Kernel::start_with_env(Transport::TCP, "evcxr", &[("ACCEL_PRELOAD_ACCEL", "0")]).await;
    let ex = k.execute_within(FIRST, BUILD_LIMIT).await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    assert_eq!(value(&ex).as_deref(), Some("3.0"));
    let stderr = ex.stream("stderr");
    let (adding, ready) = (stderr.find(ADDING), stderr.find(READY));
    assert!(
        adding.is_some() && ready.is_some() && adding < ready,
        "{stderr:?}"
    );
    // The note is its own stream message, sent before the build (not with the result).
    let first_stream = ex.types().iter().position(|t| t == "stream");
    let result = ex.types().iter().position(|t| t == "execute_result");
    assert!(first_stream < result, "{:?}", ex.types());

    // Only the first use pays, and says so.
    let ex = k
        .execute("let c: f64 = accel::prelude::Array2::<f64>::ones((2, 2)).sum();\nc")
        .await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    assert_eq!(value(&ex).as_deref(), Some("4.0"));
    assert_eq!(ex.stream("stderr"), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_session_preloads_and_plain_cells_stay_clean() {
    let mut k = Kernel::start_with(Transport::TCP, "evcxr").await;
    // Sent while evcxr starts: runs first, before any preloading, and shows only its own output.
    let ex = k.execute("let p: i64 = 40;\np + 2").await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    assert_eq!(value(&ex).as_deref(), Some("42"));
    assert_eq!(ex.stream("stderr"), "");

    // Idle for longer than the kernel's threshold: the preload starts. A plain cell sent now
    // waits for it cleanly: its own value, and at most a line saying why it waited.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ex = k
        .execute_within("let q: i64 = 5;\nq * 2", BUILD_LIMIT)
        .await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    assert_eq!(value(&ex).as_deref(), Some("10"));
    let stderr = ex.stream("stderr");
    assert!(
        stderr.is_empty() || (stderr.starts_with(WAITING) && stderr.lines().count() == 1),
        "{stderr:?}"
    );
    assert_eq!(ex.stdout(), "");

    // The preload left no variable behind.
    let ex = k.execute(":vars").await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    let vars = value(&ex).unwrap_or_default();
    assert!(
        vars.contains('p') && vars.contains('q') && !vars.contains("accel"),
        "{vars:?}"
    );

    // With evcxr's cache warm (install/setup.sh), the crate is there now and the first accel
    // cell has nothing to add; with a cold cache the preload stood aside and that cell builds.
    let ex = k.execute(":show_deps").await;
    let preloaded = value(&ex).is_some_and(|deps| deps.lines().any(|l| l.starts_with("accel =")));
    let ex = k.execute_within(FIRST, BUILD_LIMIT).await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    assert_eq!(value(&ex).as_deref(), Some("3.0"));
    let stderr = ex.stream("stderr");
    assert_eq!(
        stderr.contains(ADDING),
        !preloaded,
        "preloaded: {preloaded}, stderr: {stderr:?}"
    );
}
