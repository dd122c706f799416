//! Byte counts for people, in the two styles the reprs copy.

/// dask's `format_bytes`: `7.63 MiB`, `2.98 GiB`, `512 B` (powers of 1024, two decimals).
pub fn format_bytes(n: u128) -> String {
    let units = [
        ("PiB", 1u128 << 50),
        ("TiB", 1 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("kiB", 1 << 10),
    ];
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
    for (s, k) in [
        ("K", 1u128 << 10),
        ("M", 1 << 20),
        ("G", 1 << 30),
        ("T", 1 << 40),
    ] {
        if n < k << 10 {
            return format!("{:.1}{s}", n as f64 / k as f64);
        }
    }
    format!("{:.1}P", n as f64 / (1u128 << 50) as f64)
}

/// numpy's allocation error size (`_ArrayMemoryError._size_to_string`): `2.98 GiB`, `256. TiB`,
/// `1000 bytes` — binary units, 3 significant digits with numpy's `{:#.3g}`.
pub fn gib(n: u128) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let bit_length = 128 - n.leading_zeros() as usize;
    let mut unit = (bit_length.saturating_sub(1)).max(1) / 10;
    let mut v = n as f64 / (1u128 << (unit * 10)) as f64;
    if v.round() == 1024.0 {
        unit += 1;
        v /= 1024.0;
    }
    if unit >= UNITS.len() {
        v *= (1u128 << ((unit - (UNITS.len() - 1)) * 10)) as f64;
        unit = UNITS.len() - 1;
    }
    let name = UNITS[unit];
    if unit == 0 {
        return format!("{v:.0} {name}");
    }
    if v.round() >= 1000.0 {
        return format!("{v:.0}. {name}");
    }
    // `{:#.3g}` for 1 <= v < 1000: as many decimals as leave 3 significant digits, and the
    // decimal point even when none are left
    for decimals in [2usize, 1] {
        let s = format!("{v:.decimals$}");
        if s.chars().filter(char::is_ascii_digit).count() == 3 {
            return format!("{s} {name}");
        }
    }
    format!("{v:.0}. {name}")
}
