//! End-to-end tests of the accel prelude's `Chunked` in the fast tier: the fast tier must give
//! what the same calls of the accel crate give (it calls the same functions), keep `Chunked`
//! variables across cells, report library errors as the cell's panic, and run `%%jit` fns in
//! `map_blocks` on the library's worker threads (a panic there is the cell's panic).

use crate::api::*;
use crate::e2e_support::{panic_in, run_in, value_in, Cap};
use crate::FastTier;
use accel::prelude::*;

fn refusal(ft: &mut FastTier, src: &str) -> String {
    match run_in(ft, src).0 {
        Err(Failure::Compile(d)) => d
            .iter()
            .map(|d| d.rendered.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("{src}\n=> expected a refusal, got {other:?}"),
    }
}

#[test]
fn seed_example_matches_the_library() {
    let mut ft = FastTier::new();
    let src = "let x = Chunked::random_normal(10.0, 0.1, (2000, 2000), (500, 500), 42);\n\
               let y = x.mean_axis(Axis(0)).slice(s![..;100]).compute();\ny";
    let want = Chunked::random_normal(10.0, 0.1, (2000, 2000), (500, 500), 42)
        .mean_axis(Axis(0))
        .slice(s![..;100])
        .compute();
    assert_eq!(value_in(&mut ft, src), want.text_plain());
    assert_eq!(value_in(&mut ft, "y.len()"), "20");
    assert_eq!(value_in(&mut ft, "y[[3]]"), format!("{:?}", want[[3]]));
    assert_eq!(value_in(&mut ft, "y.shape()[0] + y.ndim()"), "21");
    // `{:?}` of an ArrayD is ndarray's, with its dynamic dimension
    let (_, o) = run_in(
        &mut ft,
        "let z = x.slice(s![..2, ..3]).compute();\nprintln!(\"{:?}\", z);\nprintln!(\"{:.3}\", z);",
    );
    let z = Chunked::random_normal(10.0, 0.1, (2000, 2000), (500, 500), 42)
        .slice(s![..2, ..3])
        .compute();
    assert_eq!(o, format!("{z:?}\n{z:.3}\n"));
}

#[test]
fn chunked_values_display_and_survive_cells() {
    let mut ft = FastTier::new();
    let lib = Chunked::random((1000, 700), (300, 300), 7);
    let v = ft.run_cell("use accel::prelude::*;\nlet c: Chunked = Chunked::random((1000, 700), (300, 300), 7);\nc", &JitOptions::default(), &Cap::default()).unwrap().unwrap();
    assert_eq!(v.text, lib.text_plain());
    assert_eq!(v.html, lib.text_html());
    assert_eq!(ft.variable_text("c").unwrap(), lib.text_plain());
    // the annotation keeps what typeck knows of the axes: the result indexes as 2-d
    let want = (&lib * 2.0 + 1.0).compute();
    assert_eq!(
        value_in(&mut ft, "let m = (&c * 2.0 + 1.0).compute();\nm[[5, 6]]"),
        format!("{:?}", want[[5, 6]])
    );
    assert_eq!(
        value_in(&mut ft, "c.mean().compute_scalar()"),
        format!("{:?}", lib.mean().compute_scalar())
    );
    assert_eq!(
        value_in(&mut ft, "(c.shape()[0], c.shape()[1], c.npartitions())"),
        "(1000, 700, 12)"
    );
    let r = value_in(&mut ft, "let d = c.rechunk((250, 700)) - &c;\n(d.npartitions(), d.max().compute_scalar(), d.min().compute_scalar())");
    assert_eq!(r, "(21, 0.0, 0.0)");
}

#[test]
fn operations_agree_with_the_library() {
    let mut ft = FastTier::new();
    let a = Array2::from_shape_fn((10, 7), |(i, j)| (i * 7 + j) as f64);
    let c = Chunked::from_array(&a, (4, 4));
    value_in(&mut ft, "let a: Array2<f64> = Array2::from_shape_vec((10, 7), (0..70).map(|v| v as f64).collect()).unwrap();\nlet c = Chunked::from_array(&a, (4, 4));\n0");
    let cases: Vec<(&str, ArrayD<f64>)> = vec![
        (
            "(c.sqrt() + 2.0 * &c - c.powi(2) / 3.0).compute()",
            (c.sqrt() + 2.0 * &c - c.powi(2) / 3.0).compute(),
        ),
        (
            "c.max_axis(Axis(0)).compute()",
            c.max_axis(Axis(0)).compute(),
        ),
        (
            "c.std_axis(Axis(1), 1.0).compute()",
            c.std_axis(Axis(1), 1.0).compute(),
        ),
        (
            "c.slice(s![1..9;3, ..;-2]).compute()",
            c.slice(s![1..9;3, ..;-2]).compute(),
        ),
        ("c.slice(s![2, ..]).compute()", c.slice(s![2, ..]).compute()),
        (
            "c.t().maximum(&(c.t() * 0.5)).compute()",
            c.t().maximum(&(c.t() * 0.5)).compute(),
        ),
        (
            "(c.clone() * 3 - 1.5).compute()",
            (c.clone() * 3 - 1.5).compute(),
        ),
        (
            "c.exp().ln().rechunk(\"1 KB\").compute()",
            c.exp().ln().rechunk("1 KB").compute(),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(value_in(&mut ft, src), want.text_plain(), "{src}");
    }
    let a32 = a.mapv(|v| v as f32);
    value_in(&mut ft, "let b: Array2<f32> = a.mapv(|v| v as f32);\n0");
    assert_eq!(
        value_in(&mut ft, "Chunked::from_array(&b, 5).sum().compute_scalar()"),
        format!("{:?}", Chunked::from_array(&a32, 5).sum().compute_scalar())
    );
}

#[test]
fn library_errors_are_panics_with_the_library_text() {
    let mut ft = FastTier::new();
    let want =
        std::panic::catch_unwind(|| Chunked::zeros((10, 10), "64 parsecs").compute()).unwrap_err();
    let want = want.downcast_ref::<String>().unwrap().clone();
    assert_eq!(
        panic_in(
            &mut ft,
            "Chunked::zeros((10, 10), \"64 parsecs\").compute()"
        ),
        want
    );
    let want =
        std::panic::catch_unwind(|| (Chunked::ones((3, 4), 2) + Chunked::ones(5, 2)).compute())
            .unwrap_err();
    let want = want.downcast_ref::<String>().unwrap().clone();
    assert!(want.contains("(3,4) (5,)"), "{want}");
    assert_eq!(
        panic_in(
            &mut ft,
            "(Chunked::ones((3, 4), 2) + Chunked::ones(5, 2)).compute()"
        ),
        want
    );
    // the kernel goes on
    assert_eq!(
        value_in(&mut ft, "Chunked::ones((3, 4), 2).sum().compute_scalar()"),
        "12.0"
    );
    let m = panic_in(&mut ft, "let z = Chunked::ones((3, 4), 2).compute();\nlet w = z.into_dimensionality::<Ix1>().unwrap();\nw.len()");
    assert_eq!(m, "called `Result::unwrap()` on an `Err` value: ShapeError/IncompatibleShape: incompatible shapes");
}

/// Defines a fn natively (the reference) and as source text for the fast tier from the same tokens,
/// so the two cannot drift apart.
macro_rules! jit_and_native {
    ($src:ident, $f:item) => {
        const $src: &str = stringify!($f);
        $f
    };
}

jit_and_native!(
    SMOOTH,
    fn smooth(b: ArrayViewD<'_, f64>) -> ArrayD<f64> {
        let b = b.into_dimensionality::<Ix2>().unwrap();
        let mut out = b.to_owned();
        let (n, m) = b.dim();
        for i in 1..n - 1 {
            for j in 1..m - 1 {
                out[[i, j]] =
                    (b[[i, j]] + b[[i - 1, j]] + b[[i + 1, j]] + b[[i, j - 1]] + b[[i, j + 1]])
                        / 5.0;
            }
        }
        out.into_dyn()
    }
);

jit_and_native!(
    SQ,
    fn sq(x: f64) -> f64 {
        x * x + 1.0
    }
);

#[test]
fn map_blocks_runs_a_jit_fn_on_the_workers() {
    let mut ft = FastTier::new();
    run_in(&mut ft, SMOOTH).0.unwrap();
    let want = Chunked::random((400, 300), (100, 100), 7)
        .map_blocks(smooth)
        .compute();
    let got = value_in(&mut ft, "let field = Chunked::random((400, 300), (100, 100), 7);\nlet s = field.map_blocks(smooth);\nlet r = s.compute();\nr.sum()");
    assert_eq!(got, format!("{:?}", want.sum()));
    assert_eq!(
        value_in(&mut ft, "r[[150, 151]]"),
        format!("{:?}", want[[150, 151]])
    );
    // a lazy graph holding the fn, computed in a later cell
    assert_eq!(
        value_in(&mut ft, "s.max().compute_scalar()"),
        format!(
            "{:?}",
            Chunked::random((400, 300), (100, 100), 7)
                .map_blocks(smooth)
                .max()
                .compute_scalar()
        )
    );
    run_in(&mut ft, SQ).0.unwrap();
    assert_eq!(
        value_in(&mut ft, "field.mapv(sq).sum().compute_scalar()"),
        format!(
            "{:?}",
            Chunked::random((400, 300), (100, 100), 7)
                .mapv(sq)
                .sum()
                .compute_scalar()
        )
    );
}

#[test]
fn a_panic_in_a_map_blocks_fn_is_the_cells_panic() {
    let mut ft = FastTier::new();
    let src = "fn picky(b: ArrayViewD<'_, f64>) -> ArrayD<f64> {\n    let b = b.into_dimensionality::<Ix2>().unwrap();\n    if b[[0, 0]] > 0.99 {\n        panic!(\"block starts with {}\", b.nrows());\n    }\n    b.to_owned().into_dyn()\n}";
    run_in(&mut ft, src).0.unwrap();
    let (r, _) = run_in(
        &mut ft,
        "Chunked::full((100, 100), 1.0, (10, 50)).map_blocks(picky).sum().compute_scalar()",
    );
    match r {
        Err(Failure::Panic { message, line }) => {
            assert_eq!(message, "block starts with 10");
            assert_eq!(line, 4);
        }
        other => panic!("{other:?}"),
    }
    // out-of-bounds in the fn, then the kernel goes on
    run_in(&mut ft, "fn oob(b: ArrayViewD<'_, f64>) -> ArrayD<f64> {\n    let b = b.into_dimensionality::<Ix2>().unwrap();\n    let x = b[[0, 99]];\n    let mut o = b.to_owned();\n    o[[0, 0]] += x;\n    o.into_dyn()\n}").0.unwrap();
    assert_eq!(
        panic_in(
            &mut ft,
            "Chunked::zeros((20, 20), 10).map_blocks(oob).compute()"
        ),
        "ndarray: index out of bounds"
    );
    assert_eq!(
        value_in(
            &mut ft,
            "Chunked::full((100, 100), 0.5, (10, 50)).map_blocks(picky).sum().compute_scalar()"
        ),
        "5000.0"
    );
}

#[test]
fn interrupt_stops_a_long_compute() {
    let mut ft = FastTier::new();
    let flag = ft.interrupt_flag();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(400));
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let start = std::time::Instant::now();
    let (r, _) = run_in(
        &mut ft,
        "Chunked::random((40000, 40000), (1000, 1000), 1).sum().compute_scalar()",
    );
    t.join().unwrap();
    assert!(matches!(r, Err(Failure::Interrupted)), "{r:?}");
    assert!(start.elapsed().as_secs_f64() < 8.0, "{:?}", start.elapsed());
    assert_eq!(value_in(&mut ft, "1 + 1"), "2");
}

#[derive(Default)]
struct Progress(std::sync::Mutex<Vec<(f64, bool)>>);
impl Output for Progress {
    fn stdout(&self, _: &str) {}
    fn stderr(&self, _: &str) {}
    fn progress(&self, f: f64, _: std::time::Duration, done: bool) {
        self.0.lock().unwrap().push((f, done));
    }
}

#[test]
fn a_long_compute_reports_progress() {
    let mut ft = FastTier::new();
    let p = Progress::default();
    // Without a delay the library reports at the start of every compute (0%), however fast this
    // machine is: a compute of 576 M normal numbers took 1.3 s on one machine and < 1 s (the
    // default delay: no report at all) on the next. Only this test's `Output` records progress.
    std::env::set_var("ACCEL_PROGRESS_DELAY_MS", "0");
    ft.run_cell(
        "Chunked::random_normal(0.0, 1.0, (12000, 12000), (1000, 1000), 3).sum().compute_scalar()",
        &JitOptions::default(),
        &p,
    )
    .unwrap();
    let got = p.0.lock().unwrap().clone();
    assert!(got.len() >= 2, "{got:?}");
    assert_eq!(*got.last().unwrap(), (1.0, true));
    assert!(got[..got.len() - 1].iter().all(|(f, d)| !d && *f < 1.0));
}

#[test]
fn refusals_are_precise() {
    let mut ft = FastTier::new();
    let r = refusal(
        &mut ft,
        "let c = Chunked::ones((4, 4), 2);\nc.map_blocks(|b| b.to_owned()).compute()",
    );
    assert!(r.contains("closure passed to `map_blocks`"), "{r}");
    assert!(r.contains("%%rust"), "{r}");
    let r = refusal(
        &mut ft,
        "let c = Chunked::ones((4, 4), 2);\nprintln!(\"{:?}\", c);",
    );
    assert!(r.contains("`Chunked` doesn't implement `Debug`"), "{r}");
    let r = refusal(&mut ft, "let c = Chunked::ones((4, 4), 2);\nlet d = 2 * c;");
    assert!(r.contains("cannot multiply"), "{r}");
    let r = refusal(
        &mut ft,
        "let c = Chunked::ones((4, 4), 2);\nlet d = c + 1.0;\nc.sum()",
    );
    assert!(r.contains("moved"), "{r}");
}

#[test]
fn chunk_specs_as_vec_literals_and_byte_budgets() {
    let mut ft = FastTier::new();
    // `vec![a, b]` is one length per axis (the library's `Vec<usize>`), ragged last chunks kept
    let want = Chunked::random_normal(0.0, 1.0, (10, 7), vec![3, 4], 5);
    let src = "let n = 3;\nlet c = Chunked::random_normal(0.0, 1.0, (10, 7), vec![n, n + 1], 5);\nc.sum_axis(Axis(1)).compute()";
    assert_eq!(
        value_in(&mut ft, src),
        want.sum_axis(Axis(1)).compute().text_plain()
    );
    assert_eq!(
        value_in(&mut ft, "c.rechunk(vec![5, 7]).max().compute_scalar()"),
        format!("{:?}", want.rechunk(vec![5, 7]).max().compute_scalar())
    );
    // a byte budget picks the chunk shape as the library does ("64 MB" of f64 in one chunk here)
    let want = Chunked::ones((300, 200), "64 MB").mean().compute_scalar();
    assert_eq!(
        value_in(
            &mut ft,
            "Chunked::ones((300, 200), \"64 MB\").mean().compute_scalar()"
        ),
        format!("{want:?}")
    );
    // `vec![n; k]`, Vec variables (moved into the call), `&[usize]`, explicit lengths per axis
    let chunks_of = |src: &str, ft: &mut FastTier| value_in(ft, &format!("{src}\nc.chunks()"));
    assert_eq!(
        chunks_of("let c = Chunked::ones((4, 5), vec![2; 2]);", &mut ft),
        format!("{:?}", Chunked::ones((4, 5), vec![2; 2]).chunks())
    );
    let src = "let cs = vec![3, 2];\nlet c = Chunked::ones((4, 5), cs);";
    assert_eq!(
        chunks_of(src, &mut ft),
        format!("{:?}", Chunked::ones((4, 5), vec![3, 2]).chunks())
    );
    let src = "let cs: Vec<usize> = vec![4, 4];\nlet c = Chunked::ones((4, 5), &cs[..]);";
    assert_eq!(
        chunks_of(src, &mut ft),
        format!("{:?}", Chunked::ones((4, 5), &[4usize, 4][..]).chunks())
    );
    let src = "let rows = vec![vec![1, 3], vec![2, 2, 1]];\nlet c = Chunked::ones((4, 5), rows);";
    assert_eq!(chunks_of(src, &mut ft), "[[1, 3], [2, 2, 1]]");
    let src = "let c = Chunked::ones((4, 5), vec![vec![1, 3], vec![5]]);";
    assert_eq!(chunks_of(src, &mut ft), "[[1, 3], [5]]");
    // a bad explicit spec is the library's error, as in the rustc tier
    let want = Chunked::ones((4, 5), vec![vec![1, 2], vec![5]])
        .error()
        .unwrap()
        .to_string();
    assert_eq!(
        panic_in(
            &mut ft,
            "Chunked::ones((4, 5), vec![vec![1, 2], vec![5]]).compute()"
        ),
        want
    );
    // a Vec passed by value is moved, as in rustc
    let r = refusal(
        &mut ft,
        "let cs = vec![2, 2];\nlet c = Chunked::ones((4, 4), cs);\ncs.len()",
    );
    assert!(r.contains("moved"), "{r}");
    let r = refusal(
        &mut ft,
        "let cs = vec![2, 2];\nlet c = Chunked::ones((4, 4), &cs);",
    );
    assert!(r.contains("IntoChunks"), "{r}");
}

#[test]
fn chunk_layout_and_visualize_agree_with_the_library() {
    let mut ft = FastTier::new();
    let lib = Chunked::random((1000, 700), (300, 250), 7).sum_axis(Axis(0));
    value_in(
        &mut ft,
        "let c = Chunked::random((1000, 700), (300, 250), 7);\nlet s = c.sum_axis(Axis(0));\n0",
    );
    let c = Chunked::random((1000, 700), (300, 250), 7);
    assert_eq!(value_in(&mut ft, "c.chunks()"), format!("{:?}", c.chunks()));
    assert_eq!(
        value_in(
            &mut ft,
            "(c.chunks().len(), c.chunks()[1][2], c.chunks()[0].len())"
        ),
        "(2, 200, 4)"
    );
    assert_eq!(
        value_in(&mut ft, "c.chunksize()"),
        format!("{:?}", c.chunksize())
    );
    assert_eq!(
        value_in(&mut ft, "c.nbytes() + s.nbytes()"),
        format!("{}", c.nbytes() + lib.nbytes())
    );
    let (_, out) = run_in(
        &mut ft,
        "for r in c.chunks() {\n    println!(\"{:?} {}\", r, r.iter().sum::<usize>());\n}",
    );
    assert_eq!(out, "[300, 300, 300, 100] 1000\n[250, 250, 200] 700\n");
    // visualize(): the library's SVG, shown as the rustc tier shows it (text/plain + text/html)
    let v = ft
        .run_cell("s.visualize()", &JitOptions::default(), &Cap::default())
        .unwrap()
        .unwrap();
    let svg = lib.visualize();
    assert_eq!(v.text, svg.text_plain());
    assert_eq!(v.html, svg.text_html());
    assert!(v.html.as_deref().unwrap().starts_with("<svg"));
    let v = ft
        .run_cell(
            "let g = c.t().visualize();\ng",
            &JitOptions::default(),
            &Cap::default(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(v.html, c.t().visualize().text_html());
}

#[test]
fn concatenate_and_stack_agree_with_the_library() {
    let mut ft = FastTier::new();
    let a = Chunked::random((6, 5), (4, 2), 1);
    let b = Chunked::random((3, 5), (2, 5), 2);
    value_in(&mut ft, "let a = Chunked::random((6, 5), (4, 2), 1);\nlet b = Chunked::random((3, 5), (2, 5), 2);\n0");
    let cat = Chunked::concatenate(&[a.clone(), b.clone(), a.clone()], Axis(0));
    let got = value_in(
        &mut ft,
        "let k = Chunked::concatenate(&[a.clone(), b.clone(), a.clone()], Axis(0));\nk.chunks()",
    );
    assert_eq!(got, format!("{:?}", cat.chunks()));
    assert_eq!(
        value_in(&mut ft, "k.task_count()"),
        cat.task_count().to_string()
    );
    assert_eq!(value_in(&mut ft, "k.compute()"), cat.compute().text_plain());
    let st = Chunked::stack(&[a.clone(), a.clone() * 2.0], Axis(1));
    assert_eq!(
        value_in(
            &mut ft,
            "let st = Chunked::stack(&[a.clone(), a.clone() * 2.0], Axis(1));\nst.shape()[1]"
        ),
        "2"
    );
    assert_eq!(value_in(&mut ft, "st.compute()"), st.compute().text_plain());
    // the stacked array has one axis more: its result indexes as 3-d through into_dimensionality
    assert_eq!(
        value_in(&mut ft, "st.sum_axis(Axis(2)).compute()[[4, 1]]"),
        format!("{:?}", st.sum_axis(Axis(2)).compute()[[4, 1]])
    );
    // errors are the library's panics; the operands move into the call as in rustc
    let want = Chunked::stack(&[a.clone(), b.clone()], Axis(0))
        .error()
        .unwrap()
        .to_string();
    assert_eq!(
        panic_in(
            &mut ft,
            "Chunked::stack(&[a.clone(), b.clone()], Axis(0)).compute()"
        ),
        want
    );
    let r = refusal(
        &mut ft,
        "let k2 = Chunked::concatenate(&[a, b], Axis(1));\na.sum()",
    );
    assert!(r.contains("moved"), "{r}");
    let r = refusal(&mut ft, "let v = 3;\nChunked::concatenate(&[v], Axis(0))");
    assert!(r.contains("expected `Chunked`"), "{r}");
}

#[test]
fn var_std_mean_over_an_empty_axis_are_nan() {
    let mut ft = FastTier::new();
    let got = value_in(&mut ft, "let z = Chunked::zeros((0, 3), 2);\n(z.var_axis(Axis(0), 0.0).compute()[[1]], z.mean().compute_scalar(), z.std(1.0).compute_scalar(), z.sum_axis(Axis(0)).compute()[[2]])");
    assert_eq!(got, "(NaN, NaN, NaN, 0.0)");
    let want = Chunked::zeros((0, 3), 2)
        .max_axis(Axis(0))
        .error()
        .unwrap()
        .to_string();
    assert_eq!(
        panic_in(
            &mut ft,
            "Chunked::zeros((0, 3), 2).max_axis(Axis(0)).compute()"
        ),
        want
    );
}

#[test]
fn arithmetic_on_computed_arrays_is_ndarrays() {
    let mut ft = FastTier::new();
    let y = Chunked::random((3, 4), 2, 1).compute();
    let y1 = Chunked::random(4, 2, 5).compute();
    let z = Chunked::random((3, 4), 2, 1).sum().compute();
    value_in(&mut ft, "let y = Chunked::random((3, 4), 2, 1).compute();\nlet y1 = Chunked::random(4, 2, 5).compute();\nlet z = Chunked::random((3, 4), 2, 1).sum().compute();\n0");
    let a2 = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64);
    let cases: Vec<(&str, ArrayD<f64>)> = vec![
        ("&y * 2.0", &y * 2.0),
        ("2.0 - &y", 2.0 - &y),
        ("&y + &y", &y + &y),
        ("&y - &y1", &y - &y1),
        ("&y1 / &y", &y1 / &y),
        ("y1.clone() * 3.0 + 1.0", y1.clone() * 3.0 + 1.0),
        ("&z + &y", &z + &y),
        ("&y * &a2", &y * &a2),
    ];
    value_in(&mut ft, "let a2: Array2<f64> = Array2::from_shape_vec((3, 4), (0..12).map(|v| v as f64).collect()).unwrap();\n0");
    for (src, want) in cases {
        assert_eq!(value_in(&mut ft, src), want.text_plain(), "{src}");
    }
    // the result keeps what typeck knows of the axes (2-d here): it indexes and reduces
    assert_eq!(
        value_in(&mut ft, "(&y / 3.0)[[1, 2]]"),
        format!("{:?}", (&y / 3.0)[[1, 2]])
    );
    assert_eq!(
        value_in(&mut ft, "(&y - &y1).sum_axis(Axis(0))"),
        (&y - &y1).sum_axis(Axis(0)).text_plain()
    );
    // an owned operand is consumed, as by ndarray's operators; shapes that do not broadcast panic alike
    let r = refusal(&mut ft, "let w = y1.clone();\nlet v = w * 2.0;\nw.len()");
    assert!(r.contains("moved"), "{r}");
    let bad = Chunked::random(5, 2, 1).compute();
    let want = std::panic::catch_unwind(|| &y + &bad).unwrap_err();
    let want = want
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| want.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert_eq!(
        panic_in(
            &mut ft,
            "let bad = Chunked::random(5, 2, 1).compute();\n&y + &bad"
        ),
        want
    );
    let r = refusal(&mut ft, "let mut q = y.clone();\nq += 1.0;");
    assert!(
        r.contains("`+=` on an `ArrayD`") && r.contains("%%rust"),
        "{r}"
    );
}

/// The `chunked_layout` case of tests/test_tiers_agree.py and the lesson's cell (their fast-tier
/// side; the Python suite compares them with the rustc tier): they must run.
#[test]
fn the_python_suites_cells_run() {
    let mut ft = FastTier::new();
    let agree = include_str!("../../tests/test_tiers_agree.py");
    let case = agree
        .split("CHUNKED_LAYOUT = \"\"\"")
        .nth(1)
        .unwrap()
        .split("\"\"\"")
        .next()
        .unwrap();
    let (r, out) = run_in(&mut ft, case);
    let v = r.unwrap().unwrap();
    assert!(v.html.as_deref().unwrap().starts_with("<svg"), "{v:?}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "[[64, 64, 64, 64, 44, 50, 50], [100, 100]] [64, 100] 640000 [2, 100, 200]"
    );
    assert!(
        lines[2].starts_with("[NaN, NaN, NaN, NaN], shape=[4]"),
        "{out}"
    );
    let nb = include_str!("../../tests/nb_03_chunked.py");
    let cell = nb
        .split("%%jit\nlet rows = ")
        .nth(1)
        .unwrap()
        .split("\"\"\"")
        .next()
        .unwrap();
    run_in(&mut ft, "let xj = Chunked::random_normal(10.0, 0.1, (20000, 20000), (1000, 1000), 42);\nlet yj = xj.mean_axis(Axis(0)).slice(s![..2000;100]).compute();").0.unwrap();
    let (r, out) = run_in(&mut ft, &format!("let rows = {cell}"));
    r.unwrap();
    assert!(
        out.starts_with("shape [2, 2000, 20000], chunks [[1, 1], [500, 1500], [20000]], 610 MB\n"),
        "{out}"
    );
}

#[test]
fn map_overlap_gives_a_jit_fn_blocks_with_halos() {
    let mut ft = FastTier::new();
    run_in(&mut ft, SMOOTH).0.unwrap();
    let field = Chunked::random((200, 150), (50, 60), 11);
    let whole = Chunked::from_array(&field.compute(), (200, 150))
        .map_blocks(smooth)
        .compute();
    let want = field
        .map_overlap(&[1, 1], Boundary::Constant(0.0), smooth)
        .compute();
    let got = value_in(&mut ft, "let field = Chunked::random((200, 150), (50, 60), 11);\nlet sm = field.map_overlap(&[1, 1], Boundary::Constant(0.0), smooth);\nlet r = sm.compute();\nr.sum()");
    assert_eq!(got, format!("{:?}", want.sum()));
    // with halos the interior equals the stencil over the whole array (a block edge is no edge)
    assert_eq!(
        value_in(&mut ft, "r[[49, 60]]"),
        format!("{:?}", whole[[49, 60]])
    );
    assert_eq!(
        value_in(&mut ft, "r[[50, 59]]"),
        format!("{:?}", whole[[50, 59]])
    );
    let none = field.map_overlap(&[2, 0], Boundary::None, smooth).compute();
    assert_eq!(
        value_in(
            &mut ft,
            "field.map_overlap(&[2, 0], Boundary::None, smooth).compute()"
        ),
        none.text_plain()
    );
    let want = field
        .map_overlap(&[1], Boundary::None, smooth)
        .error()
        .unwrap()
        .to_string();
    assert_eq!(
        panic_in(
            &mut ft,
            "field.map_overlap(&[1], Boundary::None, smooth).compute()"
        ),
        want
    );
    let r = refusal(
        &mut ft,
        "let d = [1, 1];\nfield.map_overlap(&d, Boundary::None, smooth)",
    );
    assert!(r.contains("depth argument"), "{r}");
}
