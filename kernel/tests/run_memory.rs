//! Peak memory of `accel run` on a notebook of `%%jit` cells: the seed Dask example's graph
//! (smaller: 8000², 512 MB if materialised) must stream through the fast tier with the process's
//! peak resident set far below the array, and the rustc tier (evcxr, whose rust-analyzer holds
//! hundreds of MB) must not start at all — such a notebook never needs it.

use std::process::Command;
use std::time::Duration;

/// `VmHWM` (peak resident set, kB) of a live process, or None once it has exited.
fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Child processes of `pid` (any of its threads).
fn children(pid: u32) -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return vec![];
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|c| c.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn jit_only_notebook_streams_without_starting_the_rustc_tier() {
    let dir = tempfile::tempdir().unwrap();
    let source =
        "%%jit\nlet x = Chunked::random_normal(10.0, 0.1, (8000, 8000), (1000, 1000), 42);\n\
                  let y = x.mean_axis(Axis(0)).slice(s![..;100]).compute();\ny.len()";
    let nb = serde_json::json!({
        "cells": [{"cell_type": "code", "execution_count": null, "id": "c0", "metadata": {}, "outputs": [],
                   "source": source}],
        "metadata": {"kernelspec": {"name": "accel", "display_name": "Rust (accel)", "language": "rust"}},
        "nbformat": 4, "nbformat_minor": 5
    });
    let path = dir.path().join("nb.ipynb");
    std::fs::write(&path, nb.to_string()).unwrap();
    let out = dir.path().join("out.ipynb");
    let mut child = Command::new(env!("CARGO_BIN_EXE_accel"))
        .args(["run", path.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (mut peak, mut spawned) = (0u64, Vec::new());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        // VmHWM only grows, so the last reading before exit is (almost) the run's peak.
        peak = peak.max(vm_hwm_kb(child.id()).unwrap_or(0));
        spawned.extend(children(child.id()));
        std::thread::sleep(Duration::from_millis(10));
    };
    let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    assert!(status.success(), "{stderr}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let result = &v["cells"][0]["outputs"][0]["data"]["text/plain"];
    assert_eq!(
        result
            .as_array()
            .map(|a| a[0].as_str().unwrap())
            .or(result.as_str()),
        Some("80"),
        "{v}"
    );
    assert!(
        spawned.is_empty(),
        "the rustc tier started (children {spawned:?})"
    );
    assert!(
        peak > 0 && peak < 64 * 1024,
        "peak RSS {peak} kB for a 512 MB array"
    );
}
