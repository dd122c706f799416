//! Where a running cell's output goes in the kernel: iopub messages (and stdin
//! questions), parented to the `execute_request` that produced them.

use std::sync::Arc;

use accel_magics::{MimeBundle, Sink, StreamName};
use jupyter_protocol::{DisplayData, JupyterMessage, Media, Transient, UpdateDisplayData};
use serde_json::Value;

use super::iopub::{Iopub, IopubEvent};
use super::stdin::Stdin;

pub struct KernelSink {
    pub parent: Arc<JupyterMessage>,
    pub iopub: Iopub,
    pub stdin: Stdin,
    /// `silent` requests publish nothing (messaging spec: no output on iopub).
    pub silent: bool,
    pub allow_stdin: bool,
}

pub fn media(bundle: MimeBundle) -> Media {
    serde_json::from_value(Value::Object(bundle)).unwrap_or_default()
}

impl Sink for KernelSink {
    fn stream(&self, name: StreamName, text: &str) {
        if self.silent || text.is_empty() {
            return;
        }
        self.iopub.stream_blocking(&self.parent, name, text);
    }

    fn display(&self, data: MimeBundle, display_id: Option<&str>, update: bool) {
        if self.silent {
            return;
        }
        let transient = Transient {
            display_id: display_id.map(str::to_string),
        };
        let msg = if update {
            let Some(_) = display_id else {
                eprintln!("accel: update_display_data without a display id; ignored");
                return;
            };
            let content = UpdateDisplayData {
                data: media(data),
                metadata: Default::default(),
                transient,
            };
            super::child(content, &self.parent)
        } else {
            let content = DisplayData {
                data: media(data),
                metadata: Default::default(),
                // Always an object: `"transient": null` breaks the message schema.
                transient: Some(transient),
            };
            super::child(content, &self.parent)
        };
        self.iopub.send_blocking(IopubEvent::Msg(msg));
    }

    fn input(&self, prompt: &str, password: bool) -> Option<String> {
        if !self.allow_stdin {
            return None;
        }
        // Output printed before the question must reach the frontend first.
        self.iopub.flush_blocking();
        self.stdin.ask_blocking(&self.parent, prompt, password)
    }
}

/// Swallows everything: `user_expressions` are evaluated for their value only.
pub struct NullSink;

impl Sink for NullSink {
    fn stream(&self, _name: StreamName, _text: &str) {}
    fn display(&self, _data: MimeBundle, _display_id: Option<&str>, _update: bool) {}
    fn input(&self, _prompt: &str, _password: bool) -> Option<String> {
        None
    }
}
