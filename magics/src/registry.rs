//! The list of magics: names, whether they work as `%line` and/or `%%cell`, one-line summaries
//! (from their clap parsers), `%lsmagic`, and the "did you mean" for unknown names.

use clap::CommandFactory;

use crate::args;
use crate::tier::CellError;

#[derive(Debug, Clone, Copy)]
pub struct MagicSpec {
    pub name: &'static str,
    pub line: bool,
    pub cell: bool,
    /// Builds the magic's clap command (for its summary and options).
    pub command: fn() -> clap::Command,
}

impl MagicSpec {
    /// The first line of the clap `about`.
    pub fn summary(&self) -> String {
        (self.command)()
            .get_about()
            .map(|a| a.to_string())
            .unwrap_or_default()
    }
}

fn cmd<T: CommandFactory>() -> clap::Command {
    T::command()
}

/// Every magic accel knows, sorted by name.
pub const MAGICS: &[MagicSpec] = &[
    MagicSpec {
        name: "annotate",
        line: true,
        cell: false,
        command: cmd::<args::AnnotateArgs>,
    },
    MagicSpec {
        name: "jit",
        line: false,
        cell: true,
        command: cmd::<args::JitArgs>,
    },
    MagicSpec {
        name: "lsmagic",
        line: true,
        cell: false,
        command: cmd::<args::LsmagicArgs>,
    },
    MagicSpec {
        name: "rust",
        line: false,
        cell: true,
        command: cmd::<args::RustArgs>,
    },
    MagicSpec {
        name: "time",
        line: true,
        cell: true,
        command: cmd::<args::TimeArgs>,
    },
    MagicSpec {
        name: "timeit",
        line: true,
        cell: true,
        command: cmd::<args::TimeitArgs>,
    },
    MagicSpec {
        name: "who",
        line: true,
        cell: false,
        command: cmd::<args::WhoArgs>,
    },
];

/// The magic `name` as a line magic (`cell == false`) or a cell magic.
pub fn lookup(name: &str, cell: bool) -> Option<&'static MagicSpec> {
    MAGICS
        .iter()
        .find(|m| m.name == name && if cell { m.cell } else { m.line })
}

pub fn is_magic_name(name: &str) -> bool {
    MAGICS.iter().any(|m| m.name == name)
}

/// Names with their prefix as the user types them: `%timeit`, `%%timeit`, ...
pub fn prefixed_names() -> Vec<String> {
    let mut out = Vec::new();
    for m in MAGICS {
        if m.line {
            out.push(format!("%{}", m.name));
        }
        if m.cell {
            out.push(format!("%%{}", m.name));
        }
    }
    out
}

/// The error for an unknown magic, naming it and suggesting the closest known one
/// (IPython's text: "Line magic function `%x` not found.").
pub fn unknown(name: &str, cell: bool) -> CellError {
    let (kind, sigil) = if cell {
        ("Cell magic", "%%")
    } else {
        ("Line magic function", "%")
    };
    let mut msg = format!("{kind} `{sigil}{name}` not found.");
    match closest(name, cell) {
        Some(s) => msg.push_str(&format!(" Did you mean `{s}`?")),
        None => msg.push_str(" `%lsmagic` lists the magics."),
    }
    // A line magic that exists as a cell magic (or the reverse) is a common slip: say so.
    if lookup(name, !cell).is_some() && lookup(name, cell).is_none() {
        let other = if cell {
            format!("%{name}")
        } else {
            format!("%%{name}")
        };
        let where_ = if cell {
            "a line magic"
        } else {
            "a cell magic, on the first line of a cell"
        };
        msg = format!("{kind} `{sigil}{name}` not found: `{other}` exists as {where_}.");
    }
    CellError::new("UsageError", msg)
}

/// The closest magic name, with its sigil, by Jaro-Winkler similarity over names of the same
/// kind first (then of any kind).
pub fn closest(name: &str, cell: bool) -> Option<String> {
    let score = |m: &MagicSpec| strsim::jaro_winkler(name, m.name);
    let same_kind = MAGICS.iter().filter(|m| if cell { m.cell } else { m.line });
    let best = same_kind.max_by(|a, b| score(a).total_cmp(&score(b)))?;
    let sigil = if cell { "%%" } else { "%" };
    (score(best) > 0.5).then(|| format!("{sigil}{}", best.name))
}

/// `%lsmagic`: every magic with its one-line summary.
pub fn lsmagic() -> String {
    let width = MAGICS.iter().map(|m| m.name.len()).max().unwrap_or(0) + 2;
    let mut out = String::from("Available line magics:\n");
    for m in MAGICS.iter().filter(|m| m.line) {
        out.push_str(&format!("%{:<width$} {}\n", m.name, m.summary()));
    }
    out.push_str("\nAvailable cell magics:\n");
    for m in MAGICS.iter().filter(|m| m.cell) {
        out.push_str(&format!(
            "%%{:<w$} {}\n",
            m.name,
            m.summary(),
            w = width - 1
        ));
    }
    out.push_str(
        "\nEvery magic takes --help. evcxr commands (:dep, :vars, :help ...) go to the rustc tier.",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        let names: Vec<_> = MAGICS.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn lookup_respects_kind() {
        assert!(lookup("timeit", false).is_some() && lookup("timeit", true).is_some());
        assert!(lookup("jit", true).is_some() && lookup("jit", false).is_none());
        assert!(lookup("annotate", true).is_none());
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("timit", false).as_deref(), Some("%timeit"));
        assert_eq!(closest("tiemit", true).as_deref(), Some("%%timeit"));
        assert_eq!(closest("jitt", true).as_deref(), Some("%%jit"));
        assert_eq!(closest("lsmagics", false).as_deref(), Some("%lsmagic"));
        assert_eq!(closest("annotat", false).as_deref(), Some("%annotate"));
        let e = unknown("timit", false);
        assert_eq!(e.ename, "UsageError");
        assert_eq!(
            e.evalue,
            "Line magic function `%timit` not found. Did you mean `%timeit`?"
        );
        let e = unknown("jit", false);
        assert_eq!(e.evalue, "Line magic function `%jit` not found: `%%jit` exists as a cell magic, on the first line of a cell.");
        let e = unknown("qqqqqqqq", true);
        assert_eq!(
            e.evalue,
            "Cell magic `%%qqqqqqqq` not found. `%lsmagic` lists the magics."
        );
    }

    #[test]
    fn lsmagic_lists_every_magic_once_per_kind() {
        let text = lsmagic();
        for m in MAGICS {
            if m.line {
                assert_eq!(
                    text.lines()
                        .filter(|l| l.starts_with(&format!("%{} ", m.name)))
                        .count(),
                    1,
                    "{text}"
                );
            }
            if m.cell {
                assert_eq!(
                    text.lines()
                        .filter(|l| l.starts_with(&format!("%%{} ", m.name)))
                        .count(),
                    1,
                    "{text}"
                );
            }
            assert!(!m.summary().is_empty(), "{} has no summary", m.name);
        }
        assert!(text.contains("%timeit     Time a Rust statement"), "{text}");
        assert!(text.contains("%%timeit    Time a Rust statement"), "{text}");
        assert_eq!(prefixed_names().len(), 9);
    }
}
