//! The `.npy` format (numpy's NEP 1): magic `\x93NUMPY`, version, a little-endian header length,
//! a Python-literal dict `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with
//! spaces to a multiple of 64 bytes, then the raw data. Written here (≈150 lines) instead of
//! depending on ndarray-npy, whose Python-literal parser pulls in a parser generator.
//!
//! Every error names the file.

use crate::dense::element::Element;
use crate::error::{ArrayError, Result};
use ndarray::{ArrayBase, ArrayD, Data, Dimension, IxDyn, ShapeBuilder};
use std::io::{Read, Write};
use std::path::Path;

#[derive(Clone, Debug, PartialEq)]
pub struct NpyHeader {
    pub descr: String,
    pub fortran_order: bool,
    pub shape: Vec<usize>,
    /// Byte offset of the data from the start of the file.
    pub data_offset: usize,
}

fn err(path: &Path, msg: impl Into<String>) -> ArrayError {
    ArrayError::Npy {
        path: path.display().to_string(),
        msg: msg.into(),
    }
}

impl NpyHeader {
    /// Parse the header at the start of `bytes` (which must hold at least the whole header).
    pub fn parse(bytes: &[u8], path: &Path) -> Result<NpyHeader> {
        if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
            return Err(err(path, "not a .npy file (missing \\x93NUMPY magic)"));
        }
        let major = bytes[6];
        let (hlen, start): (usize, usize) = match major {
            1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
            2 | 3 => {
                if bytes.len() < 12 {
                    return Err(err(path, "truncated .npy header"));
                }
                (
                    u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize,
                    12,
                )
            }
            v => return Err(err(path, format!("unsupported .npy format version {v}"))),
        };
        let end = start
            .checked_add(hlen)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| err(path, "truncated .npy header"))?;
        let text =
            std::str::from_utf8(&bytes[start..end]).map_err(|_| err(path, "header is not text"))?;
        let descr = dict_value(text, "descr")
            .and_then(|v| {
                v.strip_prefix('\'')
                    .and_then(|v| v.split('\'').next())
                    .map(str::to_string)
            })
            .ok_or_else(|| err(path, format!("header has no 'descr': {}", text.trim())))?;
        let fortran_order = match dict_value(text, "fortran_order") {
            Some(v) if v.starts_with("True") => true,
            Some(v) if v.starts_with("False") => false,
            _ => return Err(err(path, "header has no 'fortran_order'")),
        };
        let shape_txt = dict_value(text, "shape")
            .and_then(|v| v.strip_prefix('('))
            .and_then(|v| v.split(')').next())
            .ok_or_else(|| err(path, "header has no 'shape'"))?;
        let mut shape = Vec::new();
        for part in shape_txt
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            shape.push(
                part.trim_end_matches('L')
                    .parse::<usize>()
                    .map_err(|_| err(path, format!("bad shape entry {part:?}")))?,
            );
        }
        Ok(NpyHeader {
            descr,
            fortran_order,
            shape,
            data_offset: end,
        })
    }

    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Encode a version-1.0 header (version 2.0 if it does not fit in 65535 bytes).
    pub fn encode(descr: &str, fortran_order: bool, shape: &[usize]) -> Vec<u8> {
        let shape_txt = match shape.len() {
            1 => format!("({},)", shape[0]),
            _ => format!(
                "({})",
                shape
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let dict = format!(
            "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape_txt}, }}",
            if fortran_order { "True" } else { "False" }
        );
        let mut out = b"\x93NUMPY".to_vec();
        let v1 = 10 + dict.len() + 1 < 65536;
        let pre = if v1 { 10 } else { 12 };
        let total = (pre + dict.len() + 1).div_ceil(64) * 64;
        let hlen = total - pre;
        if v1 {
            out.extend_from_slice(&[1, 0]);
            out.extend_from_slice(&(hlen as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&[2, 0]);
            out.extend_from_slice(&(hlen as u32).to_le_bytes());
        }
        out.extend_from_slice(dict.as_bytes());
        out.resize(total - 1, b' ');
        out.push(b'\n');
        out
    }
}

fn dict_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let k = format!("'{key}'");
    let i = text.find(&k)? + k.len();
    let rest = text[i..].trim_start().strip_prefix(':')?;
    Some(rest.trim_start())
}

/// Does the file's descriptor hold `A`? `=`/`<` mean little-endian here; `|` for one-byte types.
pub fn descr_matches<A: Element>(descr: &str) -> bool {
    let want = A::DESCR;
    descr == want
        || descr.get(1..) == want.get(1..) && matches!(descr.as_bytes()[0], b'<' | b'=' | b'|')
}

/// Read a whole `.npy` file as an array of `A`. A different dtype is an error naming both.
pub fn read_npy<A: Element>(path: impl AsRef<Path>) -> Result<ArrayD<A>> {
    let path = path.as_ref();
    let mut f = std::fs::File::open(path).map_err(|e| err(path, e.to_string()))?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .map_err(|e| err(path, e.to_string()))?;
    decode_npy(&bytes, path)
}

/// Decode the bytes of a whole `.npy` file; `path` names it in errors (for an `.npz` member it is
/// `archive.npz/name.npy`).
pub fn decode_npy<A: Element>(bytes: &[u8], path: &Path) -> Result<ArrayD<A>> {
    let h = NpyHeader::parse(bytes, path)?;
    if !descr_matches::<A>(&h.descr) {
        return Err(err(
            path,
            format!(
                "data type mismatch: the file holds '{}' but '{}' ({}) was requested",
                h.descr,
                A::DESCR,
                A::DTYPE
            ),
        ));
    }
    let n = crate::error::checked_size(&h.shape, std::mem::size_of::<A>(), "the .npy contents")?;
    let sz = std::mem::size_of::<A>();
    let data = &bytes[h.data_offset..];
    if data.len() < n * sz {
        return Err(err(
            path,
            format!(
                "file is truncated: expected {} data bytes, found {}",
                n * sz,
                data.len()
            ),
        ));
    }
    let v: Vec<A> = data[..n * sz]
        .chunks_exact(sz)
        .map(A::from_le_slice)
        .collect();
    let shape = IxDyn(&h.shape);
    let arr = if h.fortran_order {
        ArrayD::from_shape_vec(shape.f(), v)
    } else {
        ArrayD::from_shape_vec(shape, v)
    };
    arr.map_err(|e| err(path, e.to_string()))
}

/// The bytes of a C-order `.npy` file holding `a` (header + data).
pub fn encode_npy<A: Element, S: Data<Elem = A>, D: Dimension>(a: &ArrayBase<S, D>) -> Vec<u8> {
    let mut out = NpyHeader::encode(A::DESCR, false, a.shape());
    out.reserve(a.len() * std::mem::size_of::<A>());
    for &x in a.iter() {
        x.to_le_bytes_vec(&mut out);
    }
    out
}

/// Write any array as a C-order `.npy` file.
pub fn write_npy<A: Element, S: Data<Elem = A>, D: Dimension>(
    path: impl AsRef<Path>,
    a: &ArrayBase<S, D>,
) -> Result<()> {
    let path = path.as_ref();
    let mut w = NpyWriter::create(path, A::DESCR, a.shape())?;
    let mut buf = Vec::with_capacity(1 << 16);
    for &x in a.iter() {
        x.to_le_bytes_vec(&mut buf);
        if buf.len() >= 1 << 16 {
            w.write_raw(&buf)?;
            buf.clear();
        }
    }
    w.write_raw(&buf)?;
    w.finish()
}

/// Streaming writer: header first, then data appended in C order (used by `Chunked::store`).
pub struct NpyWriter {
    file: std::io::BufWriter<std::fs::File>,
    path: std::path::PathBuf,
}

impl NpyWriter {
    pub fn create(path: &Path, descr: &str, shape: &[usize]) -> Result<NpyWriter> {
        let f = std::fs::File::create(path).map_err(|e| err(path, e.to_string()))?;
        let mut file = std::io::BufWriter::new(f);
        file.write_all(&NpyHeader::encode(descr, false, shape))
            .map_err(|e| err(path, e.to_string()))?;
        Ok(NpyWriter {
            file,
            path: path.to_path_buf(),
        })
    }
    pub fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(|e| err(&self.path, e.to_string()))
    }
    pub fn finish(mut self) -> Result<()> {
        self.file
            .flush()
            .map_err(|e| err(&self.path, e.to_string()))
    }
}
