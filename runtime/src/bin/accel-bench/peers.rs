//! `--peers`: rustc -O3 (`runtime/bench/rustref`) and Numba (`runtime/bench/numba_seed_kernels.py`),
//! accel's copies of ../shared/bench's peers with a `--serve` mode: each runs as one warm process
//! for the whole bench, asked for one kernel at a time (`NAME RUNS` on stdin, `NAME\tsteady_s=…`
//! back), so accel-bench interleaves the three tools kernel by kernel, round by round.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench")
}

/// The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.
pub fn loadavg() -> String {
    let s = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    name: &'static str,
}

impl Server {
    fn spawn(name: &'static str, mut cmd: Command) -> Option<Server> {
        let spawned = cmd
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn();
        let mut child = spawned.map_err(|e| eprintln!("{name}: {e}")).ok()?;
        let stdin = child.stdin.take()?;
        let stdout = BufReader::new(child.stdout.take()?);
        Some(Server {
            child,
            stdin,
            stdout,
            name,
        })
    }

    /// Median per-call seconds of `runs` runs of `kernel`; None if the peer has no such kernel
    /// or died (it says why on its stderr, which is ours).
    fn ask(&mut self, kernel: &str, runs: u32) -> Option<f64> {
        writeln!(self.stdin, "{kernel} {runs}").ok()?;
        self.stdin.flush().ok()?;
        let mut line = String::new();
        if self.stdout.read_line(&mut line).ok()? == 0 {
            eprintln!("{}: exited", self.name);
            return None;
        }
        line.split('\t')
            .find_map(|f| f.strip_prefix("steady_s="))
            .and_then(|v| v.trim().parse().ok())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Peers {
    rustc: Option<Server>,
    numba: Option<Server>,
    fastmath: bool,
}

/// rustref, built outside the source tree (ACCEL_BENCH_RUSTREF_TARGET, default
/// $TMPDIR/accel-rustref-target); returns the binary.
fn build_rustref() -> Option<PathBuf> {
    let target = std::env::var("ACCEL_BENCH_RUSTREF_TARGET")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir().join("accel-rustref-target"));
    let o = Command::new("cargo")
        .args(["build", "--release", "--quiet"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(bench_dir().join("rustref"))
        .output()
        .map_err(|e| eprintln!("rustref: {e}"))
        .ok()?;
    if !o.status.success() {
        eprintln!("rustref: {}", String::from_utf8_lossy(&o.stderr));
        return None;
    }
    Some(target.join("release/rustref"))
}

impl Peers {
    pub fn start(fastmath: bool) -> Peers {
        let rustc = build_rustref().and_then(|bin| Server::spawn("rustref", Command::new(bin)));
        // Numba with the Python of ACCEL_BENCH_PYTHON (default /tmp/peers/bin/python, else python3).
        let py = std::env::var("ACCEL_BENCH_PYTHON").unwrap_or_else(|_| {
            if std::path::Path::new("/tmp/peers/bin/python").exists() {
                "/tmp/peers/bin/python".into()
            } else {
                "python3".into()
            }
        });
        let mut cmd = Command::new(py);
        cmd.arg(bench_dir().join("numba_seed_kernels.py"));
        let numba = Server::spawn("numba", cmd);
        Peers {
            rustc,
            numba,
            fastmath,
        }
    }

    /// rustc's figure for accel's kernel `name` (rustref has only strict loops: with
    /// --fastmath, do_sum's counterpart is rustc's strict loop, the yardstick).
    pub fn rustc(&mut self, name: &str, runs: u32) -> Option<f64> {
        if name == "func_normal_10x10_i32" {
            return None;
        }
        self.rustc.as_mut()?.ask(name, runs)
    }

    /// Numba's counterpart of accel's kernel `name` (with --fastmath: do_sum under fastmath=True).
    pub fn numba(&mut self, name: &str, runs: u32) -> Option<f64> {
        let twin = match (name, self.fastmath) {
            ("do_sum_10M", true) => "do_sum_fastmath_10M",
            ("do_sum_40000", true) => "do_sum_fastmath_40000",
            ("do_sum_10M", false) => return None,
            (n, _) => n,
        };
        self.numba.as_mut()?.ask(twin, runs)
    }
}

/// One kernel's figures, one entry per round (None: that peer has no such kernel).
pub struct Row {
    pub name: String,
    pub accel: Vec<f64>,
    pub rustc: Vec<Option<f64>>,
    pub numba: Vec<Option<f64>>,
}

impl Row {
    pub fn new(name: &str) -> Row {
        Row {
            name: name.into(),
            accel: vec![],
            rustc: vec![],
            numba: vec![],
        }
    }
}

pub fn ms(t: Option<f64>) -> String {
    match t {
        Some(t) if t < 1e-3 => format!("{:.1} µs", t * 1e6),
        Some(t) => format!("{:.3} ms", t * 1e3),
        None => "—".into(),
    }
}

fn med(v: &[Option<f64>]) -> Option<f64> {
    let v: Vec<f64> = v.iter().flatten().copied().collect();
    if v.is_empty() {
        None
    } else {
        Some(super::median(v))
    }
}

/// Median of the per-round ratios accel ÷ peer, and their min–max.
fn ratio(accel: &[f64], peer: &[Option<f64>]) -> (String, String) {
    let r: Vec<f64> = accel
        .iter()
        .zip(peer)
        .filter_map(|(a, p)| p.map(|p| a / p))
        .collect();
    if r.is_empty() {
        return ("—".into(), "—".into());
    }
    let lo = r.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = r.iter().copied().fold(0.0, f64::max);
    (
        format!("{:.2}×", super::median(r)),
        format!("{lo:.2}–{hi:.2}"),
    )
}

pub fn table(rows: &[Row], fastmath: bool, rounds: usize, runs: u32, load0: &str, load1: &str) {
    println!("\n{rounds} rounds × {runs} runs, interleaved per kernel; load average {load0} (start), {load1} (end)");
    println!("| kernel{} | accel | rustc -O3 | Numba | accel ÷ rustc | (spread) | accel ÷ Numba | (spread) |", if fastmath { " (--fastmath)" } else { "" });
    println!("|---|---|---|---|---|---|---|---|");
    for r in rows {
        let (rr, rs) = ratio(&r.accel, &r.rustc);
        let (nr, ns) = ratio(&r.accel, &r.numba);
        println!(
            "| {} | {} | {} | {} | {rr} | {rs} | {nr} | {ns} |",
            r.name,
            ms(Some(super::median(r.accel.clone()))),
            ms(med(&r.rustc)),
            ms(med(&r.numba))
        );
    }
}
