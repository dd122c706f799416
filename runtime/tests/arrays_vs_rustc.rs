//! Array cells (the accel prelude) on the fast tier against the same cells compiled by rustc
//! against the accel crate (`--extern accel=…`, the rlib this test binary was linked with):
//! stdout, panic message and the displayed value (text/plain through `accel::display::Repr`,
//! what the rustc tier shows) must be identical. Includes the seed's func_normal.
//!     CARGO_TARGET_DIR=/work/target-difftest cargo test --release -p accel-runtime --test arrays_vs_rustc

mod common;
mod kernels;

use accel_runtime::{Failure, JitOptions};
use common::fast::{self, CellOutcome};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// (name, items, statements; the last line of the statements is the displayed expression).
pub const CELLS: &[(&str, &str, &str)] = &[
    (
        "func_normal",
        kernels::FUNC_NORMAL,
        "let a = Array::from_shape_vec((10, 10), (0..100).collect::<Vec<i32>>()).unwrap();
func_normal(&a)",
    ),
    (
        "seed_func_normal_f64",
        "",
        "let mut rng = accel::random::default_rng(0);
let a = rng.normal(0.0, 1.0, (100, 100));
let m = a.median().unwrap();
let mx = a.max().unwrap();
let trace: f64 = a.diag().mapv(f64::tanh).sum();
let b = &a.mapv(f64::abs).mapv(f64::sqrt) + trace;
println!(\"median={m:.4} max={mx:.4} trace_tanh={trace:.4} b[0,0]={:.4}\", b[[0, 0]]);
b.sum_axis(Axis(0))",
    ),
    (
        "loops_and_creation",
        "fn fill(a: &mut Array2<f64>) {
    for i in 0..a.nrows() {
        for j in 0..a.ncols() {
            a[[i, j]] = (i as f64) * 0.5 - (j as f64);
        }
    }
}",
        "let mut a = Array2::<f64>::zeros((3, 5));
fill(&mut a);
a[[2, 2]] += 100.0;
let e = Array2::<f64>::eye(3);
let d = e.dot(&a);
println!(\"{} {} {:?} {}\", a.len(), a.ncols(), a.shape(), d.sum());
println!(\"{:.2}\", a.t());
(&d * 2.0 - &a).mapv(|v| v.abs()).mean_axis(Axis(0)).unwrap()",
    ),
    (
        "ints_and_ops",
        "",
        "let a = array![[1i64, 2, 3], [4, 5, 6]];
let b = Array1::from(vec![10i64, 20, 30]);
let c = &a * &b + 1;
println!(\"{} {} {}\", c.sum(), c.argmax().unwrap(), c.min().unwrap());
c",
    ),
    (
        "out_of_bounds",
        "",
        "let a = Array2::<f64>::ones((2, 3));
let mut s = 0.0;
for i in 0..3 { s += a[[i, 0]]; }
s",
    ),
    (
        "broadcast_error",
        "",
        "let a = Array2::<f64>::zeros((3, 4));
let b = Array1::<f64>::zeros(5);
&a + &b",
    ),
    (
        "views_slicing",
        "fn colsum(v: ArrayView1<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() { s += v[i]; }
    s
}
fn trace(m: &ArrayView2<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() { s += m[[i, i]]; }
    s
}",
        "let a = Array::from_shape_vec((4, 5), (0..20).map(|x| x as f64).collect::<Vec<f64>>()).unwrap();
{
    let v = a.slice(s![1..3, ..;2]);
    println!(\"{:?} {} {}\", v.shape(), v[[1, 2]], v.sum());
    let r = a.slice(s![..;-1, 2]);
    println!(\"{r} {:?}\", r);
    let n = a.slice(s![-2.., 1..=3;-1]);
    println!(\"{n:?} {}\", n.mean().unwrap());
    let t = a.t();
    println!(\"{} {} {}\", t[[4, 3]], t.nrows(), trace(&t.slice(s![..4, ..])));
    let mut tot = 0.0;
    for j in 0..a.ncols() { tot += colsum(a.column(j)); }
    let row = a.row(2);
    println!(\"{tot} {} {}\", row, a.index_axis(Axis(1), 4));
    println!(\"{:?}\", (&row * 2.0 + &a.row(0)).mapv(|x| x.sqrt()));
    let w = a.view();
    println!(\"{} {}\", w.max().unwrap(), w.slice(s![1.., 1..]).t().sum());
}
a.slice(s![1..;2, ..;-2])",
    ),
    (
        "views_mut_assign",
        "fn zero_diag(mut m: ArrayViewMut2<f64>) {
    for i in 0..m.nrows().min(m.ncols()) { m[[i, i]] = 0.0; }
}",
        "let mut a = Array2::<f64>::ones((3, 4));
a.slice_mut(s![.., 0]).fill(5.0);
a.row_mut(1).assign(&Array1::from(vec![1.0, 2.0, 3.0, 4.0]));
a.slice_mut(s![..2, 2..]).mapv_inplace(|x| x * 10.0);
{
    let mut c = a.column_mut(3);
    c += 0.5;
    c[0] = -1.0;
}
zero_diag(a.slice_mut(s![1.., 1..]));
let b = a.slice(s![..;-1, ..]).to_owned();
a.slice_mut(s![2, ..]).assign(&b.row(0));
println!(\"{:?}\", b);
a",
    ),
    (
        "slice_out_of_range",
        "",
        "let a = Array2::<f64>::zeros((3, 4));
a.slice(s![1..5, ..]).sum()",
    ),
    (
        "row_out_of_range",
        "",
        "let a = Array2::<i32>::zeros((2, 3));
a.row(2).sum()",
    ),
    (
        "slice_index_out_of_range",
        "",
        "let a = Array2::<i64>::zeros((2, 3));
a.slice(s![.., 3]).len()",
    ),
    (
        "array_eq",
        "fn same(a: &Array2<f64>, b: &Array2<f64>) -> bool { a == b }",
        "let a = array![[1.0, 2.0], [3.0, 4.0]];
let b = a.clone();
let c = &a + 1.0;
{
    let v = a.view();
    println!(\"{} {} {} {} {}\", a == b, a != c, &a == &b, v == b, a == &c);
}
let z = Array2::<f64>::zeros((2, 3));
println!(\"{} {} {}\", same(&a, &b), same(&a, &z), z != Array2::<f64>::zeros((3, 2)));
assert_eq!(a, b);
assert_ne!(&a, &c, \"differ {}\", 1);
a == b",
    ),
    (
        "array_assert_eq_fails",
        "",
        "let a = array![1i64, 2, 3];
let b = Array1::from(vec![1i64, 2, 4]);
println!(\"{}\", a == b);
assert_eq!(a, b, \"at {}\", 2);
0",
    ),
    (
        "bool_masks",
        "fn mask_of(a: &Array1<f64>, t: f64) -> Array1<bool> { a.mapv(|x| x >= t) }
fn count(m: &Array1<bool>) -> i32 { m.mapv(|b| b as i32).sum() }
fn flip(m: &mut Array2<bool>) { for i in 0..m.nrows() { m[[i, 0]] = !m[[i, 0]]; } }",
        "let a = array![[0.1, 0.7, 0.4], [0.9, 0.2, 0.6]];
let m = a.mapv(|x| x > 0.5);
println!(\"{:?}\", m);
println!(\"{} {} {} {:?}\", m[[0, 1]], m[[1, 1]], m.len(), m.dim());
let n = !&m;
let both = &m & &n;
let either = &m | &n;
let x = m.clone() ^ true;
println!(\"{} {} {} {}\", n, both, either, x);
println!(\"{}\", m.mapv(|b| if b { 1.0 } else { 0.0 }).sum());
let mut z = Array2::<bool>::from_elem((2, 2), false);
z[[1, 0]] = true;
flip(&mut z);
println!(\"{z:?} {}\", z == Array2::from_elem((2, 2), true));
z |= true;
z &= &array![[true, false], [false, true]];
let w = mask_of(&array![1.0, 5.0, 3.0], 2.5);
println!(\"{} {} {} {}\", count(&w), w, !w.clone(), true & &w);
println!(\"{}\", m.t());
let mild = !(&m | &n);
println!(\"{} {}\", mild == (!&m & !&n), (m.clone() & n.clone()) | x.clone());
{
    let r = m.row(1);
    println!(\"{} {}\", r, z);
}
m",
    ),
    (
        "bool_mask_out_of_bounds",
        "",
        "let m = Array1::from_elem(3, true);
let mut k = 0;
for i in 0..4 { if m[i] { k += 1; } }
k",
    ),
    (
        "array3",
        "fn fill3(a: &mut Array3<f64>) {
    let (n, m, p) = a.dim();
    for i in 0..n { for j in 0..m { for k in 0..p { a[[i, j, k]] = (i * 100 + j * 10 + k) as f64; } } }
}
fn total3(a: &Array3<f64>) -> f64 {
    let s = a.shape();
    let mut t = 0.0;
    for i in 0..s[0] { for j in 0..s[1] { for k in 0..s[2] { t += a[[i, j, k]]; } } }
    t
}",
        "let mut a = Array3::<f64>::zeros((2, 3, 4));
fill3(&mut a);
println!(\"{:?} {:?} {} {} {}\", a.shape(), a.dim(), a.len(), a.ndim(), total3(&a));
println!(\"{} {} {}\", a.sum(), a.mean().unwrap(), a[[1, 2, 3]]);
let b = Array3::<f64>::ones((2, 3, 4));
let c = &a * 2.0 + &b;
let d = (&c - &a) / 2.0;
println!(\"{:?}\", d.sum_axis(Axis(2)));
println!(\"{}\", c.sum_axis(Axis(0)));
println!(\"{:.2}\", c.mean_axis(Axis(1)).unwrap());
let mut i = Array3::<i64>::from_elem((2, 2, 2), 3);
i[[1, 0, 1]] = 7;
i += 1;
println!(\"{:?} {} {}\", i, i.max().unwrap(), i == i.clone());
let e = array![[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]];
let mut f = e.mapv(|v| v * 10.0);
f.mapv_inplace(|v| v + 1.0);
println!(\"{} {:?}\", f, e.mapv(|v| v > 4.5));
let g = Array::from_shape_vec((2, 2, 3), (0..12).collect::<Vec<i32>>()).unwrap();
println!(\"{} {}\", g, g.mapv(|v| v as f64).sqrt().sum());
let mut rng = accel::random::default_rng(7);
let r = rng.normal(0.0, 1.0, (2, 3, 2));
println!(\"{:.4}\", r.sum());
assert_eq!(e.clone(), e);
c",
    ),
    (
        "from_shape_fn",
        "fn grid(n: usize) -> Array2<f64> { Array2::from_shape_fn((n, n + 1), |(i, j)| (i * 10 + j) as f64 * 0.5) }",
        "let a = Array1::from_shape_fn(4, |i| i as f64 * 0.5);
let c = Array3::from_shape_fn((2, 2, 3), |(i, j, k)| i + j + k == 2);
let d: Array2<i64> = Array::from_shape_fn([2, 2], |(i, j)| if i == j { 1 } else { 0 });
let e = Array2::from_shape_fn((2, 2), |(i, j)| { println!(\"{i},{j}\"); i as i32 - j as i32 });
println!(\"{a} {:?} {d} {e}\", c);
let g = grid(3);
println!(\"{} {}\", g.sum(), g[[2, 3]]);
Array3::from_shape_fn((2, 3, 2), |(i, j, k)| (i * 6 + j * 2 + k) as f32)",
    ),
    (
        "array3_out_of_bounds",
        "",
        "let a = Array3::<f64>::zeros((2, 3, 4));
a[[1, 2, 4]]",
    ),
    (
        "empty_max",
        "",
        "let e = Array1::<f64>::zeros(0);
e.max().unwrap()",
    ),
    (
        "array_iteration",
        "fn total(a: &Array2<f64>) -> f64 {
    let mut s = 0.0;
    for x in a { s += x; }
    s
}
fn scale(a: &mut Array1<f64>, k: f64) {
    for x in a.iter_mut() { *x *= k; }
}
fn dotv(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}",
        "let mut a = Array2::<f64>::from_shape_vec((3, 4), (0..12).map(|k| ((k / 4) * 10 + k % 4) as f64).collect::<Vec<f64>>()).unwrap();
let mut s = 0.0;
for x in a.iter() { s += *x; }
let t: f64 = a.iter().map(|x| x * 2.0).sum();
let mut v = Vec::new();
for x in &a.t() { v.push(*x); }
let r: Vec<f64> = a.row(1).iter().copied().collect();
let c: Vec<f64> = a.column(2).iter().map(|x| x + 0.5).collect();
println!(\"{} {} {:?} {:?} {:?}\", s, t, v, r, c);
let e: Vec<(usize, f64)> = a.slice(s![.., 1..;2]).iter().enumerate().map(|(i, x)| (i, *x)).collect();
let back: Vec<f64> = a.slice(s![1, ..;-1]).iter().copied().collect();
println!(\"{:?} {:?}\", e, back);
let mut b = a.clone();
for x in b.iter_mut() { *x = *x * 2.0 + 1.0; }
for x in &mut b { *x -= 1.0; }
for x in b.row_mut(1) { *x = -*x; }
for x in b.column_mut(0).iter_mut() { *x += 100.0; }
let mut r1 = Array1::<f64>::from_vec(vec![1.0, 2.0, 3.0]);
scale(&mut r1, 0.5);
let z: f64 = a.iter().zip(b.t().iter()).map(|(x, y)| x * y).sum();
let one = Array1::<i32>::from_vec(vec![3, 1, 4, 1, 5]);
let m = one.iter().max().unwrap();
let rv: Vec<i32> = one.iter().rev().copied().collect();
let cnt = one.iter().filter(|&&x| x > 1).count();
let any = b.iter().any(|&x| x < 0.0);
let folded = b.iter().fold(0.0, |acc, x| acc * 0.5 + x);
println!(\"{} {} {} {:?} {} {} {} {:?} {}\", total(&b), z, m, rv, cnt, any, folded, r1, dotv(a.row(0), b.column(2)));
let a3 = Array3::<i64>::from_shape_vec((2, 3, 2), (0..12).map(|k| ((k / 6) * 100 + ((k / 2) % 3) * 10 + k % 2) as i64).collect::<Vec<i64>>()).unwrap();
let w: Vec<i64> = a3.iter().copied().collect();
println!(\"{:?} {}\", w, a3.iter().map(|x| x * 2).sum::<i64>());
let mut mask = Array1::from_elem(4, false);
for (i, m) in mask.iter_mut().enumerate() { *m = i % 2 == 1; }
let trues = mask.iter().filter(|&&m| m).count();
println!(\"{} {:?}\", trues, mask);
b",
    ),
];

/// The accel rlib this test binary links (same compiler, same build).
fn accel_rlib() -> (PathBuf, PathBuf) {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    for e in std::fs::read_dir(&deps).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with("libaccel-") && n.ends_with(".rlib") {
            let t = e.metadata().and_then(|m| m.modified()).unwrap();
            if best.as_ref().is_none_or(|(bt, _)| t > *bt) {
                best = Some((t, e.path()));
            }
        }
    }
    (
        best.expect("libaccel-*.rlib next to the test binary").1,
        deps,
    )
}

struct RefOut {
    stdout: String,
    value: Option<String>,
    panic: Option<String>,
}

const VALUE: &str = "\u{1}<<VALUE>>\u{1}";
const PANIC: &str = "\u{1}<<PANIC>>\u{1}";

fn reference(dir: &Path) -> Vec<RefOut> {
    // What the rustc tier displays: `Repr` (evcxr_display) when the value has it, else `{:?}`
    // (autoref specialisation, the way evcxr picks `evcxr_display`).
    let mut src = String::from(
        "#![allow(warnings)]
struct W<'a, T>(&'a T);
trait ViaRepr { fn show(&self) -> String; }
impl<T: accel::display::Repr> ViaRepr for W<'_, T> { fn show(&self) -> String { self.0.text_plain() } }
trait ViaDebug { fn show(&self) -> String; }
impl<T: std::fmt::Debug> ViaDebug for &W<'_, T> { fn show(&self) -> String { format!(\"{:?}\", self.0) } }
",
    );
    for (k, (_, items, stmts)) in CELLS.iter().enumerate() {
        let lines: Vec<&str> = stmts.lines().collect();
        let (body, tail) = lines.split_at(lines.len() - 1);
        let _ = writeln!(
            src,
            "mod p{k} {{\nuse accel::prelude::*;\nuse super::{{ViaDebug, ViaRepr}};\n{items}\npub fn main() {{\n{}\nlet __v = {};\nprint!(\"{VALUE}{{}}\", (&super::W(&__v)).show());\n}}\n}}",
            body.join("\n"),
            tail[0]
        );
    }
    src.push_str("fn main() {\n    std::panic::set_hook(Box::new(|info| { use std::io::Write; let _ = std::io::stdout().flush(); print!(\"");
    src.push_str(PANIC);
    src.push_str("{}\", info.payload_as_str().unwrap_or(\"\")); }));\n    match std::env::args().nth(1).unwrap().parse::<usize>().unwrap() {\n");
    for k in 0..CELLS.len() {
        let _ = writeln!(src, "        {k} => p{k}::main(),");
    }
    src.push_str("        _ => unreachable!(),\n    }\n}\n");
    let sp = dir.join("arrays_ref.rs");
    std::fs::write(&sp, &src).unwrap();
    let (rlib, deps) = accel_rlib();
    let bin = dir.join("arrays_ref");
    let o = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args([
            "--edition",
            "2021",
            "-C",
            "opt-level=3",
            "-C",
            "overflow-checks=off",
            "-C",
            "debug-assertions=off",
            "-o",
        ])
        .arg(&bin)
        .arg("--extern")
        .arg(format!("accel={}", rlib.display()))
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg(&sp)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "rustc failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (0..CELLS.len())
        .map(|k| {
            let o = Command::new(&bin).arg(k.to_string()).output().unwrap();
            let s = String::from_utf8_lossy(&o.stdout).into_owned();
            if let Some(i) = s.find(PANIC) {
                return RefOut {
                    stdout: s[..i].to_string(),
                    value: None,
                    panic: Some(s[i + PANIC.len()..].to_string()),
                };
            }
            let i = s
                .find(VALUE)
                .unwrap_or_else(|| panic!("reference {k} printed no value: {s}"));
            RefOut {
                stdout: s[..i].to_string(),
                value: Some(s[i + VALUE.len()..].to_string()),
                panic: None,
            }
        })
        .collect()
}

#[test]
fn array_cells_match_rustc() {
    let dir = common::scratch_dir("arrays-vs-rustc");
    let refs = reference(&dir);
    for ((name, items, stmts), r) in CELLS.iter().zip(&refs) {
        let cell = if items.is_empty() {
            stmts.to_string()
        } else {
            format!("{items}\n{stmts}")
        };
        let o = fast::run_one(&cell, &JitOptions::default(), Duration::from_secs(60));
        let CellOutcome::Ran { result, stdout, .. } = &o else {
            panic!("{name}: {}", o.describe())
        };
        assert_eq!(
            stdout,
            &r.stdout,
            "{name}: stdout differs from rustc's\n{}",
            o.describe()
        );
        match (result, &r.panic) {
            (Ok(Some(v)), None) => assert_eq!(
                Some(&v.text),
                r.value.as_ref(),
                "{name}: value differs from rustc's"
            ),
            (Err(Failure::Panic { message, .. }), Some(p)) => {
                assert_eq!(message, p, "{name}: panic message differs")
            }
            _ => panic!(
                "{name}: fast tier {} vs rustc value {:?} panic {:?}",
                o.describe(),
                r.value,
                r.panic
            ),
        }
    }
}
