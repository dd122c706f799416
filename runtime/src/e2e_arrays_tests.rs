//! End-to-end tests of the accel prelude's dense arrays in the fast tier.

use crate::api::*;
use crate::FastTier;

use crate::e2e_support::{panic_in as panic_msg, run_in as run, value_in as value, Cap};

fn out(ft: &mut FastTier, src: &str) -> String {
    match run(ft, src) {
        (Ok(_), o) => o,
        (other, _) => panic!("{src}\n=> {other:?}"),
    }
}

fn refusal(ft: &mut FastTier, src: &str) -> String {
    match run(ft, src).0 {
        Err(Failure::Compile(d)) => d
            .iter()
            .map(|d| d.rendered.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("{src}\n=> expected a refusal, got {other:?}"),
    }
}

#[test]
fn create_and_display() {
    let mut ft = FastTier::new();
    assert_eq!(
        value(
            &mut ft,
            "use accel::prelude::*;\nlet a: Array2<f64> = Array2::zeros((2, 3));\na"
        ),
        "array([[0., 0., 0.],\n       [0., 0., 0.]])"
    );
    assert_eq!(
        value(&mut ft, "array![[1., 2.], [3., 4.]]"),
        "array([[1., 2.],\n       [3., 4.]])"
    );
    assert_eq!(
        value(&mut ft, "Array::range(0., 3., 1.)"),
        "array([0., 1., 2.])"
    );
    assert_eq!(
        value(&mut ft, "Array1::<i32>::ones(3)"),
        "array([1, 1, 1], dtype=int32)"
    );
    assert_eq!(
        value(&mut ft, "Array2::<i64>::eye(2)"),
        "array([[1, 0],\n       [0, 1]])"
    );
    assert_eq!(
        value(&mut ft, "Array1::linspace(0., 1., 5)"),
        "array([0.  , 0.25, 0.5 , 0.75, 1.  ])"
    );
    assert_eq!(
        value(&mut ft, "Array2::from_elem((1, 2), 7i64)"),
        "array([[7, 7]])"
    );
    assert_eq!(
        value(
            &mut ft,
            "Array::from_shape_vec((2, 2), vec![1, 2, 3, 4]).unwrap()"
        ),
        "array([[1, 2],\n       [3, 4]], dtype=int32)"
    );
    let mut r = ft
        .run_cell("a", &JitOptions::default(), &Cap::default())
        .unwrap()
        .unwrap();
    assert!(r.html.take().unwrap().contains("float64"));
}

#[test]
fn element_access_and_workspace() {
    let mut ft = FastTier::new();
    out(&mut ft, "let mut a = Array2::<f64>::zeros((3, 4));\nfor i in 0..3 { for j in 0..4 { a[[i, j]] = (i * 10 + j) as f64; } }\na[[1, 2]] += 0.5;");
    assert_eq!(value(&mut ft, "a[[1, 2]]"), "12.5");
    assert_eq!(value(&mut ft, "a.shape()"), "[3, 4]");
    assert_eq!(
        value(&mut ft, "(a.nrows(), a.ncols(), a.len(), a.dim())"),
        "(3, 4, 12, (3, 4))"
    );
    out(&mut ft, "fn total(a: &Array2<f64>) -> f64 { let mut s = 0.0; for i in 0..a.nrows() { for j in 0..a.ncols() { s += a[[i, j]]; } } s }");
    assert_eq!(
        value(&mut ft, "total(&a)"),
        format!(
            "{:?}",
            (0..3)
                .flat_map(|i| (0..4).map(move |j| (i * 10 + j) as f64))
                .sum::<f64>()
                + 0.5
        )
    );
    out(&mut ft, "fn bump(v: &mut Array1<f64>) { for i in 0..v.len() { v[i] *= 2.0; } }\nlet mut v = array![1.0, 2.0];\nbump(&mut v);");
    assert_eq!(value(&mut ft, "v"), "array([2., 4.])");
    assert_eq!(
        panic_msg(&mut ft, "a[[3, 0]]"),
        "ndarray: index out of bounds"
    );
    assert_eq!(panic_msg(&mut ft, "v[2]"), "ndarray: index out of bounds");
}

#[test]
fn library_calls() {
    let mut ft = FastTier::new();
    out(&mut ft, "let a = array![[1., 2.], [3., 4.]];");
    assert_eq!(value(&mut ft, "a.sum()"), "10.0");
    assert_eq!(value(&mut ft, "a.mean().unwrap()"), "2.5");
    assert_eq!(value(&mut ft, "a.max().unwrap()"), "4.0");
    assert_eq!(value(&mut ft, "a.median().unwrap()"), "2.5");
    assert_eq!(value(&mut ft, "a.argmin().unwrap()"), "0");
    assert_eq!(value(&mut ft, "a.product()"), "24.0");
    assert_eq!(value(&mut ft, "a.std(0.)"), format!("{:?}", 1.25f64.sqrt()));
    assert_eq!(
        value(&mut ft, "a.dot(&a)"),
        "array([[ 7., 10.],\n       [15., 22.]])"
    );
    assert_eq!(
        value(&mut ft, "a.t()"),
        "array([[1., 3.],\n       [2., 4.]])"
    );
    assert_eq!(value(&mut ft, "a.diag()"), "array([1., 4.])");
    assert_eq!(value(&mut ft, "a.mapv(f64::sqrt)[[1, 1]]"), "2.0");
    assert_eq!(
        value(&mut ft, "a.mapv(|v| v as i64 * 2)"),
        "array([[2, 4],\n       [6, 8]])"
    );
    assert_eq!(
        value(&mut ft, "&a + 1.0"),
        "array([[2., 3.],\n       [4., 5.]])"
    );
    assert_eq!(
        value(&mut ft, "2.0 * &a - &a"),
        "array([[1., 2.],\n       [3., 4.]])"
    );
    assert_eq!(
        value(&mut ft, "&a + &array![10., 20.]"),
        "array([[11., 22.],\n       [13., 24.]])"
    );
    assert_eq!(value(&mut ft, "a.sum_axis(Axis(0))"), "array([4., 6.])");
    assert_eq!(
        value(&mut ft, "a.mean_axis(Axis(1)).unwrap()"),
        "array([1.5, 3.5])"
    );
    assert_eq!(
        value(&mut ft, "a.sqrt().sum()"),
        format!("{:?}", 1f64 + 2f64.sqrt() + 3f64.sqrt() + 2.0)
    );
    assert_eq!(
        out(&mut ft, "println!(\"{:?}\", a); println!(\"{:.1}\", a);"),
        format!(
            "{:?}\n{:.1}\n",
            ndarray::array![[1., 2.], [3., 4.]],
            ndarray::array![[1., 2.], [3., 4.]]
        )
    );
    out(
        &mut ft,
        "let mut b = a.clone();\nb += &a;\nb *= 2.0;\nb.mapv_inplace(|x| x + 1.0);",
    );
    assert_eq!(
        value(&mut ft, "b"),
        "array([[ 5.,  9.],\n       [13., 17.]])"
    );
}

#[test]
fn random_like_rustc_tier() {
    let mut ft = FastTier::new();
    let mut g = accel::random::default_rng(42);
    let want = g.normal(0.0, 1.0, (2, 3));
    let u = g.random(4);
    out(&mut ft, "let mut rng = accel::random::default_rng(42);\nlet x = rng.normal(0.0, 1.0, (2, 3));\nlet u = rng.random(4);");
    assert_eq!(value(&mut ft, "x"), accel::display::Repr::text_plain(&want));
    assert_eq!(value(&mut ft, "u"), accel::display::Repr::text_plain(&u));
    assert_eq!(value(&mut ft, "rng.integers(0, 10, 5).len()"), "5");
}

#[test]
fn library_errors_are_panics_with_the_library_text() {
    let mut ft = FastTier::new();
    out(&mut ft, "let a = Array2::<f64>::zeros((3, 4));\nlet b = Array1::<f64>::zeros(5);\nlet e = Array1::<f64>::zeros(0);");
    let m = panic_msg(&mut ft, "&a + &b");
    let want = std::panic::catch_unwind(|| {
        let (a, b) = (
            ndarray::Array2::<f64>::zeros((3, 4)),
            ndarray::Array1::<f64>::zeros(5),
        );
        let _ = &a + &b;
    })
    .unwrap_err();
    assert_eq!(
        m,
        *want
            .downcast_ref::<String>()
            .map(|s| s.as_str())
            .or(want.downcast_ref::<&str>().copied())
            .unwrap()
    );
    assert_eq!(
        panic_msg(&mut ft, "e.max().unwrap()"),
        format!(
            "called `Result::unwrap()` on an `Err` value: {:?}",
            accel::prelude::Reductions::max(&ndarray::Array1::<f64>::zeros(0)).unwrap_err()
        )
    );
    assert_eq!(
        panic_msg(&mut ft, "e.mean().unwrap()"),
        "called `Option::unwrap()` on a `None` value"
    );
    assert!(panic_msg(
        &mut ft,
        "Array::from_shape_vec((2, 2), vec![1., 2.]).unwrap()"
    )
    .starts_with("called `Result::unwrap()` on an `Err` value: ShapeError"));
    for cell in [
        "Array2::<f64>::zeros((1 << 40, 1 << 40))",
        "Array2::<f64>::ones((1 << 40, 1 << 40))",
        "Array2::from_elem((1 << 40, 1 << 40), 1i32)",
        "Array2::<f64>::eye(1 << 40)",
    ] {
        let m = panic_msg(&mut ft, cell);
        assert!(m.starts_with("Unable to allocate"), "{cell}: {m}");
    }
    // the kernel and the variables survive
    assert_eq!(value(&mut ft, "a.len()"), "12");
}

#[test]
fn refusals() {
    let mut ft = FastTier::new();
    out(&mut ft, "let a = Array2::<i32>::zeros((2, 2));");
    let r = refusal(&mut ft, "&a + 1.5");
    assert!(
        r.contains("cannot add `f64` to `&Array2<i32>`") || r.contains("cannot add"),
        "{r}"
    );
    let r = refusal(&mut ft, "a.max()");
    assert!(r.contains("unwrap"), "{r}");
    let r = refusal(&mut ft, "a[[1]]");
    assert!(
        r.contains("the index has 1 component but the array has 2 dimensions"),
        "{r}"
    );
    let r = refusal(&mut ft, "let u = Array1::<u8>::zeros(3);");
    assert!(r.contains("arrays of `u8`"), "{r}");
    let r = refusal(&mut ft, "a[[0, 0]] = 1;");
    assert!(r.contains("not declared as mutable"), "{r}");
    let r = refusal(&mut ft, "let b = a;\nlet c = a;");
    assert!(r.contains("moved") || r.contains("E0382"), "{r}");
}

const FUNC_NORMAL: &str = "fn func_normal(a: &Array2<i32>) -> Array2<f64> {
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
let ai = Array::from_shape_vec((10, 10), (0..100).collect::<Vec<i32>>()).unwrap();";

#[test]
fn func_normal_timeit_and_annotate() {
    let mut ft = FastTier::new();
    out(&mut ft, FUNC_NORMAL);
    let v = value(&mut ft, "func_normal(&ai)[[9, 9]]");
    // numpy: func_numba(np.arange(100, dtype=np.int32).reshape(10, 10))[9, 9]
    assert!(v.starts_with("99.0"), "{v}");
    let t = ft
        .timeit("", "func_normal(&ai)", Some(50), 2, &Cap::default())
        .unwrap();
    assert_eq!((t.number, t.runs.len()), (50, 2));
    let a = ft.annotate("func_normal").unwrap();
    let line = a.text.lines().find(|l| l.contains("a[[i, i]]")).unwrap();
    assert!(line.contains("1 bounds check(s)"), "{}", a.text);
    let line = a.text.lines().find(|l| l.contains("a.mapv(")).unwrap();
    assert!(line.contains("allocation(s)"), "{}", a.text);
    // --boundscheck off drops ndarray's check
    let opts = JitOptions {
        boundscheck: false,
        ..JitOptions::default()
    };
    ft.run_cell(
        "fn at(a: &Array2<i32>, i: usize) -> i32 { a[[i, i]] }",
        &opts,
        &Cap::default(),
    )
    .unwrap();
    let t = ft.annotate("at").unwrap().text;
    assert!(
        !t.lines()
            .find(|l| l.contains("a[[i, i]]"))
            .unwrap()
            .contains("bounds check(s)"),
        "{t}"
    );
}

#[test]
fn header_loads_are_marked_hoistable() {
    // The data pointer, dims and strides are loaded `readonly` (+ `can_move`), which makes them
    // pure for Cranelift's egraph: hoisted out of the loop and merged, not reloaded per access.
    let mut ft = FastTier::new();
    let cap = Cap::default();
    let opts = JitOptions {
        dump: Some(Dump::Ir),
        ..JitOptions::default()
    };
    ft.run_cell("fn tr(a: &Array2<f64>) -> f64 { let mut s = 0.0; for i in 0..a.nrows() { s += a[[i, i]]; } s }", &opts, &cap).unwrap();
    let ir = cap.out.lock().unwrap().clone();
    let loads_readonly = ir.matches("readonly").count();
    assert!(loads_readonly >= 4, "{ir}");
    assert_eq!(value(&mut ft, "tr(&Array2::<f64>::eye(4))"), "4.0");
}

/// ndarray has no ordering operators on arrays: rustc's E0369, not a fast-tier gap.
#[test]
fn array_ordering_is_rustcs_e0369() {
    let mut ft = FastTier::new();
    out(&mut ft, "let a = array![0.25, 0.75, 1.5];");
    for (src, op) in [("a > 0.5", ">"), ("&a <= 0.5", "<="), ("&a < &a", "<")] {
        let r = refusal(&mut ft, src);
        assert!(
            r.starts_with(&format!(
                "error[E0369]: binary operation `{op}` cannot be applied to type `"
            )),
            "{src}: {r}"
        );
        assert!(r.contains("mapv"), "{src}: {r}");
    }
}
