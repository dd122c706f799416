//! The seed kernels (get_primes, do_sum, the 3×3 i8 smooth written with loops, Lennard-Jones)
//! as `%%jit` cells: value and stdout equal to what rustc computes from the same source
//! (compiled here with release semantics, never hard-coded).
//!     CARGO_TARGET_DIR=/work/target-difftest cargo test --release -p accel-runtime --test seed_kernels

mod common;
mod kernels;

use accel_runtime::{Failure, JitOptions};
use common::fast::{self, CellOutcome};
use common::rustc_ref::{self, RefCase, RefRun};
use std::sync::OnceLock;
use std::time::Duration;

/// rustc's results for every kernel, computed once per test binary.
fn reference() -> &'static Vec<RefRun> {
    static REF: OnceLock<Vec<RefRun>> = OnceLock::new();
    REF.get_or_init(|| {
        let cases: Vec<RefCase> = kernels::kernels()
            .iter()
            .map(|k| RefCase {
                cell: k.cell.clone(),
                main_line: kernels::main_line(&k.cell),
                trailing_expr: true,
            })
            .collect();
        let dir = common::scratch_dir("seed-kernels");
        rustc_ref::run_batch(&dir, "seed_kernels", &cases, Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("rustc: {e}"))
    })
}

fn check(name: &str, opts: &JitOptions) {
    let ks = kernels::kernels();
    let i = ks.iter().position(|k| k.name == name).expect("kernel");
    let r = &reference()[i];
    assert!(
        r.abnormal.is_none() && r.panic.is_none(),
        "rustc run of {name} failed: {r:?}"
    );
    let o = fast::run_one(&ks[i].cell, opts, Duration::from_secs(120));
    let CellOutcome::Ran { result, stdout, .. } = &o else {
        panic!("{name}: {}", o.describe())
    };
    match result {
        Ok(Some(v)) => {
            assert_eq!(
                Some(&v.text),
                r.value.as_ref(),
                "{name}: value differs from rustc's\n{}",
                o.describe()
            );
            assert_eq!(stdout, &r.stdout, "{name}: stdout differs from rustc's");
        }
        other => panic!(
            "{name}: expected a value {:?}, got {other:?}\n{}",
            r.value,
            o.describe()
        ),
    }
}

#[test]
fn get_primes_matches_rustc() {
    check("get_primes_100000", &JitOptions::default());
}

#[test]
fn do_sum_40000_matches_rustc() {
    check("do_sum_40000", &JitOptions::default());
}

#[test]
fn do_sum_10m_with_collect_matches_rustc() {
    check("do_sum_10M_collect", &JitOptions::default());
}

#[test]
fn smooth_varied_matches_rustc() {
    check("smooth_200x300_i8_varied", &JitOptions::default());
}

#[test]
fn smooth_2000x2000_matches_rustc() {
    check("smooth_2000x2000_i8", &JitOptions::default());
}

#[test]
fn lennard_jones_matches_rustc() {
    check("lj_potential_2000", &JitOptions::default());
}

/// `--fastmath` may reassociate the sum: equal to rustc's strict result within rounding, not bit for bit.
#[test]
fn do_sum_fastmath_close_to_rustc() {
    let ks = kernels::kernels();
    let i = ks
        .iter()
        .position(|k| k.name == "do_sum_10M_collect")
        .unwrap();
    let want: f64 = reference()[i]
        .value
        .as_ref()
        .expect("rustc value")
        .parse()
        .unwrap();
    let opts = JitOptions {
        fastmath: true,
        ..JitOptions::default()
    };
    let o = fast::run_one(&ks[i].cell, &opts, Duration::from_secs(120));
    let CellOutcome::Ran {
        result: Ok(Some(v)),
        ..
    } = &o
    else {
        panic!("fastmath do_sum: {}", o.describe())
    };
    let got: f64 = v
        .text
        .parse()
        .unwrap_or_else(|_| panic!("not an f64: {:?}", v.text));
    assert!(
        ((got - want) / want).abs() < 1e-12,
        "fastmath do_sum {got} vs strict rustc {want}"
    );
}

/// Fns persist across cells: the kernel defined in one cell, called from the next.
#[test]
fn kernel_defined_in_one_cell_called_from_the_next() {
    let cells = vec![
        kernels::GET_PRIMES.to_string(),
        "let p = get_primes(1000);\np.len()\n".to_string(),
    ];
    let want_cell = format!(
        "{}let p = get_primes(1000);\np.len()\n",
        kernels::GET_PRIMES
    );
    let dir = common::scratch_dir("seed-kernels-two-cells");
    let case = RefCase {
        main_line: kernels::main_line(&want_cell),
        cell: want_cell,
        trailing_expr: true,
    };
    let r = rustc_ref::run_batch(&dir, "two_cells", &[case], Duration::from_secs(60))
        .expect("rustc")
        .remove(0);
    let outs = fast::run_cells(&cells, &JitOptions::default(), Duration::from_secs(60));
    assert_eq!(
        outs.len(),
        2,
        "{:?}",
        outs.iter().map(|o| o.describe()).collect::<Vec<_>>()
    );
    match &outs[0] {
        CellOutcome::Ran {
            result: Ok(None), ..
        } => {}
        o => panic!("defining cell: {}", o.describe()),
    }
    match &outs[1] {
        CellOutcome::Ran {
            result: Ok(Some(v)),
            ..
        } => assert_eq!(Some(&v.text), r.value.as_ref()),
        CellOutcome::Ran {
            result: Err(Failure::Compile(d)),
            ..
        } => panic!("second cell refused: {d:?}"),
        o => panic!("calling cell: {}", o.describe()),
    }
}
