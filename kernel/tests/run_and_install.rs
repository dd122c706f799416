//! `accel run` (headless notebooks) and `accel install`, through the real binary.
//! Notebook cells use the hidden scripted tier, so no compiler is needed.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn accel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accel"))
        .args(args)
        .output()
        .expect("run accel")
}

fn code(source: &str) -> Value {
    json!({"cell_type": "code", "execution_count": null, "id": format!("c{}", source.len()),
           "metadata": {}, "outputs": [], "source": source})
}

fn write_nb(dir: &Path, cells: Vec<Value>) -> String {
    let nb = json!({
        "cells": cells,
        "metadata": {"kernelspec": {"name": "accel", "display_name": "Rust (accel)", "language": "rust"}},
        "nbformat": 4, "nbformat_minor": 5
    });
    let path = dir.join("nb.ipynb");
    std::fs::write(&path, serde_json::to_string(&nb).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn joined(v: &Value) -> String {
    match v {
        Value::Array(a) => a.iter().map(|s| s.as_str().unwrap()).collect(),
        Value::String(s) => s.clone(),
        _ => panic!("{v}"),
    }
}

#[test]
fn run_writes_outputs_like_nbclient() {
    let dir = tempfile::tempdir().unwrap();
    let nb = write_nb(
        dir.path(),
        vec![
            json!({"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# Title"}),
            code("out a\nout b\nerr e\nout c\nvalue 42"),
            code("   \n"),
            code("display p 10%\nout x"),
            code("update p 100%\nhtml <b>v</b>\nvalue v"),
        ],
    );
    let out = dir.path().join("out.ipynb");
    let run = accel(&["run", &nb, "-o", out.to_str().unwrap(), "--tier", "script"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("{\n \"cells\": [\n"),
        "nbformat layout: one-space indent, sorted keys"
    );
    let v = read(&out);
    assert_eq!(v["nbformat"], 4);
    assert_eq!(v["metadata"]["language_info"]["name"], "rust");
    assert_eq!(v["metadata"]["kernelspec"]["name"], "accel");
    let cells = v["cells"].as_array().unwrap();

    let c1 = &cells[1];
    assert_eq!(c1["execution_count"], 1);
    let outs = c1["outputs"].as_array().unwrap();
    assert_eq!(outs.len(), 4, "{outs:#?}");
    assert_eq!(
        (outs[0]["name"].as_str(), joined(&outs[0]["text"])),
        (Some("stdout"), "a\nb\n".into())
    );
    assert_eq!(
        outs[0]["text"],
        json!(["a\n", "b\n"]),
        "multiline text stored as lines"
    );
    assert_eq!(outs[1]["name"], "stderr");
    assert_eq!(joined(&outs[2]["text"]), "c\n");
    assert_eq!(outs[3]["output_type"], "execute_result");
    assert_eq!(outs[3]["execution_count"], 1);
    assert_eq!(joined(&outs[3]["data"]["text/plain"]), "42");
    assert_eq!(outs[3]["metadata"], json!({}));

    // The blank cell is not executed.
    assert_eq!(cells[2]["execution_count"], Value::Null);

    // The display in cell 3 was updated by cell 4.
    let c3 = cells[3]["outputs"].as_array().unwrap();
    assert_eq!(cells[3]["execution_count"], 2);
    assert_eq!(c3[0]["output_type"], "display_data");
    assert_eq!(joined(&c3[0]["data"]["text/plain"]), "100%");
    let c4 = cells[4]["outputs"].as_array().unwrap();
    assert_eq!(cells[4]["execution_count"], 3);
    assert_eq!(c4.len(), 1);
    assert_eq!(joined(&c4[0]["data"]["text/html"]), "<b>v</b>");
}

#[test]
fn run_stops_at_the_first_error_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let nb = write_nb(
        dir.path(),
        vec![
            code("out one"),
            code("fail ValueError broken"),
            code("out three"),
        ],
    );
    let run = accel(&["run", &nb, "--tier", "script"]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("cell 2") && stderr.contains("ValueError: broken"),
        "{stderr}"
    );
    // Default output name, as nbconvert: NB.nbconvert.ipynb.
    let v = read(&dir.path().join("nb.nbconvert.ipynb"));
    let cells = v["cells"].as_array().unwrap();
    assert_eq!(cells[1]["outputs"][0]["output_type"], "error");
    assert_eq!(cells[1]["outputs"][0]["ename"], "ValueError");
    assert_eq!(
        cells[2]["execution_count"],
        Value::Null,
        "cells after the error do not run"
    );

    let out = dir.path().join("all.ipynb");
    let run = accel(&[
        "run",
        &nb,
        "-o",
        out.to_str().unwrap(),
        "--allow-errors",
        "--tier",
        "script",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v = read(&out);
    assert_eq!(v["cells"][2]["execution_count"], 3);
    assert_eq!(joined(&v["cells"][2]["outputs"][0]["text"]), "three\n");
}

#[test]
fn run_timeout_interrupts_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let nb = write_nb(dir.path(), vec![code("out before\nsleep 60000")]);
    let t = std::time::Instant::now();
    let run = accel(&["run", &nb, "--timeout", "0.5", "--tier", "script"]);
    assert!(t.elapsed().as_secs() < 10);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("timed out"), "{stderr}");
}

#[test]
fn run_rejects_what_is_not_a_notebook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.ipynb");
    std::fs::write(&path, "{\"nbformat\": 3, \"cells\": []}").unwrap();
    let run = accel(&["run", path.to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("nbformat 3"));
}

#[test]
fn install_replace_and_uninstall() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().to_str().unwrap();
    let spec_dir = dir.path().join("share/jupyter/kernels/accel");
    let out = accel(&["install", "--prefix", prefix]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "kernel.json",
        "logo-32x32.png",
        "logo-64x64.png",
        "logo-svg.svg",
    ] {
        assert!(spec_dir.join(f).is_file(), "{f} missing");
    }
    let png = std::fs::read(spec_dir.join("logo-64x64.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let spec = read(&spec_dir.join("kernel.json"));
    let exe = Path::new(env!("CARGO_BIN_EXE_accel"))
        .canonicalize()
        .unwrap();
    assert_eq!(
        spec["argv"],
        json!([
            exe.to_str().unwrap(),
            "kernel",
            "--connection-file",
            "{connection_file}"
        ])
    );
    assert_eq!(spec["display_name"], "Rust (accel)");
    assert_eq!(spec["language"], "rust");
    assert_eq!(spec["interrupt_mode"], "message");

    // Re-install replaces cleanly: a stray file does not survive.
    std::fs::write(spec_dir.join("stale.txt"), "old").unwrap();
    assert!(accel(&["install", "--prefix", prefix]).status.success());
    assert!(!spec_dir.join("stale.txt").exists());

    assert!(accel(&["install", "--prefix", prefix, "--uninstall"])
        .status
        .success());
    assert!(!spec_dir.exists());

    // --user honours JUPYTER_DATA_DIR; --sys-prefix honours VIRTUAL_ENV.
    let data = dir.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_accel"))
        .args(["install", "--user"])
        .env("JUPYTER_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(data.join("kernels/accel/kernel.json").is_file());
    let venv = dir.path().join("venv");
    let out = Command::new(env!("CARGO_BIN_EXE_accel"))
        .args(["install", "--sys-prefix"])
        .env("VIRTUAL_ENV", &venv)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(venv
        .join("share/jupyter/kernels/accel/kernel.json")
        .is_file());

    // Flags that contradict each other are refused by clap.
    assert!(!accel(&["install", "--user", "--prefix", prefix])
        .status
        .success());
}
