//! Byte counts for people, in the two styles the reprs copy.

/// dask's `format_bytes`: `7.63 MiB`, `2.98 GiB`, `512 B` (powers of 1024, two decimals).
pub fn format_bytes(n: u128) -> String {
    let units = [("PiB", 1u128 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("kiB", 1 << 10)];
    for (name, k) in units {
        if n >= k * 9 / 10 {
            return format!("{:.2} {name}", n as f64 / k as f64);
        }
    }
    format!("{n} B")
}

/// pydata/sparse's `human_readable_size`: `100`, `3.1K`, `3.1M`, `1.2G` (powers of 1024, one decimal).
pub fn human_readable_size(n: u128) -> String {
    if n < 1 << 10 {
        return n.to_string();
    }
    for (s, k) in [("K", 1u128 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40)] {
        if n < k << 10 {
            return format!("{:.1}{s}", n as f64 / k as f64);
        }
    }
    format!("{:.1}P", n as f64 / (1u128 << 50) as f64)
}

/// numpy's allocation error style: `2.98 GiB`.
pub fn gib(n: u128) -> String {
    format_bytes(n)
}
