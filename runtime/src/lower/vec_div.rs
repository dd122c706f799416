//! Exact division by a positive constant on 16-bit lanes, for the loop vectoriser.
//!
//! x86-64 SSE has no vector integer division and Cranelift lowers no vector `umulhi`, but
//! it lowers `sqmul_round_sat` on i16x8 (`pmulhrsw`): `(a * b + 2^14) >> 15`, saturating.
//! For `0 <= u <= umax <= 32767` and a multiplier `0 < M <= 32767` nothing saturates, so
//! `q(u) = floor((u*M + 2^14) / 2^(15+s))` is one `sqmul_round_sat` and one shift.
//! Whether `q(u) == u / c` holds is not argued from a formula: it is checked for every
//! `u` in `0..=umax` at compile time (at most 32768 cases), so the vector code is exact
//! on every value the range analysis says can occur, or the loop stays scalar.

/// `(M, s)` such that `floor((u*M + 2^14) / 2^(15+s)) == u / c` for all `u` in `0..=umax`,
/// or `None`. `c == 1` needs no multiplication: the caller handles it.
pub fn q15_magic(c: u32, umax: u32) -> Option<(i16, u32)> {
    if c < 2 || umax > 32767 {
        return None;
    }
    for s in 0..16u32 {
        let scale = 1u64 << (15 + s);
        let m0 = scale.div_ceil(c as u64);
        for m in [m0, m0.saturating_sub(1), m0 + 1] {
            if m == 0 || m > 32767 {
                continue;
            }
            if exact(c as u64, m, s, umax as u64) {
                return Some((m as i16, s));
            }
        }
    }
    None
}

fn exact(c: u64, m: u64, s: u32, umax: u64) -> bool {
    // Cheap rejection at the points where rounding errors peak (just below multiples of c).
    let probe = [
        umax,
        umax.saturating_sub(1),
        (umax / c) * c,
        ((umax / c) * c).saturating_sub(1),
    ];
    if probe.iter().any(|&u| q(u, m, s) != u / c) {
        return false;
    }
    (0..=umax).all(|u| q(u, m, s) == u / c)
}

fn q(u: u64, m: u64, s: u32) -> u64 {
    (u * m + (1 << 14)) >> (15 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_is_exact_or_absent() {
        for c in 2..200u32 {
            for umax in [0u32, 1, 100, 2295, 9999, 32767] {
                if let Some((m, s)) = q15_magic(c, umax) {
                    for u in 0..=umax as u64 {
                        assert_eq!(q(u, m as u64, s), u / c as u64, "c={c} umax={umax}");
                    }
                }
            }
        }
        // The stencil's case: sums of nine i8 biased by 1152 are at most 2295.
        assert!(q15_magic(9, 2295).is_some());
        assert_eq!(q15_magic(1, 10), None);
        assert_eq!(q15_magic(7, 40000), None);
    }
}
