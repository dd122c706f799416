//! `.npy` reading and writing, including the files that must be refused.

use accel::prelude::*;
use std::path::PathBuf;

fn fx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn reads_numpy_dtypes() {
    let f = read_npy::<f32>(fx("f4.npy")).unwrap();
    assert_eq!(f.shape(), &[2, 3]);
    assert_eq!(f[[1, 2]], 1.25);
    assert_eq!(
        read_npy::<i32>(fx("i4.npy")).unwrap(),
        array![-3, -2, -1, 0, 1, 2].into_dyn()
    );
    assert_eq!(
        read_npy::<u8>(fx("u1.npy")).unwrap(),
        array![0u8, 1, 2, 3, 4].into_dyn()
    );
    assert_eq!(
        read_npy::<bool>(fx("bool.npy")).unwrap(),
        array![true, false, true].into_dyn()
    );
    let fo = read_npy::<f64>(fx("fortran.npy")).unwrap();
    assert_eq!(fo, array![[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]].into_dyn());
}

#[test]
fn wrong_dtype_and_corrupt_files_are_errors_naming_the_file() {
    let e = read_npy::<f64>(fx("f4.npy")).unwrap_err().to_string();
    assert!(
        e.contains("f4.npy") && e.contains("'<f4'") && e.contains("float64"),
        "{e}"
    );
    let e = read_npy::<f64>(fx("big_endian.npy"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("big_endian.npy") && e.contains(">f8"), "{e}");
    let dir = std::env::temp_dir().join(format!("accel-npy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("garbage.npy");
    std::fs::write(&bad, b"hello world, not numpy").unwrap();
    let e = read_npy::<f64>(&bad).unwrap_err().to_string();
    assert!(e.contains("garbage.npy") && e.contains("magic"), "{e}");
    // a valid header whose data was cut short
    let good = std::fs::read(fx("a.npy")).unwrap();
    let cut = dir.join("cut.npy");
    std::fs::write(&cut, &good[..good.len() - 20]).unwrap();
    let e = read_npy::<f64>(&cut).unwrap_err().to_string();
    assert!(e.contains("cut.npy") && e.contains("truncated"), "{e}");
    let e = read_npy::<f64>(dir.join("missing.npy"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.npy"), "{e}");
    let e = Chunked::from_npy(&cut, (2, 2))
        .try_compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("cut.npy") && e.contains("truncated"), "{e}");
}

#[test]
fn write_then_read_round_trips_and_numpy_layout_is_exact() {
    let dir = std::env::temp_dir().join(format!("accel-npy-w-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = read_npy::<f64>(fx("a.npy")).unwrap();
    let p = dir.join("a.npy");
    write_npy(&p, &a).unwrap();
    // same bytes as numpy wrote (header layout and padding included)
    assert_eq!(
        std::fs::read(&p).unwrap(),
        std::fs::read(fx("a.npy")).unwrap()
    );
    let t = a.t().to_owned();
    write_npy(&p, &a.t()).unwrap();
    assert_eq!(read_npy::<f64>(&p).unwrap(), t);
    let i = array![[1i32, -2], [3, 4]];
    write_npy(&p, &i).unwrap();
    assert_eq!(read_npy::<i32>(&p).unwrap(), i.into_dyn());
}
