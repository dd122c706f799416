//! What the kernel says about itself (`kernel_info_reply`); `accel run` writes the
//! same `language_info` into the notebooks it executes, as nbclient does.

use jupyter_protocol::{CodeMirrorMode, HelpLink, KernelInfoReply, LanguageInfo, ReplyStatus};

pub const RUST_VERSION: &str = env!("ACCEL_RUSTC_VERSION");
/// The README of the tree this binary was built from (there is no published URL yet).
pub const README_URL: &str = concat!("file://", env!("CARGO_MANIFEST_DIR"), "/../README.md");

pub fn language_info() -> LanguageInfo {
    LanguageInfo {
        name: "rust".into(),
        version: RUST_VERSION.into(),
        mimetype: Some("text/rust".into()),
        file_extension: Some(".rs".into()),
        pygments_lexer: Some("rust".into()),
        codemirror_mode: Some(CodeMirrorMode::Simple("rust".into())),
        nbconvert_exporter: None,
    }
}

pub fn kernel_info() -> KernelInfoReply {
    KernelInfoReply {
        status: ReplyStatus::Ok,
        protocol_version: super::PROTOCOL_VERSION.into(),
        implementation: "accel".into(),
        implementation_version: env!("CARGO_PKG_VERSION").into(),
        language_info: language_info(),
        banner: format!(
            "accel {} — Rust notebooks for array computing (rustc {})",
            env!("CARGO_PKG_VERSION"),
            RUST_VERSION
        ),
        help_links: vec![
            HelpLink {
                text: "Rust standard library".into(),
                url: "https://doc.rust-lang.org/std/".into(),
            },
            HelpLink {
                text: "The Rust Book".into(),
                url: "https://doc.rust-lang.org/book/".into(),
            },
            HelpLink {
                text: "accel README".into(),
                url: README_URL.into(),
            },
        ],
        debugger: false,
        error: None,
    }
}
