//! The progress hook is process-wide, so this test has its own binary (no other computes).

use accel::prelude::*;

#[test]
fn progress_hook_fires_for_long_computations() {
    use accel::chunked::progress::{set_hook, ProgressEvent};
    use std::sync::{Arc, Mutex};
    let events: Arc<Mutex<Vec<ProgressEvent>>> = Arc::default();
    let ev = events.clone();
    set_hook(Some(Arc::new(move |e: &ProgressEvent| {
        ev.lock().unwrap().push(e.clone())
    })));
    // slow per element so the compute outlasts the 1 s delay on any machine
    let x = Chunked::zeros(64, 1).mapv(|v| {
        std::thread::sleep(std::time::Duration::from_millis(40));
        v
    });
    x.compute();
    let quick = Chunked::zeros(10, 5);
    quick.compute();
    let ev_before_zero_delay = events.lock().unwrap().len();
    // With a zero delay (what the kernel tests set) even a compute shorter than one 100 ms tick
    // shows its bar: a 0% event at the start and the finished one.
    std::env::set_var("ACCEL_PROGRESS_DELAY_MS", "0");
    Chunked::zeros(10, 5).compute();
    std::env::remove_var("ACCEL_PROGRESS_DELAY_MS");
    set_hook(None);
    let zero: Vec<ProgressEvent> = events.lock().unwrap()[ev_before_zero_delay..].to_vec();
    assert!(
        zero.len() >= 2 && zero[0].fraction == 0.0 && !zero[0].finished,
        "{zero:?}"
    );
    assert!(
        zero.last().unwrap().finished && zero.iter().filter(|e| e.finished).count() == 1,
        "{zero:?}"
    );
    events.lock().unwrap().truncate(ev_before_zero_delay);
    let ev = events.lock().unwrap();
    assert!(ev.len() >= 2, "{ev:?}");
    assert!(ev.last().unwrap().finished && ev.last().unwrap().fraction == 1.0);
    assert!(
        ev.iter().filter(|e| e.finished).count() == 1,
        "the quick compute must not report"
    );
    assert!(ev.windows(2).all(|w| w[0].fraction <= w[1].fraction));
    let line = accel::chunked::progress::bar_line(&ev[0]);
    assert!(line.contains("% Completed"), "{line}");
    let html = accel::chunked::progress::html_bar(ev.last().unwrap());
    assert!(
        html.contains("<progress value=\"100\" max=\"100\"") && html.contains("done"),
        "{html}"
    );
}
