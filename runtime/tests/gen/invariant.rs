//! Loop-invariant loads and strip-mined leaf loops (feature `invariant_loads`): the shapes
//! the fast tier moves loads in (elements of shared-slice parameters indexed by an outer loop
//! variable or a constant, `c[i][d]` of `&[[i64; 3]]`, `&Vec` headers) next to reads that must
//! stay put — an invariant index out of bounds only sometimes (it may panic only when the
//! loop body runs), inner loops that run zero times, `for mut i` variables reassigned in the
//! body — and leaf loops of 0 to ~3000 iterations over every counter width, near MIN/MAX,
//! with break/continue (the interrupt poll runs once per chunk of 1024 there).

use super::Gen;

/// (counter range, for the leaf loop)
const LEAF_RANGES: &[&str] = &[
    "0..1024",
    "0..1025",
    "0usize..2049",
    "lo..lo + 1023",
    "(i32::MAX - 1500)..i32::MAX",
    "i64::MIN..(i64::MIN + 1030)",
    "(u32::MAX - 2100)..u32::MAX",
    "-3000i64..-1",
    "-2000i16..2000",
    "0u8..255",
    "5i32..5",
    "10i64..-10",
    "(usize::MAX - 1030)..usize::MAX",
];

const OUTER: &[(&str, &str)] = &[
    ("0", "n"),
    ("0", "c.len()"),
    ("lo", "n"),
    ("0", "hi"),
    ("lo", "c.len()"),
];
const INNER: &[(&str, &str)] = &[
    ("i + 1", "n"),
    ("i", "i"),
    ("0", "n"),
    ("lo", "hi"),
    ("i + 1", "c.len()"),
    ("0", "x.len()"),
    ("j0", "n"),
];

/// Statements of the inner loop body (`s` is the i64 accumulator).
const READS: &[&str] = &[
    "for d in 0..3 { s = s.wrapping_mul(7).wrapping_add(c[i][d].wrapping_sub(c[j][d])); }",
    "s = s.wrapping_add(x[k]);",
    "s = s.wrapping_add(v[i]);",
    "s ^= c[i][2];",
    "s = s.wrapping_add(x[i]);",
    "s = s.wrapping_add(c[i][k % 3]).wrapping_mul(3);",
    "s = s.wrapping_add(v[j]);",
    "s = s.wrapping_add(v[k]) ^ c[j][0];",
    "if s % 5 == 1 { continue; }",
    "if s > (1i64 << 40) { break; }",
];

const VALUES: &[&str] = &[
    "7",
    "-9",
    "123456789012",
    "i64::MIN",
    "i64::MAX",
    "0",
    "65537",
    "-1",
];

impl<'a> Gen<'a> {
    /// `fn fi(c: &[[i64; 3]], x: &[i64], v: &Vec<i64>, k: usize, lo: usize, hi: usize) -> i64`;
    /// returns its name.
    pub fn invariant_fn(&mut self) -> String {
        let name = "fi".to_string();
        self.emit(format!("fn {name}(c: &[[i64; 3]], x: &[i64], v: &Vec<i64>, k: usize, lo: usize, hi: usize) -> i64 {{"));
        self.emit("    let n = c.len();".into());
        self.emit("    let mut s: i64 = 0;".into());
        if self.rng.chance(60) {
            let r = *self.rng.pick(LEAF_RANGES);
            self.emit(format!("    for t in {r} {{"));
            self.emit("        s = s.wrapping_mul(31).wrapping_add(t as i64);".into());
            match self.rng.below(3) {
                0 => self.emit("        if s & 7 == 3 { continue; }".into()),
                1 => self.emit("        if s % 1000 == 17 { break; }".into()),
                _ => {}
            }
            self.emit("        s ^= x.len() as i64;".into());
            self.emit("    }".into());
        }
        match self.rng.below(4) {
            0 => {
                self.emit("    for mut i in 0..x.len() {".into());
                self.emit("        i += k % 3;".into());
                self.emit("        s = s.wrapping_add(x[i]);".into());
                self.emit("    }".into());
            }
            1 => {
                self.emit("    for mut i in 1..x.len() + 1 {".into());
                self.emit("        if k % 2 == 1 { i -= 1; }".into());
                self.emit("        s = s.wrapping_add((1000usize / i) as i64);".into());
                self.emit("    }".into());
            }
            _ => {}
        }
        let (os, oe) = *self.rng.pick(OUTER);
        let (is, ie) = *self.rng.pick(INNER);
        self.emit(format!("    for i in {os}..{oe} {{"));
        if is == "j0" {
            self.emit("        let j0 = i + k % 4;".into());
        }
        self.emit(format!("        for j in {is}..{ie} {{"));
        for _ in 0..2 + self.rng.below(3) {
            let r = *self.rng.pick(READS);
            self.emit(format!("            {r}"));
        }
        self.emit("        }".into());
        if self.rng.chance(50) {
            self.emit("        s = s.wrapping_add(c[i][1]);".into());
        }
        self.emit("    }".into());
        self.emit("    s".into());
        self.emit("}".into());
        name
    }

    /// Top-level calls of `fi` (the last one may panic).
    pub fn invariant_calls(&mut self, name: &str) {
        let nc = self.rng.below(7) as usize;
        let rows: Vec<String> = (0..nc)
            .map(|_| {
                format!(
                    "[{}, {}, {}]",
                    self.rng.pick(VALUES),
                    self.rng.pick(VALUES),
                    self.rng.pick(VALUES)
                )
            })
            .collect();
        let nx = self.rng.below(9) as usize;
        let xs: Vec<&str> = (0..nx).map(|_| *self.rng.pick(VALUES)).collect();
        let nv = self.rng.below(9) as usize;
        let vs: Vec<&str> = (0..nv).map(|_| *self.rng.pick(VALUES)).collect();
        self.emit(format!(
            "let ci: Vec<[i64; 3]> = vec![{}];",
            rows.join(", ")
        ));
        self.emit(format!("let xi: Vec<i64> = vec![{}];", xs.join(", ")));
        self.emit(format!("let vi: Vec<i64> = vec![{}];", vs.join(", ")));
        for _ in 0..1 + self.rng.below(3) {
            // Mostly in bounds, so loads may move; sometimes an invariant index past the end.
            let k = if self.rng.chance(70) {
                self.rng.below(4).to_string()
            } else {
                self.rng
                    .pick(&["8", "usize::MAX", "(1usize << 40)"])
                    .to_string()
            };
            let lo = self.rng.below(5);
            let hi = lo + self.rng.below(8);
            self.emit(format!(
                "println!(\"{{}}\", {name}(&ci, &xi, &vi, {k}, {lo}, {hi}));"
            ));
        }
    }
}
