//! nbformat 4 on disk, read and written the way the `nbformat` Python package does:
//! multiline strings split into lists of lines (`str.splitlines(True)`), one-space
//! indentation, sorted keys, non-ASCII kept as is, trailing newline. A notebook
//! written here diffs cleanly against one written by nbconvert.

use anyhow::{bail, Context};
use serde_json::{Map, Value};

/// A notebook kept as JSON, so fields accel does not know survive untouched.
pub struct Notebook(pub Value);

impl Notebook {
    pub fn parse(text: &str) -> anyhow::Result<Notebook> {
        let nb: Value = serde_json::from_str(text).context("the notebook is not valid JSON")?;
        match nb.get("nbformat").and_then(Value::as_u64) {
            Some(4) => {}
            Some(v) => bail!("nbformat {v} is not supported (accel reads nbformat 4)"),
            None => bail!("not a notebook: no `nbformat` field"),
        }
        if !nb.get("cells").is_some_and(Value::is_array) {
            bail!("not a notebook: no `cells` list");
        }
        Ok(Notebook(nb))
    }

    pub fn cells_mut(&mut self) -> &mut Vec<Value> {
        self.0["cells"].as_array_mut().expect("checked in parse")
    }

    pub fn set_language_info(&mut self, info: Value) {
        if !self.0.get("metadata").is_some_and(Value::is_object) {
            self.0["metadata"] = Value::Object(Map::new());
        }
        self.0["metadata"]["language_info"] = info;
    }

    pub fn to_nbformat_string(&self) -> String {
        let mut nb = self.0.clone();
        split_lines(&mut nb);
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        serde::Serialize::serialize(&nb, &mut ser).expect("JSON values always serialize");
        // serde_json's Map is ordered by key (no preserve_order), like sort_keys=True.
        String::from_utf8(out).expect("serde_json writes UTF-8") + "\n"
    }
}

/// A cell's source (string or list of strings) as one string.
pub fn joined(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// nbformat.v4.rwbase.split_lines.
fn split_lines(nb: &mut Value) {
    let Some(cells) = nb.get_mut("cells").and_then(Value::as_array_mut) else {
        return;
    };
    for cell in cells {
        if let Some(src) = cell.get_mut("source") {
            split_string(src);
        }
        let kind = cell
            .get("cell_type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if kind == "code" {
            let Some(outputs) = cell.get_mut("outputs").and_then(Value::as_array_mut) else {
                continue;
            };
            for out in outputs {
                match out.get("output_type").and_then(Value::as_str) {
                    Some("execute_result" | "display_data") => {
                        if let Some(data) = out.get_mut("data") {
                            split_bundle(data)
                        }
                    }
                    Some("stream") => {
                        if let Some(text) = out.get_mut("text") {
                            split_string(text)
                        }
                    }
                    _ => {}
                }
            }
        } else if let Some(attachments) = cell.get_mut("attachments").and_then(Value::as_object_mut)
        {
            for bundle in attachments.values_mut() {
                split_bundle(bundle);
            }
        }
    }
}

fn split_bundle(bundle: &mut Value) {
    let Some(map) = bundle.as_object_mut() else {
        return;
    };
    for (mime, value) in map.iter_mut() {
        if mime.starts_with("text/") || mime == "application/javascript" || mime == "image/svg+xml"
        {
            split_string(value);
        }
    }
}

fn split_string(v: &mut Value) {
    if let Value::String(s) = v {
        *v = Value::Array(
            splitlines_keepends(s)
                .into_iter()
                .map(Value::String)
                .collect(),
        );
    }
}

/// Python's `str.splitlines(True)`.
pub fn splitlines_keepends(s: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        cur.push(c);
        let is_break = match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    cur.push(chars.next().unwrap());
                }
                true
            }
            '\n' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}'
            | '\u{2029}' => true,
            _ => false,
        };
        if is_break {
            lines.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitlines_like_python() {
        assert_eq!(splitlines_keepends("a\nb"), vec!["a\n", "b"]);
        assert_eq!(splitlines_keepends("a\r\nb\n"), vec!["a\r\n", "b\n"]);
        assert!(splitlines_keepends("").is_empty());
    }

    #[test]
    fn writes_like_nbformat() {
        let nb = Notebook::parse(
            r#"{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[
            {"cell_type":"code","id":"x","metadata":{},"source":"a\nb","outputs":[
              {"output_type":"stream","name":"stdout","text":"1\n2\n"}],"execution_count":1}]}"#,
        )
        .unwrap();
        let text = nb.to_nbformat_string();
        assert!(
            text.starts_with("{\n \"cells\": [\n  {\n   \"cell_type\": \"code\""),
            "{text}"
        );
        assert!(
            text.contains("\"source\": [\n    \"a\\n\",\n    \"b\"\n   ]"),
            "{text}"
        );
        assert!(text.ends_with("}\n"));
    }
}
