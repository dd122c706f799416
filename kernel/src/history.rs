//! This session's input history, kept in memory, answered the way IPython's
//! history manager answers `history_request` (tail, range, glob search).

use jupyter_protocol::HistoryEntry;

/// The session number entries report (IPython numbers sessions from 1).
pub const SESSION: usize = 1;

#[derive(Default)]
pub struct History {
    entries: Vec<Entry>,
}

struct Entry {
    line: usize,
    input: String,
    /// `text/plain` of the cell's value, if it had one.
    output: Option<String>,
}

impl History {
    pub fn record(&mut self, line: usize, input: &str, output: Option<String>) {
        self.entries.push(Entry {
            line,
            input: input.to_string(),
            output,
        });
    }

    /// The last `n` cells (all when `n <= 0`).
    pub fn tail(&self, n: i32, output: bool) -> Vec<HistoryEntry> {
        let skip = if n <= 0 {
            0
        } else {
            self.entries.len().saturating_sub(n as usize)
        };
        self.entries[skip..]
            .iter()
            .map(|e| e.to_wire(output))
            .collect()
    }

    /// Lines `start <= line < stop` (`stop <= 0`: to the end). Session 0 or
    /// `SESSION` mean this session; other sessions have no history here.
    pub fn range(
        &self,
        session: Option<i32>,
        start: i32,
        stop: i32,
        output: bool,
    ) -> Vec<HistoryEntry> {
        if !matches!(session, None | Some(0)) && session != Some(SESSION as i32) {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter(|e| {
                e.line as i64 >= start as i64 && (stop <= 0 || (e.line as i64) < stop as i64)
            })
            .map(|e| e.to_wire(output))
            .collect()
    }

    /// Inputs matching the glob `pattern` (SQLite GLOB, as IPython uses), oldest
    /// first; the last `n` of them when `n > 0`; the latest of each input when `unique`.
    pub fn search(&self, pattern: &str, unique: bool, n: i32, output: bool) -> Vec<HistoryEntry> {
        let pattern: Vec<char> = pattern.chars().collect();
        let mut hits: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| glob(&pattern, &e.input.chars().collect::<Vec<_>>()))
            .collect();
        if unique {
            let mut seen = std::collections::HashSet::new();
            let mut kept: Vec<&Entry> = hits
                .into_iter()
                .rev()
                .filter(|e| seen.insert(&e.input))
                .collect();
            kept.reverse();
            hits = kept;
        }
        if n > 0 && hits.len() > n as usize {
            hits.drain(..hits.len() - n as usize);
        }
        hits.into_iter().map(|e| e.to_wire(output)).collect()
    }
}

impl Entry {
    fn to_wire(&self, output: bool) -> HistoryEntry {
        if output {
            let out = self.output.clone().unwrap_or_default();
            HistoryEntry::InputOutput(SESSION, self.line, (self.input.clone(), out))
        } else {
            HistoryEntry::Input(SESSION, self.line, self.input.clone())
        }
    }
}

/// GLOB: `*` any run, `?` one char, `[abc]` / `[a-z]` / `[^a]` classes; case-sensitive.
fn glob(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') => (0..=s.len()).any(|i| glob(&p[1..], &s[i..])),
        Some('?') => !s.is_empty() && glob(&p[1..], &s[1..]),
        Some('[') => {
            let Some(close) = p.iter().skip(2).position(|&c| c == ']').map(|i| i + 2) else {
                return s.first() == Some(&'[') && glob(&p[1..], &s[1..]);
            };
            let Some(&c) = s.first() else { return false };
            let mut class = &p[1..close];
            let negate = class.first() == Some(&'^');
            if negate {
                class = &class[1..];
            }
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == '-' {
                    hit |= class[i] <= c && c <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == c;
                    i += 1;
                }
            }
            hit != negate && glob(&p[close + 1..], &s[1..])
        }
        Some(&c) => s.first() == Some(&c) && glob(&p[1..], &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(p: &str, s: &str) -> bool {
        glob(
            &p.chars().collect::<Vec<_>>(),
            &s.chars().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn glob_like_sqlite() {
        assert!(g("1?2*", "1+2"));
        assert!(g("1?2*", "1+23"));
        assert!(!g("1?2*", "12"));
        assert!(g("*foo*", "let foo = 1;"));
        assert!(!g("foo", "let foo"));
        assert!(g("[a-c]x", "bx"));
        assert!(!g("[^a-c]x", "bx"));
    }

    #[test]
    fn tail_range_search() {
        let mut h = History::default();
        h.record(1, "let a = 1;", None);
        h.record(2, "a + 1", Some("2".into()));
        h.record(3, "a + 1", Some("2".into()));
        assert_eq!(h.tail(2, false).len(), 2);
        assert_eq!(h.tail(0, false).len(), 3);
        assert_eq!(h.range(Some(0), 2, 3, false).len(), 1);
        assert_eq!(h.search("a +*", false, 0, false).len(), 2);
        assert_eq!(h.search("a +*", true, 0, false).len(), 1);
        match &h.tail(1, true)[0] {
            HistoryEntry::InputOutput(_, 3, (i, o)) => {
                assert_eq!((i.as_str(), o.as_str()), ("a + 1", "2"))
            }
            other => panic!("{other:?}"),
        }
    }
}
