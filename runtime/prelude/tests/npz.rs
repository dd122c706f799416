//! `.npz` archives: numpy's own `savez`/`savez_compressed` files read back, ours read by the same
//! reader (and by numpy: `fixtures/make_fixtures.py` wrote the inputs; the round trip is checked
//! byte-for-byte on the members), and bad archives refused with errors naming the file.

use accel::io::{read_npz, write_npz, NpzReader, NpzWriter};
use accel::prelude::*;
use std::path::PathBuf;

fn fx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("accel-npz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn reads_numpy_savez_with_mixed_dtypes() {
    let mut r = NpzReader::open(fx("plain.npz")).unwrap();
    assert_eq!(r.keys(), &["a", "ints", "flags"]);
    assert_eq!(
        r.read::<f64>("a").unwrap(),
        read_npy::<f64>(fx("a.npy")).unwrap()
    );
    assert_eq!(
        r.read::<i64>("ints").unwrap(),
        read_npy::<i64>(fx("ai.npy")).unwrap()
    );
    assert_eq!(
        r.read::<bool>("flags").unwrap(),
        array![true, false].into_dyn()
    );
    assert_eq!(r.header("ints").unwrap().shape, vec![3, 4]);
    // wrong dtype and missing key: errors naming the archive and member
    let e = r.read::<f64>("ints").unwrap_err().to_string();
    assert!(
        e.contains("plain.npz/ints.npy") && e.contains("'<i8'") && e.contains("float64"),
        "{e}"
    );
    let e = r.read::<f64>("nope").unwrap_err().to_string();
    assert!(
        e.contains("plain.npz") && e.contains("nope is not a file") && e.contains("a, ints, flags"),
        "{e}"
    );
}

#[test]
fn reads_numpy_savez_compressed() {
    let mut r = NpzReader::open(fx("compressed.npz")).unwrap();
    assert_eq!(r.keys(), &["a", "f4"]);
    assert_eq!(
        r.read::<f64>("a").unwrap(),
        read_npy::<f64>(fx("a.npy")).unwrap()
    );
    assert_eq!(
        r.read::<f32>("f4").unwrap(),
        read_npy::<f32>(fx("f4.npy")).unwrap()
    );
}

#[test]
fn write_then_read_round_trips_and_members_are_numpy_npy_bytes() {
    let a = read_npy::<f64>(fx("a.npy")).unwrap();
    let b = read_npy::<f64>(fx("b.npy")).unwrap();
    let p = scratch("two.npz");
    write_npz(&p, &[("a", a.view()), ("b", b.view())]).unwrap();
    let got = read_npz::<f64>(&p).unwrap();
    assert_eq!(
        got,
        vec![("a".to_string(), a.clone()), ("b".to_string(), b.clone())]
    );
    // mixed dtypes, compressed; each member is exactly the .npy numpy wrote for the same array
    let p2 = scratch("mixed.npz");
    let mut w = NpzWriter::create(&p2, true).unwrap();
    w.add("a", &a).unwrap();
    w.add("ints", &read_npy::<i64>(fx("ai.npy")).unwrap())
        .unwrap();
    w.finish().unwrap();
    let mut z = zip::ZipArchive::new(std::fs::File::open(&p2).unwrap()).unwrap();
    for (member, file) in [("a.npy", "a.npy"), ("ints.npy", "ai.npy")] {
        let mut bytes = vec![];
        std::io::Read::read_to_end(&mut z.by_name(member).unwrap(), &mut bytes).unwrap();
        assert_eq!(bytes, std::fs::read(fx(file)).unwrap(), "{member}");
        assert_eq!(
            z.by_name(member).unwrap().compression(),
            zip::CompressionMethod::Deflated
        );
    }
    assert!(read_npz::<f64>(&p2)
        .unwrap_err()
        .to_string()
        .contains("mixed.npz/ints.npy"));
}

#[test]
fn corrupt_archives_are_errors_naming_the_file() {
    let p = scratch("garbage.npz");
    std::fs::write(&p, b"this is not a zip archive at all").unwrap();
    let e = NpzReader::open(&p).err().unwrap().to_string();
    assert!(
        e.starts_with(&p.display().to_string()) && e.contains("not a .npz file"),
        "{e}"
    );
    // a real archive cut in half
    let whole = std::fs::read(fx("plain.npz")).unwrap();
    let cut = scratch("cut.npz");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let e = NpzReader::open(&cut).err().unwrap().to_string();
    assert!(e.contains("cut.npz"), "{e}");
    // a member that is not a .npy
    let odd = scratch("odd.npz");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&odd).unwrap());
    z.start_file("x.npy", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut z, b"hello").unwrap();
    z.finish().unwrap();
    let e = NpzReader::open(&odd)
        .unwrap()
        .read::<f64>("x")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("odd.npz/x.npy") && e.contains("not a .npy file"),
        "{e}"
    );
    let e = NpzReader::open(scratch("missing.npz"))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("missing.npz"), "{e}");
}
