//! What a notebook shows for an array: `text/plain` and `text/html` through [`Repr`], and evcxr's
//! `evcxr_display` protocol for the rustc tier (printed MIME blocks on stdout).

pub mod chunked_html;
pub mod dense_html;
pub mod html;
pub mod human;
pub mod sparse_html;
pub mod svg;
pub mod text;

/// The kernels' interface to every array type.
pub trait Repr {
    fn text_plain(&self) -> String;
    fn text_html(&self) -> Option<String>;

    /// evcxr's display protocol: evcxr calls `evcxr_display` on a cell's value when such a method
    /// resolves, and turns `EVCXR_BEGIN_CONTENT mime … EVCXR_END_CONTENT` blocks into a bundle.
    fn evcxr_display(&self) {
        print!("{}", evcxr_blocks(self));
    }
}

/// The text `evcxr_display` prints (separate so tests can check it).
pub fn evcxr_blocks<R: Repr + ?Sized>(r: &R) -> String {
    let mut s = format!(
        "EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT\n",
        r.text_plain()
    );
    if let Some(h) = r.text_html() {
        s.push_str(&format!(
            "EVCXR_BEGIN_CONTENT text/html\n{h}\nEVCXR_END_CONTENT\n"
        ));
    }
    s
}

/// Inherent `evcxr_display` on this crate's own types, so rustc-tier cells show rich output even
/// without the prelude's `Repr` in scope (ndarray's arrays get it through the `Repr` trait).
macro_rules! inherent_evcxr {
    ($($t:ident),*) => {$(
        impl<T: crate::sparse::SparseElem> crate::sparse::$t<T> {
            pub fn evcxr_display(&self) {
                Repr::evcxr_display(self)
            }
        }
    )*};
}
inherent_evcxr!(Coo, Csr, Csc, Dok, Sparse);

impl crate::chunked::visualize::Svg {
    pub fn evcxr_display(&self) {
        Repr::evcxr_display(self)
    }
}
