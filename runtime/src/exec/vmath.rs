//! Wide-vector math kernels for `--fastmath` reductions.
//!
//! Cranelift's x86-64 backend has 128-bit vectors only, and on some CPUs (AMD Zen 4, for
//! one) `sqrtpd` on two lanes runs at the same rate per instruction as on four or eight:
//! a 128-bit `sqrt` loop is bound by the square-root unit at half the speed the machine
//! has. These kernels are compiled by rustc with the CPU's wider vectors (AVX-512 or AVX,
//! chosen when the cell is compiled) and take a block of elements at a time; the JIT'd
//! loop sums their results. A square root is correctly rounded at any width, so the
//! values are bit-identical to scalar `f64::sqrt`: only the order of the additions
//! differs, which `--fastmath` allows.

thread_local! {
    /// A choice made for this thread instead of the CPU's: snapshot dumps (`exec/dump.rs`)
    /// compile for a named kernel so their text does not depend on the host. Such code is
    /// never run.
    static PINNED: std::cell::Cell<Option<Option<&'static str>>> = const { std::cell::Cell::new(None) };
}

/// Compile with `kernel` (a symbol of [`symbols`], or `None` for the JIT's own loop) on
/// this thread until unpinned with `None`.
pub(crate) fn pin_sqrt_block_kernel(kernel: Option<Option<&'static str>>) {
    PINNED.with(|p| p.set(kernel));
}

/// The block kernel for this CPU, or `None` when its vectors are no wider than 128 bits
/// (the JIT's own `sqrtpd` loop is then as fast).
pub fn sqrt_block_kernel() -> Option<&'static str> {
    if let Some(k) = PINNED.with(|p| p.get()) {
        return k;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::env::var_os("ACCEL_NO_WIDE_SQRT").is_some() {
            return None;
        }
        if std::is_x86_feature_detected!("avx512f") {
            return Some("rt_f64_sqrt_block_avx512");
        }
        if std::is_x86_feature_detected!("avx") {
            return Some("rt_f64_sqrt_block_avx");
        }
    }
    None
}

/// `dst[k] = src[k].sqrt()` for `k < n`; `src` may equal `dst`.
///
/// # Safety
/// `src` and `dst` valid for `n` f64s; the CPU has AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn sqrt_avx512(src: *const f64, dst: *mut f64, n: usize) {
    for k in 0..n {
        unsafe { *dst.add(k) = (*src.add(k)).sqrt() };
    }
}

/// As [`sqrt_avx512`] with AVX.
///
/// # Safety
/// `src` and `dst` valid for `n` f64s; the CPU has AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn sqrt_avx(src: *const f64, dst: *mut f64, n: usize) {
    for k in 0..n {
        unsafe { *dst.add(k) = (*src.add(k)).sqrt() };
    }
}

#[cfg(target_arch = "x86_64")]
pub extern "C" fn rt_f64_sqrt_block_avx512(src: *const f64, dst: *mut f64, n: i64) {
    // Imported only when `sqrt_block_kernel` saw AVX-512F on this CPU.
    unsafe { sqrt_avx512(src, dst, n.max(0) as usize) }
}

#[cfg(target_arch = "x86_64")]
pub extern "C" fn rt_f64_sqrt_block_avx(src: *const f64, dst: *mut f64, n: i64) {
    // Imported only when `sqrt_block_kernel` saw AVX on this CPU.
    unsafe { sqrt_avx(src, dst, n.max(0) as usize) }
}

pub fn symbols() -> Vec<(&'static str, *const u8)> {
    #[cfg(target_arch = "x86_64")]
    {
        vec![
            (
                "rt_f64_sqrt_block_avx512",
                rt_f64_sqrt_block_avx512 as *const u8,
            ),
            ("rt_f64_sqrt_block_avx", rt_f64_sqrt_block_avx as *const u8),
        ]
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_kernels_match_scalar_sqrt_bit_for_bit() {
        let xs: Vec<f64> = [
            0.0,
            -0.0,
            1.0,
            2.0,
            1e-310,
            f64::MAX,
            f64::INFINITY,
            -1.0,
            f64::NAN,
            0.5,
            3.0,
        ]
        .iter()
        .copied()
        .chain((0..1000).map(|i| i as f64 * 1.37 + 0.01))
        .collect();
        let want: Vec<u64> = xs.iter().map(|x| x.sqrt().to_bits()).collect();
        for name in ["rt_f64_sqrt_block_avx512", "rt_f64_sqrt_block_avx"] {
            #[cfg(target_arch = "x86_64")]
            {
                let ok = if name.ends_with("avx512") {
                    std::is_x86_feature_detected!("avx512f")
                } else {
                    std::is_x86_feature_detected!("avx")
                };
                if !ok {
                    continue;
                }
                let f = if name.ends_with("avx512") {
                    rt_f64_sqrt_block_avx512
                } else {
                    rt_f64_sqrt_block_avx
                };
                let mut out = vec![0.0; xs.len()];
                f(xs.as_ptr(), out.as_mut_ptr(), xs.len() as i64);
                assert_eq!(
                    out.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    want,
                    "{name}"
                );
                let mut inplace = xs.clone();
                let p = inplace.as_mut_ptr();
                f(p, p, 7);
                assert_eq!(
                    inplace[..7].iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    want[..7],
                    "{name} in place"
                );
                assert_eq!(inplace[7].to_bits(), xs[7].to_bits(), "{name} wrote past n");
            }
        }
    }
}
