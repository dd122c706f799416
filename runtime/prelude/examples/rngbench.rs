//! Micro-benchmark of the generators (ns per value), single thread.
use accel::random::Xoshiro256pp;
/// CPU time of this thread in ns (the machine is shared, wall time would measure the neighbours).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
fn main() {
    let n = 20_000_000usize;
    let mut buf = vec![0.0f64; 1000];
    let mut rng = Xoshiro256pp::seed_from_u64(1);
    let c = cpu_ns();
    let mut acc = 0u64;
    for _ in 0..n {
        acc = acc.wrapping_add(rng.next_u64());
    }
    println!(
        "u64     {:.2} ns cpu ({acc})",
        (cpu_ns() - c) as f64 / n as f64
    );
    let c = cpu_ns();
    for _ in 0..n / 1000 {
        rng.fill_uniform(0.0, 1.0, &mut buf);
    }
    println!(
        "uniform {:.2} ns cpu ({})",
        (cpu_ns() - c) as f64 / n as f64,
        buf[0]
    );
    let c = cpu_ns();
    let mut s = 0.0;
    for _ in 0..n / 1000 {
        rng.fill_normal(10.0, 0.1, &mut buf);
        s += buf.iter().sum::<f64>();
    }
    println!(
        "normal  {:.2} ns cpu ({})",
        (cpu_ns() - c) as f64 / n as f64,
        s / n as f64
    );
}
