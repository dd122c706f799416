//! The `accel` crate in rustc-tier cells, end to end: the kernel adds it without a `:dep`
//! line, and a chunked compute's progress reaches the frontend as ONE display that updates
//! (display_data with a transient display_id, then update_display_data with the same id,
//! ending at 100%). `ACCEL_PROGRESS_DELAY_MS=0` makes the prelude show the bar at the start of every compute
//! instead of after 1 s, so the test needs no long computation and no particular machine speed.

mod common;

use std::time::Duration;

use common::Kernel;
use jupyter_protocol::{JupyterMessageContent, MediaType, ReplyStatus, Transport};

/// The first accel cell may build ndarray, rayon and the prelude (cold cache, busy machine).
const BUILD_LIMIT: Duration = Duration::from_secs(900);

fn plain_and_html(data: &jupyter_protocol::Media) -> (Option<String>, Option<String>) {
    let mut plain = None;
    let mut html = None;
    for d in &data.content {
        match d {
            MediaType::Plain(t) => plain = Some(t.clone()),
            MediaType::Html(h) => html = Some(h.clone()),
            _ => {}
        }
    }
    (plain, html)
}

#[tokio::test(flavor = "multi_thread")]
async fn chunked_progress_is_one_display_that_updates() {
    let mut k =
        Kernel::start_with_env(Transport::TCP, "evcxr", &[("ACCEL_PROGRESS_DELAY_MS", "0")]).await;

    // No `:dep` line: `use accel::…` is enough.
    let code = "use accel::prelude::*;\n\
                let x = Chunked::random_normal(0.0, 1.0, (6000, 6000), (500, 500), 7);\n\
                let m: f64 = x.mean().compute_scalar();\n\
                println!(\"small mean: {}\", m.abs() < 0.01);";
    let ex = k.execute_within(code, BUILD_LIMIT).await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    assert_eq!(ex.stdout(), "small mean: true\n");

    let mut shown: Option<String> = None;
    let mut updates = 0;
    let mut last_plain = String::new();
    for m in &ex.iopub {
        match &m.content {
            JupyterMessageContent::DisplayData(d) => {
                assert!(shown.is_none(), "a second display_data: {:?}", ex.types());
                let id = d
                    .transient
                    .as_ref()
                    .and_then(|t| t.display_id.clone())
                    .expect("display_data has a display_id");
                let (plain, html) = plain_and_html(&d.data);
                assert!(html.is_some_and(|h| h.contains("<progress")), "HTML bar");
                last_plain = plain.expect("text/plain fallback");
                shown = Some(id);
            }
            JupyterMessageContent::UpdateDisplayData(u) => {
                let id = u.transient.display_id.clone();
                assert_eq!(
                    id.as_deref(),
                    shown.as_deref(),
                    "update_display_data for the bar's id, after it"
                );
                last_plain = plain_and_html(&u.data).0.expect("text/plain fallback");
                updates += 1;
            }
            _ => {}
        }
    }
    assert!(shown.is_some(), "no progress display: {:?}", ex.types());
    assert!(updates >= 1, "no update_display_data: {:?}", ex.types());
    assert!(
        last_plain.contains("100% Completed"),
        "final state: {last_plain}"
    );

    // A later cell using the crate: no second dependency step (no stream note), and its compute
    // gets a bar of its own (a new display id; the zero delay shows every compute's bar).
    let ex = k.execute("let s: f64 = accel::prelude::Chunked::ones((10, 10), (5, 5)).sum().compute_scalar();\ns").await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok, "{:?}", ex.reply.error);
    let value = ex.iopub.iter().find_map(|m| match &m.content {
        JupyterMessageContent::ExecuteResult(r) => plain_and_html(&r.data).0,
        _ => None,
    });
    assert_eq!(value.as_deref(), Some("100.0"));
    assert!(
        !ex.types().iter().any(|t| t == "stream"),
        "{:?}",
        ex.types()
    );
    for m in &ex.iopub {
        if let JupyterMessageContent::DisplayData(d) = &m.content {
            let id = d.transient.as_ref().and_then(|t| t.display_id.clone());
            assert!(
                id.is_some() && id != shown,
                "a new bar, not the first cell's: {:?}",
                ex.types()
            );
        }
    }
}
