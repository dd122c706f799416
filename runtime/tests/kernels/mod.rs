#![allow(dead_code)]
//! The seed kernels (../shared/bench/rustref/src/main.rs, numba_seed_kernels.py) as `%%jit`
//! cells: fns first, then top-level statements that build inputs and produce a checkable value.
//! Shared by the seed-kernel tests and the benchmark.

pub const GET_PRIMES: &str = r#"fn get_primes(x: i64) -> Vec<i64> {
    let mut res = Vec::new();
    for v in 0..=x {
        if v < 2 { continue; }
        let mut flag = true;
        for i in 2..((v as f64).sqrt() as i64 + 1) {
            if v % i == 0 { flag = false; }
        }
        if flag { res.push(v); }
    }
    res
}
"#;

pub const DO_SUM: &str = r#"fn do_sum(a: &[f64]) -> f64 {
    let mut acc = 0.0;
    for &x in a { acc += x.sqrt(); }
    acc
}
"#;

pub const SMOOTH: &str = r#"fn smooth_i8(x: &[i8], n: usize, m: usize, out: &mut [i8]) {
    for i in 1..n - 1 {
        for j in 1..m - 1 {
            let mut s: i32 = 0;
            for di in 0..3 { for dj in 0..3 { s += x[(i + di - 1) * m + j + dj - 1] as i32; } }
            out[i * m + j] = s.div_euclid(9) as i8;
        }
    }
}
"#;

pub const LJ: &str = r#"fn lj(c: &[[f64; 3]]) -> f64 {
    let n = c.len();
    let mut e = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let mut d2 = 0.0;
            for k in 0..3 { let d = c[i][k] - c[j][k]; d2 += d * d; }
            let sr6 = (1.0 / d2).powi(3);
            e += 4.0 * (sr6 * sr6 - sr6);
        }
    }
    e
}
"#;

/// The particle coordinates of rustref (xorshift seeded 1981), written without a closure.
/// The seed's `func_numba` (NumPy section) over the accel prelude's arrays.
pub const FUNC_NORMAL: &str = r#"fn func_normal(a: &Array2<i32>) -> Array2<f64> {
    let x = a.median().unwrap();
    let y = a.max().unwrap() as f64;
    let t = x / y;
    let z = x * (1.0 + t * t).sqrt();
    let mut m = 0.0;
    for i in 0..a.nrows() {
        m += (a[[i, i]] as f64).tanh();
        m /= z;
    }
    a.mapv(|v| v as f64) + m
}
"#;

pub const LJ_INPUT_FN: &str = r#"fn xorshift(s: u64) -> u64 {
    let mut s = s;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    s
}
fn coord(s: u64) -> f64 {
    (s >> 11) as f64 / (1u64 << 53) as f64 * 1000.0 - 500.0
}
"#;

/// A named check: a cell (fns + statements, trailing expression) whose value and stdout
/// must equal rustc's.
pub struct Kernel {
    pub name: &'static str,
    pub cell: String,
    /// The `%%jit` form of the timing expression (run after `cell`), for the benchmark.
    pub timeit_setup: &'static str,
    pub timeit_expr: &'static str,
}

pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            name: "get_primes_100000",
            cell: format!(
                "{GET_PRIMES}let p = get_primes(100000);\nprintln!(\"{{}} {{}} {{}} {{}}\", p[0], p[1], p[p.len() - 1], p.len());\np.len()\n"
            ),
            timeit_setup: "",
            timeit_expr: "get_primes(100000)",
        },
        Kernel {
            name: "do_sum_40000",
            cell: format!(
                "{DO_SUM}let mut a: Vec<f64> = Vec::new();\nfor i in 0..40000 {{ a.push(i as f64); }}\nprintln!(\"{{}} {{:.3}}\", a.len(), do_sum(&a));\ndo_sum(&a)\n"
            ),
            timeit_setup: "",
            timeit_expr: "do_sum(&a)",
        },
        Kernel {
            name: "do_sum_10M_collect",
            cell: format!("{DO_SUM}let b: Vec<f64> = (0..10_000_000).map(|i| i as f64).collect();\ndo_sum(&b)\n"),
            timeit_setup: "",
            timeit_expr: "do_sum(&b)",
        },
        Kernel {
            name: "smooth_200x300_i8_varied",
            cell: format!(
                "{SMOOTH}let n = 200usize;\nlet m = 300usize;\nlet mut x = vec![0i8; n * m];\nfor i in 0..n * m {{ x[i] = ((i * 7919 + i / 7) % 256) as u8 as i8; }}\nlet mut out = vec![0i8; n * m];\nsmooth_i8(&x, n, m, &mut out);\nlet mut h: i64 = 0;\nfor i in 0..n * m {{ h = h.wrapping_mul(31).wrapping_add(out[i] as i64); }}\nprintln!(\"{{}} {{}} {{}}\", out[m + 1], out[n * m / 2 + 7], out[n * m - m - 2]);\nh\n"
            ),
            timeit_setup: "",
            timeit_expr: "smooth_i8(&x, n, m, &mut out)",
        },
        Kernel {
            name: "smooth_2000x2000_i8",
            cell: format!(
                "{SMOOTH}let x2 = vec![1i8; 2000 * 2000];\nlet mut out2 = vec![0i8; 2000 * 2000];\nsmooth_i8(&x2, 2000, 2000, &mut out2);\nlet mut t: i64 = 0;\nfor &v in out2.iter() {{ t += v as i64; }}\nt\n"
            ),
            timeit_setup: "",
            timeit_expr: "smooth_i8(&x2, 2000, 2000, &mut out2)",
        },
        Kernel {
            name: "lj_potential_2000",
            cell: format!(
                "{LJ}{LJ_INPUT_FN}let mut s: u64 = 1981;\nlet mut c: Vec<[f64; 3]> = Vec::new();\nfor _ in 0..2000 {{\n    s = xorshift(s); let a = coord(s);\n    s = xorshift(s); let b = coord(s);\n    s = xorshift(s); let d = coord(s);\n    c.push([a, b, d]);\n}}\nprintln!(\"{{:?}} {{:?}}\", c[0], c[1999]);\nlj(&c)\n"
            ),
            timeit_setup: "",
            timeit_expr: "lj(&c)",
        },
    ]
}

/// 1-based line of the first top-level statement: the first line that does not belong to a fn.
pub fn main_line(cell: &str) -> usize {
    let mut depth = 0i32;
    for (i, line) in cell.lines().enumerate() {
        if depth == 0 && !line.starts_with("fn ") && !line.trim().is_empty() {
            return i + 1;
        }
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
    }
    cell.lines().count() + 1
}
