//! Outputs of a headless run, collected the way nbclient builds `cell.outputs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use accel_magics::{progress_bundle, MimeBundle, Progress, Sink, StreamName};
use serde_json::{json, Value};
use std::io::Write;

#[derive(Default)]
pub struct Outputs {
    cells: HashMap<usize, Vec<Value>>,
    /// display id -> (cell, output index) of every output showing it.
    displays: HashMap<String, Vec<(usize, usize)>>,
}

impl Outputs {
    /// A cell (re)starts: no outputs, and its old display ids are forgotten.
    pub fn start_cell(&mut self, cell: usize) {
        self.cells.insert(cell, Vec::new());
        for places in self.displays.values_mut() {
            places.retain(|(c, _)| *c != cell);
        }
    }

    pub fn push(&mut self, cell: usize, output: Value) {
        self.cells.entry(cell).or_default().push(output);
    }

    /// Consecutive text on the same stream becomes one output, as in nbclient.
    pub fn stream(&mut self, cell: usize, name: StreamName, text: &str) {
        let outs = self.cells.entry(cell).or_default();
        if let Some(last) = outs.last_mut() {
            if last["output_type"] == "stream" && last["name"] == name.as_str() {
                if let Some(Value::String(prev)) = last.get_mut("text") {
                    prev.push_str(text);
                    return;
                }
            }
        }
        outs.push(json!({"output_type": "stream", "name": name.as_str(), "text": text}));
    }

    pub fn display(
        &mut self,
        cell: usize,
        data: MimeBundle,
        display_id: Option<&str>,
        update: bool,
    ) {
        if let Some(id) = display_id {
            // Every output already showing this id takes the new data (nbclient's _update_display_id).
            for &(c, i) in self.displays.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(out) = self.cells.get_mut(&c).and_then(|o| o.get_mut(i)) {
                    out["data"] = Value::Object(data.clone());
                    out["metadata"] = json!({});
                }
            }
        }
        if update {
            return;
        }
        let outs = self.cells.entry(cell).or_default();
        if let Some(id) = display_id {
            self.displays
                .entry(id.to_string())
                .or_default()
                .push((cell, outs.len()));
        }
        outs.push(json!({"output_type": "display_data", "data": data, "metadata": {}}));
    }

    pub fn cell(&self, cell: usize) -> Vec<Value> {
        self.cells.get(&cell).cloned().unwrap_or_default()
    }

    pub fn take_all(&mut self) -> Vec<(usize, Vec<Value>)> {
        self.cells.drain().collect()
    }
}

pub struct RunSink {
    pub outputs: Arc<Mutex<Outputs>>,
    pub cell: usize,
}

impl Sink for RunSink {
    fn stream(&self, name: StreamName, text: &str) {
        if !text.is_empty() {
            self.outputs.lock().unwrap().stream(self.cell, name, text);
        }
    }

    fn display(&self, data: MimeBundle, display_id: Option<&str>, update: bool) {
        self.outputs
            .lock()
            .unwrap()
            .display(self.cell, data, display_id, update);
    }

    /// The notebook keeps the bar's last state (one display, updated); the terminal gets the
    /// text bar redrawn in place on stderr.
    fn progress(&self, display_id: &str, first: bool, progress: &Progress) {
        self.display(progress_bundle(progress), Some(display_id), !first);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}", progress.text());
        if progress.finished {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }

    /// nbclient executes with allow_stdin=False: there is nobody to ask.
    fn input(&self, _prompt: &str, _password: bool) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_merge_and_displays_update() {
        let mut o = Outputs::default();
        o.start_cell(0);
        o.stream(0, StreamName::Stdout, "a\n");
        o.stream(0, StreamName::Stdout, "b\n");
        o.stream(0, StreamName::Stderr, "e\n");
        o.stream(0, StreamName::Stdout, "c\n");
        let mut d = MimeBundle::new();
        d.insert("text/plain".into(), json!("1"));
        o.display(0, d.clone(), Some("p"), false);
        o.start_cell(1);
        d.insert("text/plain".into(), json!("2"));
        o.display(1, d, Some("p"), true);
        let outs = o.cell(0);
        assert_eq!(outs.len(), 4);
        assert_eq!(outs[0]["text"], "a\nb\n");
        assert_eq!(outs[3]["data"]["text/plain"], "2");
        assert!(o.cell(1).is_empty());
    }
}
