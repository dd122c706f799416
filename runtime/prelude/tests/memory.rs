//! Peak memory of chunked computations, measured in a child process: the test re-runs its own
//! binary with `ACCEL_MEM_CHILD=<case>`, the child computes and prints its `VmHWM` (peak resident
//! set) from /proc/self/status, and the parent checks it against a bound far below the array's
//! size (the test binary alone is ~3 MB resident). Materialising these arrays would need 64–128 MB.

use accel::prelude::*;
use std::process::Command;

fn vm_hwm_kb() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

fn child(case: &str, arg: &str) {
    let v = match case {
        // 4000×4000 f64 = 128 MB if materialised
        "random_mean" => {
            let x = Chunked::random_normal(10.0, 0.1, (4000, 4000), (1000, 1000), 42);
            x.mean_axis(Axis(0)).slice(s![..;100]).compute()[0]
        }
        // 64 MB file of float32 read through the memory map in 4 MB blocks
        "npy_sum" => Chunked::from_npy(arg, (500, 2000)).sum().compute_scalar(),
        "elementwise_std" => {
            let x = Chunked::random_uniform(0.0, 1.0, (4000, 4000), "4 MiB", 1);
            ((&x * 2.0).sin() + &x).std(0.0).compute_scalar()
        }
        _ => unreachable!(),
    };
    println!("ACCEL_RESULT {v}");
    println!("ACCEL_VMHWM_KB {}", vm_hwm_kb());
}

fn run_child(case: &str, arg: &str) -> (f64, u64) {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args(["--exact", "child_entry", "--nocapture", "--test-threads=1"])
        .env("ACCEL_MEM_CHILD", case)
        .env("ACCEL_MEM_ARG", arg)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.find(k).map(|i| &l[i + k.len()..]))
            .unwrap_or_else(|| panic!("no {k} in {text}"))
            .trim()
            .to_string()
    };
    (
        get("ACCEL_RESULT ").parse().unwrap(),
        get("ACCEL_VMHWM_KB ").parse().unwrap(),
    )
}

#[test]
fn child_entry() {
    if let Ok(case) = std::env::var("ACCEL_MEM_CHILD") {
        child(&case, &std::env::var("ACCEL_MEM_ARG").unwrap_or_default());
    }
}

#[test]
fn random_mean_axis_stays_bounded() {
    let (v, kb) = run_child("random_mean", "");
    assert!((v - 10.0).abs() < 0.01, "{v}");
    assert!(kb < 24 * 1024, "peak RSS {kb} kB for a 128 MB array");
}

#[test]
fn elementwise_then_reduce_stays_bounded() {
    let (v, kb) = run_child("elementwise_std", "");
    assert!(v > 0.3 && v < 1.0, "{v}");
    assert!(kb < 24 * 1024, "peak RSS {kb} kB for a 128 MB array");
}

#[test]
fn npy_file_larger_than_the_budget_is_streamed() {
    let dir = std::env::temp_dir().join(format!("accel-mem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.npy");
    // write 2000×8000 float32 (64 MB) row by row
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        f.write_all(&accel::io::NpyHeader::encode("<f4", false, &[2000, 8000]))
            .unwrap();
        for i in 0..2000u32 {
            let row: Vec<u8> = (0..8000u32)
                .flat_map(|j| (((i + j) % 10) as f32).to_le_bytes())
                .collect();
            f.write_all(&row).unwrap();
        }
    }
    let (v, kb) = run_child("npy_sum", path.to_str().unwrap());
    // Σ over i<2000, j<8000 of (i+j) mod 10 = 1.6e7 cells × mean 4.5
    assert_eq!(v, 4.5 * 16e6);
    assert!(kb < 32 * 1024, "peak RSS {kb} kB for a 64 MB file");
    std::fs::remove_file(&path).ok();
}
