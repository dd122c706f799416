//! How generated rustc-tier cells hand raw numbers back: they print one line starting with a tag
//! (a control character no user output starts with), and `TagSink` takes that line out of the
//! stream while everything else flows through as it is produced.
//!
//! Printing beats returning a value: a cell with a trailing value costs evcxr a second compile
//! (it first tries `.evcxr_display()`, then falls back to `{:?}`).

use std::sync::Mutex;

use crate::tier::{MimeBundle, Sink, StreamName};

/// Every tag starts with this, so a partial line that does not is forwarded at once.
pub const TAG_START: char = '\u{1}';

pub struct TagSink<'a> {
    inner: &'a dyn Sink,
    tag: &'static str,
    /// An unfinished stdout line that may turn out to be tagged.
    pending: Mutex<String>,
    /// What followed the tag on each captured line.
    captured: Mutex<Vec<String>>,
}

impl<'a> TagSink<'a> {
    pub fn new(inner: &'a dyn Sink, tag: &'static str) -> Self {
        debug_assert!(tag.starts_with(TAG_START));
        TagSink {
            inner,
            tag,
            pending: Mutex::new(String::new()),
            captured: Mutex::new(Vec::new()),
        }
    }

    /// Forward what is held back and return the captured lines (tag removed).
    pub fn finish(&self) -> Vec<String> {
        let rest = std::mem::take(&mut *self.pending.lock().unwrap());
        if let Some(payload) = rest.strip_prefix(self.tag) {
            self.captured
                .lock()
                .unwrap()
                .push(payload.trim().to_string());
        } else if !rest.is_empty() {
            self.inner.stream(StreamName::Stdout, &rest);
        }
        std::mem::take(&mut *self.captured.lock().unwrap())
    }
}

impl Sink for TagSink<'_> {
    fn stream(&self, name: StreamName, text: &str) {
        if name != StreamName::Stdout {
            return self.inner.stream(name, text);
        }
        let mut pending = self.pending.lock().unwrap();
        pending.push_str(text);
        let mut out = String::new();
        while let Some(nl) = pending.find('\n') {
            let line: String = pending.drain(..=nl).collect();
            match line.strip_prefix(self.tag) {
                Some(payload) => self
                    .captured
                    .lock()
                    .unwrap()
                    .push(payload.trim().to_string()),
                None => out.push_str(&line),
            }
        }
        // Hold back an unfinished line only while it could still be the tag.
        let could_be_tag = self.tag.starts_with(pending.as_str()) || pending.starts_with(self.tag);
        if !pending.is_empty() && !could_be_tag {
            out.push_str(&std::mem::take(&mut *pending));
        }
        drop(pending);
        if !out.is_empty() {
            self.inner.stream(StreamName::Stdout, &out);
        }
    }

    fn display(&self, data: MimeBundle, display_id: Option<&str>, update: bool) {
        self.inner.display(data, display_id, update)
    }

    fn input(&self, prompt: &str, password: bool) -> Option<String> {
        self.inner.input(prompt, password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Rec(Mutex<Vec<(StreamName, String)>>);
    impl Sink for Rec {
        fn stream(&self, name: StreamName, text: &str) {
            self.0.lock().unwrap().push((name, text.to_string()));
        }
        fn display(&self, _: MimeBundle, _: Option<&str>, _: bool) {}
        fn input(&self, _: &str, _: bool) -> Option<String> {
            None
        }
    }

    const TAG: &str = "\u{1}TEST";

    #[test]
    fn tagged_lines_are_taken_out_even_when_split() {
        let rec = Rec::default();
        let sink = TagSink::new(&rec, TAG);
        sink.stream(StreamName::Stdout, "hello\n\u{1}TE");
        sink.stream(StreamName::Stdout, "ST 1 2 3\nbye");
        sink.stream(StreamName::Stderr, "warn\n");
        assert_eq!(sink.finish(), vec!["1 2 3"]);
        let got = rec.0.lock().unwrap().clone();
        assert_eq!(
            got,
            vec![
                (StreamName::Stdout, "hello\n".to_string()),
                (StreamName::Stdout, "bye".to_string()),
                (StreamName::Stderr, "warn\n".to_string()),
            ]
        );
    }

    #[test]
    fn output_is_not_delayed() {
        let rec = Rec::default();
        let sink = TagSink::new(&rec, TAG);
        sink.stream(StreamName::Stdout, "progress 10%");
        // Forwarded right away: it cannot become the tag.
        assert_eq!(rec.0.lock().unwrap().len(), 1);
        sink.stream(StreamName::Stdout, "\u{1}TEST 9");
        assert_eq!(sink.finish(), vec!["9"]);
        assert_eq!(rec.0.lock().unwrap().len(), 1);
    }
}
