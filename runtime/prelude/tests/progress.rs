//! The progress hook is process-wide, so this test has its own binary (no other computes).

use accel::prelude::*;

#[test]
fn progress_hook_fires_for_long_computations() {
    use accel::chunked::progress::{set_hook, ProgressEvent};
    use std::sync::{Arc, Mutex};
    let events: Arc<Mutex<Vec<ProgressEvent>>> = Arc::default();
    let ev = events.clone();
    set_hook(Some(Arc::new(move |e: &ProgressEvent| ev.lock().unwrap().push(e.clone()))));
    // slow per element so the compute outlasts the 1 s delay on any machine
    let x = Chunked::zeros(64, 1).mapv(|v| {
        std::thread::sleep(std::time::Duration::from_millis(40));
        v
    });
    x.compute();
    let quick = Chunked::zeros(10, 5);
    quick.compute();
    set_hook(None);
    let ev = events.lock().unwrap();
    assert!(ev.len() >= 2, "{ev:?}");
    assert!(ev.last().unwrap().finished && ev.last().unwrap().fraction == 1.0);
    assert!(ev.iter().filter(|e| e.finished).count() == 1, "the quick compute must not report");
    assert!(ev.windows(2).all(|w| w[0].fraction <= w[1].fraction));
    let line = accel::chunked::progress::bar_line(&ev[0]);
    assert!(line.contains("% Completed"), "{line}");
    let html = accel::chunked::progress::html_bar(ev.last().unwrap());
    assert!(html.contains("<progress value=\"100\" max=\"100\"") && html.contains("done"), "{html}");
}
