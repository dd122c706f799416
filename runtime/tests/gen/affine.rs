//! Affine-index loops and 64-bit division (feature `affine_loops`): the shapes the fast
//! tier's loop versioning and division bypass act on, with arguments that hit their edges —
//! the last iteration out of bounds, index arithmetic that wraps (`j - 1` at 0, `k * m` with
//! huge m), empty and reversed bounds, constant-trip inner loops with break/continue, and
//! i64 division by negative, >32-bit, zero and -1 divisors of MIN.

use super::Gen;

const SHAPES: &[&str] = &[
    "j",
    "j + 1",
    "k + j",
    "j - 1",
    "k * m + j",
    "k * m + j + d - 1",
    "(k + d) * m + j",
    "m * k + d + j",
    "k + d",
    "j + d",
    "j + k - d",
];

const USIZES: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "5",
    "usize::MAX",
    "usize::MAX - 1",
    "(1usize << 40)",
];
const DIVISORS: &[&str] = &[
    "3",
    "-7",
    "1",
    "-1",
    "(1i64 << 33)",
    "(-(1i64 << 35) + 5)",
    "0",
    "i64::MIN",
];
const VALUES: &[&str] = &[
    "7",
    "-9",
    "123456789012",
    "i64::MIN",
    "i64::MAX",
    "-(1i64 << 40)",
    "40",
    "0",
    "65537",
];

impl<'a> Gen<'a> {
    /// `fn fa(x: &[i64], out: &mut [i64], k: usize, m: usize, lo: usize, hi: usize, dv: i64) -> i64`
    /// with an affine-index loop inside; returns its name.
    pub fn affine_fn(&mut self) -> String {
        let name = "fa".to_string();
        let idx = *self.rng.pick(SHAPES);
        let uses_d = idx.contains('d');
        let div = self.rng.chance(40);
        let start = *self.rng.pick(&["lo", "lo + 1", "0", "k"]);
        // A shape without j never runs out of bounds as j grows: bound the loop by a length.
        let end = if idx.contains('j') {
            *self.rng.pick(&["hi", "hi - 1", "x.len()", "out.len()"])
        } else {
            "x.len()"
        };
        self.emit(format!("fn {name}(x: &[i64], out: &mut [i64], k: usize, m: usize, lo: usize, hi: usize, dv: i64) -> i64 {{"));
        self.emit("    let mut s: i64 = 0;".into());
        self.emit(format!("    for j in {start}..{end} {{"));
        let read = if div {
            format!("x[{idx}] / dv")
        } else {
            format!("x[{idx}]")
        };
        if uses_d {
            let (a, b) = *self
                .rng
                .pick(&[("0", "3"), ("0", "=2"), ("1", "3"), ("0", "1")]);
            self.emit(format!("        for d in {a}..{b} {{"));
            match self.rng.below(4) {
                // Only at d == 2: the first d of every j always indexes, so each j makes
                // progress toward an out-of-bounds index and every loop ends.
                0 => self.emit("            if d == 2 && s % 3 == 1 { continue; }".into()),
                1 => self.emit("            if d == 2 && s > 100 { break; }".into()),
                _ => {}
            }
            self.emit(format!(
                "            s = s.wrapping_mul(3).wrapping_add({read});"
            ));
            self.emit("        }".into());
        } else {
            self.emit(format!(
                "        s = s.wrapping_mul(3).wrapping_add({read});"
            ));
        }
        if self.rng.chance(50) {
            let w = *self.rng.pick(&["j", "j + 1", "k + j", "j - 1"]);
            self.emit(format!("        out[{w}] = s % 1000;"));
        }
        if self.rng.chance(20) {
            self.emit("        if s < -5 { return s; }".into());
        }
        self.emit("    }".into());
        self.emit("    s".into());
        self.emit("}".into());
        name
    }

    /// Top-level calls of `fa` (the last one may panic).
    pub fn affine_calls(&mut self, name: &str) {
        let n = self.rng.below(13) as usize;
        let xs: Vec<&str> = (0..n).map(|_| *self.rng.pick(VALUES)).collect();
        let o = self.rng.below(13) as usize;
        self.emit(format!("let xa: Vec<i64> = vec![{}];", xs.join(", ")));
        self.emit(format!("let mut oa = vec![0i64; {o}];"));
        for _ in 0..1 + self.rng.below(3) {
            // Mostly in-range arguments, so the fast copy runs; sometimes the edges.
            let (k, m) = if self.rng.chance(60) {
                (self.rng.below(3).to_string(), self.rng.below(4).to_string())
            } else {
                (
                    self.rng.pick(USIZES).to_string(),
                    self.rng.pick(USIZES).to_string(),
                )
            };
            let lo = self.rng.below(6);
            let hi = if self.rng.chance(70) {
                (lo + self.rng.below(8)).to_string()
            } else {
                self.rng.pick(USIZES).to_string()
            };
            let dv = if self.rng.chance(70) {
                *self.rng.pick(&DIVISORS[..4])
            } else {
                *self.rng.pick(DIVISORS)
            };
            self.emit(format!(
                "println!(\"{{}} {{:?}}\", {name}(&xa, &mut oa, {k}, {m}, {lo}, {hi}, {dv}), oa);"
            ));
        }
    }
}
