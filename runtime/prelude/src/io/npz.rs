//! `.npz`: numpy's `savez` / `savez_compressed` archive — a zip file whose members are `.npy`
//! files named `<key>.npy`. Members may hold different dtypes, so reading goes through
//! [`NpzReader`] (open once, read each key as the type it holds); [`read_npz`] is the shortcut
//! for archives whose members all share one dtype. Errors name the archive and the member
//! (`data.npz/a.npy: data type mismatch …`).

use super::npy::{decode_npy, encode_npy, NpyHeader};
use crate::dense::element::Element;
use crate::error::{ArrayError, Result};
use ndarray::{ArrayBase, ArrayD, ArrayViewD, Data, Dimension};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

fn err(path: &Path, msg: impl Into<String>) -> ArrayError {
    ArrayError::Npy {
        path: path.display().to_string(),
        msg: msg.into(),
    }
}

/// An open `.npz` archive.
pub struct NpzReader {
    path: PathBuf,
    zip: zip::ZipArchive<BufReader<File>>,
    /// Keys in archive order (member names without `.npy`), as `np.load(...).files` lists them.
    keys: Vec<String>,
}

impl NpzReader {
    pub fn open(path: impl AsRef<Path>) -> Result<NpzReader> {
        let path = path.as_ref().to_path_buf();
        let f = File::open(&path).map_err(|e| err(&path, e.to_string()))?;
        let zip = zip::ZipArchive::new(BufReader::new(f)).map_err(|e| {
            err(
                &path,
                format!("not a .npz file (zip archive unreadable: {e})"),
            )
        })?;
        let mut keys = Vec::with_capacity(zip.len());
        for i in 0..zip.len() {
            // names in the central directory; reading each entry's header would also work but costs a seek
            let name = zip.name_for_index(i).unwrap_or_default();
            keys.push(name.strip_suffix(".npy").unwrap_or(name).to_string());
        }
        Ok(NpzReader { path, zip, keys })
    }

    /// numpy's `NpzFile.files`: the keys, in archive order.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    fn member_bytes(&mut self, key: &str) -> Result<(Vec<u8>, PathBuf)> {
        let index = self.keys.iter().position(|k| k == key).ok_or_else(|| {
            err(
                &self.path,
                format!(
                    "{key} is not a file in the archive (it holds: {})",
                    self.keys.join(", ")
                ),
            )
        })?;
        let mut entry = self
            .zip
            .by_index(index)
            .map_err(|e| err(&self.path, e.to_string()))?;
        let label = self.path.join(entry.name());
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| err(&label, format!("corrupt archive member: {e}")))?;
        Ok((bytes, label))
    }

    /// The array stored under `key` (numpy's `npz[key]`), which must hold `A`.
    pub fn read<A: Element>(&mut self, key: &str) -> Result<ArrayD<A>> {
        let (bytes, label) = self.member_bytes(key)?;
        decode_npy(&bytes, &label)
    }

    /// The `.npy` header of `key`: dtype descriptor and shape, without decoding the data.
    pub fn header(&mut self, key: &str) -> Result<NpyHeader> {
        let (bytes, label) = self.member_bytes(key)?;
        NpyHeader::parse(&bytes, &label)
    }
}

/// Every array of an archive whose members all hold `A`, in archive order.
pub fn read_npz<A: Element>(path: impl AsRef<Path>) -> Result<Vec<(String, ArrayD<A>)>> {
    let mut r = NpzReader::open(path)?;
    let keys = r.keys().to_vec();
    keys.into_iter()
        .map(|k| r.read(&k).map(|a| (k, a)))
        .collect()
}

/// Writes an archive member by member (`np.savez(path, a=…, b=…)`); members may differ in dtype.
pub struct NpzWriter {
    path: PathBuf,
    zip: zip::ZipWriter<BufWriter<File>>,
    method: zip::CompressionMethod,
}

impl NpzWriter {
    /// `compressed`: deflate members like `np.savez_compressed`; otherwise store them like `np.savez`.
    pub fn create(path: impl AsRef<Path>, compressed: bool) -> Result<NpzWriter> {
        let path = path.as_ref().to_path_buf();
        let f = File::create(&path).map_err(|e| err(&path, e.to_string()))?;
        let method = if compressed {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        Ok(NpzWriter {
            path,
            zip: zip::ZipWriter::new(BufWriter::new(f)),
            method,
        })
    }

    pub fn add<A: Element, S: Data<Elem = A>, D: Dimension>(
        &mut self,
        key: &str,
        a: &ArrayBase<S, D>,
    ) -> Result<()> {
        let bytes = encode_npy(a);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(self.method)
            .large_file(bytes.len() as u64 >= u32::MAX as u64);
        self.zip
            .start_file(format!("{key}.npy"), opts)
            .map_err(|e| err(&self.path, e.to_string()))?;
        self.zip
            .write_all(&bytes)
            .map_err(|e| err(&self.path, e.to_string()))
    }

    pub fn finish(self) -> Result<()> {
        let path = self.path;
        let mut w = self.zip.finish().map_err(|e| err(&path, e.to_string()))?;
        w.flush().map_err(|e| err(&path, e.to_string()))
    }
}

/// `np.savez(path, **arrays)` for arrays of one element type (uncompressed, as numpy's default).
pub fn write_npz<A: Element>(
    path: impl AsRef<Path>,
    arrays: &[(&str, ArrayViewD<'_, A>)],
) -> Result<()> {
    let mut w = NpzWriter::create(path, false)?;
    for (k, a) in arrays {
        w.add(k, a)?;
    }
    w.finish()
}
